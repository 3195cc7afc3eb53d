"""Addresses under /<council>/moderation/."""

from django.urls import path

from villagehall.moderation import views

urlpatterns = [
    path("", views.queue_page, name="moderation_queue"),
    path("report/", views.report_new, name="report_new"),
    path("policy/", views.policy_page, name="moderation_policy"),
    path("policy/edit/", views.policy_edit, name="moderation_policy_edit"),
    path("reasons/", views.reasons_page, name="moderation_reasons"),
    path("reasons/<int:template_id>/", views.reason_edit, name="moderation_reason_edit"),
    path("posts/<int:post_id>/", views.moderate_post, name="moderate_post"),
    path("comments/<int:comment_id>/", views.moderate_comment, name="moderate_comment"),
    path("people/<str:username>/", views.moderate_person, name="moderate_person"),
    path("actions/<int:action_id>/undo/", views.action_undo, name="moderation_undo"),
    path("spaces/<slug:organisation_slug>/", views.organisation_visibility, name="organisation_visibility"),
    path("audit/", views.audit_page, name="audit_log"),
    path("audit.csv", views.audit_csv, name="audit_log_csv"),
]
