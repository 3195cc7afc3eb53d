"""Writes for offers, requests, decisions, bookings, commitments and community chests.

Each checks permission first, writes in one transaction, records the interaction event
(METRICS.md kind `support` for every grant and every delivered commitment) and marks the
council's pages changed.

Two guarantees hold however many people press "grant" at the same moment:

- a request is decided once: the decision claims it with
  `UPDATE … SET status = … WHERE status = 'pending'`, and only the claim that changed a
  row goes on;
- a fund is never over-committed: the grant takes its amount with
  `UPDATE … SET remaining = remaining - amount WHERE remaining >= amount`; on PostgreSQL
  the second of two such updates waits for the first to commit and then finds too little
  left; on SQLite every write transaction takes the write lock first, so they queue.

Room bookings lock the room's row (`SELECT … FOR UPDATE`) before looking for a clash, so
two overlapping bookings cannot both find the room free.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.formats import date_format

from villagehall.conversation.rules import may_speak_for
from villagehall.core.page_cache import council_content_changed
from villagehall.offers.models import (
    Booking, ChestBallot, ChestChoice, ChestResult, ChestVoter, Commitment, Offer, SupportRequest,
)
from villagehall.offers.rules import speaks_for_offer
from villagehall.people.rules import email_confirmation_check
from villagehall.projects.models import Need
from villagehall.projects.rules import is_project_organiser
from villagehall.projects.services import project_support_record

Kind = Offer.Kind
RequestStatus = SupportRequest.Status

GRANT, PART, DECLINE = "grant", "part", "decline"
OUTCOMES = (GRANT, PART, DECLINE)


def pounds(amount) -> str:
    """Return an amount of pounds as people write it: £1,200."""
    return f"£{amount:,}"


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "j M Y, H:i")


@transaction.atomic
def offer_create(
    *, person, kind, title, description="", organisation=None, neighbourhoods=(), budget=None, rules="",
    eligibility="", deadline=None, is_community_chest=False, venue="", capacity=None, availability="",
    quantity=None, hours_per_month=None, skills="", at=None,
) -> Offer:
    """Publish an offer for an organisation one is a member of, or as oneself."""
    if not person.has_perm("offers.offer_create"):
        email_confirmation_check(person, to="publish an offer")
        raise PermissionDenied("Sign in to publish an offer.")
    if not may_speak_for(person, organisation):
        raise PermissionDenied("You can only make an offer for an organisation you are a member of.")
    if kind not in Kind.values:
        raise ValidationError("Choose what kind of offer it is.")
    if kind == Kind.FUND:
        if organisation is None:
            raise ValidationError("A grant fund is offered by an organisation; choose which.")
        if not budget:
            raise ValidationError("Say how much is in the fund, in pounds.")
    elif is_community_chest:
        raise ValidationError("Only a grant fund can be run as a community chest.")
    if kind == Kind.OFFICER_TIME and not hours_per_month:
        raise ValidationError("Say how many hours a month of officer time are on offer.")
    offer = Offer.objects.create(
        kind=kind, title=title.strip(), description=description, organisation=organisation, offered_by=person,
        created_at=at or timezone.now(), budget=budget if kind == Kind.FUND else None,
        remaining=budget if kind == Kind.FUND else None, rules=rules, eligibility=eligibility,
        deadline=deadline, is_community_chest=is_community_chest,
        chest_stage=Offer.ChestStage.APPLYING if is_community_chest else "", venue=venue, capacity=capacity,
        availability=availability, quantity=quantity, hours_per_month=hours_per_month, skills=skills.strip(),
    )
    offer.neighbourhoods.set(neighbourhoods)
    council_content_changed()
    return offer


@transaction.atomic
def offer_set_open(*, person, offer, is_open: bool) -> Offer:
    """Open an offer to requests, or close it."""
    if not person.has_perm("offers.offer_manage", offer):
        email_confirmation_check(person, to="open or close an offer")
        raise PermissionDenied("Only the people making the offer can open or close it.")
    offer.is_open = is_open
    offer.save(update_fields=["is_open"])
    council_content_changed()
    return offer


def _offer_area_ids(offer) -> set[int]:
    return {n.pk for n in offer.neighbourhoods.all()}


@transaction.atomic
def support_request_create(
    *, person, offer, project, message, need=None, amount=None, hours=None, quantity=None,
    starts_at=None, ends_at=None, at=None,
) -> SupportRequest:
    """Ask an offer for something specific on behalf of a project one organises."""
    if not person.has_perm("offers.request_create", project):
        email_confirmation_check(person, to="ask for support")
        raise PermissionDenied("Only a project’s organisers can ask for support for it.")
    if project.is_closed:
        raise ValidationError("This project has finished, so it cannot ask for support.")
    if not offer.is_open:
        raise ValidationError("This offer is closed to new requests.")
    if offer.is_past_deadline():
        raise ValidationError(f"The deadline for {offer.title} has passed.")
    area = _offer_area_ids(offer)
    if area and project.neighbourhood_id not in area:
        raise ValidationError(f"{offer.title} is not offered in {project.neighbourhood}.")
    if need is not None and need.project_id != project.pk:
        raise ValidationError("That need belongs to another project.")
    if not (message or "").strip():
        raise ValidationError("Say what the support is for.")
    if offer.kind == Kind.FUND:
        if not amount:
            raise ValidationError("Say how much you are asking for, in pounds.")
        if offer.is_community_chest and offer.chest_stage != Offer.ChestStage.APPLYING:
            raise ValidationError("Voting has begun in this community chest, so it is not taking new projects.")
        if amount > offer.remaining:
            raise ValidationError(f"{offer.title} has {pounds(offer.remaining)} left, less than the {pounds(amount)} asked for.")
    if offer.kind == Kind.OFFICER_TIME and not hours:
        raise ValidationError("Say how many hours of officer time you are asking for.")
    if offer.kind == Kind.ROOM and not (starts_at and ends_at):
        raise ValidationError("Say when you would like the room and for how long.")
    if ends_at and (not starts_at or ends_at <= starts_at):
        raise ValidationError("The end must come after the start.")
    support_request = SupportRequest.objects.create(
        offer=offer, project=project, need=need, asked_by=person, message=message.strip(),
        amount=amount if offer.kind == Kind.FUND else None, hours=hours, quantity=quantity,
        starts_at=starts_at, ends_at=ends_at, created_at=at or timezone.now(),
    )
    council_content_changed()
    return support_request


@transaction.atomic
def support_request_withdraw(*, person, support_request) -> SupportRequest:
    """Withdraw a request that has not been decided yet."""
    if not person.has_perm("offers.request_withdraw", support_request):
        raise PermissionDenied("Only the project’s organisers can withdraw its request.")
    if support_request.offer.is_community_chest and support_request.offer.chest_stage != Offer.ChestStage.APPLYING:
        raise ValidationError("Voting has begun, so the project stays on the ballot.")
    withdrawn = SupportRequest.objects.filter(pk=support_request.pk, status=RequestStatus.PENDING).update(
        status=RequestStatus.WITHDRAWN
    )
    if not withdrawn:
        raise ValidationError("This request has already been decided, so it cannot be withdrawn.")
    support_request.refresh_from_db()
    council_content_changed()
    return support_request


@dataclass(frozen=True)
class Promise:
    """A commitment to make: what, by when."""

    what: str
    due: date


def _check_promises(promises):
    for promise in promises:
        if not promise.what.strip() or promise.due is None:
            raise ValidationError("Each commitment needs what will be done and by when.")


@transaction.atomic
def support_request_decide(
    *, person, support_request, outcome, reason="", amount=None, hours=None, quantity=None, commitments=(), at=None,
) -> SupportRequest:
    """Grant a request in full or in part, or decline it with a reason, with the offering side's commitments."""
    if not person.has_perm("offers.request_decide", support_request):
        email_confirmation_check(person, to="decide on a request")
        raise PermissionDenied("Only the people making the offer can decide on requests to it.")
    offer = support_request.offer
    if offer.is_community_chest and outcome != DECLINE:
        raise ValidationError("Residents choose what a community chest funds: grants are made when the votes are counted.")
    if offer.is_community_chest and offer.chest_stage != Offer.ChestStage.APPLYING:
        raise ValidationError("Voting has begun, so this request is decided by the count.")
    reason = (reason or "").strip()
    if outcome not in OUTCOMES:
        raise ValidationError("Choose to grant in full, grant in part or decline.")
    if outcome in (PART, DECLINE) and not reason:
        raise ValidationError("Say why: the project and everyone else can read the reason.")
    granted = {"amount": None, "hours": None, "quantity": None}
    if outcome == GRANT:
        granted = {"amount": support_request.amount, "hours": support_request.hours, "quantity": support_request.quantity}
    elif outcome == PART:
        granted = _part_granted(support_request, amount=amount, hours=hours, quantity=quantity)
    _check_promises(commitments)
    return _decide(
        support_request=support_request, person=person, outcome=outcome, reason=reason, granted=granted,
        commitments=commitments, at=at or timezone.now(),
    )


