"""Addresses under /<council>/projects/."""

from django.urls import path

from villagehall.projects import views

urlpatterns = [
    path("", views.project_directory, name="projects"),
    path("new/", views.project_new, name="project_new"),
    path("<int:project_id>/", views.project_page, name="project"),
    path("<int:project_id>/status/", views.project_status, name="project_status"),
    path("<int:project_id>/join/", views.project_join, name="project_join"),
    path("<int:project_id>/leave/", views.project_leave, name="project_leave"),
    path("<int:project_id>/needs/new/", views.need_new, name="need_new"),
    path("<int:project_id>/needs/<int:need_id>/status/", views.need_status, name="need_status"),
    path("<int:project_id>/partners/new/", views.partner_new, name="partner_new"),
    path("<int:project_id>/updates/new/", views.update_new, name="project_update_new"),
]
