"""Members-only spaces: what a group keeps to its members never shows anywhere else.

Every list surface is tried as an anonymous visitor, as a signed-in outsider and from a
second council, with a member's view as the control that the secret is really there.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import CouncilFactory, MembershipFactory, NeighbourhoodFactory, OrganisationFactory, PersonFactory
from villagehall.conversation import services as conversation
from villagehall.conversation.models import Follow
from villagehall.core.models import AuditEntry
from villagehall.core.tenancy import council_scope
from villagehall.moderation import services as moderation
from villagehall.people.models import Membership

SECRETS = ("The secret quilt pattern", "Only quilters should read this", "A members-only reply")


@pytest.fixture
def space(scoped, council, neighbourhood):
    """A members-only group with a member's post (also placed in the neighbourhood) and a reply on it."""
    quilters = OrganisationFactory(council=council, slug="quilters", name="Northfield Quilters",
                                   neighbourhood=neighbourhood, members_only=True)
    mia = MembershipFactory(organisation=quilters, person=PersonFactory(display_name="Mia Member"),
                            role=Membership.Role.ADMIN).person
    secret = conversation.post_create(author=mia, kind="update", title=SECRETS[0], body=SECRETS[1],
                                      organisation=quilters, neighbourhood=neighbourhood)
    conversation.comment_create(author=mia, post=secret, body=SECRETS[2])
    public = conversation.post_create(author=mia, kind="update", title="Open meeting on Tuesday",
                                      body="Everyone welcome.", neighbourhood=neighbourhood)
    conversation.post_link_add(person=mia, from_post=public, to_post=secret)
    outsider = PersonFactory(display_name="Otto Outsider")
    conversation.follow_toggle(person=outsider, target=neighbourhood)
    conversation.follow_toggle(person=outsider, target=quilters)
    conversation.follow_toggle(person=outsider, target=mia)
    # Followed before the space closed: the follow stays, the post does not show.
    Follow.objects.create(follower=outsider, post=secret)
    conversation.follow_toggle(person=mia, target=neighbourhood)
    return quilters, mia, secret, public, outsider


def surfaces(secret, mia):
    return [
        "/testborough/",
        "/testborough/northfield/",
        "/testborough/northfield/?kind=update",
        "/testborough/org/quilters/",
        f"/testborough/people/{mia.username}/",
        "/testborough/following/",
        "/testborough/posts/{public}/",
    ]


def get(client, url, **headers):
    response = client.get(url, headers=headers)
    return response.status_code, response.content.decode()


def assert_nothing_secret(client, urls):
    for url in urls:
        status, text = get(client, url)
        if url.endswith("/following/") and status == 302:
            continue  # signed out: the following page asks to sign in
        assert status == 200, url
        leaked = [secret for secret in SECRETS if secret in text]
        assert leaked == [], f"{url} shows {leaked}"
        assert "Mia Member</a> (admin)" not in text, f"{url} lists the members"


def assert_post_is_not_found(client, secret, council_slug="testborough"):
    base = f"/{council_slug}/posts/{secret.pk}/"
    assert get(client, base)[0] == 404
    assert get(client, f"{base}?comments=2", **{"HX-Request": "true"})[0] == 404
    assert get(client, f"/{council_slug}/moderation/report/?post={secret.pk}")[0] in (302, 404)
    for url, data in [
        (f"{base}comments/", {"body": "Let me in"}),
        (f"{base}reactions/", {"kind": "like"}),
        (f"/{council_slug}/follow/", {"type": "post", "id": secret.pk}),
    ]:
        assert client.post(url, data).status_code in (302, 404), url  # 302: signed out, asked to sign in


def test_members_see_their_space(client, space):
    quilters, mia, secret, public, outsider = space
    client.force_login(mia)
    for url in ["/testborough/", "/testborough/northfield/", "/testborough/org/quilters/", "/testborough/following/",
                f"/testborough/people/{mia.username}/"]:
        assert SECRETS[0] in get(client, url)[1], url
    status, text = get(client, secret.get_absolute_url())
    assert status == 200 and SECRETS[1] in text and SECRETS[2] in text
    assert SECRETS[0] in get(client, public.get_absolute_url())[1]  # the "see also" link


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_nobody_else_sees_it_on_any_surface(client, space, who):
    quilters, mia, secret, public, outsider = space
    if who == "outsider":
        client.force_login(outsider)
    urls = [url.format(public=public.pk) for url in surfaces(secret, mia)]
    assert_nothing_secret(client, urls)
    assert_post_is_not_found(client, secret)
    assert "Northfield Quilters’s conversations are for its members only." in get(client, "/testborough/org/quilters/")[1]