def _part_granted(support_request, *, amount, hours, quantity) -> dict:
    if support_request.offer.kind == Kind.FUND:
        if not amount or amount >= (support_request.amount or 0):
            raise ValidationError(f"For a part grant, give an amount less than the {pounds(support_request.amount)} asked for.")
    if support_request.hours and hours is not None and not 0 < hours < support_request.hours:
        raise ValidationError(f"For part of the time, give fewer than the {support_request.hours} hours asked for.")
    return {
        "amount": amount if support_request.offer.kind == Kind.FUND else None,
        "hours": hours if hours is not None else support_request.hours,
        "quantity": quantity if quantity is not None else support_request.quantity,
    }


def _decide(*, support_request, person, outcome, reason, granted, commitments, at) -> SupportRequest:
    """Claim the request, take the money or the room, and record it; raise ValidationError to take it all back."""
    offer = support_request.offer
    status = {GRANT: RequestStatus.GRANTED, PART: RequestStatus.PART_GRANTED, DECLINE: RequestStatus.DECLINED}[outcome]
    claimed = SupportRequest.objects.filter(pk=support_request.pk, status=RequestStatus.PENDING).update(
        status=status, decided_by=person, decided_for=offer.organisation, decided_at=at, decision_reason=reason,
        granted_amount=granted["amount"], granted_hours=granted["hours"], granted_quantity=granted["quantity"],
    )
    if not claimed:
        current = SupportRequest.objects.select_related("decided_by").get(pk=support_request.pk)
        if current.decided_by_id:
            raise ValidationError(
                f"{current.decided_by} already decided this request ({current.get_status_display().lower()}) "
                f"at {_when(current.decided_at)}. Nothing more was changed."
            )
        raise ValidationError(f"This request is {current.get_status_display().lower()}, so it cannot be decided.")
    if outcome == DECLINE:
        support_request.refresh_from_db()
        council_content_changed()
        return support_request
    if offer.kind == Kind.FUND:
        _take_from_fund(offer, granted["amount"])
    if offer.kind == Kind.ROOM:
        _book_room(offer, support_request, at)
    need = support_request.need
    if need is not None and need.status != Need.Status.MET:
        need.status = Need.Status.MET if outcome == GRANT else Need.Status.PARTLY_MET
        need.save(update_fields=["status"])
    project = support_request.project
    Commitment.objects.bulk_create([
        Commitment(
            council=support_request.council, request=support_request, project=project, side=Commitment.Side.SUPPORTER,
            organisation=offer.organisation, made_by=person, made_at=at, what=promise.what.strip(), due=promise.due,
        )
        for promise in commitments
    ])
    project_support_record(project=project, actor=person, acting_for=offer.organisation, at=at)
    support_request.refresh_from_db()
    council_content_changed()
    return support_request


