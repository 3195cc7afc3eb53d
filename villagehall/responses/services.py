"""Writes for official responses. Each checks permission first, writes in one transaction,
records the interaction event (METRICS.md kind `response`) and tells followers after commit."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from villagehall.analytics.models import Interaction
from villagehall.analytics.services import community_space_of, interaction_record
from villagehall.conversation.models import Follow, Post, State
from villagehall.conversation.selectors import post_visible_to
from villagehall.core.page_cache import council_content_changed
from villagehall.core.tenancy import require_current_council
from villagehall.core.text import render_markdown
from villagehall.people.rules import email_confirmation_check
from villagehall.responses.models import OfficialResponse, ResponseNotice, ResponseUpdate
from villagehall.responses.rules import speaks_for_service


def _thread_of(post):
    return Interaction.objects.filter(post=post, kind=Interaction.Kind.POST).first()


@transaction.atomic
def response_give(*, person, post, organisation, status, body, at=None) -> ResponseUpdate:
    """Give a service's official response to a post, or a progress update on it, with its status."""
    if not person.has_perm("responses.respond"):
        email_confirmation_check(person, to="give an official response")
        raise PermissionDenied("Only officers of a council service can give an official response.")
    if not speaks_for_service(person, organisation):
        raise PermissionDenied("You can only respond for a council service you are an officer of.")
    if post.state != State.PUBLISHED or not post_visible_to(post=post, person=person):
        raise PermissionDenied("This post is not open for an official response.")
    if status not in OfficialResponse.Status.values:
        raise ValidationError("Choose the status: open, answered, in progress, done or won’t do.")
    body = (body or "").strip()
    if not body:
        raise ValidationError("Write the response: what the service says and what happens next.")
    at = at or timezone.now()
    # Lock the post so two officers answering at once make one response with two entries.
    Post.objects.select_for_update().filter(pk=post.pk).values_list("pk", flat=True).get()
    response = OfficialResponse.objects.filter(post=post, organisation=organisation).first()
    if response is None:
        response = OfficialResponse.objects.create(
            post=post, organisation=organisation, status=status, created_at=at, updated_at=at
        )
    else:
        response.status = status
        response.updated_at = at
        response.save(update_fields=["status", "updated_at"])
    update = ResponseUpdate.objects.create(
        response=response, author=person, status=status, body=body, body_html=render_markdown(body), at=at
    )
    interaction_record(
        kind=Interaction.Kind.RESPONSE, actor=person, at=at, acting_for=organisation,
        neighbourhood=post.neighbourhood or (post.organisation.neighbourhood if post.organisation else None),
        group=community_space_of(post.organisation), thread=_thread_of(post), post=post,
    )
    council_content_changed()
    council = require_current_council()
    transaction.on_commit(lambda: _tell_followers(council=council, update=update, post=post, responder=person))
    return update


def _tell_followers(*, council, update, post, responder) -> None:
    """Leave an in-app notice for the post's author and everyone following it."""
    people = set(
        Follow.dangerously_unscoped.filter(council=council, post=post).values_list("follower_id", flat=True)
    ) | {post.author_id}
    people.discard(responder.pk)
    ResponseNotice.dangerously_unscoped.bulk_create(
        [ResponseNotice(council=council, person_id=pk, update=update) for pk in sorted(people)],
        ignore_conflicts=True,
    )


@transaction.atomic
def response_notices_mark_seen(*, person) -> int:
    """Mark the person's notices in the current council seen; return how many were new."""
    return ResponseNotice.objects.filter(person=person, seen_at__isnull=True).update(seen_at=timezone.now())
