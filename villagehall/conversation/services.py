"""Writes in the shared space. Each checks permission, writes in one transaction and
records the interaction event, so pages, commands and the API behave alike."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from villagehall.analytics.models import Interaction
from villagehall.analytics.services import community_space_of, interaction_record
from villagehall.conversation.models import Comment, Follow, Post, PostLink, Reaction, State
from villagehall.conversation.rules import may_speak_for
from villagehall.conversation.selectors import post_visible_to
from villagehall.core.audit import audit_record
from villagehall.core.page_cache import council_content_changed
from villagehall.core.text import render_markdown
from villagehall.moderation.models import Standing
from villagehall.moderation.selectors import standing_of
from villagehall.moderation.trust import contribution_check
from villagehall.people.rules import email_confirmation_check

BLOCKED = (
    "A moderator has stopped you taking part in this council for now, so this was not added. "
    "Your notifications say why."
)


def _check_speaking_for(person, acting_for):
    if not may_speak_for(person, acting_for):
        raise PermissionDenied("You can only speak for an organisation you are a member of.")


def _thread_of(post):
    return Interaction.objects.filter(post=post, kind=Interaction.Kind.POST).first()


def _refuse_unless_taking_part(person, perm, *args, signed_out="Sign in to post.", doing="post"):
    if person.has_perm(perm, *args):
        return
    if not person.is_authenticated:
        raise PermissionDenied(signed_out)
    standing = standing_of(person=person)
    if standing is not None and standing.level == Standing.Level.BLOCKED:
        raise PermissionDenied(BLOCKED)
    email_confirmation_check(person, to=doing)
    raise PermissionDenied(signed_out)


def _new_state(person, *, kind, text) -> str:
    """Return the state a new post or reply starts in: held if its author is held, or a new account's first with links."""
    held_by_trust = contribution_check(person=person, kind=kind, text=text)
    standing = standing_of(person=person)
    if held_by_trust or (standing is not None and standing.level == Standing.Level.HELD):
        return State.HELD
    return State.PUBLISHED


def _record_post(post):
    organisation = post.organisation
    interaction_record(
        kind=Interaction.Kind.POST, actor=post.author, at=post.created_at, acting_for=post.acting_for,
        neighbourhood=post.neighbourhood or (organisation.neighbourhood if organisation else None),
        group=community_space_of(organisation), addressed_to=post.addressed_to, post=post,
    )


def _conversation_changed(post, **post_changes):
    """Mark a change to what the post's conversation shows (the post, its replies, reactions,
    links, closing): its own page, its neighbourhood's feed, the pages of the organisations it
    is on or speaks for, and through the council's content version every other page.

    `post_changes` (its counts, say) are written to the post's row in the same statement.
    A write that also records an interaction calls the two halves itself, recording between
    them: every writer takes the post's row, then the rollups' rows, then the places' and the
    council's, so two writers never each hold a row the other waits for."""
    _post_changed(post, **post_changes)
    _places_changed(post)


def _post_changed(post, **post_changes):
    Post.objects.filter(pk=post.pk).update(conversation_version=F("conversation_version") + 1, **post_changes)


def _places_changed(post):
    from villagehall.people.models import Organisation
    from villagehall.places.models import Neighbourhood

    moved = {"conversation_version": F("conversation_version") + 1}
    if post.neighbourhood_id is not None:
        Neighbourhood.objects.filter(pk=post.neighbourhood_id).update(**moved)
    organisations = {post.organisation_id, post.acting_for_id} - {None}
    if organisations:
        Organisation.objects.filter(pk__in=sorted(organisations)).update(**moved)
    council_content_changed(conversation_only=True)


def _record_comment(comment, post):
    interaction_record(
        kind=Interaction.Kind.COMMENT, actor=comment.author, at=comment.created_at, acting_for=comment.acting_for,
        neighbourhood=post.neighbourhood or (post.organisation.neighbourhood if post.organisation else None),
        group=community_space_of(post.organisation), thread=_thread_of(post), post=post,
    )