def _take_from_fund(offer, amount) -> None:
    taken = Offer.objects.filter(pk=offer.pk, remaining__gte=amount).update(remaining=F("remaining") - amount)
    if not taken:
        left = Offer.objects.values_list("remaining", flat=True).get(pk=offer.pk)
        raise ValidationError(
            f"{offer.title} has only {pounds(left)} left, so {pounds(amount)} cannot be granted. "
            "Someone may have granted from it a moment ago. Nothing was granted; you could grant part instead."
        )


def _book_room(offer, support_request, at) -> None:
    # Hold the room's row until this transaction ends, so a second booking looks for
    # clashes only after this one is in.
    Offer.objects.select_for_update().filter(pk=offer.pk).values_list("pk", flat=True).get()
    clash = (
        Booking.objects.filter(offer=offer, starts_at__lt=support_request.ends_at, ends_at__gt=support_request.starts_at)
        .select_related("request__project").first()
    )
    if clash is not None:
        raise ValidationError(
            f"{offer.title} is already booked from {_when(clash.starts_at)} to {_when(clash.ends_at)} "
            f"for {clash.request.project}. Nothing was granted; the project could ask for another time."
        )
    Booking.objects.create(
        offer=offer, request=support_request, starts_at=support_request.starts_at, ends_at=support_request.ends_at,
        created_at=at,
    )


