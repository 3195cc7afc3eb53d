"""Addresses under /accounts/privacy/: download your data, delete your account."""

from django.urls import path

from villagehall.privacy import views

urlpatterns = [
    path("", views.privacy_page, name="privacy"),
    path("export/", views.export_request, name="privacy_export_request"),
    path("exports/<int:export_id>/<str:token>/", views.export_download, name="privacy_export_download"),
    path("delete/", views.account_delete, name="privacy_account_delete"),
]
