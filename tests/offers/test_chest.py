"""Community chest: eligible projects in the area are listed, residents of the area vote (one
secret ballot each, within the budget), and the count is published in full."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import PersonFactory
from villagehall.offers import services
from villagehall.offers.models import ChestBallot, ChestResult, ChestVoter, Offer, SupportRequest
from villagehall.people.models import Residency
from villagehall.projects import services as project_services


@pytest.fixture
def chest(town):
    return services.offer_create(person=town.olu, kind="fund", title="Northfield community chest", organisation=town.parks,
                                 budget=1000, neighbourhoods=[town.northfield], is_community_chest=True)


@pytest.fixture
def entries(town, chest):
    projects = [town.orchard] + [
        project_services.project_create(person=town.nina, name=name, purpose="", neighbourhood=town.northfield)
        for name in ("Street party", "Toddler group")
    ]
    amounts = [600, 300, 500]
    return [
        services.support_request_create(person=p.started_by, offer=chest, project=p, message=f"For {p.name}", amount=a)
        for p, a in zip(projects, amounts)
    ]


def resident(town):
    person = PersonFactory()
    Residency.objects.create(person=person, neighbourhood=town.northfield)
    return person


def test_voting_opens_only_on_a_chest_with_projects_and_closes_it_to_new_ones(town, chest, entries):
    with pytest.raises(PermissionDenied):
        services.chest_voting_open(person=town.rita, fund=chest)
    services.chest_voting_open(person=town.olu, fund=chest)
    chest.refresh_from_db()
    assert chest.chest_stage == "voting"
    with pytest.raises(ValidationError, match="Voting has begun"):
        services.support_request_create(person=town.rita, offer=chest, project=town.orchard, message="More", amount=10)
    with pytest.raises(ValidationError, match="Residents choose"):
        services.support_request_decide(person=town.olu, support_request=entries[0], outcome="grant")


def test_only_residents_of_the_area_vote_once_each_within_the_budget(town, chest, entries):
    services.chest_voting_open(person=town.olu, fund=chest)
    with pytest.raises(PermissionDenied):
        services.chest_vote(person=town.ed, fund=chest, requests=[entries[1]])  # lives in Eastgate
    with pytest.raises(ValidationError, match="£1,400, more than the £1,000 in the chest"):
        services.chest_vote(person=town.nina, fund=chest, requests=[entries[0], entries[1], entries[2]])
    receipt = services.chest_vote(person=town.nina, fund=chest, requests=[entries[0], entries[1]])
    with pytest.raises(ValidationError, match="already voted"):
        services.chest_vote(person=town.nina, fund=chest, requests=[entries[2]])
    assert ChestVoter.objects.filter(fund=chest).count() == 1 and ChestBallot.objects.filter(fund=chest).count() == 1
    assert [r.project.name for r in services.chest_ballot_find(fund=chest, receipt=receipt.lower())] == [
        "Community orchard", "Street party"]
    assert services.chest_ballot_find(fund=chest, receipt="NOT-A-CODE") is None


def test_a_ballot_carries_no_voter_and_no_time(town, chest, entries):
    ballot_fields = {f.name for f in ChestBallot._meta.get_fields()}
    assert not ballot_fields & {"person", "voter", "voted_at", "created_at", "at"}
    voter_fields = {f.name for f in ChestVoter._meta.get_fields()}
    assert not voter_fields & {"ballot", "choices", "requests"}


def test_the_count_funds_the_most_chosen_projects_the_chest_can_pay_for_and_publishes_every_figure(client, town, chest, entries):
    orchard, party, toddlers = entries
    services.chest_voting_open(person=town.olu, fund=chest)
    ballots = [[orchard, party], [orchard, party], [orchard], [toddlers, party], [toddlers]]
    for choice in ballots:
        services.chest_vote(person=resident(town), fund=chest, requests=choice)
    with pytest.raises(PermissionDenied):
        services.chest_count(person=town.rita, fund=chest)
    results = services.chest_count(person=town.olu, fund=chest)
    # Orchard 3 votes (£600) funded; party 3 votes (£300) funded; toddlers 2 votes (£500) does not fit the £100 left.
    assert [(r.request.project.name, r.votes, r.place, r.funded) for r in results] == [
        ("Community orchard", 3, 1, True), ("Street party", 3, 2, True), ("Toddler group", 2, 3, False)]
    chest.refresh_from_db()
    assert (chest.chest_stage, chest.ballots_counted, chest.remaining) == ("counted", 5, 100)
    statuses = dict(SupportRequest.objects.filter(offer=chest).values_list("project__name", "status"))
    assert statuses == {"Community orchard": "granted", "Street party": "granted", "Toddler group": "declined"}
    assert "3 of 5 ballots" in SupportRequest.objects.get(pk=orchard.pk).decision_reason
    with pytest.raises(ValidationError, match="counted once"):
        services.chest_count(person=town.olu, fund=chest)
    page = client.get(chest.get_absolute_url()).content.decode()
    assert "5 ballots" in page and "Toddler group" in page and ChestResult.objects.count() == 3


def test_voting_through_the_pages_shows_the_receipt_once(client, town, chest, entries):
    services.chest_voting_open(person=town.olu, fund=chest)
    client.force_login(town.nina)
    url = f"/testborough/funds/{chest.pk}/vote/"
    response = client.post(url, {"choices": [entries[0].pk, entries[1].pk, entries[2].pk]})
    assert response.status_code == 400 and "Choose fewer projects" in response.content.decode()
    assert not ChestVoter.objects.exists()
    response = client.post(url, {"choices": [entries[1].pk]})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    page = response.content.decode()
    receipt = page.split('class="receipt">')[1].split("<")[0]
    assert "Street party" in page
    assert "You have voted" in client.get(url).content.decode()
    found = client.post(f"/testborough/funds/{chest.pk}/ballot/", {"receipt": receipt}).content.decode()
    assert "Your ballot chose" in found and "Street party" in found
    client.force_login(town.ed)
    assert "Only people who live in the area" in client.get(url).content.decode()
    assert Offer.objects.get(pk=chest.pk).chest_stage == "voting"
