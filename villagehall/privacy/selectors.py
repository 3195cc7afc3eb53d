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


def _post_title_for(person):
    """Return a function giving a post's title as the person may have it.

    What they wrote is theirs wherever it is. Someone else's post in a members-only space
    belongs to the space: its title comes only while the person is still a member (the
    post's id stays, so they can match their own replies to it).
    """
    from villagehall.people.models import Membership

    spaces = set(Membership.dangerously_unscoped.filter(person=person).values_list("organisation_id", flat=True))

    def title(post):
        if post is None:
            return None
        private = post.organisation_id is not None and post.organisation.members_only
        if private and post.author_id != person.pk and post.organisation_id not in spaces:
            return None
        return post.title

    return title


def _conversation(person):
    from villagehall.conversation.models import Comment, Follow, Post, Reaction

    title = _post_title_for(person)
    posts = Post.dangerously_unscoped.filter(author=person).select_related(
        "council", "neighbourhood", "organisation", "acting_for", "addressed_to"
    ).order_by("created_at")
    comments = Comment.dangerously_unscoped.filter(author=person).select_related(
        "council", "post__organisation", "acting_for"
    )
    reactions = Reaction.dangerously_unscoped.filter(person=person).select_related("council", "post__organisation")
    follows = Follow.dangerously_unscoped.filter(follower=person).select_related(
        "council", "neighbourhood", "organisation", "post__organisation", "person"
    )

    def followed(f):
        for kind in Follow.TARGETS:
            target = getattr(f, kind)
            if target is not None:
                if kind == "post":
                    return kind, title(target)
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
            {"council": c.council.slug, "id": c.pk, "on_post": c.post_id, "post_title": title(c.post),
             "in_reply_to_comment": c.parent_id, "body": c.body, "written": _when(c.created_at),
             "speaking_for": c.acting_for.name if c.acting_for else None}
            for c in comments.order_by("created_at")
        ],
        "reactions": [
            {"council": r.council.slug, "kind": r.get_kind_display(), "on_post": r.post_id, "post_title": title(r.post),
             "on_comment": r.comment_id, "given": _when(r.created_at)}
            for r in reactions.order_by("created_at")
        ],
        "following": [
            {"council": f.council.slug, "what": kind, "name": name, "since": _when(f.created_at)}
            for f in follows.order_by("created_at") for kind, name in [followed(f)]
        ],
    }


def _guest_comments(person):
    from allauth.account.models import EmailAddress

    from villagehall.guests.selectors import guest_comments_by_addresses

    # Comments written as a guest, without an account, with an address this person has since
    # confirmed are theirs too; an unconfirmed address proves nothing.
    emails = EmailAddress.objects.filter(user=person, verified=True).values_list("email", flat=True)
    return [
        {"council": c.council.slug, "id": c.pk, "on_post": c.post_id, "post_title": c.post.title,
         "in_reply_to_comment": c.parent_id, "body": c.body, "written": _when(c.created_at),
         "name_shown": c.author.display_name}
        for c in guest_comments_by_addresses(emails=list(emails))
    ]


def _projects(person):
    from villagehall.projects.models import Need, Project, ProjectMember, ProjectPartner, ProjectStatusChange, ProjectUpdate

    return {
        "projects_started": [
            {"council": p.council.slug, "id": p.pk, "name": p.name, "purpose": p.purpose,
             "neighbourhood": p.neighbourhood.name if p.neighbourhood else None,
             "group": p.group.name if p.group else None, "started": _when(p.start), "status": p.get_status_display()}
            for p in Project.dangerously_unscoped.filter(started_by=person)
            .select_related("council", "neighbourhood", "group").order_by("start", "id")
        ],
        "project_teams": [
            {"council": m.council.slug, "project": m.project_id, "project_name": m.project.name,
             "role": m.get_role_display(), "joined": _when(m.joined_at)}
            for m in ProjectMember.dangerously_unscoped.filter(person=person)
            .select_related("council", "project").order_by("joined_at", "id")
        ],
        "project_steps_taken": [
            {"council": c.council.slug, "project": c.project_id, "project_name": c.project.name,
             "from": c.get_from_status_display() or None, "to": c.get_to_status_display(), "at": _when(c.at),
             "why": c.reason}
            for c in ProjectStatusChange.dangerously_unscoped.filter(changed_by=person)
            .select_related("council", "project").order_by("at", "id")
        ],
        "project_needs_listed": [
            {"council": n.council.slug, "project": n.project_id, "project_name": n.project.name,
             "kind": n.get_kind_display(), "summary": n.summary, "details": n.details, "amount": n.amount,
             "quantity": n.quantity, "skills": n.skills, "from": _when(n.starts_at), "until": _when(n.ends_at),
             "status": n.get_status_display(), "listed": _when(n.created_at)}
            for n in Need.dangerously_unscoped.filter(created_by=person)
            .select_related("council", "project").order_by("created_at", "id")
        ],
        "project_partners_added": [
            {"council": p.council.slug, "project": p.project_id, "project_name": p.project.name,
             "organisation": p.organisation.name, "role": p.get_role_display(), "added": _when(p.added_at)}
            for p in ProjectPartner.dangerously_unscoped.filter(added_by=person)
            .select_related("council", "project", "organisation").order_by("added_at", "id")
        ],
        # The text of each update is with the posts; this says which project each was about.
        "project_updates": [
            {"council": u.council.slug, "project": u.project_id, "project_name": u.project.name, "post": u.post_id,
             "title": u.post.title, "written": _when(u.post.created_at)}
            for u in ProjectUpdate.dangerously_unscoped.filter(post__author=person)
            .select_related("council", "project", "post").order_by("post__created_at", "id")
        ],
    }