@transaction.atomic
def post_create(
    *, author, kind, title, body, neighbourhood=None, organisation=None, acting_for=None,
    addressed_to=None, at=None,
) -> Post:
    """Publish a post in a neighbourhood and/or on an organisation's page (or hold it for a moderator)."""
    _refuse_unless_taking_part(author, "conversation.post_create")
    _check_speaking_for(author, acting_for)
    if neighbourhood is None and organisation is None:
        raise ValidationError("Choose a neighbourhood or an organisation's page for the post.")
    if addressed_to is not None and not addressed_to.is_service:
        raise ValidationError("Posts can only be addressed to a council service.")
    if organisation is not None and organisation.members_only:
        if not may_speak_for(author, organisation):
            raise PermissionDenied(f"Only members can post in {organisation.name}’s space.")
        if addressed_to is not None:
            # Officers are not members, so a question to a service here would go unseen.
            raise ValidationError(
                f"{organisation.name}’s space is for members only, so a council service cannot see it. "
                "To ask a service, post in a neighbourhood instead."
            )
    state = _new_state(author, kind="post", text=f"{title}\n{body}")
    post = Post.objects.create(
        kind=kind, title=title.strip(), body=body, body_html=render_markdown(body), author=author,
        acting_for=acting_for, neighbourhood=neighbourhood, organisation=organisation,
        addressed_to=addressed_to, created_at=at or timezone.now(), state=state,
    )
    if state == State.PUBLISHED:
        # A held post takes part once a moderator lets it through (post_moderated_change).
        _record_post(post)
        _conversation_changed(post)
    return post


@transaction.atomic
def comment_create(*, author, post, body, parent=None, acting_for=None, at=None) -> Comment:
    """Reply to a post, or to a comment on it (or hold the reply for a moderator)."""
    # Lock the post row so closing comments and replying cannot interleave.
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.comments_closed:
        raise PermissionDenied("Comments are closed on this post.")
    _refuse_unless_taking_part(author, "conversation.comment_create", post, signed_out="Sign in to reply.", doing="reply")
    if post.state != State.PUBLISHED or not post_visible_to(post=post, person=author):
        raise PermissionDenied("This post is not open for replies.")
    _check_speaking_for(author, acting_for)
    if parent is not None and parent.post_id != post.pk:
        raise ValidationError("That comment belongs to another post.")
    if parent is not None and parent.state != State.PUBLISHED:
        raise ValidationError("That comment cannot take replies.")
    state = _new_state(author, kind="comment", text=body)
    comment = Comment(
        post=post, parent=parent, author=author, acting_for=acting_for, body=body,
        body_html=render_markdown(body), created_at=at or timezone.now(),
        depth=(parent.depth + 1) if parent else 0, state=state,
    )
    comment.root_id = parent.root_id if parent else None
    comment.save()
    if parent is None:
        comment.root = comment
        comment.save(update_fields=["root"])
    # A reply waiting for a moderator changes what its author sees of the replies too.
    changed = {"comments_version": F("comments_version") + 1}
    if state != State.PUBLISHED:
        Post.objects.filter(pk=post.pk).update(**changed)
        return comment
    _post_changed(post, **changed, comment_count=F("comment_count") + 1)
    _record_comment(comment, post)
    _places_changed(post)
    return comment


def _count_field(kind):
    return {Reaction.Kind.LIKE: "like_count", Reaction.Kind.THANKS: "thanks_count"}[kind]


@transaction.atomic
def reaction_toggle(*, person, post, kind, comment=None, at=None) -> bool:
    """Add the person's reaction, or take it back if they already gave it. Return True if added."""
    _refuse_unless_taking_part(person, "conversation.react", signed_out="Sign in to react.", doing="like or thank")
    if kind not in Reaction.Kind.values:
        raise ValidationError("Unknown reaction.")
    if comment is not None and comment.post_id != post.pk:
        raise ValidationError("That comment belongs to another post.")
    if (comment or post).state != State.PUBLISHED or not post_visible_to(post=post, person=person):
        raise PermissionDenied("This cannot take reactions.")
    field = _count_field(kind)
    existing = Reaction.objects.filter(person=person, post=post, comment=comment, kind=kind)
    if existing.exists():
        existing.delete()
        _reaction_counted(post, comment, field, -1)
        _places_changed(post)
        return False
    try:
        with transaction.atomic():
            reaction = Reaction.objects.create(
                person=person, post=post, comment=comment, kind=kind, created_at=at or timezone.now()
            )
    except IntegrityError:
        # A double click raced us to it: the reaction is there, which is what was asked.
        return True
    _reaction_counted(post, comment, field, +1)
    interaction_record(
        kind=Interaction.Kind.REACTION, actor=person, at=reaction.created_at,
        neighbourhood=post.neighbourhood or (post.organisation.neighbourhood if post.organisation else None),
        group=community_space_of(post.organisation), thread=_thread_of(post), post=post,
    )
    _places_changed(post)
    return True


def _reaction_counted(post, comment, field, step):
    """Count a reaction given or taken back on the post's row (and the comment's), the post's row first."""
    if comment is None:
        _post_changed(post, **{field: F(field) + step})
    else:
        _post_changed(post, comments_version=F("comments_version") + 1)
        Comment.objects.filter(pk=comment.pk).update(**{field: F(field) + step})