def test_the_anonymous_page_cache_never_hands_a_members_view_to_anyone_else(client, space):
    quilters, mia, secret, public, outsider = space
    urls = [url.format(public=public.pk) for url in surfaces(secret, mia) if "following" not in url]
    client.force_login(mia)
    for url in urls:
        get(client, url)  # members fill the cached post lists first
    client.logout()
    client.cookies.clear()
    for _ in range(2):  # a miss, then a hit from the page cache
        assert_nothing_secret(client, urls)
    assert client.get("/testborough/northfield/")["X-Village-Hall-Cache"] == "hit"
    client.force_login(outsider)
    assert_nothing_secret(client, urls)


def test_from_a_second_council_nothing_is_found(client, space):
    quilters, mia, secret, public, outsider = space
    other = CouncilFactory(slug="otherborough")
    NeighbourhoodFactory(council=other, slug="northfield")
    # The same member, and a group with the same address, in the other council.
    MembershipFactory(organisation=OrganisationFactory(council=other, slug="quilters"), person=mia)
    client.force_login(mia)
    with council_scope(other):
        urls = ["/otherborough/", "/otherborough/northfield/", "/otherborough/org/quilters/",
                f"/otherborough/people/{mia.username}/", "/otherborough/following/"]
        assert_nothing_secret(client, urls)
        assert_post_is_not_found(client, secret, council_slug="otherborough")
        assert get(client, f"/otherborough/moderation/report/?comment={secret.pk}")[0] == 404


def test_only_members_post_in_the_space_and_not_to_a_service(space, council):
    quilters, mia, secret, public, outsider = space
    parks = OrganisationFactory(council=council, slug="parks", kind="council_service")
    with pytest.raises(PermissionDenied, match="Only members"):
        conversation.post_create(author=outsider, kind="update", title="Hello", body="Hi", organisation=quilters)
    with pytest.raises(ValidationError, match="members only"):
        conversation.post_create(author=mia, kind="question", title="Q", body="?", organisation=quilters, addressed_to=parks)


def test_a_group_admin_opens_or_closes_the_space_and_it_is_recorded(client, space, council):
    quilters, mia, secret, public, outsider = space
    client.force_login(outsider)
    assert client.get("/testborough/moderation/spaces/quilters/").status_code == 403
    with pytest.raises(PermissionDenied):
        conversation.organisation_visibility_set(person=outsider, organisation=quilters, members_only=False)
    client.force_login(mia)
    assert "Change who can see this space" in get(client, "/testborough/org/quilters/")[1]
    response = client.post("/testborough/moderation/spaces/quilters/", {"members_only": "everyone", "reason": "Open day"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.before, entry.after, entry.reason) == (
        "organisation.visibility", {"members_only": True}, {"members_only": False}, "Open day",
    )
    client.logout()
    assert SECRETS[0] in get(client, "/testborough/northfield/")[1]


def test_a_council_service_is_never_members_only(space, council):
    quilters, mia, secret, public, outsider = space
    parks = OrganisationFactory(council=council, slug="parks", kind="council_service")
    MembershipFactory(organisation=parks, person=mia, role=Membership.Role.ADMIN)
    with pytest.raises(PermissionDenied):
        conversation.organisation_visibility_set(person=mia, organisation=parks, members_only=True)


def test_moderators_can_open_a_reported_post_in_a_members_only_space(client, space, council):
    from tests.factories import CouncilAdministratorFactory

    quilters, mia, secret, public, outsider = space
    moderator = CouncilAdministratorFactory(council=council, role="moderator").person
    client.force_login(moderator)
    assert get(client, secret.get_absolute_url())[0] == 200
    moderation.moderation_act(moderator=moderator, kind="hide", reason="Test", post=secret)