def _offers(person):
    from django.db.models import Q

    from villagehall.offers.models import ChestVoter, Commitment, Offer, SupportRequest

    def request_row(r):
        return {"council": r.council.slug, "id": r.pk, "offer": r.offer.title, "project": r.project.name,
                "message": r.message, "amount": r.amount, "hours": r.hours, "quantity": r.quantity,
                "from": _when(r.starts_at), "until": _when(r.ends_at), "asked": _when(r.created_at),
                "status": r.get_status_display(),
                "decided_for": r.decided_for.name if r.decided_for else None, "decided": _when(r.decided_at),
                "why": r.decision_reason, "granted_amount": r.granted_amount, "granted_hours": r.granted_hours,
                "granted_quantity": r.granted_quantity}

    requests = SupportRequest.dangerously_unscoped.select_related("council", "offer", "project", "decided_for")
    return {
        "offers_made": [
            {"council": o.council.slug, "id": o.pk, "kind": o.get_kind_display(), "title": o.title,
             "description": o.description, "for_organisation": o.organisation.name if o.organisation else None,
             "neighbourhoods": [n.name for n in o.neighbourhoods.all()], "open": o.is_open, "made": _when(o.created_at),
             "budget": o.budget, "rules": o.rules, "eligibility": o.eligibility, "deadline": _when(o.deadline),
             "community_chest": o.is_community_chest, "venue": o.venue, "capacity": o.capacity,
             "availability": o.availability, "quantity": o.quantity, "hours_per_month": o.hours_per_month,
             "skills": o.skills}
            for o in Offer.dangerously_unscoped.filter(offered_by=person)
            .select_related("council", "organisation").prefetch_related("neighbourhoods").order_by("created_at", "id")
        ],
        "support_requests_made": [request_row(r) for r in requests.filter(asked_by=person).order_by("created_at", "id")],
        # Decisions are taken in the open, for an organisation: what the person decided and why.
        "decisions_taken": [request_row(r) for r in requests.filter(decided_by=person).order_by("decided_at", "id")],
        "commitments": [
            {"council": c.council.slug, "request": c.request_id, "project": c.project.name, "side": c.get_side_display(),
             "for_organisation": c.organisation.name if c.organisation else None, "what": c.what, "due": _when(c.due),
             "made_by_you": c.made_by_id == person.pk, "made": _when(c.made_at),
             "delivered": _when(c.delivered_at), "marked_delivered_by_you": c.delivered_by_id == person.pk,
             "delivery_note": c.delivery_note if c.delivered_by_id == person.pk else None}
            for c in Commitment.dangerously_unscoped.filter(Q(made_by=person) | Q(delivered_by=person))
            .select_related("council", "project", "organisation").order_by("made_at", "id")
        ],
        # That they voted, and when. A ballot keeps no voter, so what they chose is not here:
        # only their receipt code finds it, on the chest's page.
        "community_chest_votes": [
            {"council": v.council.slug, "fund": v.fund.title, "voted": _when(v.voted_at)}
            for v in ChestVoter.dangerously_unscoped.filter(person=person)
            .select_related("council", "fund").order_by("voted_at", "id")
        ],
    }


def _official_responses(person):
    from villagehall.responses.models import ResponseNotice, ResponseUpdate

    title = _post_title_for(person)
    return {
        "official_responses_written": [
            {"council": u.council.slug, "on_post": u.response.post_id, "post_title": title(u.response.post),
             "for_service": u.response.organisation.name, "status": u.get_status_display(), "body": u.body,
             "written": _when(u.at)}
            for u in ResponseUpdate.dangerously_unscoped.filter(author=person)
            .select_related("council", "response__organisation", "response__post__organisation").order_by("at", "id")
        ],
        "official_response_notices": [
            {"council": n.council.slug, "on_post": n.update.response.post_id,
             "post_title": title(n.update.response.post), "service": n.update.response.organisation.name,
             "status": n.update.get_status_display(), "at": _when(n.update.at), "seen": _when(n.seen_at)}
            for n in ResponseNotice.dangerously_unscoped.filter(person=person)
            .select_related("council", "update__response__organisation", "update__response__post__organisation")
            .order_by("update__at", "id")
        ],
    }


