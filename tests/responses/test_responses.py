"""Official responses: a service answers a post with a status, then progress updates; the
response shows at the top of the thread with its history, followers are told in the app,
every entry is an interaction of kind `response`, and a service's page shows its record."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import MembershipFactory, PersonFactory
from villagehall.analytics.models import Interaction
from villagehall.conversation import services as conversation
from villagehall.responses import services
from villagehall.responses.models import OfficialResponse, ResponseNotice, ResponseUpdate
from villagehall.responses.selectors import response_record


@pytest.fixture
def question(town):
    return conversation.post_create(author=town.nina, kind="question", title="When will the gate be fixed?",
                                    body="It is broken.", neighbourhood=town.northfield, addressed_to=town.parks)


def test_an_officer_responds_for_their_service_and_it_is_a_response_interaction(town, question):
    update = services.response_give(person=town.olu, post=question, organisation=town.parks, status="in_progress",
                                    body="Ordered a new latch.")
    response = update.response
    assert (response.status, response.organisation, update.author) == ("in_progress", town.parks, town.olu)
    event = Interaction.objects.get(kind="response")
    assert (event.actor, event.acting_for, event.neighbourhood, event.post) == (
        town.olu, town.parks, town.northfield, question)
    assert event.thread == Interaction.objects.get(post=question, kind="post")


def test_only_officers_respond_and_only_for_their_own_service(town, question):
    with pytest.raises(PermissionDenied):
        services.response_give(person=town.nina, post=question, organisation=town.parks, status="answered", body="Yes")
    with pytest.raises(PermissionDenied):
        services.response_give(person=town.lena, post=question, organisation=town.parks, status="answered", body="Yes")
    with pytest.raises(PermissionDenied):
        services.response_give(person=town.rita, post=question, organisation=town.gardeners, status="answered", body="Yes")
    with pytest.raises(ValidationError, match="Write the response"):
        services.response_give(person=town.olu, post=question, organisation=town.parks, status="answered", body=" ")
    assert not OfficialResponse.objects.exists() and not Interaction.objects.filter(kind="response").exists()


def test_progress_updates_keep_the_history_and_move_the_status(town, question):
    services.response_give(person=town.olu, post=question, organisation=town.parks, status="open", body="Seen it.")
    services.response_give(person=town.pat, post=question, organisation=town.parks, status="in_progress", body="Ordered.")
    services.response_give(person=town.olu, post=question, organisation=town.parks, status="done", body="Fixed today.")
    response = OfficialResponse.objects.get()
    assert response.status == "done"
    assert list(response.updates.values_list("status", "body")) == [
        ("open", "Seen it."), ("in_progress", "Ordered."), ("done", "Fixed today.")]
    assert Interaction.objects.filter(kind="response").count() == 3


def test_followers_and_the_author_are_told_in_the_app_after_commit(town, question, django_capture_on_commit_callbacks):
    follower = PersonFactory()
    conversation.follow_toggle(person=follower, target=question)
    conversation.follow_toggle(person=town.olu, target=question)
    with django_capture_on_commit_callbacks(execute=True):
        update = services.response_give(person=town.olu, post=question, organisation=town.parks, status="answered",
                                        body="Next Tuesday.")
    told = set(ResponseNotice.objects.filter(update=update).values_list("person", flat=True))
    assert told == {follower.pk, town.nina.pk}


def test_the_response_shows_at_the_top_of_the_thread_with_its_history(client, town, question):
    conversation.comment_create(author=town.rita, post=question, body="Me too!")
    services.response_give(person=town.olu, post=question, organisation=town.parks, status="in_progress", body="Ordered.")
    services.response_give(person=town.olu, post=question, organisation=town.parks, status="done", body="**Fixed** today.")
    page = client.get(question.get_absolute_url()).content.decode()
    assert page.index("Official response") < page.index("Me too!")
    top = page[page.index('id="official-responses"'):page.index('id="comments-heading"')]
    assert "<strong>Fixed</strong> today." in top and "Done" in top and "History (2 entries)" in top and "Ordered." in top


def test_an_officer_gives_a_response_through_the_form_and_bad_input_is_kept(client, town, question):
    client.force_login(town.olu)
    url = f"/testborough/responses/posts/{question.pk}/"
    assert "Give an official response" in client.get(question.get_absolute_url()).content.decode()
    response = client.post(url, {"organisation": town.parks.pk, "status": "answered", "body": ""})
    assert response.status_code == 400 and "Write the response." in response.content.decode()
    response = client.post(url, {"organisation": town.parks.pk, "status": "", "body": "Typed words"})
    assert response.status_code == 400 and "Typed words" in response.content.decode()
    assert not OfficialResponse.objects.exists()
    response = client.post(url, {"organisation": town.parks.pk, "status": "answered", "body": "Tuesday."})
    assert response.status_code == 302
    assert OfficialResponse.objects.get().status == "answered"
    client.force_login(town.nina)
    assert client.get(url).status_code == 403


def test_notices_page_lists_responses_to_posts_you_follow(client, town, question, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.response_give(person=town.olu, post=question, organisation=town.parks, status="answered", body="Tuesday.")
    client.force_login(town.nina)
    page = client.get("/testborough/responses/").content.decode()
    assert "New:" in page and "When will the gate be fixed?" in page and "“answered”" in page
    assert ResponseNotice.objects.get().seen_at is not None
    assert "New:" not in client.get("/testborough/responses/").content.decode()


def test_a_services_response_record_counts_answered_and_how_fast(client, town, question):
    now = timezone.now()
    second = conversation.post_create(author=town.rita, kind="request", title="Bins", body="Full.",
                                      neighbourhood=town.northfield, addressed_to=town.parks, at=now - timedelta(days=5))
    third = conversation.post_create(author=town.rita, kind="question", title="Trees?", body="When?",
                                     neighbourhood=town.northfield, addressed_to=town.parks, at=now - timedelta(days=4))
    conversation.post_create(author=town.olu, kind="announcement", title="Our own", body="News",
                             neighbourhood=town.northfield, addressed_to=town.parks, acting_for=town.parks)
    conversation.post_create(author=town.rita, kind="question", title="Unanswered", body="Hello?",
                             neighbourhood=town.northfield, addressed_to=town.parks)
    services.response_give(person=town.olu, post=question, organisation=town.parks, status="answered", body="Soon.",
                           at=question.created_at + timedelta(hours=2))
    # A reply with the badge is an answer too; one without it is a neighbour's.
    conversation.comment_create(author=town.olu, post=third, body="Next month.", acting_for=town.parks,
                                at=third.created_at + timedelta(hours=10))
    conversation.comment_create(author=town.pat, post=second, body="As a neighbour: mine too", at=second.created_at + timedelta(hours=1))
    services.response_give(person=town.olu, post=second, organisation=town.parks, status="open", body="Looking.",
                           at=second.created_at + timedelta(hours=72))
    record = response_record(organisation=town.parks)
    assert (record.addressed, record.answered, record.answered_within_2d, record.median_hours) == (4, 3, 2, 10.0)
    page = client.get("/testborough/org/parks/").content.decode()
    assert "Response record" in page and "addressed to Parks: <strong>4</strong>" in page
    assert "10.0 hours" in page and "(1 not yet)" in page
    assert "Response record" not in client.get("/testborough/org/gardeners/").content.decode()


def test_the_post_page_stays_at_a_fixed_number_of_queries_with_more_history(client, town, question):
    client.force_login(town.olu)
    services.response_give(person=town.olu, post=question, organisation=town.parks, status="open", body="Seen.")
    with CaptureQueriesContext(connection) as few:
        assert client.get(question.get_absolute_url()).status_code == 200
    for n in range(10):
        services.response_give(person=town.pat, post=question, organisation=town.parks, status="in_progress", body=f"Step {n}")
    services.response_give(person=town.lena, post=question, organisation=town.libraries, status="answered", body="We help too.")
    # Drawn afresh as the first was, with nothing of the page or the reader's own parts kept.
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        assert client.get(question.get_absolute_url()).status_code == 200
    assert len(few) == len(many)
    assert ResponseUpdate.objects.count() == 12


@pytest.fixture
def members_post(town):
    """A post in the Gardeners' members-only space; Olu, a Parks officer, is also a Gardener."""
    conversation.organisation_visibility_set(person=town.admin, organisation=town.gardeners, members_only=True)
    town.gardeners.refresh_from_db()
    MembershipFactory(organisation=town.gardeners, person=town.olu)
    return conversation.post_create(author=town.rita, kind="question", title="Shed keys for members",
                                    body="Who has them?", organisation=town.gardeners)


