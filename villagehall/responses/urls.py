"""Addresses under /<council>/responses/."""

from django.urls import path

from villagehall.responses import views

urlpatterns = [
    path("", views.notices_page, name="response_notices"),
    path("posts/<int:post_id>/", views.response_new, name="response_new"),
]
