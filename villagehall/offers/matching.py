"""Matching needs and offers, ranked, each with its reason in plain words.

A suggestion needs the right kind (money from a fund, a room from a room, expertise and
permissions from officer time, and so on), an open offer that covers the project's
neighbourhood, and — for money — something left in the fund. It then scores higher for
an offer in the project's own neighbourhood rather than across the council, for words the
need and the offer share ("gazebo"), for a fund that can pay the whole amount, and for an
organisation already partnering on the project.
"""

import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format

from villagehall.offers.models import Offer
from villagehall.projects.models import Need

OFFER_KINDS_FOR_NEED = {
    Need.Kind.MONEY: {Offer.Kind.FUND},
    Need.Kind.ROOM: {Offer.Kind.ROOM},
    Need.Kind.EQUIPMENT: {Offer.Kind.EQUIPMENT},
    Need.Kind.VOLUNTEERS: {Offer.Kind.VOLUNTEERS},
    Need.Kind.EXPERTISE: {Offer.Kind.OFFICER_TIME},
    # Permissions come from council services, and officer time is how they help with one.
    Need.Kind.PERMISSION: {Offer.Kind.OFFICER_TIME},
}
NEED_KINDS_FOR_OFFER = {
    offer_kind: {need_kind for need_kind, kinds in OFFER_KINDS_FOR_NEED.items() if offer_kind in kinds}
    for offer_kind in Offer.Kind.values
}

SUGGESTIONS_PER_NEED = 3
SUGGESTIONS_PER_OFFER = 5

_STOP_WORDS = set(
    """a an and any are as at be by for from has have help in into is it its of on or our some the their them this
    to up us we with you your need needs needed offer offers lend lends loan hire free use can will day days one two
    three four five six seven eight nine ten pounds hours hour time people person project projects local community
    """.split()
)


def words_of(text: str) -> set[str]:
    """Return the meaningful words in a text, singular, lower case."""
    found = set()
    for word in re.findall(r"[a-z]+", (text or "").lower()):
        if len(word) < 3 or word in _STOP_WORDS:
            continue
        if word.endswith("ies") and len(word) > 4:
            word = word[:-3] + "y"
        elif word.endswith("es") and word[:-2].endswith(("s", "x", "ch", "sh")):
            word = word[:-2]
        elif word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        if word not in _STOP_WORDS:
            found.add(word)
    return found


@dataclass(frozen=True)
class Suggestion:
    need: Need
    offer: Offer
    score: int
    reason: str


def _pounds(amount) -> str:
    return f"£{amount:,}"


def _offer_phrase(offer, area_ids, project_neighbourhood) -> str:
    """What the offerer has, and where: "Parks lends “Gazebos” in Northfield"."""
    where = (
        f"in {project_neighbourhood.name}" if project_neighbourhood is not None and project_neighbourhood.pk in area_ids
        else "anywhere in the council"
    )
    who = offer.offerer_name
    title = f"“{offer.title}”"
    if offer.kind == Offer.Kind.FUND:
        return f"{who} has {_pounds(offer.remaining)} left in {title} for projects {where}"
    if offer.kind == Offer.Kind.ROOM:
        return f"{who} has {title} to book {where}"
    if offer.kind == Offer.Kind.EQUIPMENT:
        return f"{who} lends {title} {where}"
    if offer.kind == Offer.Kind.OFFICER_TIME:
        return f"{who} offers {offer.hours_per_month} officer hours a month, {title}, {where}"
    return f"{who} has {offer.quantity or 'some'} volunteers, {title}, {where}"


def _mid_sentence(text: str) -> str:
    """Lower-case a summary's first letter to sit inside a sentence, unless it starts a name like "BBQ"."""
    first = text.split()[0] if text.split() else ""
    return text if len(first) > 1 and first.isupper() else text[:1].lower() + text[1:]


