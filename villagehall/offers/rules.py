"""Who may do what with offers, requests, commitments and community chests."""

import rules

from villagehall.offers.models import Commitment
from villagehall.people.models import Membership, Residency
from villagehall.people.rules import has_verified_email
from villagehall.projects.rules import is_council_administrator, is_project_organiser, is_team_member


def speaks_for_offer(person, offer) -> bool:
    """Return True if the person made the offer or is a member of the organisation that did."""
    if offer.organisation_id is None:
        return offer.offered_by_id == person.pk
    return Membership.objects.filter(person=person, organisation_id=offer.organisation_id).exists()


@rules.predicate
def manages_offer(person, offer):
    return offer is not None and speaks_for_offer(person, offer)


@rules.predicate
def decides_request(person, support_request):
    return support_request is not None and speaks_for_offer(person, support_request.offer)


@rules.predicate
def organises_requesting_project(person, support_request):
    return support_request is not None and is_project_organiser(person, support_request.project)


@rules.predicate
def is_a_side_of_granted_support(person, support_request):
    """The supporter's people or the project's organisers, once the request is granted."""
    return (
        support_request is not None and support_request.is_granted
        and (speaks_for_offer(person, support_request.offer) or is_project_organiser(person, support_request.project))
    )


@rules.predicate
def keeps_commitment(person, commitment):
    """The side that made the commitment: the supporter's people, or the project's team."""
    if commitment is None:
        return False
    if commitment.side == Commitment.Side.SUPPORTER:
        return speaks_for_offer(person, commitment.request.offer)
    return is_team_member(person, commitment.project)


@rules.predicate
def lives_in_fund_area(person, fund):
    """A resident of the area the fund covers (anywhere in the council if it names no neighbourhoods)."""
    if fund is None:
        return False
    area = [n.pk for n in fund.neighbourhoods.all()]
    residencies = Residency.objects.filter(person=person)
    if area:
        residencies = residencies.filter(neighbourhood_id__in=area)
    return residencies.exists()


# What others see (and a vote) waits until the person has confirmed an email address;
# withdrawing a request does not.
rules.add_perm("offers.offer_create", rules.is_authenticated & has_verified_email)
rules.add_perm("offers.offer_manage", rules.is_authenticated & (manages_offer | is_council_administrator) & has_verified_email)
rules.add_perm("offers.request_create", rules.is_authenticated & is_project_organiser & has_verified_email)
rules.add_perm("offers.request_decide", rules.is_authenticated & decides_request & has_verified_email)
rules.add_perm("offers.request_withdraw", rules.is_authenticated & organises_requesting_project)
rules.add_perm("offers.commitment_add", rules.is_authenticated & is_a_side_of_granted_support & has_verified_email)
rules.add_perm("offers.commitment_deliver", rules.is_authenticated & keeps_commitment & has_verified_email)
rules.add_perm("offers.chest_vote", rules.is_authenticated & lives_in_fund_area & has_verified_email)