def _moderation(person):
    from django.db.models import Q

    from villagehall.moderation.models import ModerationAction, NewAccount, Report, Standing

    title = _post_title_for(person)

    def reported(r):
        if r.post_id:
            return {"post": r.post_id, "title": title(r.post)}
        if r.comment_id:
            return {"comment": r.comment_id, "on_post": r.comment.post_id}
        return {"person": r.person.display_name}

    new_account = NewAccount.objects.filter(person=person).first()
    return {
        # Reports they made. Reports about them are not here: they would say who made them.
        "reports_made": [
            {"council": r.council.slug, "about": r.target_type, **reported(r), "reason": r.get_reason_display(),
             "details": r.details, "made": _when(r.created_at), "status": r.get_status_display()}
            for r in Report.dangerously_unscoped.filter(reporter=person)
            .select_related("council", "post__organisation", "comment", "person").order_by("created_at", "id")
        ],
        # What moderators did to their posts, replies and account, and why; not which moderator.
        "moderation_of_your_writing_and_account": [
            {"council": a.council.slug, "what": a.get_kind_display(), "to": "you" if a.person_id else a.target_type,
             "post": a.post_id or (a.comment.post_id if a.comment_id else None), "comment": a.comment_id,
             "why": a.reason, "before": a.before, "after": a.after, "at": _when(a.created_at),
             "undone": _when(a.undone_at)}
            for a in ModerationAction.dangerously_unscoped.filter(
                Q(post__author=person) | Q(comment__author=person) | Q(person=person)
            ).select_related("council", "comment").order_by("created_at", "id")
        ],
        "standing": [
            {"council": s.council.slug, "level": s.get_level_display(), "why": s.reason, "since": _when(s.since)}
            for s in Standing.dangerously_unscoped.filter(person=person).select_related("council").order_by("since")
        ],
        "new_account_limits_since": _when(new_account.joined_at) if new_account else None,
    }


def _notifications(person):
    from villagehall.notifications.models import Notification

    return [
        {"council": n.council.slug, "text": n.text, "link": n.link, "sent": _when(n.created_at), "read": _when(n.read_at)}
        for n in Notification.dangerously_unscoped.filter(person=person).select_related("council")
        .order_by("created_at", "id")
    ]


def _imported_records(person):
    from villagehall.analytics.models import ImportedRecord

    # The ids a council's imported files gave this person, so a council can match them.
    return [
        {"council": r.council.slug, "id_in_the_imported_file": r.external_id}
        for r in ImportedRecord.dangerously_unscoped.filter(type=ImportedRecord.Type.PERSON, object_id=person.pk)
        .select_related("council").order_by("id")
    ]


def _interactions(person):
    from villagehall.analytics.models import Interaction

    rows = Interaction.dangerously_unscoped.filter(actor=person).select_related(
        "council", "acting_for", "neighbourhood", "group", "addressed_to", "event"
    ).order_by("at", "id")
    return [
        {"council": i.council.slug, "at": _when(i.at), "kind": i.get_kind_display(), "channel": i.get_channel_display(),
         "speaking_for": i.acting_for.name if i.acting_for else None,
         "neighbourhood": i.neighbourhood.name if i.neighbourhood else None,
         "group": i.group.name if i.group else None,
         "addressed_to": i.addressed_to.name if i.addressed_to else None,
         "post": i.post_id, "event": i.event.name if i.event else None,
         "id_in_the_imported_file": i.external_id}
        for i in rows.iterator(chunk_size=2000)
    ]


def personal_data(*, person) -> dict:
    """Return everything the person has given or that is about them, ready to write as JSON."""
    return {
        "format": EXPORT_FORMAT,
        "made_at": _when(timezone.now()),
        "about_this_file": (
            "Everything Village Hall holds that you gave it or that is about you, in every council "
            "you took part in. Times are in UTC. Ids let you match comments and reactions to posts; "
            "someone else's post in a members-only space you are no longer a member of is given by its id alone."
        ),
        "profile": _profile(person),
        "sign_in": _sign_in(person),
        **_people_records(person),
        **_conversation(person),
        "comments_as_a_guest": _guest_comments(person),
        **_projects(person),
        **_offers(person),
        **_official_responses(person),
        **_moderation(person),
        "notifications": _notifications(person),
        "interactions": _interactions(person),
        "imported_records": _imported_records(person),
    }


def data_exports_for(*, person):
    """Return the person's recent exports, newest first."""
    return DataExport.objects.filter(person=person)[:5]


def data_export_link_hours() -> int:
    """Return how long a download link lasts."""
    return settings.DATA_EXPORT_LINK_HOURS