def test_a_member_who_is_an_officer_opens_the_response_page_of_a_members_only_post(client, town, members_post):
    client.force_login(town.olu)
    url = f"/testborough/responses/posts/{members_post.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"organisation": town.parks.pk, "status": "answered", "body": "Parks has a spare."})
    assert response.status_code == 302
    assert OfficialResponse.objects.get(post=members_post).status == "answered"


def main_of(response) -> str:
    page = response.content.decode()
    return page[page.index("<main"):page.index("</main>")]


def test_outsiders_get_the_same_not_found_as_for_a_missing_post(client, town, members_post):
    missing = f"/testborough/responses/posts/{members_post.pk + 1000}/"
    secret = f"/testborough/responses/posts/{members_post.pk}/"
    for person in (None, town.pat, town.nina):
        client.logout()
        if person is not None:
            client.force_login(person)
        for method in (client.get, client.post):
            hidden, absent = method(secret), method(missing)
            assert hidden.status_code == absent.status_code == 404
            assert main_of(hidden) == main_of(absent)
    with pytest.raises(PermissionDenied):
        services.response_give(person=town.pat, post=members_post, organisation=town.parks, status="answered",
                               body="Guessing the number.")
    assert not OfficialResponse.objects.exists()


def test_a_services_page_does_not_name_its_answers_in_members_only_spaces(client, town, members_post, question):
    services.response_give(person=town.olu, post=members_post, organisation=town.parks, status="answered", body="Yes.")
    services.response_give(person=town.olu, post=question, organisation=town.parks, status="open", body="Looking.")
    assert [r.post for r in response_record(organisation=town.parks).recent] == [question]
    page = client.get("/testborough/org/parks/").content.decode()
    assert "When will the gate be fixed?" in page and "Shed keys for members" not in page
