"""The demo borough's project story: believable, and written through the services."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from villagehall.analytics.models import Interaction
from villagehall.core.tenancy import council_scope
from villagehall.demo.accounts import DEMO_COUNCIL_SLUG
from villagehall.offers.models import ChestBallot, ChestResult, ChestVoter, Commitment, Offer
from villagehall.offers.selectors import commitments_of_organisation
from villagehall.people.models import Organisation
from villagehall.places.models import Council
from villagehall.projects.models import Project
from villagehall.responses.models import OfficialResponse

UNTIL = "2026-03-18T15:00"


@pytest.mark.django_db
def test_the_demo_borough_tells_the_project_story():
    call_command("demo", until=UNTIL, verbosity=0, stdout=StringIO())
    with council_scope(Council.objects.get(slug=DEMO_COUNCIL_SLUG)):
        orchard = Project.objects.get(name="Millbrook Community Orchard")
        kinds = set(orchard.partnerships.values_list("organisation__kind", flat=True))
        assert orchard.status == "running" and kinds == {"council_service", "voluntary_org", "community_group"}
        assert set(Project.objects.values_list("status", flat=True)) >= {"idea", "seeking_support", "running", "done", "paused"}

        fund = Offer.objects.get(title="Green Spaces Fund")
        assert (fund.budget, fund.remaining) == (5000, 350)

        highways = Organisation.objects.get(name="Highways")
        today = timezone.localdate()
        owed = commitments_of_organisation(organisation=highways)
        assert len(owed) >= 2 and all(c.is_overdue(today) for c in owed[:2])
        assert Commitment.objects.filter(delivered_at__isnull=False).count() >= 8

        chest = Offer.objects.get(title="Millbrook Community Chest")
        assert chest.chest_stage == "voting" and ChestVoter.objects.filter(fund=chest).count() == 24
        assert ChestBallot.objects.filter(fund=chest).count() == 24
        counted = Offer.objects.get(title="Kestrel Fields Community Chest")
        assert counted.chest_stage == "counted" and counted.ballots_counted == 31
        assert ChestResult.objects.filter(fund=counted, funded=True).exists()

        assert OfficialResponse.objects.filter(status="done").exists()
        support = Interaction.objects.filter(kind="support")
        assert support.filter(acting_for__name="Parks and Open Spaces").count() >= 8
        assert not support.filter(post__isnull=True).exists(), "support is recorded in each project's thread"
        assert Interaction.objects.filter(kind="response").count() >= 8
