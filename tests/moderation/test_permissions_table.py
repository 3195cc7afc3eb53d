"""docs/permissions.md, cell by cell: every role tries every action, in the shared space and in moderation.

The tables in the document are read here and each cell becomes a test, so the document
and what Village Hall does cannot drift apart.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client

from tests.factories import (
    CouncilAdministratorFactory, CouncilFactory, MembershipFactory, NeighbourhoodFactory, OrganisationFactory,
    PersonFactory, PostFactory,
)
from villagehall.conversation import selectors as conversation_selectors
from villagehall.conversation import services as conversation
from villagehall.conversation.models import Post
from villagehall.core.tenancy import council_scope
from villagehall.guests import services as guests
from villagehall.moderation import services as moderation
from villagehall.offers import services as offers
from villagehall.people.models import CouncilRole, Membership
from villagehall.projects import services as projects
from villagehall.responses import services as responses

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"


def read_tables() -> list[tuple[str, str, bool]]:
    """Return (action, role, allowed) for every cell of every table whose first column is "action"."""
    cells, header = [], None
    for line in DOC.read_text().splitlines():
        if not line.startswith("|"):
            header = None
            continue
        row = [cell.strip() for cell in line.strip("|").split("|")]
        if row[0] == "action":
            header = row[1:]
        elif header and not set(row[0]) <= {"-"}:
            assert len(row) == len(header) + 1, f"a row of the wrong width: {line}"
            assert set(row[1:]) <= {"yes", "no"}, f"a cell that is not yes or no: {line}"
            cells += [(row[0], role, value == "yes") for role, value in zip(header, row[1:])]
    return cells


@dataclass
class World:
    council: object
    neighbourhood: object
    group: object
    parks: object
    public_post: object
    secret_post: object
    someone: object
    earlier_action: object
    project: object


@pytest.fixture
def world(scoped, council, neighbourhood):
    group = OrganisationFactory(council=council, slug="quilters", members_only=True)
    parks = OrganisationFactory(council=council, slug="parks", kind="council_service")
    someone = PersonFactory(display_name="Someone Else")
    MembershipFactory(organisation=group, person=someone)
    public_post = PostFactory(neighbourhood=neighbourhood, council=council, author=someone)
    secret_post = PostFactory(neighbourhood=neighbourhood, council=council, author=someone, organisation=group)
    first_moderator = CouncilAdministratorFactory(council=council, role=CouncilRole.Role.MODERATOR).person
    earlier_action = moderation.moderation_act(
        moderator=first_moderator, kind="hide", reason="Spam",
        post=PostFactory(neighbourhood=neighbourhood, council=council, author=someone),
    )
    project = projects.project_create(person=someone, name="Pond clean-up", purpose="", neighbourhood=neighbourhood)
    return World(council, neighbourhood, group, parks, public_post, secret_post, someone, earlier_action, project)


def person_in_role(role, world):
    if role == "anonymous":
        return AnonymousUser()
    if role == "unconfirmed":
        return PersonFactory(display_name="A newcomer", email_verified=False)
    person = PersonFactory(display_name=f"A {role}")
    if role in ("group member", "group admin"):
        MembershipFactory(organisation=world.group, person=person,
                          role=Membership.Role.ADMIN if role == "group admin" else Membership.Role.MEMBER)
    elif role == "officer":
        MembershipFactory(organisation=world.parks, person=person)
    elif role in ("digital champion", "moderator", "council admin"):
        kind = {"digital champion": "digital_champion", "moderator": "moderator", "council admin": "administrator"}[role]
        CouncilAdministratorFactory(council=world.council, person=person, role=kind)
    elif role == "site admin":
        person.is_superuser = person.is_staff = True
        person.save()
    else:
        assert role == "resident", f"a role the test does not know: {role}"
    return person


def page(person, url, data=None) -> bool:
    """Return True if the page lets the person in (or takes what they sent)."""
    client = Client()
    if person.is_authenticated:
        client.force_login(person)
    response = client.post(url, data) if data is not None else client.get(url)
    if response.status_code in (403, 404) or (response.status_code == 302 and "/accounts/login/" in response["Location"]):
        return False
    assert response.status_code in (200, 302), (url, response.status_code)
    return True


def refused(action) -> bool:
    try:
        action()
    except (PermissionDenied, Post.DoesNotExist):
        return False
    return True


def comment_as_guest(world, person):
    world.council.guest_comments = True  # the council allows it; the row is about who may
    return lambda: guests.guest_comment_submit(
        requester=person, post=world.public_post, name="Sam Guest", email="sam@example.org", body="Yes",
        base_url="http://testserver/",
    )


def write(world, person, **where):
    return lambda: conversation.post_create(author=person, kind="update", title="Hello", body="Hello", **where)


ACTIONS = {
    # The shared space
    "read a public post": lambda w, p: refused(lambda: conversation_selectors.post_get(post_id=w.public_post.pk, person=p)),
    "read a post in a members-only space":
        lambda w, p: refused(lambda: conversation_selectors.post_get(post_id=w.secret_post.pk, person=p)),
    "write a post in a neighbourhood": lambda w, p: refused(write(w, p, neighbourhood=w.neighbourhood)),
    "write a post in a members-only space": lambda w, p: refused(write(w, p, organisation=w.group)),
    "reply to a post": lambda w, p: refused(lambda: conversation.comment_create(author=p, post=w.public_post, body="Yes")),
    "reply to a post as a guest, where the council allows it": lambda w, p: refused(comment_as_guest(w, p)),
    "like or thank": lambda w, p: refused(lambda: conversation.reaction_toggle(person=p, post=w.public_post, kind="thanks")),
    "follow a neighbourhood": lambda w, p: refused(lambda: conversation.follow_toggle(person=p, target=w.neighbourhood)),
    "speak for the group (wear its badge)":
        lambda w, p: refused(write(w, p, neighbourhood=w.neighbourhood, acting_for=w.group)),
    "speak for a council service (wear its badge)":
        lambda w, p: refused(write(w, p, neighbourhood=w.neighbourhood, acting_for=w.parks)),
    "close comments on someone else’s post":
        lambda w, p: refused(lambda: conversation.post_set_comments_closed(person=p, post=w.public_post, closed=True)),
    "add a “see also” link to someone else’s post":
        lambda w, p: refused(lambda: conversation.post_link_add(person=p, from_post=w.public_post, to_post=w.secret_post)),
    "make the group’s space members-only or public":
        lambda w, p: refused(lambda: conversation.organisation_visibility_set(person=p, organisation=w.group, members_only=False)),
    # Moderation
    "read the moderation policy": lambda w, p: page(p, "/testborough/moderation/policy/"),
    "report a post, reply or person":
        lambda w, p: refused(lambda: moderation.report_create(reporter=p, reason="spam", post=w.public_post)),
    "open the moderation queue": lambda w, p: page(p, "/testborough/moderation/"),
    "hide a post or show it again":
        lambda w, p: refused(lambda: moderation.moderation_act(moderator=p, kind="hide", reason="Spam", post=w.public_post)),
    "edit a post, with a note": lambda w, p: refused(lambda: moderation.moderation_act(
        moderator=p, kind="edit", reason="Private", post=w.public_post, title="Hello", body="Hello", note="Trimmed")),
    "hold or block a person":
        lambda w, p: refused(lambda: moderation.moderation_act(moderator=p, kind="hold", reason="Spam", person=w.someone)),
    "undo a moderator’s action":
        lambda w, p: refused(lambda: moderation.moderation_undo(moderator=p, action=w.earlier_action, reason="Mistake")),
    "change the reasons moderators give":
        lambda w, p: page(p, "/testborough/moderation/reasons/", {"title": "Spam", "text": "This was spam."}),
    "change the moderation policy":
        lambda w, p: page(p, "/testborough/moderation/policy/edit/", {"text": "Be kind."}),
    "read and download the audit log":
        lambda w, p: page(p, "/testborough/moderation/audit/") and page(p, "/testborough/moderation/audit.csv"),
    "let guests comment in the council":
        lambda w, p: refused(lambda: guests.council_guest_comments_set(person=p, allowed=True)),
    # Projects, offers and official responses
    "start a project": lambda w, p: refused(
        lambda: projects.project_create(person=p, name="Bulb planting", purpose="", neighbourhood=w.neighbourhood)),
    "join a project’s team": lambda w, p: refused(lambda: projects.project_join(person=p, project=w.project)),
    "publish an offer as oneself":
        lambda w, p: refused(lambda: offers.offer_create(person=p, kind="volunteers", title="A pair of hands", quantity=1)),
    "give an official response": lambda w, p: refused(lambda: responses.response_give(
        person=p, post=w.public_post, organisation=w.parks, status="answered", body="On it.")),
}

CELLS = read_tables()
ROLES = ["anonymous", "unconfirmed", "resident", "group member", "group admin", "officer", "digital champion", "moderator",
         "council admin", "site admin"]


def test_the_document_covers_every_role_and_every_action_tried_here():
    assert sorted({action for action, _, _ in CELLS}) == sorted(ACTIONS)
    assert sorted({role for _, role, _ in CELLS}) == sorted(ROLES)
    assert len(CELLS) == len(ACTIONS) * len(ROLES)


@pytest.mark.parametrize("action, role, allowed", CELLS, ids=[f"{role}: {action}" for action, role, _ in CELLS])
def test_each_role_against_each_action(world, action, role, allowed):
    person = person_in_role(role, world)
    assert ACTIONS[action](world, person) is allowed


def test_roles_stop_at_the_councils_edge(world):
    """A moderator and an administrator of another council are residents here."""
    other = CouncilFactory(slug="otherborough")
    NeighbourhoodFactory(council=other)
    for kind in ("moderator", "administrator"):
        person = CouncilAdministratorFactory(council=other, role=kind).person
        assert not refused(lambda: moderation.moderation_act(moderator=person, kind="hide", reason="x", post=world.public_post))
        assert not page(person, "/testborough/moderation/")
        assert not refused(lambda: conversation_selectors.post_get(post_id=world.secret_post.pk, person=person))
    with council_scope(other):
        assert page(person, "/otherborough/moderation/")
