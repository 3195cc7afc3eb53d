"""Two officers pressing "grant" at the same moment, on whichever database is configured.

`race_all()` builds its own council, then runs each race in real threads, each thread with
its own database connection, released together by a barrier. The winner is made to hold
its transaction open a little longer (its interaction event is slow to write), so the
loser's write always arrives while the winner's is still uncommitted: the races are real,
not lucky. Used in-process on PostgreSQL and in a child process on a SQLite file.
"""

import threading
import time
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import connection

from villagehall.core.tenancy import council_scope
from villagehall.offers import services
from villagehall.offers.models import Booking, Offer, SupportRequest
from villagehall.people.models import Membership, Organisation, Person
from villagehall.places.models import Council, Neighbourhood
from villagehall.projects import services as project_services

HOLD_SECONDS = 0.3


def _person(email, name):
    person = Person.objects.create_user(email=email, password=None, display_name=name)
    EmailAddress.objects.create(user=person, email=email, verified=True, primary=True)
    return person


def build():
    council = Council.objects.create(slug="race", name="Race")
    with council_scope(council):
        place = Neighbourhood.objects.create(slug="centre", name="Centre")
        parks = Organisation.objects.create(slug="parks", name="Parks", kind="council_service")
        officers = [_person(f"officer{n}@example.org", f"Officer {n}") for n in (1, 2)]
        for officer in officers:
            Membership.objects.create(organisation=parks, person=officer)
        organisers = [_person(f"organiser{n}@example.org", f"Organiser {n}") for n in (1, 2)]
        projects = [
            project_services.project_create(person=organisers[n], name=f"Project {n + 1}", purpose="", neighbourhood=place)
            for n in (0, 1)
        ]
        fund = services.offer_create(person=officers[0], kind="fund", title="Small grants", organisation=parks, budget=600)
        room = services.offer_create(person=officers[0], kind="room", title="Pavilion", organisation=parks)
        start = datetime(2030, 6, 12, 18, tzinfo=ZoneInfo("Europe/London"))
        money = [
            services.support_request_create(person=organisers[n], offer=fund, project=projects[n], message="Please",
                                            amount=500)
            for n in (0, 1)
        ]
        rooms = [
            services.support_request_create(
                person=organisers[n], offer=room, project=projects[n], message="Please",
                starts_at=start.replace(minute=30 * n), ends_at=start.replace(hour=20, minute=30 * n),
            )
            for n in (0, 1)
        ]
        third = services.support_request_create(person=organisers[0], offer=fund, project=projects[0],
                                                message="And this", amount=100)
    return council, officers, fund, room, money, rooms, third


def at_once(council, *calls):
    """Run the calls in threads released together; return ("ok", value) or ("refused", message) for each."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            with council_scope(council):
                barrier.wait(timeout=10)
                results[index] = ("ok", call())
        except ValidationError as error:
            results[index] = ("refused", error.messages[0])
        except Exception as error:  # reported, so a crash is not mistaken for a refusal
            results[index] = ("error", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _slow_interaction_record(real):
    def slow(**kwargs):
        time.sleep(HOLD_SECONDS)  # the winner holds its transaction open while the loser waits
        return real(**kwargs)
    return slow


def race_all() -> dict:
    """Run every race and return what happened, for the test to check."""
    council, officers, fund, room, money, rooms, third = build()

    def decide(officer, request):
        return lambda: services.support_request_decide(person=officer, support_request=request, outcome="grant").status

    slow = _slow_interaction_record(project_services.interaction_record)
    with mock.patch.object(project_services, "interaction_record", slow):
        # £600 in the fund: one £100 request decided by both officers at once, then the last £500 twice.
        same_request = at_once(council, decide(officers[0], third), decide(officers[1], third))
        last_500 = at_once(council, decide(officers[0], money[0]), decide(officers[1], money[1]))
        overlapping_rooms = at_once(council, decide(officers[0], rooms[0]), decide(officers[1], rooms[1]))
    with council_scope(council):
        return {
            "last_500": last_500,
            "overlapping_rooms": overlapping_rooms,
            "same_request": same_request,
            "remaining": Offer.objects.get(pk=fund.pk).remaining,
            "granted_from_fund": sorted(
                SupportRequest.objects.filter(offer=fund, status="granted").values_list("granted_amount", flat=True)
            ),
            "bookings": Booking.objects.filter(offer=room).count(),
        }