@transaction.atomic
def post_set_comments_closed(*, person, post, closed: bool) -> Post:
    """Close or reopen comments on a post."""
    if not person.has_perm("conversation.post_close_comments", post):
        raise PermissionDenied("Only the author or a moderator can close comments.")
    post.comments_closed = closed
    post.save(update_fields=["comments_closed"])
    _conversation_changed(post)
    return post


@transaction.atomic
def post_link_add(*, person, from_post, to_post) -> PostLink:
    """Link a post to a related one ("see also")."""
    if not person.has_perm("conversation.post_link", from_post):
        raise PermissionDenied("Only the author or a moderator can add “see also” links.")
    if from_post.pk == to_post.pk:
        raise ValidationError("A post cannot link to itself.")
    link, _ = PostLink.objects.get_or_create(from_post=from_post, to_post=to_post, defaults={"added_by": person})
    _conversation_changed(from_post)
    return link


def _follow_filter(target) -> dict:
    from villagehall.people.models import Organisation, Person
    from villagehall.places.models import Neighbourhood

    for model, field in ((Neighbourhood, "neighbourhood"), (Organisation, "organisation"), (Post, "post"), (Person, "person")):
        if isinstance(target, model):
            return {field: target}
    raise ValidationError("That cannot be followed.")


@transaction.atomic
def follow_toggle(*, person, target) -> bool:
    """Follow a neighbourhood, organisation, post or person, or stop following. Return True if now following."""
    if not person.has_perm("conversation.follow"):
        raise PermissionDenied("Sign in to follow.")
    lookup = _follow_filter(target)
    if lookup.get("person") == person:
        raise ValidationError("You cannot follow yourself.")
    deleted, _ = Follow.objects.filter(follower=person, **lookup).delete()
    if deleted:
        return False
    Follow.objects.get_or_create(follower=person, **lookup)
    return True


# Counted in a post's comment_count: what readers see, as a reply or as "hidden by a moderator".
COUNTED_STATES = frozenset({State.PUBLISHED, State.HIDDEN})


@transaction.atomic
def post_moderated_change(*, moderator, post, state=None, title=None, body=None, note=None) -> Post:
    """Apply a moderator's change to a post; moderation.services keeps the record and tells the author."""
    if not moderator.has_perm("conversation.moderate"):
        raise PermissionDenied("Only moderators can do that.")
    post = Post.objects.select_for_update().get(pk=post.pk)
    was = post.state
    if state is not None:
        post.state = state
    if title is not None:
        post.title = title.strip()
    if body is not None:
        post.body, post.body_html = body, render_markdown(body)
    if note is not None:
        post.moderator_note = note
    post.save(update_fields=["state", "title", "body", "body_html", "moderator_note"])
    if was == State.HELD and post.state == State.PUBLISHED and not _thread_of(post):
        _record_post(post)
    council_content_changed()
    return post


@transaction.atomic
def comment_moderated_change(*, moderator, comment, state=None, body=None, note=None) -> Comment:
    """Apply a moderator's change to a reply, keeping its post's count right; moderation.services keeps the record."""
    if not moderator.has_perm("conversation.moderate"):
        raise PermissionDenied("Only moderators can do that.")
    post = Post.objects.select_for_update().get(pk=comment.post_id)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    was = comment.state
    if state is not None:
        comment.state = state
    if body is not None:
        comment.body, comment.body_html = body, render_markdown(body)
    if note is not None:
        comment.moderator_note = note
    comment.save(update_fields=["state", "body", "body_html", "moderator_note"])
    change = (comment.state in COUNTED_STATES) - (was in COUNTED_STATES)
    if change:
        Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + change)
    if was == State.HELD and comment.state == State.PUBLISHED:
        _record_comment(comment, post)
    council_content_changed()
    return comment


@transaction.atomic
def organisation_visibility_set(*, person, organisation, members_only: bool, reason=""):
    """Make a group's space members-only, or open it to everyone again."""
    if not person.has_perm("conversation.organisation_set_visibility", organisation):
        raise PermissionDenied("Only the group’s admins or a council administrator can change who sees its space.")
    from villagehall.people.models import Organisation

    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.members_only == members_only:
        return organisation
    before = {"members_only": organisation.members_only}
    organisation.members_only = members_only
    organisation.save(update_fields=["members_only"])
    audit_record(
        actor=person, action="organisation.visibility", target=organisation, reason=reason,
        before=before, after={"members_only": members_only},
    )
    # What the space holds appears in, or leaves, every list and cached page at once.
    council_content_changed()
    return organisation
