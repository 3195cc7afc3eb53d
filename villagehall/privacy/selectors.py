"""Reads for privacy: everything a person has given or that is about them, across every council.

A person's data spans every council they took part in, so these reads are unscoped by
name (`dangerously_unscoped`) and always filtered to the one person.
"""

from django.conf import settings
from django.utils import timezone

from villagehall.privacy.models import DataExport

EXPORT_FORMAT = "villagehall-personal-data-1"


def _when(value):
    return value.isoformat() if value else None


def _profile(person):
    return {
        "display_name": person.display_name,
        "about": person.bio,
        "email": person.email,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "handle": person.username,
        "joined": _when(person.date_joined),
        "last_signed_in": _when(person.last_login),
    }


def _sign_in(person):
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    return {
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "main": a.primary}
            for a in EmailAddress.objects.filter(user=person).order_by("email")
        ],
        "identity_providers": [
            {"provider": a.provider, "your_id_there": a.uid, "first_used": _when(a.date_joined), "last_used": _when(a.last_login)}
            for a in SocialAccount.objects.filter(user=person).order_by("provider")
        ],
        # What kind, and since when: never the secrets themselves.
        "second_factors": [
            {"type": a.get_type_display(), "added": _when(a.created_at), "last_used": _when(a.last_used_at)}
            for a in Authenticator.objects.filter(user=person).order_by("created_at")
        ],
    }


def _people_records(person):
    from villagehall.core.models import AuditEntry
    from villagehall.people.models import CouncilRole, Membership, Residency
    from villagehall.people.services import Grant

    return {
        "memberships": [
            {"council": m.council.slug, "organisation": m.organisation.name, "kind": m.organisation.get_kind_display(),
             "role": m.get_role_display(), "title": m.title, "joined": _when(m.joined_at)}
            for m in Membership.dangerously_unscoped.filter(person=person).select_related("council", "organisation")
        ],
        "council_roles": [
            {"council": r.council.slug, "role": r.get_role_display()}
            for r in CouncilRole.dangerously_unscoped.filter(person=person).select_related("council")
        ],
        "residencies": [
            {"council": r.council.slug, "neighbourhood": r.neighbourhood.name}
            for r in Residency.dangerously_unscoped.filter(person=person).select_related("council", "neighbourhood")
        ],
        # Badges and roles given to or taken from them: what, when, why and how. The
        # administrator who did it acted for the council, so is not named here.
        "badges_and_roles_record": [
            {"council": e.council.slug, "at": _when(e.created_at), "what": e.action,
             "details": e.after or e.before or {}, "why": e.reason}
            for e in AuditEntry.dangerously_unscoped.filter(
                target_type="people.person", target_id=str(person.pk),
                action__in=[Grant.OFFICER_BADGE_GRANTED, Grant.OFFICER_BADGE_REMOVED,
                            Grant.COUNCIL_ROLE_GRANTED, Grant.COUNCIL_ROLE_REMOVED],
            ).select_related("council").order_by("created_at", "id")
        ],
    }


def _conversation(person):
    from villagehall.conversation.models import Comment, Follow, Post, Reaction

    posts = Post.dangerously_unscoped.filter(author=person).select_related(
        "council", "neighbourhood", "organisation", "acting_for", "addressed_to"
    ).order_by("created_at")
    comments = Comment.dangerously_unscoped.filter(author=person).select_related("council", "post", "acting_for")
    reactions = Reaction.dangerously_unscoped.filter(person=person).select_related("council", "post")
    follows = Follow.dangerously_unscoped.filter(follower=person).select_related(
        "council", "neighbourhood", "organisation", "post", "person"
    )

    def followed(f):
        for kind in Follow.TARGETS:
            target = getattr(f, kind)
            if target is not None:
                name = target.display_name if kind == "person" else getattr(target, "name", None) or str(target)
                return kind, name
        return None, None

    return {
        "posts": [
            {"council": p.council.slug, "id": p.pk, "kind": p.get_kind_display(), "title": p.title, "body": p.body,
             "written": _when(p.created_at),
             "neighbourhood": p.neighbourhood.name if p.neighbourhood else None,
             "on_the_page_of": p.organisation.name if p.organisation else None,
             "speaking_for": p.acting_for.name if p.acting_for else None,
             "addressed_to": p.addressed_to.name if p.addressed_to else None}
            for p in posts
        ],
        "comments": [
            {"council": c.council.slug, "id": c.pk, "on_post": c.post_id, "post_title": c.post.title,
             "in_reply_to_comment": c.parent_id, "body": c.body, "written": _when(c.created_at),
             "speaking_for": c.acting_for.name if c.acting_for else None}
            for c in comments.order_by("created_at")
        ],
        "reactions": [
            {"council": r.council.slug, "kind": r.get_kind_display(), "on_post": r.post_id, "post_title": r.post.title,
             "on_comment": r.comment_id, "given": _when(r.created_at)}
            for r in reactions.order_by("created_at")
        ],
        "following": [
            {"council": f.council.slug, "what": kind, "name": name, "since": _when(f.created_at)}
            for f in follows.order_by("created_at") for kind, name in [followed(f)]
        ],
    }


def _interactions(person):
    from villagehall.analytics.models import Interaction

    rows = Interaction.dangerously_unscoped.filter(actor=person).select_related(
        "council", "acting_for", "neighbourhood", "group", "addressed_to"
    ).order_by("at", "id")
    return [
        {"council": i.council.slug, "at": _when(i.at), "kind": i.get_kind_display(), "channel": i.get_channel_display(),
         "speaking_for": i.acting_for.name if i.acting_for else None,
         "neighbourhood": i.neighbourhood.name if i.neighbourhood else None,
         "group": i.group.name if i.group else None,
         "addressed_to": i.addressed_to.name if i.addressed_to else None,
         "post": i.post_id, "event": i.event_id}
        for i in rows.iterator(chunk_size=2000)
    ]


def personal_data(*, person) -> dict:
    """Return everything the person has given or that is about them, ready to write as JSON."""
    return {
        "format": EXPORT_FORMAT,
        "made_at": _when(timezone.now()),
        "about_this_file": (
            "Everything Village Hall holds that you gave it or that is about you, in every council "
            "you took part in. Times are in UTC. Ids let you match comments and reactions to posts."
        ),
        "profile": _profile(person),
        "sign_in": _sign_in(person),
        **_people_records(person),
        **_conversation(person),
        "interactions": _interactions(person),
    }


def data_exports_for(*, person):
    """Return the person's recent exports, newest first."""
    return DataExport.objects.filter(person=person)[:5]


def data_export_link_hours() -> int:
    """Return how long a download link lasts."""
    return settings.DATA_EXPORT_LINK_HOURS
