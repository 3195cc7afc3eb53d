"""Addresses under /<council>/guests/: a guest's comment on a post, the emailed link that publishes
it, and the council administrator's switch."""

from django.urls import path

from villagehall.guests import setting_views, views

urlpatterns = [
    path("posts/<int:post_id>/comments/", views.guest_comment_create, name="guest_comment_create"),
    path("confirm/<str:signed>/", views.guest_comment_confirm, name="guest_comment_confirm"),
    path("setting/", setting_views.guest_comments_setting, name="guest_comments_setting"),
]
