"""Addresses under /<council>/funds/: grant funds and community chests."""

from django.urls import path

from villagehall.offers import views

urlpatterns = [
    path("", views.fund_list, name="funds"),
    path("<int:offer_id>/", views.fund_page, name="fund"),
    path("<int:offer_id>/voting/", views.chest_voting, name="chest_voting"),
    path("<int:offer_id>/vote/", views.chest_vote, name="chest_vote"),
    path("<int:offer_id>/ballot/", views.chest_ballot, name="chest_ballot"),
]
