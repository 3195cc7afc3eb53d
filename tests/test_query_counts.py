"""Every list page runs the same number of SQL queries with 5 items as with 50."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from villagehall.conversation import services
from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory, PostFactory


def queries_for(client, url) -> int:
    # Every page drawn afresh: what is counted is what drawing it takes.
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.fixture
def world(council, neighbourhood, scoped):
    group = OrganisationFactory(council=council, slug="gardeners", kind="community_group", neighbourhood=neighbourhood)
    author = MembershipFactory(organisation=group).person
    viewer = PersonFactory()
    return group, author, viewer


def add_posts(n, *, neighbourhood, group, author, viewer):
    for i in range(n):
        post = services.post_create(author=author, kind="update", title=f"Post {i}", body="Hello",
                                    neighbourhood=neighbourhood, organisation=group, acting_for=group)
        services.reaction_toggle(person=viewer, post=post, kind="like")
        services.comment_create(author=viewer, post=post, body="Nice")
        services.follow_toggle(person=viewer, target=post) if i % 2 else None


@pytest.mark.parametrize("signed_in", [False, True])
def test_list_pages_run_a_fixed_number_of_queries(client, council, neighbourhood, world, signed_in):
    group, author, viewer = world
    if signed_in:
        client.force_login(viewer)
    services.follow_toggle(person=viewer, target=neighbourhood)
    urls = [
        "/testborough/",
        "/testborough/northfield/",
        "/testborough/northfield/?kind=update",
        "/testborough/org/gardeners/",
        f"/testborough/people/{author.username}/",
    ] + (["/testborough/following/"] if signed_in else [])
    add_posts(5, neighbourhood=neighbourhood, group=group, author=author, viewer=viewer)
    with_five = {url: queries_for(client, url) for url in urls}
    add_posts(45, neighbourhood=neighbourhood, group=group, author=author, viewer=viewer)
    with_fifty = {url: queries_for(client, url) for url in urls}
    assert with_fifty == with_five


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_post_page_runs_a_fixed_number_of_queries_however_many_comments(client, neighbourhood, world, signed_in):
    group, author, viewer = world
    if signed_in:
        client.force_login(viewer)
    post = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council)

    def add_comments(n):
        for i in range(n):
            people = [PersonFactory(), PersonFactory()]
            top = services.comment_create(author=people[0], post=post, body=f"Top {i}", acting_for=None)
            reply = services.comment_create(author=people[1], post=post, body=f"Reply {i}", parent=top)
            services.comment_create(author=author, post=post, body=f"Deeper {i}", parent=reply, acting_for=group)
            services.reaction_toggle(person=viewer, post=post, comment=top, kind="thanks")

    add_comments(5)
    with_five = queries_for(client, post.get_absolute_url())
    add_comments(45)
    with_fifty = queries_for(client, post.get_absolute_url())
    with_fifty_two_pages = queries_for(client, post.get_absolute_url() + "?comments=2")
    assert with_five == with_fifty == with_fifty_two_pages
