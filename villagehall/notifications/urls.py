"""Addresses under /<council>/notifications/."""

from django.urls import path

from villagehall.notifications import views

urlpatterns = [
    path("", views.notifications_page, name="notifications"),
    path("read/", views.notifications_read, name="notifications_read"),
]
