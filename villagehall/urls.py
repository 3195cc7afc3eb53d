"""Addresses.

    /                                   the councils on this installation
    /healthz                            health check: app and database (JSON)
    /ping                               liveness: the app alone
    /accounts/…                         sign up, sign in, sign out, second factor (django-allauth)
    /accounts/privacy/                  download your data, delete your account
    /admin/                             set-up for council and site administrators
    /<council>/                         council home
    /<council>/<neighbourhood>/         neighbourhood feed (?kind=question)
    /<council>/org/<organisation>/      an organisation's page
    /<council>/posts/new/               write a post (?neighbourhood=, ?organisation=, ?ask=<service>)
    /<council>/posts/<id>/              a post and its comments (?comments=N shows N pages)
    /<council>/people/<username>/       a person's page
    /<council>/following/               what you follow, and the latest from it
    /<council>/health/…                 relationship health (council administrators and officers)
    /<council>/projects/…               community projects: directory, pages, lifecycle, needs
    /<council>/offers/…                 offers of support, requests and decisions
    /<council>/funds/…                  grant funds and community chests
    /<council>/responses/…              official responses on posts, and notices of them
    /<council>/moderation/…             reports, the moderation queue, the policy, the audit log
    /<council>/notifications/           a person's notifications
    /<council>/guests/…                 comments from guests (no account), and the emailed link that publishes one
"""

import re

from django.contrib import admin
from django.urls import include, path, register_converter
from django.urls.converters import SlugConverter

from villagehall.conversation import views as conversation
from villagehall.core import views as core
from villagehall.people import views as people
from villagehall.places.models import RESERVED_SLUGS


class NeighbourhoodSlugConverter(SlugConverter):
    """A neighbourhood's slug: any slug but the words Village Hall's own addresses use.

    So the busiest page under /<council>/, a neighbourhood's feed, is matched first rather
    than after every other address has been tried.
    """

    regex = f"(?!(?:{'|'.join(sorted(map(re.escape, RESERVED_SLUGS)))})/)" + SlugConverter.regex


register_converter(NeighbourhoodSlugConverter, "neighbourhood")

council_patterns = [
    path("<neighbourhood:neighbourhood_slug>/", conversation.neighbourhood_feed, name="neighbourhood_feed"),
    path("", conversation.council_home, name="council_home"),
    path("following/", conversation.following_page, name="following"),
    path("follow/", conversation.follow_toggle, name="follow"),
    path("posts/new/", conversation.post_new, name="post_new"),
    path("posts/<int:post_id>/", conversation.post_page, name="post"),
    path("posts/<int:post_id>/comments/", conversation.comment_create, name="comment_create"),
    path("posts/<int:post_id>/reactions/", conversation.reaction_toggle, name="reaction_toggle"),
    path("posts/<int:post_id>/comments-closed/", conversation.post_comments_closed, name="post_comments_closed"),
    path("posts/<int:post_id>/see-also/", conversation.post_link_add, name="post_link_add"),
    path("org/<slug:organisation_slug>/", conversation.organisation_page, name="organisation"),
    path("people/me/edit/", people.profile_edit, name="profile_edit"),
    path("people/<str:username>/", conversation.person_page, name="person"),
    path("health/", include("villagehall.analytics.urls")),
    path("projects/", include("villagehall.projects.urls")),
    path("offers/", include("villagehall.offers.urls")),
    path("funds/", include("villagehall.offers.fund_urls")),
    path("responses/", include("villagehall.responses.urls")),
    path("moderation/", include("villagehall.moderation.urls")),
    path("notifications/", include("villagehall.notifications.urls")),
    path("guests/", include("villagehall.guests.urls")),
]

# A refusal that only waits for a confirmed email address links to sending it again.
handler403 = people.permission_denied

urlpatterns = [
    path("", core.council_list, name="council_list"),
    path("healthz", core.healthz, name="healthz"),
    path("ping", core.ping, name="ping"),
    path("accounts/privacy/", include("villagehall.privacy.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("<slug:council_slug>/", include(council_patterns)),
]
