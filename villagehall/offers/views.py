"""Pages of offers, funds, requests, decisions, commitments and community chests: thin views
that parse input, call one service or selector, and render."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from villagehall.offers import selectors, services
from villagehall.offers.forms import CommitmentForm, DecisionForm, OfferForm, ReceiptForm, RequestForm, VoteForm
from villagehall.offers.models import Commitment, Offer, SupportRequest
from villagehall.people.selectors import organisations_person_can_speak_for
from villagehall.places.models import Neighbourhood
from villagehall.projects.models import Need
from villagehall.projects.views import _page_number, _sign_in_first, error_message


def access_offer(offer_id) -> Offer:
    """Return the offer in the current council, or 404 alike for missing and elsewhere."""
    try:
        return selectors.offer_get(offer_id=offer_id)
    except Offer.DoesNotExist:
        raise Http404("There is no such offer here.")


def access_request(request_id) -> SupportRequest:
    """Return the request in the current council, or 404 alike for missing and elsewhere."""
    try:
        return selectors.support_request_get(request_id=request_id)
    except SupportRequest.DoesNotExist:
        raise Http404("There is no such request here.")


@require_GET
def offer_directory(request, council_slug):
    neighbourhoods = list(Neighbourhood.objects.all())
    neighbourhood = {n.slug: n for n in neighbourhoods}.get(request.GET.get("neighbourhood", ""))
    kind = request.GET.get("kind", "")
    kind = kind if kind in Offer.Kind.values else ""
    page = selectors.offer_directory(kind=kind, neighbourhood=neighbourhood, page=_page_number(request))
    filters = {k: v for k, v in {"kind": kind, "neighbourhood": neighbourhood.slug if neighbourhood else ""}.items() if v}
    return render(request, "offers/directory.html", {
        "page": page, "kinds": Offer.Kind.choices, "kind": kind, "neighbourhoods": neighbourhoods,
        "neighbourhood": neighbourhood, "filter_query": urlencode(filters), "filtered": bool(filters),
    })


@require_GET
def fund_list(request, council_slug):
    return render(request, "offers/funds.html", {"page": selectors.fund_list(page=_page_number(request))})


def offer_new(request, council_slug):
    if not request.user.is_authenticated:
        return _sign_in_first(request)
    form = OfferForm(request.POST or None, neighbourhoods=Neighbourhood.objects.all(),
                     organisations=organisations_person_can_speak_for(person=request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            offer = services.offer_create(
                person=request.user, kind=data["kind"], title=data["title"], description=data["description"],
                organisation=form.organisation(), neighbourhoods=data["neighbourhoods"], budget=data["budget"],
                rules=data["rules"], eligibility=data["eligibility"], deadline=data["deadline"],
                is_community_chest=data["is_community_chest"], venue=data["venue"], capacity=data["capacity"],
                availability=data["availability"], quantity=data["quantity"],
                hours_per_month=data["hours_per_month"], skills=data["skills"],
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, error_message(error))
        else:
            messages.success(request, "Your offer is published. Projects it could help are suggested on its page.")
            return redirect(offer)
    return render(request, "offers/offer_new.html", {"form": form}, status=400 if request.method == "POST" else 200)


def _offer_page(request, offer, *, vote_form=None, status=200):
    data = selectors.offer_page(offer=offer)
    user = request.user
    return render(request, "offers/offer.html", {
        "offer": offer, "data": data,
        "may_manage": user.has_perm("offers.offer_manage", offer),
        "may_ask": bool(selectors.projects_for_request(person=user, offer=offer)) and offer.is_open,
        "has_voted": selectors.has_voted(person=user, fund=offer) if offer.is_community_chest else False,
    }, status=status)


@require_GET
def offer_page(request, council_slug, offer_id):
    offer = access_offer(offer_id)
    if offer.is_fund:
        return redirect(offer, permanent=True)
    return _offer_page(request, offer)


@require_GET
def fund_page(request, council_slug, offer_id):
    offer = access_offer(offer_id)
    if not offer.is_fund:
        return redirect(offer, permanent=True)
    return _offer_page(request, offer)


@login_required
@require_POST
def offer_open(request, council_slug, offer_id):
    offer = access_offer(offer_id)
    is_open = request.POST.get("open") == "1"
    services.offer_set_open(person=request.user, offer=offer, is_open=is_open)
    messages.success(request, "The offer is open to requests." if is_open else "The offer is closed to new requests.")
    return redirect(offer)


def support_request_new(request, council_slug, offer_id):
    offer = access_offer(offer_id)
    if not request.user.is_authenticated:
        return _sign_in_first(request)
    projects = selectors.projects_for_request(person=request.user, offer=offer)
    needs = list(
        Need.objects.filter(project__in=projects).exclude(status=Need.Status.MET).select_related("project").order_by("project__name", "id")
    )
    initial = {k: request.GET[k] for k in ("project", "need") if request.GET.get(k, "").isdigit()}
    if "need" in initial and "project" not in initial:
        initial["project"] = next((str(n.project_id) for n in needs if str(n.pk) == initial["need"]), "")
    chosen_need = next((n for n in needs if str(n.pk) == initial.get("need")), None)
    if chosen_need is not None:
        initial.update(amount=chosen_need.amount, quantity=chosen_need.quantity,
                       hours=chosen_need.quantity if chosen_need.kind == Need.Kind.EXPERTISE else None)
        if chosen_need.starts_at:
            initial["day"] = chosen_need.starts_at.date()
    form = RequestForm(request.POST or None, initial=initial, offer=offer, projects=projects, needs=needs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            support_request = services.support_request_create(
                person=request.user, offer=offer, project=form.chosen_project(), need=form.chosen_need(),
                message=data["message"], amount=data.get("amount"), hours=data.get("hours"),
                quantity=data.get("quantity"), starts_at=data["starts_at"], ends_at=data["ends_at"],
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, error_message(error))
        else:
            messages.success(request, f"Your request is with {offer.offerer_name}. The decision will show here and on the project’s page.")
            return redirect(support_request)
    return render(request, "offers/request_new.html", {"offer": offer, "form": form, "projects": projects},
                  status=400 if request.method == "POST" else 200)


def _request_page(request, support_request, *, decision_form=None, commitment_form=None, status=200):
    user = request.user
    sides = services.commitment_sides_for(person=user, support_request=support_request)
    may_decide = support_request.status == SupportRequest.Status.PENDING and user.has_perm("offers.request_decide", support_request)
    return render(request, "offers/request.html", {
        "r": support_request, "offer": support_request.offer, "project": support_request.project,
        "commitments": selectors.request_commitments(support_request=support_request),
        "may_decide": may_decide,
        "decision_form": decision_form or (DecisionForm(support_request=support_request) if may_decide else None),
        "commitment_form": commitment_form or (CommitmentForm(sides=sides) if sides else None),
        "may_withdraw": support_request.status == SupportRequest.Status.PENDING
        and user.has_perm("offers.request_withdraw", support_request),
        "delivering_sides": sides,
    }, status=status)


@require_GET
def support_request_page(request, council_slug, request_id):
    return _request_page(request, access_request(request_id))


@login_required
@require_POST
def support_request_decide(request, council_slug, request_id):
    support_request = access_request(request_id)
    form = DecisionForm(request.POST, support_request=support_request)
    if form.is_valid():
        data = form.cleaned_data
        try:
            decided = services.support_request_decide(
                person=request.user, support_request=support_request, outcome=data["outcome"], reason=data["reason"],
                amount=data.get("amount"), hours=data.get("hours"), commitments=form.promises(),
            )
        except ValidationError as error:
            form.add_error(None, error_message(error))
        else:
            messages.success(request, f"The request is {decided.get_status_display().lower()}. The project can see why.")
            return redirect(decided)
    return _request_page(request, support_request, decision_form=form, status=400)


@login_required
@require_POST
def support_request_withdraw(request, council_slug, request_id):
    support_request = access_request(request_id)
    try:
        services.support_request_withdraw(person=request.user, support_request=support_request)
    except ValidationError as error:
        messages.error(request, error_message(error))
    else:
        messages.success(request, "The request is withdrawn.")
    return redirect(support_request)


@login_required
@require_POST
def commitment_new(request, council_slug, request_id):
    support_request = access_request(request_id)
    sides = services.commitment_sides_for(person=request.user, support_request=support_request)
    if not sides:
        raise PermissionDenied("Only the two sides of granted support can record commitments.")
    form = CommitmentForm(request.POST, sides=sides)
    if form.is_valid():
        try:
            services.commitment_add(
                person=request.user, support_request=support_request, what=form.cleaned_data["what"],
                due=form.cleaned_data["due"], side=form.cleaned_data["side"],
            )
        except ValidationError as error:
            form.add_error(None, error_message(error))
        else:
            messages.success(request, "The commitment is recorded.")
            return redirect(f"{support_request.get_absolute_url()}#commitments-heading")
    return _request_page(request, support_request, commitment_form=form, status=400)


@login_required
@require_POST
def commitment_deliver(request, council_slug, commitment_id):
    commitment = get_object_or_404(Commitment.objects.select_related("request__offer", "project"), pk=commitment_id)
    try:
        services.commitment_deliver(person=request.user, commitment=commitment, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, error_message(error))
    else:
        messages.success(request, f"“{commitment.what}” is marked delivered.")
    return redirect(request.POST.get("next", "") if request.POST.get("next", "").startswith(f"/{council_slug}/")
                    else commitment.request.get_absolute_url())


@login_required
@require_POST
def chest_voting(request, council_slug, offer_id):
    fund = access_offer(offer_id)
    action = request.POST.get("action")
    try:
        if action == "open":
            services.chest_voting_open(person=request.user, fund=fund)
            messages.success(request, "Voting is open. Residents of the area can vote now.")
        elif action == "count":
            results = services.chest_count(person=request.user, fund=fund)
            funded = sum(1 for r in results if r.funded)
            messages.success(request, f"The votes are counted and published: {funded} project{'s' if funded != 1 else ''} funded.")
        else:
            messages.error(request, "Choose to open voting or to count the votes.")
    except ValidationError as error:
        messages.error(request, error_message(error))
    return redirect(fund)


def chest_vote(request, council_slug, offer_id):
    fund = access_offer(offer_id)
    if not fund.is_community_chest:
        raise Http404("This fund is not a community chest.")
    if not request.user.is_authenticated:
        return _sign_in_first(request)
    entries = selectors.offer_page(offer=fund).chest_entries if fund.chest_stage == Offer.ChestStage.VOTING else []
    form = VoteForm(request.POST or None, entries=entries, remaining=fund.remaining)
    context = {
        "fund": fund, "form": form, "entries": entries,
        "may_vote": request.user.has_perm("offers.chest_vote", fund),
        "has_voted": selectors.has_voted(person=request.user, fund=fund),
    }
    if request.method == "POST" and form.is_valid():
        try:
            receipt = services.chest_vote(person=request.user, fund=fund, requests=form.chosen())
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, error_message(error))
        else:
            # The receipt is shown once and kept nowhere but in the voter's hands.
            response = render(request, "offers/vote_cast.html", {"fund": fund, "receipt": receipt, "chosen": form.chosen()})
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "offers/vote.html", context, status=400 if request.method == "POST" else 200)


def chest_ballot(request, council_slug, offer_id):
    fund = access_offer(offer_id)
    if not fund.is_community_chest:
        raise Http404("This fund is not a community chest.")
    form = ReceiptForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        found = services.chest_ballot_find(fund=fund, receipt=form.cleaned_data["receipt"])
        if found is None:
            form.add_error("receipt", "No ballot in this chest has that receipt code. Check it and try again.")
    response = render(request, "offers/ballot.html", {"fund": fund, "form": form, "found": found},
                      status=400 if form.errors else 200)
    response["Cache-Control"] = "no-store"
    return response
