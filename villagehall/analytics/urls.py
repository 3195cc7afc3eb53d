"""Relationship health, under /<council>/health/."""

from django.urls import path

from villagehall.analytics import views

urlpatterns = [
    path("", views.presence_page, name="health"),
    path("responsiveness/", views.responsiveness_page, name="health_responsiveness"),
    path("reciprocity/", views.reciprocity_page, name="health_reciprocity"),
    path("partnerships/", views.enabling_page, name="health_enabling"),
    path("adoption/", views.adoption_page, name="health_adoption"),
    path("inclusion/", views.inclusion_page, name="health_inclusion"),
    path("<slug:service_slug>/<slug:neighbourhood_slug>/", views.pair_page, name="health_pair"),
]