def commitment_sides_for(*, person, support_request) -> list[str]:
    """Return the sides the person may make commitments for on a granted request."""
    if not person.is_authenticated or not support_request.is_granted:
        return []
    sides = []
    if speaks_for_offer(person, support_request.offer):
        sides.append(Commitment.Side.SUPPORTER)
    if is_project_organiser(person, support_request.project):
        sides.append(Commitment.Side.PROJECT)
    return sides


@transaction.atomic
def commitment_add(*, person, support_request, what, due, side=None, at=None) -> Commitment:
    """Record what one side commits to for granted support, and by when."""
    if not person.has_perm("offers.commitment_add", support_request):
        email_confirmation_check(person, to="record a commitment")
        raise PermissionDenied("Only the two sides of granted support can record commitments.")
    sides = commitment_sides_for(person=person, support_request=support_request)
    side = side or sides[0]
    if side not in sides:
        raise PermissionDenied("You can only make commitments for your own side.")
    _check_promises([Promise(what or "", due)])
    project = support_request.project
    commitment = Commitment.objects.create(
        request=support_request, project=project, side=side,
        organisation=support_request.offer.organisation if side == Commitment.Side.SUPPORTER else project.group,
        made_by=person, made_at=at or timezone.now(), what=what.strip(), due=due,
    )
    council_content_changed()
    return commitment


@transaction.atomic
def commitment_deliver(*, person, commitment, note="", at=None) -> Commitment:
    """Mark a commitment delivered: "you said, we did"."""
    if not person.has_perm("offers.commitment_deliver", commitment):
        email_confirmation_check(person, to="mark a commitment delivered")
        raise PermissionDenied("Only the side that made a commitment can mark it delivered.")
    at = at or timezone.now()
    delivered = Commitment.objects.filter(pk=commitment.pk, delivered_at__isnull=True).update(
        delivered_at=at, delivered_by=person, delivery_note=(note or "").strip()
    )
    if not delivered:
        raise ValidationError("This commitment is already marked delivered.")
    project = commitment.project
    project_support_record(project=project, actor=person, acting_for=commitment.organisation, at=at)
    commitment.refresh_from_db()
    council_content_changed()
    return commitment


# Community chest ---------------------------------------------------------------------


def _receipt_digest(receipt: str) -> str:
    return hashlib.sha256(receipt.strip().upper().encode()).hexdigest()


@transaction.atomic
def chest_voting_open(*, person, fund, at=None) -> Offer:
    """Close a community chest to new projects and open it to residents' votes."""
    if not person.has_perm("offers.offer_manage", fund):
        email_confirmation_check(person, to="open voting")
        raise PermissionDenied("Only the people running the fund can open voting.")
    if not fund.is_community_chest:
        raise ValidationError("Only a community chest is voted on.")
    if not SupportRequest.objects.filter(offer=fund, status=RequestStatus.PENDING).exists():
        raise ValidationError("No projects have asked for money from the chest yet, so there is nothing to vote on.")
    opened = Offer.objects.filter(pk=fund.pk, chest_stage=Offer.ChestStage.APPLYING).update(
        chest_stage=Offer.ChestStage.VOTING
    )
    if not opened:
        raise ValidationError("Voting has already opened.")
    fund.refresh_from_db()
    council_content_changed()
    return fund


