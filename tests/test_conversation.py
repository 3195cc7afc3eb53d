"""Posting, replying, reacting, following, and the interaction events they record."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from villagehall.analytics.models import Interaction
from villagehall.conversation import services
from villagehall.conversation.models import Comment, Follow, Post, Reaction
from tests.factories import MembershipFactory, NeighbourhoodFactory, OrganisationFactory, PersonFactory, PostFactory


@pytest.fixture
def parks(council):
    return OrganisationFactory(council=council, slug="parks", name="Parks and Open Spaces", kind="council_service")


@pytest.fixture
def gardeners(council, neighbourhood):
    return OrganisationFactory(council=council, slug="gardeners", name="Northfield Gardeners",
                               kind="community_group", neighbourhood=neighbourhood)


@pytest.fixture
def officer(parks):
    return MembershipFactory(organisation=parks, person=PersonFactory(display_name="Olu Officer")).person


@pytest.fixture
def resident(db):
    return PersonFactory(display_name="Rita Resident")


def test_a_post_records_a_post_interaction_that_is_its_own_thread(scoped, neighbourhood, resident, parks):
    post = services.post_create(author=resident, kind="question", title="Broken gate", body="Who fixes it?",
                                neighbourhood=neighbourhood, addressed_to=parks)
    event = Interaction.objects.get(post=post)
    assert (event.kind, event.actor, event.acting_for, event.neighbourhood, event.group, event.channel,
            event.addressed_to) == ("post", resident, None, neighbourhood, None, "online", parks)
    assert event.thread_id == event.pk
    assert event.at == post.created_at


def test_an_officer_with_the_badge_speaks_for_the_service(scoped, neighbourhood, officer, parks):
    post = services.post_create(author=officer, kind="announcement", title="Mowing", body="Tuesday.",
                                neighbourhood=neighbourhood, acting_for=parks)
    assert Interaction.objects.get(post=post).acting_for == parks


def test_an_officer_without_the_badge_is_a_neighbour(scoped, neighbourhood, officer):
    post = services.post_create(author=officer, kind="update", title="Lovely day", body="In the park.",
                                neighbourhood=neighbourhood)
    assert post.acting_for is None
    assert Interaction.objects.get(post=post).acting_for is None


def test_nobody_can_speak_for_an_organisation_they_are_not_in(scoped, neighbourhood, resident, parks):
    with pytest.raises(PermissionDenied):
        services.post_create(author=resident, kind="update", title="Fake", body="Official!",
                             neighbourhood=neighbourhood, acting_for=parks)
    assert not Post.objects.exists() and not Interaction.objects.exists()


def test_a_post_on_a_groups_page_happens_in_that_group(scoped, neighbourhood, resident, gardeners):
    post = services.post_create(author=resident, kind="idea", title="Seed swap", body="In spring?",
                                organisation=gardeners)
    event = Interaction.objects.get(post=post)
    assert event.group == gardeners and event.neighbourhood == neighbourhood


def test_replies_thread_under_their_comment_and_join_the_posts_thread(scoped, neighbourhood, resident, officer, parks):
    post = services.post_create(author=resident, kind="question", title="Gate", body="Broken.",
                                neighbourhood=neighbourhood, addressed_to=parks)
    first = services.comment_create(author=officer, post=post, body="On it.", acting_for=parks)
    reply = services.comment_create(author=resident, post=post, body="Thanks!", parent=first)
    deeper = services.comment_create(author=officer, post=post, body="Fixed.", parent=reply, acting_for=parks)
    assert (first.root_id, first.depth) == (first.pk, 0)
    assert (reply.root_id, reply.depth) == (first.pk, 1)
    assert (deeper.root_id, deeper.depth) == (first.pk, 2)
    post.refresh_from_db()
    assert post.comment_count == 3
    thread = Interaction.objects.get(post=post, kind="post")
    comments = Interaction.objects.filter(kind="comment").order_by("at", "id")
    assert [c.thread_id for c in comments] == [thread.pk] * 3
    assert [c.acting_for for c in comments] == [parks, None, parks]


def test_closed_comments_take_no_reply(scoped, neighbourhood, resident):
    post = services.post_create(author=resident, kind="update", title="Done", body="Thanks all.",
                                neighbourhood=neighbourhood)
    services.post_set_comments_closed(person=resident, post=post, closed=True)
    with pytest.raises(PermissionDenied):
        services.comment_create(author=PersonFactory(), post=post, body="One more thing")
    assert not Comment.objects.exists()


def test_only_the_author_closes_comments(scoped, neighbourhood, resident):
    post = services.post_create(author=resident, kind="update", title="Mine", body="Mine.", neighbourhood=neighbourhood)
    with pytest.raises(PermissionDenied):
        services.post_set_comments_closed(person=PersonFactory(), post=post, closed=True)


def test_reacting_twice_takes_the_reaction_back(scoped, neighbourhood, resident):
    post = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council)
    assert services.reaction_toggle(person=resident, post=post, kind="like") is True
    post.refresh_from_db()
    assert post.like_count == 1
    assert services.reaction_toggle(person=resident, post=post, kind="like") is False
    post.refresh_from_db()
    assert post.like_count == 0 and not Reaction.objects.exists()
    assert Interaction.objects.filter(kind="reaction").count() == 1


def test_reactions_on_a_comment_count_on_the_comment(scoped, neighbourhood, resident):
    post = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council)
    comment = services.comment_create(author=PersonFactory(), post=post, body="Good idea")
    services.reaction_toggle(person=resident, post=post, comment=comment, kind="thanks")
    comment.refresh_from_db()
    post.refresh_from_db()
    assert (comment.thanks_count, post.thanks_count) == (1, 0)


def test_follow_and_unfollow(scoped, neighbourhood, resident):
    assert services.follow_toggle(person=resident, target=neighbourhood) is True
    assert Follow.objects.filter(follower=resident, neighbourhood=neighbourhood).exists()
    assert services.follow_toggle(person=resident, target=neighbourhood) is False
    assert not Follow.objects.exists()


# Pages


def login(client, person):
    client.force_login(person)
    return client


def test_posting_through_the_page(client, scoped, neighbourhood, resident, parks):
    login(client, resident)
    response = client.post("/testborough/posts/new/", {
        "kind": "question", "title": "Bins", "body": "When is collection?", "neighbourhood": neighbourhood.pk,
        "addressed_to": parks.pk,
    })
    post = Post.objects.get()
    assert response.status_code == 302 and response["Location"] == post.get_absolute_url()
    assert (post.addressed_to, post.author) == (parks, resident)


def test_posting_for_an_organisation_shows_its_badge(client, scoped, neighbourhood, officer, parks):
    login(client, officer)
    client.post("/testborough/posts/new/", {
        "kind": "announcement", "title": "Mowing", "body": "Tuesday.", "neighbourhood": neighbourhood.pk,
        "acting_for": str(parks.pk),
    })
    post = Post.objects.get()
    assert post.acting_for == parks
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'class="badge badge-council_service"' in page and "Parks and Open Spaces" in page


@pytest.mark.parametrize("body, message", [
    ("", "Write something in your post."),
    ("   \n  ", "Write something in your post."),
    ("x" * 20_001, "Ensure this value has at most 20000 characters"),
])
def test_a_bad_post_keeps_what_was_typed_and_stores_nothing(client, scoped, neighbourhood, resident, body, message):
    login(client, resident)
    response = client.post("/testborough/posts/new/", {
        "kind": "update", "title": "My carefully typed title", "body": body, "neighbourhood": neighbourhood.pk,
    })
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert 'value="My carefully typed title"' in page
    assert not Post.objects.exists() and not Interaction.objects.exists()


def test_someone_elses_organisation_is_not_on_offer(client, scoped, neighbourhood, resident, parks):
    login(client, resident)
    response = client.post("/testborough/posts/new/", {
        "kind": "update", "title": "Official", "body": "Honest.", "neighbourhood": neighbourhood.pk,
        "acting_for": str(parks.pk),
    })
    assert response.status_code == 400
    assert "You can only speak for an organisation you are a member of." in response.content.decode()
    assert not Post.objects.exists()


def test_script_and_javascript_links_in_a_post_are_neutralised(client, scoped, neighbourhood, resident):
    login(client, resident)
    client.post("/testborough/posts/new/", {
        "kind": "update", "title": "<script>alert('title')</script>",
        "body": "<script>alert(1)</script> [click](javascript:alert(2))", "neighbourhood": neighbourhood.pk,
    })
    page = client.get(Post.objects.get().get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in page
    assert 'href="javascript' not in page


def test_replying_and_replying_to_a_reply(client, scoped, neighbourhood, resident):
    post = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council)
    login(client, resident)
    response = client.post(f"/testborough/posts/{post.pk}/comments/", {"body": "First!"})
    first = Comment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{first.pk}")
    client.post(f"/testborough/posts/{post.pk}/comments/", {"body": "A reply to first", "parent": first.pk})
    reply = Comment.objects.get(parent=first)
    page = client.get(post.get_absolute_url()).content.decode()
    # The reply is rendered inside the first comment's list of replies.
    first_block = page[page.index(f'id="comment-{first.pk}"'):]
    assert first_block.index(f'id="replies-{first.pk}"') < first_block.index(f'id="comment-{reply.pk}"')


def test_a_reply_to_a_closed_post_is_refused_and_kept(client, scoped, neighbourhood, resident):
    post = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council, comments_closed=True)
    login(client, resident)
    response = client.post(f"/testborough/posts/{post.pk}/comments/", {"body": "Too late?"})
    assert response.status_code == 400
    assert "Comments are closed" in response.content.decode()
    assert not Comment.objects.exists()


def test_an_empty_reply_keeps_the_form_and_says_why(client, scoped, neighbourhood, resident):
    post = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council)
    login(client, resident)
    response = client.post(f"/testborough/posts/{post.pk}/comments/", {"body": "   "})
    assert response.status_code == 400
    assert "Write something in your reply." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_reply_to_a_comment_on_another_post_is_404(client, scoped, neighbourhood, resident):
    post, other = PostFactory.create_batch(2, neighbourhood=neighbourhood, council=neighbourhood.council)
    with_comment = services.comment_create(author=resident, post=other, body="Elsewhere")
    login(client, resident)
    response = client.post(f"/testborough/posts/{post.pk}/comments/", {"body": "Hi", "parent": with_comment.pk})
    assert response.status_code == 404
    assert Comment.objects.count() == 1


def test_reacting_through_the_page_with_and_without_htmx(client, scoped, neighbourhood, resident):
    post = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council)
    login(client, resident)
    response = client.post(f"/testborough/posts/{post.pk}/reactions/", {"kind": "like"})
    assert response.status_code == 302
    response = client.post(f"/testborough/posts/{post.pk}/reactions/", {"kind": "thanks"}, headers={"HX-Request": "true"})
    fragment = response.content.decode()
    assert "1 person likes this" in fragment and "1 person says thanks" in fragment
    assert fragment.count('aria-pressed="true"') == 2
    assert client.post(f"/testborough/posts/{post.pk}/reactions/", {"kind": "love"}).status_code == 400


def test_signed_out_people_are_sent_to_sign_in(client, scoped, neighbourhood):
    post = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council)
    response = client.post(f"/testborough/posts/{post.pk}/comments/", {"body": "Hello"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/testborough/posts/new/").status_code == 302
    assert not Comment.objects.exists()


def test_show_more_comments_works_without_javascript(client, scoped, neighbourhood, resident):
    post = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council)
    start = timezone.now()
    for n in range(45):
        services.comment_create(author=resident, post=post, body=f"Comment number {n}",
                                at=start + timezone.timedelta(minutes=n))
    first = client.get(post.get_absolute_url()).content.decode()
    assert "Comment number 19" in first and "Comment number 20" not in first
    assert "?comments=2" in first and "20 of 45 shown" in first
    second = client.get(f"{post.get_absolute_url()}?comments=2").content.decode()
    assert "Comment number 0<" in second and "Comment number 39" in second and "Comment number 40" not in second
    third = client.get(f"{post.get_absolute_url()}?comments=3").content.decode()
    assert "Comment number 44" in third and "Show more comments" not in third


def test_the_following_page_gathers_what_you_follow(client, scoped, neighbourhood, resident):
    elsewhere = NeighbourhoodFactory(council=neighbourhood.council, slug="southgate", name="Southgate")
    PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council, title="From Northfield")
    PostFactory(neighbourhood=elsewhere, council=neighbourhood.council, title="From Southgate")
    login(client, resident)
    assert "not following anything" in client.get("/testborough/following/").content.decode()
    client.post("/testborough/follow/", {"type": "neighbourhood", "id": neighbourhood.pk, "next": "/testborough/northfield/"})
    page = client.get("/testborough/following/").content.decode()
    assert "From Northfield" in page and "From Southgate" not in page


def test_the_neighbourhood_feed_filters_by_kind(client, scoped, neighbourhood):
    PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council, kind="question", title="A question")
    PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council, kind="offer", title="An offer")
    page = client.get("/testborough/northfield/?kind=question").content.decode()
    assert "A question" in page and "An offer" not in page
    everything = client.get("/testborough/northfield/?kind=nonsense").content.decode()
    assert "A question" in everything and "An offer" in everything


def test_profile_edit_keeps_neighbourhoods(client, scoped, neighbourhood, resident):
    login(client, resident)
    response = client.post("/testborough/people/me/edit/", {
        "display_name": "Rita R", "bio": "Grows tomatoes.", "neighbourhoods": [neighbourhood.pk],
    })
    assert response.status_code == 302
    page = client.get(f"/testborough/people/{resident.username}/").content.decode()
    assert "Rita R" in page and "Grows tomatoes." in page and "Northfield" in page
    bad = client.post("/testborough/people/me/edit/", {"display_name": " ", "bio": "Still here"})
    assert bad.status_code == 400 and "Still here" in bad.content.decode()


def test_healthz_answers_with_json(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_the_author_links_a_related_post_under_see_also(client, scoped, neighbourhood, resident):
    post = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council, author=resident)
    related = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council, title="The earlier thread")
    login(client, resident)
    client.post(f"/testborough/posts/{post.pk}/see-also/", {"other": f"http://testserver{related.get_absolute_url()}"})
    page = client.get(post.get_absolute_url()).content.decode()
    assert "See also" in page and "The earlier thread" in page
    response = client.post(f"/testborough/posts/{post.pk}/see-also/", {"other": "999999"}, follow=True)
    assert "No post in this council has that address or number" in response.content.decode()
    response = client.post(f"/testborough/posts/{post.pk}/see-also/", {"other": str(post.pk)}, follow=True)
    assert "A post cannot link to itself." in response.content.decode()


def test_only_the_author_links_posts(client, scoped, neighbourhood, resident):
    post = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council)
    related = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council)
    login(client, resident)
    response = client.post(f"/testborough/posts/{post.pk}/see-also/", {"other": str(related.pk)})
    assert response.status_code == 403
    assert "Link a related post" not in client.get(post.get_absolute_url()).content.decode()


def test_refusals_and_missing_pages_explain_themselves(client, scoped, neighbourhood, resident):
    post = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council)
    login(client, resident)
    refused = client.post(f"/testborough/posts/{post.pk}/comments-closed/", {"closed": "1"})
    assert refused.status_code == 403
    assert "Only the author or a moderator can close comments." in refused.content.decode()
    missing = client.get("/testborough/posts/424242/")
    assert missing.status_code == 404 and "We could not find that page" in missing.content.decode()


def test_a_busy_sub_thread_shows_its_first_replies_and_links_to_the_rest(client, scoped, neighbourhood, resident):
    post = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council)
    start = timezone.now()
    top = services.comment_create(author=resident, post=post, body="Top comment", at=start)
    parent = top
    for n in range(8):  # a chain of replies, each to the one before
        parent = services.comment_create(author=resident, post=post, body=f"Reply number {n}", parent=parent,
                                         at=start + timezone.timedelta(minutes=n + 1))
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Reply number 4" in page and "Reply number 5" not in page
    assert f"?thread={top.pk}" in page and "Show 3 more replies" in page
    whole = client.get(f"{post.get_absolute_url()}?thread={top.pk}").content.decode()
    assert "Reply number 7" in whole and "Back to all comments" in whole
    assert client.get(f"{post.get_absolute_url()}?thread=999999").status_code == 404


def test_after_replying_you_land_where_your_comment_shows(client, scoped, neighbourhood, resident):
    post = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council)
    start = timezone.now() - timezone.timedelta(days=1)
    first = None
    for n in range(25):
        made = services.comment_create(author=resident, post=post, body=f"Earlier {n}",
                                       at=start + timezone.timedelta(minutes=n))
        first = first or made
    login(client, resident)
    newest = client.post(f"/testborough/posts/{post.pk}/comments/", {"body": "The newest"})
    comment = Comment.objects.get(body="The newest")
    assert newest["Location"] == f"{post.get_absolute_url()}?comments=2#comment-{comment.pk}"
    assert "The newest" in client.get(newest["Location"]).content.decode()
    reply = client.post(f"/testborough/posts/{post.pk}/comments/", {"body": "Replying to the first", "parent": first.pk})
    assert reply["Location"].startswith(f"{post.get_absolute_url()}#comment-")


def test_an_organisations_page_lists_what_is_on_it_and_what_it_said_elsewhere_newest_first(
    scoped, neighbourhood, gardeners, settings, django_assert_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    from villagehall.conversation import selectors

    settings.FEED_PAGE_SIZE = 3
    member = MembershipFactory(organisation=gardeners, person=PersonFactory()).person
    start = timezone.now() - timedelta(days=10)
    council = neighbourhood.council
    made = {}
    for hour, (title, place) in enumerate([
        ("On the page", {"organisation": gardeners, "neighbourhood": None}),
        ("Said elsewhere", {"acting_for": gardeners}),
        ("Someone else's", {}),
        ("On the page, for it", {"organisation": gardeners, "neighbourhood": None, "acting_for": gardeners}),
        ("Said elsewhere again", {"acting_for": gardeners}),
        ("Another of someone else's", {}),
        ("Latest on the page", {"organisation": gardeners, "neighbourhood": None}),
    ]):
        fields = {"neighbourhood": neighbourhood, **place}
        made[title] = PostFactory(council=council, author=member, title=title,
                                  created_at=start + timedelta(hours=hour), **fields)
    PostFactory(council=council, author=member, title="Hidden", organisation=gardeners, neighbourhood=None,
                state="hidden", created_at=start + timedelta(hours=20))

    with django_assert_num_queries(3):  # the newest keys of each list; the page's posts
        first = selectors.post_feed(organisation=gardeners, page=1)
        titles = [post.title for post in first.object_list]
    assert titles == ["Latest on the page", "Said elsewhere again", "On the page, for it"]
    assert first.has_next() and not first.has_previous()
    second = selectors.post_feed(organisation=gardeners, page=2)
    assert [post.title for post in second.object_list] == ["Said elsewhere", "On the page"]
    assert second.has_previous() and not second.has_next()
    assert second.object_list[0].author == member  # read with the rows every list shows
    assert list(selectors.post_feed(organisation=gardeners, page=3).object_list) == []


def test_a_long_feed_pages_without_counting_its_posts(client, scoped, neighbourhood, settings):
    settings.FEED_PAGE_SIZE = 2
    for n in range(5):
        PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council, title=f"Notice {n}")
    first = client.get("/testborough/northfield/").content.decode()
    assert "Notice 4" in first and "Notice 3" in first and "Notice 2" not in first
    assert "Page 1</span>" in first and 'rel="next"' in first and 'rel="prev"' not in first
    last = client.get("/testborough/northfield/?page=3").content.decode()
    assert "Notice 0" in last and 'rel="prev"' in last and 'rel="next"' not in last
