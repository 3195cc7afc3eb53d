"""Each part of a person's data download: what they gave in projects, offers, official
responses and moderation, what was done about them, and what they were told; their own
writing in a members-only space, but nobody else's private data."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory
from tests.projects.town import town  # noqa: F401  (the shared fixture)
from villagehall.analytics.models import ImportedRecord
from villagehall.conversation import services as conversation
from villagehall.moderation import services as moderation
from villagehall.offers import services as offers
from villagehall.people import services as people
from villagehall.people.models import CouncilRole, Membership
from villagehall.privacy.selectors import personal_data
from villagehall.projects import services as projects
from villagehall.responses import services as responses

TODAY = timezone.localdate()


def export_of(person) -> dict:
    """The download as the person gets it: through JSON and back."""
    return json.loads(json.dumps(personal_data(person=person)))


def text_of(person) -> str:
    return json.dumps(personal_data(person=person), ensure_ascii=False)


def test_projects_they_started_joined_steered_and_wrote_for(town):
    MembershipFactory(organisation=town.volunteers, person=town.rita)
    projects.project_join(person=town.nina, project=town.orchard)
    projects.project_status_change(person=town.rita, project=town.orchard, to_status="forming", reason="Two of us now.")
    projects.need_add(person=town.rita, project=town.orchard, kind="money", summary="Six apple trees", amount=300)
    projects.partnership_add(person=town.rita, project=town.orchard, organisation=town.volunteers, role="supporter")
    projects.project_update_post(person=town.nina, project=town.orchard, title="Holes dug", body="Ready for trees.")

    data = export_of(town.rita)
    assert [(p["name"], p["group"], p["status"]) for p in data["projects_started"]] == [
        ("Community orchard", "Northfield Gardeners", "Forming")]
    assert [(m["project_name"], m["role"]) for m in data["project_teams"]] == [("Community orchard", "Organiser")]
    assert [(s["from"], s["to"], s["why"]) for s in data["project_steps_taken"]] == [
        (None, "Idea", "Started the project."), ("Idea", "Forming", "Two of us now.")]
    assert [(n["summary"], n["amount"], n["status"]) for n in data["project_needs_listed"]] == [
        ("Six apple trees", 300, "Open")]
    assert [(p["organisation"], p["role"]) for p in data["project_partners_added"]] == [
        ("Northfield Gardeners", "Lead"), ("Northfield Volunteers", "Supporter")]
    assert [u["title"] for u in data["project_updates"]] == ["New project: Community orchard"]

    nina = export_of(town.nina)
    assert nina["projects_started"] == [] and nina["project_steps_taken"] == []
    assert [(m["project_name"], m["role"]) for m in nina["project_teams"]] == [("Community orchard", "Team member")]
    assert [u["title"] for u in nina["project_updates"]] == ["Holes dug"]


@pytest.fixture
def granted(town):
    """Parks' fund grants Rita's request for the orchard; both sides commit, and Rita delivers hers."""
    fund = offers.offer_create(person=town.olu, kind="fund", title="Green spaces fund", organisation=town.parks,
                               budget=2000)
    request = offers.support_request_create(person=town.rita, offer=fund, project=town.orchard, message="For trees",
                                            amount=800)
    request = offers.support_request_decide(
        person=town.olu, support_request=request, outcome="part", reason="Half now, half in spring.", amount=400,
        commitments=[offers.Promise("£400 paid by May", TODAY + timedelta(days=10))],
    )
    ours = offers.commitment_add(person=town.rita, support_request=request, what="Photos of the planting",
                                 due=TODAY + timedelta(days=30))
    offers.commitment_deliver(person=town.rita, commitment=ours, note="Twelve photos on the project page.")
    return fund, request


def test_offers_requests_decisions_and_commitments(town, granted):
    offers.offer_create(person=town.rita, kind="volunteers", title="Help with a garden", quantity=1,
                        neighbourhoods=[town.northfield], skills="pruning")
    data = export_of(town.rita)
    assert [(o["title"], o["for_organisation"], o["neighbourhoods"], o["skills"]) for o in data["offers_made"]] == [
        ("Help with a garden", None, ["Northfield"], "pruning")]
    [asked] = data["support_requests_made"]
    assert (asked["offer"], asked["project"], asked["message"], asked["amount"]) == (
        "Green spaces fund", "Community orchard", "For trees", 800)
    assert (asked["status"], asked["decided_for"], asked["why"], asked["granted_amount"]) == (
        "Granted in part", "Parks", "Half now, half in spring.", 400)
    assert data["decisions_taken"] == []
    commitments = {(c["what"], c["made_by_you"], c["marked_delivered_by_you"], c["delivery_note"])
                   for c in data["commitments"]}
    assert commitments == {("Photos of the planting", True, True, "Twelve photos on the project page.")}

    olu = export_of(town.olu)
    assert [(d["project"], d["why"]) for d in olu["decisions_taken"]] == [("Community orchard", "Half now, half in spring.")]
    assert [(c["what"], c["made_by_you"]) for c in olu["commitments"]] == [("£400 paid by May", True)]
    assert olu["support_requests_made"] == []
    # Who decided is on the record of the person who did, not in the asker's download.
    assert "Olu Officer" not in text_of(town.rita)


def test_a_community_chest_vote_is_there_but_not_what_was_chosen(town):
    chest = offers.offer_create(person=town.olu, kind="fund", title="Northfield chest", organisation=town.parks,
                                budget=1000, is_community_chest=True)
    request = offers.support_request_create(person=town.rita, offer=chest, project=town.orchard, message="Trees",
                                            amount=300)
    offers.chest_voting_open(person=town.olu, fund=chest)
    receipt = offers.chest_vote(person=town.nina, fund=chest, requests=[request])
    data = export_of(town.nina)
    assert [v["fund"] for v in data["community_chest_votes"]] == ["Northfield chest"]
    assert receipt not in text_of(town.nina) and "Community orchard" not in text_of(town.nina)


def test_official_responses_written_and_the_notices_of_them(town, django_capture_on_commit_callbacks):
    question = conversation.post_create(author=town.rita, kind="question", title="Gate latch?", body="Broken.",
                                        neighbourhood=town.northfield, addressed_to=town.parks)
    with django_capture_on_commit_callbacks(execute=True):
        responses.response_give(person=town.olu, post=question, organisation=town.parks, status="in_progress",
                                body="Ordered a new latch.")
    olu = export_of(town.olu)
    assert [(r["post_title"], r["for_service"], r["status"], r["body"]) for r in olu["official_responses_written"]] == [
        ("Gate latch?", "Parks", "In progress", "Ordered a new latch.")]
    rita = export_of(town.rita)
    assert rita["official_responses_written"] == []
    assert [(n["post_title"], n["service"], n["status"]) for n in rita["official_response_notices"]] == [
        ("Gate latch?", "Parks", "In progress")]


def test_reports_they_made_and_moderation_of_what_they_wrote_but_not_who(town):
    moderator = town.admin
    mine = conversation.post_create(author=town.rita, kind="update", title="Sale on Saturday", body="Bargains.",
                                    neighbourhood=town.northfield)
    eds = conversation.post_create(author=town.ed, kind="update", title="Loud party", body="Come along.",
                                   neighbourhood=town.northfield)
    moderation.report_create(reporter=town.rita, reason="off_topic", details="An advert.", post=eds)
    moderation.report_create(reporter=town.ed, reason="spam", details="Ed thinks it is spam.", post=mine)
    moderation.moderation_act(moderator=moderator, kind="hide", reason="Adverts go on the noticeboard.", post=mine)
    moderation.moderation_act(moderator=moderator, kind="hold", reason="A few adverts lately.", person=town.rita)

    data = export_of(town.rita)
    assert [(r["about"], r["title"], r["reason"], r["details"]) for r in data["reports_made"]] == [
        ("post", "Loud party", "Does not belong here", "An advert.")]
    done = [(a["what"], a["to"], a["post"], a["why"]) for a in data["moderation_of_your_writing_and_account"]]
    assert done == [("Hide", "post", mine.pk, "Adverts go on the noticeboard."),
                    ("Hold new posts for review", "you", None, "A few adverts lately.")]
    assert [(s["level"], s["why"]) for s in data["standing"]] == [
        ("New posts and replies wait for a moderator", "A few adverts lately.")]
    assert {n["text"] for n in data["notifications"]} and all(n["read"] is None for n in data["notifications"])
    text = text_of(town.rita)
    # Neither the moderator nor the neighbour who reported her is named, nor what he wrote.
    assert "Ada Administrator" not in text and "Ed Eastgate" not in text and "Ed thinks it is spam." not in text
    assert not any("moderator" in row for row in data["moderation_of_your_writing_and_account"])


def test_roles_badges_memberships_addresses_follows_reactions_and_imported_ids(town):
    people.officer_badge_grant(by=town.admin, person=town.nina, organisation=town.libraries,
                               reason="Volunteers at the library desk.", title="Library helper")
    people.council_role_grant(by=town.admin, person=town.nina, council=town.council,
                              role=CouncilRole.Role.DIGITAL_CHAMPION, reason="Runs the Tuesday drop-in.")
    post = conversation.post_create(author=town.rita, kind="update", title="Seed swap", body="Bring seeds.",
                                    neighbourhood=town.northfield)
    conversation.reaction_toggle(person=town.nina, post=post, kind="like")
    conversation.follow_toggle(person=town.nina, target=post)
    conversation.follow_toggle(person=town.nina, target=town.gardeners)
    ImportedRecord.dangerously_unscoped.create(council=town.council, type="person", external_id="crm-0042",
                                               object_id=town.nina.pk)

    data = export_of(town.nina)
    assert [(m["organisation"], m["title"]) for m in data["memberships"]] == [("Libraries", "Library helper")]
    assert [r["role"] for r in data["council_roles"]] == ["Digital champion"]
    assert [(r["what"], r["why"]) for r in data["badges_and_roles_record"]] == [
        ("badge.grant", "Volunteers at the library desk."), ("council_role.grant", "Runs the Tuesday drop-in.")]
    assert [a["email"] for a in data["sign_in"]["email_addresses"]] == [town.nina.email]
    assert [(r["kind"], r["post_title"]) for r in data["reactions"]] == [("Like", "Seed swap")]
    assert sorted((f["what"], f["name"]) for f in data["following"]) == [
        ("organisation", "Northfield Gardeners"), ("post", "Seed swap")]
    assert [r["id_in_the_imported_file"] for r in data["imported_records"]] == ["crm-0042"]
    assert [i["kind"] for i in data["interactions"]] == ["Reaction"]


def test_their_own_writing_in_a_members_only_space_but_not_other_peoples(town):
    quilters = OrganisationFactory(council=town.council, slug="quilters", name="Quilters", members_only=True)
    MembershipFactory(organisation=quilters, person=town.nina)
    rita_there = MembershipFactory(organisation=quilters, person=town.rita)
    mine = conversation.post_create(author=town.rita, kind="update", title="My quilt pattern", body="Log cabin.",
                                    organisation=quilters)
    ninas = conversation.post_create(author=town.nina, kind="question", title="Nina's secret fabric",
                                     body="Only for members.", organisation=quilters)
    conversation.comment_create(author=town.rita, post=ninas, body="Try the market.")
    conversation.reaction_toggle(person=town.rita, post=ninas, kind="thanks")
    conversation.follow_toggle(person=town.rita, target=ninas)
    Membership.dangerously_unscoped.filter(pk=rita_there.pk).delete()  # she has left the group since

    data = export_of(town.rita)
    assert [(p["title"], p["body"], p["on_the_page_of"]) for p in data["posts"] if p["id"] == mine.pk] == [
        ("My quilt pattern", "Log cabin.", "Quilters")]
    [reply] = data["comments"]
    assert (reply["body"], reply["on_post"], reply["post_title"]) == ("Try the market.", ninas.pk, None)
    assert [(r["on_post"], r["post_title"]) for r in data["reactions"]] == [(ninas.pk, None)]
    assert [(f["what"], f["name"]) for f in data["following"]] == [("post", None)]
    text = text_of(town.rita)
    assert "Nina's secret fabric" not in text and "Only for members." not in text
    # While still a member, the title of what she replied to comes with her reply.
    MembershipFactory(organisation=quilters, person=town.rita)
    assert export_of(town.rita)["comments"][0]["post_title"] == "Nina's secret fabric"


def test_someone_elses_data_stays_out(town, granted):
    other = PersonFactory(email="someone.else@example.org", display_name="Someone Else")
    conversation.post_create(author=other, kind="update", title="Someone else's news", body="Theirs.",
                             neighbourhood=town.northfield)
    text = text_of(town.rita)
    assert "someone.else@example.org" not in text and "Someone else's news" not in text
    assert town.olu.email not in text and town.nina.email not in text