@transaction.atomic
def chest_vote(*, person, fund, requests, at=None) -> str:
    """Cast a person's one secret ballot; return the receipt code only the voter is shown."""
    if not person.has_perm("offers.chest_vote", fund):
        email_confirmation_check(person, to="vote")
        raise PermissionDenied("Only people who live in the area the chest covers can vote. Add your neighbourhood on your profile.")
    fund = Offer.objects.get(pk=fund.pk)
    if fund.chest_stage != Offer.ChestStage.VOTING:
        raise ValidationError("Voting is not open in this community chest.")
    chosen = list(requests)
    if not chosen:
        raise ValidationError("Choose at least one project.")
    if any(r.offer_id != fund.pk or r.status != RequestStatus.PENDING for r in chosen):
        raise ValidationError("Choose only projects on this ballot.")
    total = sum(r.amount for r in chosen)
    if total > fund.remaining:
        raise ValidationError(
            f"Your choices come to {pounds(total)}, more than the {pounds(fund.remaining)} in the chest. Choose fewer projects."
        )
    try:
        with transaction.atomic():
            ChestVoter.objects.create(fund=fund, person=person, voted_at=at or timezone.now())
    except IntegrityError:
        raise ValidationError("You have already voted in this community chest; each person has one ballot.")
    receipt = "-".join(secrets.token_hex(3).upper() for _ in range(3))
    ballot = ChestBallot.objects.create(fund=fund, receipt_digest=_receipt_digest(receipt))
    ChestChoice.objects.bulk_create([ChestChoice(council=fund.council, ballot=ballot, request=r) for r in chosen])
    return receipt


def chest_ballot_find(*, fund, receipt) -> list[SupportRequest] | None:
    """Return the projects on the ballot with this receipt code, or None if there is no such ballot."""
    ballot = ChestBallot.objects.filter(fund=fund, receipt_digest=_receipt_digest(receipt or "")).first()
    if ballot is None:
        return None
    return list(SupportRequest.objects.filter(chest_choices__ballot=ballot).select_related("project").order_by("project__name"))


@transaction.atomic
def chest_count(*, person, fund, at=None) -> list[ChestResult]:
    """Close voting, count every ballot, fund the most chosen projects the chest can pay for, and publish the count."""
    if not person.has_perm("offers.offer_manage", fund):
        email_confirmation_check(person, to="count the votes")
        raise PermissionDenied("Only the people running the fund can count the votes.")
    at = at or timezone.now()
    counted = Offer.objects.filter(pk=fund.pk, chest_stage=Offer.ChestStage.VOTING).update(
        chest_stage=Offer.ChestStage.COUNTED, counted_at=at,
    )
    if not counted:
        raise ValidationError("Votes are counted once, after voting has opened.")
    ballots = ChestBallot.objects.filter(fund=fund).count()
    entries = list(
        SupportRequest.objects.filter(offer=fund, status=RequestStatus.PENDING)
        .annotate(votes=Count("chest_choices"))
        .select_related("offer", "project__neighbourhood", "project__group", "need")
        .order_by("-votes", "created_at", "id")
    )
    left = Offer.objects.values_list("remaining", flat=True).get(pk=fund.pk)
    results = []
    for place, entry in enumerate(entries, start=1):
        funded = entry.votes > 0 and entry.amount <= left
        of_ballots = f"{entry.votes} of {ballots} ballot{'s' if ballots != 1 else ''}"
        if funded:
            left -= entry.amount
            _decide(
                support_request=entry, person=person, outcome=GRANT,
                reason=f"Chosen by residents in the community chest: {of_ballots}.",
                granted={"amount": entry.amount, "hours": None, "quantity": None}, commitments=(), at=at,
            )
        else:
            why = "no votes" if entry.votes == 0 else "the chest did not stretch to it after the projects with more votes"
            _decide(
                support_request=entry, person=person, outcome=DECLINE,
                reason=f"Not funded by the community chest ({of_ballots}): {why}.",
                granted={"amount": None, "hours": None, "quantity": None}, commitments=(), at=at,
            )
        results.append(ChestResult(council=fund.council, fund=fund, request=entry, votes=entry.votes, place=place, funded=funded))
    ChestResult.objects.bulk_create(results)
    Offer.objects.filter(pk=fund.pk).update(ballots_counted=ballots)
    council_content_changed()
    return results
