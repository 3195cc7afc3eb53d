"""Addresses worked out once and remembered are the addresses reverse() gives."""

from django.urls import reverse, set_script_prefix

from villagehall.core.addresses import address


def test_a_remembered_address_is_reverses_answer(db):
    assert address("post", "testborough", 7) == reverse("post", args=["testborough", 7]) == "/testborough/posts/7/"
    assert address("post", council_slug="testborough", post_id=7) == "/testborough/posts/7/"
    assert address("person", "testborough", "ada-1f2e3d") == "/testborough/people/ada-1f2e3d/"


def test_an_address_under_a_script_prefix_carries_it(db):
    try:
        set_script_prefix("/hall/")
        assert address("post", "testborough", 7) == "/hall/testborough/posts/7/"
    finally:
        set_script_prefix("/")
    assert address("post", "testborough", 7) == "/testborough/posts/7/"


def test_every_address_under_a_council_starts_with_a_word_no_neighbourhood_may_take():
    from villagehall.places.models import RESERVED_SLUGS
    from villagehall.urls import council_patterns

    for pattern in council_patterns:
        route = str(pattern.pattern)
        if route not in ("", "<neighbourhood:neighbourhood_slug>/"):
            assert route.split("/")[0] in RESERVED_SLUGS, route


def test_a_neighbourhoods_feed_is_found_first_and_never_takes_another_address(db):
    from django.urls import resolve

    from villagehall.places.models import RESERVED_SLUGS

    assert resolve("/testborough/northfield/").url_name == "neighbourhood_feed"
    for word in RESERVED_SLUGS:
        try:
            match = resolve(f"/testborough/{word}/")
        except Exception:
            continue
        assert match.url_name != "neighbourhood_feed", word