def _need_phrase(need) -> str:
    """What the project needs: "Community orchard needs £400: plants and compost"."""
    if need.kind == Need.Kind.MONEY:
        return f"{need.project.name} needs {_pounds(need.amount)}: {need.summary}"
    if need.kind == Need.Kind.ROOM and need.starts_at:
        return f"{need.project.name} needs a room on {date_format(timezone.localtime(need.starts_at), 'j F')}: {need.summary}"
    if need.kind == Need.Kind.VOLUNTEERS:
        return f"{need.project.name} needs {need.quantity} volunteers: {need.summary}"
    if need.kind == Need.Kind.EXPERTISE:
        return f"{need.project.name} needs {need.quantity} hours of expertise: {need.summary}"
    if need.kind == Need.Kind.PERMISSION:
        return f"{need.project.name} needs a permission: {need.summary}"
    return f"{need.project.name} needs {_mid_sentence(need.summary)}"


def suggest(need, offer, *, area_ids, partner_ids=frozenset(), today=None) -> Suggestion | None:
    """Return the suggestion of the offer for the need, or None if it does not fit."""
    today = today or timezone.localdate()
    project = need.project
    if offer.kind not in OFFER_KINDS_FOR_NEED[need.kind] or not offer.is_open or offer.is_past_deadline(today):
        return None
    if area_ids and project.neighbourhood_id not in area_ids:
        return None
    score = 2 if area_ids else 1
    notes = []
    if offer.kind == Offer.Kind.FUND:
        if not offer.remaining:
            return None
        if offer.is_community_chest and offer.chest_stage != Offer.ChestStage.APPLYING:
            return None
        if need.amount and offer.remaining >= need.amount:
            score += 2
        elif need.amount:
            notes.append(f"it could pay part: {_pounds(need.amount)} is more than is left")
    if need.kind == Need.Kind.PERMISSION and not (offer.organisation_id and offer.organisation.is_service):
        return None
    shared = sorted(words_of(f"{need.summary} {need.details} {need.skills}")
                    & words_of(f"{offer.title} {offer.description} {offer.skills}"))
    if shared:
        score += 2 * len(shared)
        notes.append("both mention " + ", ".join(f"“{w}”" for w in shared[:3]))
    if offer.organisation_id and offer.organisation_id in partner_ids:
        score += 1
        notes.append(f"{offer.organisation.name} already partners on it")
    reason = f"{_offer_phrase(offer, area_ids, project.neighbourhood)}; {_need_phrase(need)}"
    if notes:
        reason += f" ({'; '.join(notes)})"
    return Suggestion(need=need, offer=offer, score=score, reason=reason + ".")


def _ranked(suggestions, limit):
    return sorted(suggestions, key=lambda s: (-s.score, s.offer.title, s.need.pk))[:limit]


def suggestions_for_needs(needs, offers, *, partner_ids=frozenset()) -> dict[int, list[Suggestion]]:
    """Return the best few offers for each open need, keyed by need id."""
    today = timezone.localdate()
    areas = {offer.pk: {n.pk for n in offer.neighbourhoods.all()} for offer in offers}
    found = {}
    for need in needs:
        if not need.is_open:
            continue
        candidates = [suggest(need, offer, area_ids=areas[offer.pk], partner_ids=partner_ids, today=today) for offer in offers]
        found[need.pk] = _ranked([s for s in candidates if s], SUGGESTIONS_PER_NEED)
    return found


def suggestions_for_offer(offer, needs, *, partners_by_project=None) -> list[Suggestion]:
    """Return the projects whose open needs the offer could meet, best first."""
    today = timezone.localdate()
    area_ids = {n.pk for n in offer.neighbourhoods.all()}
    partners_by_project = partners_by_project or {}
    candidates = [
        suggest(need, offer, area_ids=area_ids, partner_ids=partners_by_project.get(need.project_id, frozenset()), today=today)
        for need in needs if need.is_open
    ]
    return _ranked([s for s in candidates if s], SUGGESTIONS_PER_OFFER)
