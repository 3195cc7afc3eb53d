"""Addresses under /<council>/offers/."""

from django.urls import path

from villagehall.offers import views

urlpatterns = [
    path("", views.offer_directory, name="offers"),
    path("new/", views.offer_new, name="offer_new"),
    path("<int:offer_id>/", views.offer_page, name="offer"),
    path("<int:offer_id>/open/", views.offer_open, name="offer_open"),
    path("<int:offer_id>/ask/", views.support_request_new, name="support_request_new"),
    path("requests/<int:request_id>/", views.support_request_page, name="support_request"),
    path("requests/<int:request_id>/decide/", views.support_request_decide, name="support_request_decide"),
    path("requests/<int:request_id>/withdraw/", views.support_request_withdraw, name="support_request_withdraw"),
    path("requests/<int:request_id>/commitments/", views.commitment_new, name="commitment_new"),
    path("commitments/<int:commitment_id>/delivered/", views.commitment_deliver, name="commitment_deliver"),
]
