"""Every council-owned query is scoped to the current council, and fails closed without one."""

import pytest
from django.db import transaction

from villagehall.conversation.models import Post
from villagehall.core.tenancy import NoCurrentCouncil, council_scope
from villagehall.places.models import Neighbourhood
from tests.factories import CouncilFactory, NeighbourhoodFactory, OrganisationFactory, PostFactory


@pytest.fixture
def two_councils(db):
    north = CouncilFactory(slug="north", name="North Council")
    south = CouncilFactory(slug="south", name="South Council")
    north_post = PostFactory(neighbourhood=NeighbourhoodFactory(council=north, slug="hill"), title="North news")
    south_post = PostFactory(neighbourhood=NeighbourhoodFactory(council=south, slug="vale"), title="South news")
    return north, south, north_post, south_post


def test_query_without_a_current_council_raises(two_councils):
    with pytest.raises(NoCurrentCouncil):
        list(Post.objects.all())
    with pytest.raises(NoCurrentCouncil):
        Neighbourhood.objects.filter(slug="hill").exists()


def test_query_inside_a_council_sees_only_that_council(two_councils):
    north, south, north_post, south_post = two_councils
    with council_scope(north):
        assert list(Post.objects.values_list("title", flat=True)) == ["North news"]
        assert not Post.objects.filter(pk=south_post.pk).exists()
    with council_scope(south):
        assert list(Neighbourhood.objects.values_list("slug", flat=True)) == ["vale"]


def test_spanning_every_council_is_said_by_name(two_councils):
    assert Post.dangerously_unscoped.count() == 2


def test_a_new_row_takes_the_current_council(two_councils):
    north, *_ = two_councils
    with council_scope(north):
        neighbourhood = Neighbourhood.objects.create(slug="dale", name="Dale")
    assert neighbourhood.council == north


def test_the_same_slug_is_allowed_in_two_councils_but_not_twice_in_one(two_councils):
    north, south, *_ = two_councils
    NeighbourhoodFactory(council=south, slug="hill")  # the same slug as north's, in another council
    duplicate = Neighbourhood(council=north, slug="hill", name="Hill again")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        duplicate.full_clean()  # runs outside any council: validated against its own


def test_another_councils_post_is_not_found_under_this_council(client, two_councils):
    north, south, north_post, south_post = two_councils
    assert client.get(f"/north/posts/{north_post.pk}/").status_code == 200
    assert client.get(f"/north/posts/{south_post.pk}/").status_code == 404
    assert client.get("/north/vale/").status_code == 404  # south's neighbourhood
    assert client.get("/north/hill/").status_code == 200


def test_another_councils_organisation_and_people_pages_are_not_found(client, two_councils):
    north, south, north_post, south_post = two_councils
    OrganisationFactory(council=south, slug="south-parks")
    assert client.get("/south/org/south-parks/").status_code == 200
    assert client.get("/north/org/south-parks/").status_code == 404


def test_unknown_addresses_are_404(client, two_councils):
    assert client.get("/nowhere/").status_code == 404
    assert client.get("/nowhere/hill/").status_code == 404
    assert client.get("/north/nowhere/").status_code == 404
    assert client.get("/north/posts/999999/").status_code == 404
    assert client.get("/north/org/nobody/").status_code == 404


def test_a_persons_page_in_one_council_shows_only_that_councils_posts(client, two_councils):
    north, south, north_post, south_post = two_councils
    south_post.author = north_post.author
    south_post.save()
    page = client.get(f"/north/people/{north_post.author.username}/").content.decode()
    assert "North news" in page and "South news" not in page


def test_a_query_built_outside_a_council_fails_however_it_is_run(two_councils):
    north, *_ = two_councils
    built_outside = Neighbourhood.objects.filter(name__startswith="H")
    for run in (list, lambda qs: qs.count(), lambda qs: qs.exists(), lambda qs: qs.update(name="x"),
                lambda qs: list(Post.dangerously_unscoped.filter(neighbourhood__in=qs))):
        with pytest.raises(NoCurrentCouncil), transaction.atomic():
            run(built_outside)
    with council_scope(north):
        with pytest.raises(NoCurrentCouncil):  # built outside, run inside: still refused
            list(built_outside)
        assert Neighbourhood.objects.filter(name__startswith="H").count() == 1
