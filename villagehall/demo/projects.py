"""The demo borough's community projects: what neighbours started, what services,
voluntary organisations and neighbours offered, what was asked, decided and promised.

It tells a believable story, written through the same services the pages use, so every
grant, delivered commitment, partnership and official response is an interaction event:

- the Millbrook Community Orchard is a three-way partnership of the Millbrook Community
  Garden, Parks and Open Spaces and the Brackenford Wildlife Trust, funded, equipped and
  running, with both sides' commitments kept;
- Parks' Green Spaces Fund is nearly spent: £4,650 of £5,000 granted, £350 left;
- Highways said it would issue a road closure and bring barriers for the Old Wharf street
  party, and has done neither: its commitments are overdue;
- the Millbrook Community Chest is open for residents' votes (the demo resident has not
  voted yet); Housing's Kestrel Fields chest was counted and its results published;
- services answer questions addressed to them with official responses and updates.

Everything happens at fixed times before the end of the demo year, so the same seed
builds the same story.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.utils import timezone

from villagehall.conversation.models import Post
from villagehall.offers import services as offers
from villagehall.offers.models import Offer
from villagehall.people.models import Organisation, Person
from villagehall.places.models import Neighbourhood
from villagehall.projects import services as projects
from villagehall.responses import services as responses

Promise = offers.Promise


@dataclass
class _Cast:
    """The people and places of the story, as model instances."""

    borough: object
    people: dict
    places: list
    orgs: dict

    def person(self, person_id) -> Person:
        return self.people[person_id]

    def place(self, index) -> Neighbourhood:
        return self.places[index]

    def org(self, org_id) -> Organisation:
        return self.orgs[org_id]

    def resident(self, index, position) -> Person:
        """Return a resident of the place who is not one of the demo accounts."""
        demo = set(self.borough.demo_people.values())
        residents = [pk for pk in self.borough.places[index].residents if pk not in demo]
        return self.person(residents[position % len(residents)])

    def officer(self, key, position=0) -> Person:
        members = self.borough.service(key).org.members
        return self.person(members[position % len(members)])

    def service(self, key) -> Organisation:
        return self.org(self.borough.service(key).org.id)


def projects_story_add(*, borough) -> None:
    """Add the borough's community projects, offers, funds, requests, decisions, commitments and responses."""
    if len(borough.places) < 6:
        # The story is written for the borough's six neighbourhoods; a city tells it in its first six.
        return
    person_ids = set(borough.people) | set(borough.demo_people.values())
    cast = _Cast(
        borough=borough,
        people=Person.objects.in_bulk(person_ids),
        places=[Neighbourhood.objects.get(pk=place.id) for place in borough.places],
        orgs=Organisation.objects.in_bulk(),
    )
    _addresses_confirm(cast.people.values())
    now = datetime.fromtimestamp(borough.until, borough.zone)
    story = _Story(cast, now)
    story.offers_publish()
    story.orchard()
    story.green_fund_grants()
    story.street_party()
    story.homework_club()
    story.quieter_projects()
    story.chests()
    story.official_responses()
    story.deadlines_set()


def _addresses_confirm(people) -> None:
    """Mark everyone's address confirmed, as a real borough's active people have: what they do
    in the story waits for it. The demo accounts' addresses are confirmed already."""
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=person, email=person.email, verified=True, primary=True) for person in people],
        ignore_conflicts=True,
    )


class _Story:
    def __init__(self, cast, now):
        self.cast = cast
        self.now = now

    def ago(self, weeks=0, days=0, hour=10) -> datetime:
        """Return a time this long before the end of the demo year, at the given hour."""
        day = (self.now - timedelta(weeks=weeks, days=days)).date()
        return datetime.combine(day, time(hour), tzinfo=self.now.tzinfo)

    def day(self, weeks=0, days=0):
        """Return a date this far after the end of the demo year (negative: before it)."""
        return (self.now + timedelta(weeks=weeks, days=days)).date()

    # Offers ---------------------------------------------------------------------------

    def offers_publish(self):
        c = self.cast
        millbrook, kestrel, wharf = c.place(0), c.place(1), c.place(2)
        parks, libraries, highways, housing = c.service("parks"), c.service("libraries"), c.service("highways"), c.service("housing")
        volunteer_centre, wildlife = c.org(c.borough.voluntary_orgs[3].id), c.org(c.borough.voluntary_orgs[6].id)
        sam = c.person(c.borough.demo_people["officer"])
        self.sam = sam
        self.green_fund = offers.offer_create(
            person=sam, kind="fund", title="Green Spaces Fund", organisation=parks, budget=5000,
            description="Small grants for projects that make the borough's green spaces greener, wilder or better used.",
            rules="Up to £1,500 a project. Spend it within a year and tell us, with photos, what it paid for.",
            eligibility="Community groups and residents' projects in any neighbourhood of Brackenford.",
            at=self.ago(weeks=40),
        )
        self.gazebos = offers.offer_create(
            person=sam, kind="equipment", title="Gazebos and trestle tables", organisation=parks, quantity=4,
            description="Four 3 m gazebos and a dozen trestle tables to lend for community events. We deliver and collect.",
            at=self.ago(weeks=39),
        )
        self.parks_time = offers.offer_create(
            person=c.officer("parks", 1), kind="officer_time", title="Help to use a park for your event",
            organisation=parks, hours_per_month=12,
            description="A parks officer to walk the site with you, agree where things go and sort the permission.",
            at=self.ago(weeks=38),
        )
        self.kestrel_room = offers.offer_create(
            person=c.officer("libraries"), kind="room", title="Community room at the Kestrel Centre Library",
            organisation=libraries, neighbourhoods=[kestrel], venue="Kestrel Centre Library, first floor",
            capacity=30, availability="Weekday afternoons and evenings until 8pm; Saturday mornings.",
            description="A bright room with tables, chairs, a screen and a kitchenette.",
            at=self.ago(weeks=36),
        )
        self.millbrook_room = offers.offer_create(
            person=c.officer("libraries", 1), kind="room", title="Meeting room at Millbrook Library",
            organisation=libraries, neighbourhoods=[millbrook], venue="Millbrook Library, High Street",
            capacity=16, availability="Tuesday and Thursday evenings.",
            at=self.ago(weeks=35),
        )
        self.road_closures = offers.offer_create(
            person=c.officer("highways"), kind="officer_time", title="Road closures for street parties",
            organisation=highways, hours_per_month=6,
            description="We issue the closure order and lend barriers and signs, free for residents' street parties.",
            at=self.ago(weeks=34),
        )
        self.volunteers = offers.offer_create(
            person=c.person(c.borough.voluntary_orgs[3].members[0]), kind="volunteers",
            title="Volunteers for community days", organisation=volunteer_centre, quantity=20,
            skills="digging, planting, stewarding, first aid",
            description="We find volunteers for one-off days: planting, litter picks, events.",
            at=self.ago(weeks=33),
        )
        self.wildlife_time = offers.offer_create(
            person=c.person(c.borough.voluntary_orgs[6].members[0]), kind="officer_time",
            title="Advice on planting for wildlife", organisation=wildlife, hours_per_month=8,
            description="Our ecologists advise on native trees, hedges and wildflowers.",
            at=self.ago(weeks=33),
        )
        jo = c.person(c.borough.demo_people["resident"])
        offers.offer_create(
            person=jo, kind="equipment", title="Lawnmower and strimmer to lend", quantity=1,
            neighbourhoods=[millbrook], description="Happy to lend them to any project in Millbrook. Just ask.",
            at=self.ago(weeks=20),
        )
        self.housing_chest_org = housing
        self.wharf = wharf

    # The orchard: a three-way partnership, funded, equipped, running ------------------

    def orchard(self):
        c = self.cast
        millbrook = c.place(0)
        garden_org = c.borough.places[0].groups[0]
        garden = c.org(garden_org.id)
        priya = c.person(c.borough.demo_people["organiser"])
        jo = c.person(c.borough.demo_people["resident"])
        sam = self.sam
        wildlife_person = c.person(c.borough.voluntary_orgs[6].members[0])
        volunteer_person = c.person(c.borough.voluntary_orgs[3].members[0])
        orchard = projects.project_create(
            person=priya, name="Millbrook Community Orchard", neighbourhood=millbrook, group=garden,
            purpose=(
                "Twelve fruit trees on the green by the brook, planted and looked after by neighbours, "
                "with the fruit free for anyone to pick.\n\nWe want somewhere to meet, learn to prune and "
                "graft, and make the green a place people stop rather than walk through."
            ),
            at=self.ago(weeks=30),
        )
        self.orchard_project = orchard
        members = [m for m in garden_org.members if m != priya.pk][:3]
        for position, person_id in enumerate(members):
            projects.project_join(person=c.person(person_id), project=orchard, at=self.ago(weeks=29, days=position))
        projects.project_join(person=jo, project=orchard, at=self.ago(weeks=28))
        projects.project_status_change(person=priya, project=orchard, to_status="forming",
                                       reason="Five of us now, and Jo has offered a strimmer.", at=self.ago(weeks=28))
        projects.partnership_add(person=sam, project=orchard, organisation=c.service("parks"), role="partner",
                                 at=self.ago(weeks=27))
        projects.partnership_add(person=wildlife_person, project=orchard, organisation=c.org(c.borough.voluntary_orgs[6].id),
                                 role="partner", at=self.ago(weeks=27, days=-2))
        trees = projects.need_add(person=priya, project=orchard, kind="money", summary="Fruit trees, stakes and guards",
                                  amount=1200, details="Twelve heritage apple, pear and plum trees from a local nursery.",
                                  at=self.ago(weeks=26))
        gazebo = projects.need_add(person=priya, project=orchard, kind="equipment",
                                   summary="A gazebo and tables for planting day", quantity=1,
                                   starts_at=self.ago(weeks=14, hour=9), ends_at=self.ago(weeks=14, hour=16),
                                   at=self.ago(weeks=26))
        diggers = projects.need_add(person=priya, project=orchard, kind="volunteers", summary="Diggers and planters for planting day",
                                    quantity=10, skills="digging, planting", at=self.ago(weeks=26))
        green = projects.need_add(person=priya, project=orchard, kind="permission",
                                  summary="Permission to plant on the green by the brook", at=self.ago(weeks=26))
        projects.need_add(person=priya, project=orchard, kind="volunteers", summary="Pruners for the winter prune",
                          quantity=4, skills="pruning", at=self.ago(weeks=6))
        projects.project_status_change(person=priya, project=orchard, to_status="seeking_support",
                                       reason="We know what we need: trees, a gazebo, hands and the council's say-so.",
                                       at=self.ago(weeks=26, hour=11))

        request = offers.support_request_create(
            person=priya, offer=self.green_fund, project=orchard, need=trees, amount=1200,
            message="Twelve trees with stakes and guards; quote from Brookside Nursery attached to our update.",
            at=self.ago(weeks=25))
        offers.support_request_decide(
            person=sam, support_request=request, outcome="grant",
            reason="A lovely fit for the fund: a wilder green, looked after by neighbours.",
            commitments=[Promise("£1,200 paid to the garden's account", self.day(weeks=-22))], at=self.ago(weeks=23))
        offers.commitment_add(person=priya, support_request=request, what="A report and photos after planting day",
                              due=self.day(weeks=-12), at=self.ago(weeks=23, hour=12))
        offers.commitment_add(person=priya, support_request=request, what="An open pruning day every winter",
                              due=self.day(weeks=2), at=self.ago(weeks=23, hour=12))
        paid, report, pruning = list(request.commitments.order_by("id"))
        offers.commitment_deliver(person=sam, commitment=paid, note="Paid by bank transfer.", at=self.ago(weeks=22))

        permission = offers.support_request_create(
            person=priya, offer=self.parks_time, project=orchard, need=green, hours=3,
            message="Could someone walk the green with us and agree where the trees can go?", at=self.ago(weeks=25))
        offers.support_request_decide(
            person=self.parks_time.offered_by, support_request=permission, outcome="grant",
            reason="Agreed on site: away from the path and the drains.",
            commitments=[Promise("Written permission to plant on the green", self.day(weeks=-21))], at=self.ago(weeks=24))
        offers.commitment_deliver(person=self.parks_time.offered_by, commitment=permission.commitments.get(),
                                  note="Letter sent; copy on the project page.", at=self.ago(weeks=21))

        lend = offers.support_request_create(
            person=priya, offer=self.gazebos, project=orchard, need=gazebo, quantity=1,
            starts_at=gazebo.starts_at, ends_at=gazebo.ends_at, message="For planting day on the green.",
            at=self.ago(weeks=20))
        offers.support_request_decide(
            person=sam, support_request=lend, outcome="grant",
            commitments=[Promise("A gazebo and four tables delivered on planting day", self.day(weeks=-14))],
            at=self.ago(weeks=19))
        offers.commitment_deliver(person=sam, commitment=lend.commitments.get(), at=self.ago(weeks=14, hour=8))

        hands = offers.support_request_create(
            person=priya, offer=self.volunteers, project=orchard, need=diggers, quantity=10,
            message="Ten people to dig and plant from 9 till 4, lunch on us.", at=self.ago(weeks=20))
        offers.support_request_decide(
            person=self.volunteers.offered_by, support_request=hands, outcome="part", quantity=6,
            reason="Six volunteers are free that day; we have asked the Wildlife Trust for more.",
            commitments=[Promise("Six volunteers at the green at 9am", self.day(weeks=-14))], at=self.ago(weeks=18))
        offers.commitment_deliver(person=self.volunteers.offered_by, commitment=hands.commitments.get(),
                                  note="Seven came in the end.", at=self.ago(weeks=14, hour=17))

        projects.project_status_change(person=priya, project=orchard, to_status="running",
                                       reason="The money is in and planting day is booked.", at=self.ago(weeks=18, hour=12))
        projects.project_update_post(
            person=priya, project=orchard, acting_for=garden, title="Twelve trees in the ground",
            body=("What a day: twenty-two of us, seven volunteers from the Volunteer Centre, Parks' gazebo and "
                  "a lot of tea. Twelve trees are in, staked and guarded.\n\nThank you, everyone."),
            at=self.ago(weeks=14, hour=18))
        offers.commitment_deliver(person=priya, commitment=report, note="Report and photos in our update.",
                                  at=self.ago(weeks=13))
        projects.project_update_post(
            person=priya, project=orchard, acting_for=garden, title="Winter pruning day: all welcome",
            body="Saturday morning at the green. The Wildlife Trust will show us how. Bring gloves.",
            at=self.ago(weeks=3))
        self.pruning = pruning

    # The Green Spaces Fund: nearly spent ---------------------------------------------

    def green_fund_grants(self):
        c = self.cast
        sam = self.sam
        grants = [
            (2, "Old Wharf canal bank clean-up", "Skips, grabbers and gloves for a day clearing the canal bank.", 900, 900),
            (3, "St Aidan's allotment water butts", "Water butts and guttering so the allotments stop using mains water.", 750, 750),
            (1, "Kestrel Fields wildflower verges", "Seed and turf cutting for three verges on the estate.", 450, 300),
            (4, "Hollins Park bench restoration", "Sanding, oiling and new plaques for the lakeside benches.", 1500, 1500),
        ]
        self.fund_projects = {}
        for number, (index, name, purpose, asked, granted) in enumerate(grants):
            organiser = c.resident(index, 2)
            project = projects.project_create(person=organiser, name=name, purpose=purpose, neighbourhood=c.place(index),
                                              at=self.ago(weeks=32 - number * 2))
            projects.project_join(person=c.resident(index, 5), project=project, at=self.ago(weeks=31 - number * 2))
            need = projects.need_add(person=organiser, project=project, kind="money", summary=purpose.split(" for ")[0],
                                     amount=asked, at=self.ago(weeks=31 - number * 2, hour=11))
            projects.project_status_change(person=organiser, project=project, to_status="forming",
                                           reason="Two of us to start with.", at=self.ago(weeks=31 - number * 2, hour=12))
            projects.project_status_change(person=organiser, project=project, to_status="seeking_support",
                                           reason="Costed, and asking the Green Spaces Fund.",
                                           at=self.ago(weeks=31 - number * 2, hour=13))
            request = offers.support_request_create(person=organiser, offer=self.green_fund, project=project, need=need,
                                                    amount=asked, message=purpose, at=self.ago(weeks=30 - number * 2))
            outcome = "grant" if granted == asked else "part"
            offers.support_request_decide(
                person=sam if number % 2 else c.officer("parks", 2), support_request=request, outcome=outcome, amount=granted,
                reason="" if outcome == "grant" else "The fund pays for seed; the verges team will cut the turf.",
                commitments=[Promise(f"£{granted:,} paid", self.day(weeks=-(27 - number * 2)))],
                at=self.ago(weeks=28 - number * 2))
            projects.project_status_change(person=organiser, project=project, to_status="running",
                                           reason="The grant is in; work starts this month.",
                                           at=self.ago(weeks=28 - number * 2, hour=15))
            offers.commitment_deliver(person=sam, commitment=request.commitments.get(), at=self.ago(weeks=27 - number * 2))
            self.fund_projects[name] = project
        benches = self.fund_projects["Hollins Park bench restoration"]
        projects.project_status_change(person=benches.started_by, project=benches, to_status="done",
                                       reason="All nine benches are back by the lake, with new plaques.", at=self.ago(weeks=9))
        # £4,650 of £5,000 is granted; one more small request waits for a decision.
        waiting = self.fund_projects["St Aidan's allotment water butts"]
        need = projects.need_add(person=waiting.started_by, project=waiting, kind="money", summary="A second set of butts",
                                 amount=300, at=self.ago(weeks=2))
        offers.support_request_create(person=waiting.started_by, offer=self.green_fund, project=waiting, need=need,
                                      amount=300, message="The first lot worked so well the top plots want them too.",
                                      at=self.ago(weeks=1))

    # The street party: Highways' overdue commitments -----------------------------------

    def street_party(self):
        c = self.cast
        organiser = c.resident(2, 7)
        party = projects.project_create(
            person=organiser, name="Wharf Street party", neighbourhood=c.place(2),
            purpose="A street party for the whole of Wharf Street: tables down the middle, music and a cake competition.",
            at=self.ago(weeks=12))
        for position in (8, 9):
            projects.project_join(person=c.resident(2, position), project=party, at=self.ago(weeks=11))
        closure = projects.need_add(person=organiser, project=party, kind="permission",
                                    summary="A road closure on Wharf Street", starts_at=self.ago(weeks=-3, hour=11),
                                    ends_at=self.ago(weeks=-3, hour=19), at=self.ago(weeks=11))
        projects.need_add(person=organiser, project=party, kind="equipment", summary="Gazebos in case it rains",
                          quantity=2, at=self.ago(weeks=11))
        projects.project_status_change(person=organiser, project=party, to_status="forming", reason="Three of us.",
                                       at=self.ago(weeks=11, hour=12))
        projects.project_status_change(person=organiser, project=party, to_status="seeking_support",
                                       reason="Date fixed, needs listed.", at=self.ago(weeks=10))
        request = offers.support_request_create(
            person=organiser, offer=self.road_closures, project=party, need=closure, hours=2,
            message="Closing Wharf Street from 11 till 7 for the party.", at=self.ago(weeks=9))
        highways_officer = c.officer("highways")
        offers.support_request_decide(
            person=highways_officer, support_request=request, outcome="grant",
            reason="Happy to help. We need six weeks for the order.",
            commitments=[Promise("Road closure order issued", self.day(weeks=-4)),
                         Promise("Barriers and signs delivered to Wharf Street", self.day(weeks=-1))],
            at=self.ago(weeks=8))
        offers.commitment_add(person=organiser, support_request=request, what="Leaflets to every house on the street",
                              due=self.day(weeks=-5), at=self.ago(weeks=8, hour=12))
        offers.commitment_deliver(person=organiser, commitment=request.commitments.get(side="project"),
                                  note="Every door, twice.", at=self.ago(weeks=5))
        projects.project_update_post(
            person=organiser, project=party, title="Still waiting for the road closure",
            body="Leaflets are out, but we have not heard from Highways about the closure order. Has anyone?",
            at=self.ago(days=4))

    # The homework club: a room booked, volunteers still wanted -------------------------

    def homework_club(self):
        c = self.cast
        organiser = c.resident(1, 3)
        club = projects.project_create(
            person=organiser, name="Kestrel Fields homework club",
            purpose="A quiet, friendly place after school for children to do homework, with volunteers to help.",
            neighbourhood=c.place(1), at=self.ago(weeks=10))
        projects.project_join(person=c.resident(1, 4), project=club, at=self.ago(weeks=9))
        room = projects.need_add(person=organiser, project=club, kind="room", summary="A room after school on Tuesdays",
                                 starts_at=self.ago(weeks=-1, hour=16), ends_at=self.ago(weeks=-1, hour=18),
                                 at=self.ago(weeks=9))
        projects.need_add(person=organiser, project=club, kind="volunteers", summary="Volunteers to help with maths and reading",
                          quantity=4, skills="maths, reading, patience", at=self.ago(weeks=9))
        projects.project_status_change(person=organiser, project=club, to_status="forming", reason="Two of us and a plan.",
                                       at=self.ago(weeks=9, hour=12))
        projects.project_status_change(person=organiser, project=club, to_status="seeking_support",
                                       reason="We need a room and some helpers.", at=self.ago(weeks=8))
        request = offers.support_request_create(
            person=organiser, offer=self.kestrel_room, project=club, need=room, starts_at=room.starts_at,
            ends_at=room.ends_at, message="The first session; if it works we will ask for every Tuesday.",
            at=self.ago(weeks=7))
        offers.support_request_decide(
            person=self.kestrel_room.offered_by, support_request=request, outcome="grant",
            commitments=[Promise("Room set out with tables and the Wi-Fi code on the door", self.day(weeks=1))],
            at=self.ago(weeks=6))

    # Quieter projects: an idea, a paused one ------------------------------------------

    def quieter_projects(self):
        c = self.cast
        repair = projects.project_create(
            person=c.resident(0, 11), name="Millbrook Repair Café",
            purpose="Once a month, bring broken things and fix them with a volunteer.", neighbourhood=c.place(0),
            at=self.ago(weeks=16))
        projects.project_join(person=c.resident(0, 12), project=repair, at=self.ago(weeks=15))
        projects.need_add(person=repair.started_by, project=repair, kind="room", summary="A room one Saturday a month",
                          starts_at=self.ago(weeks=-2, hour=10), ends_at=self.ago(weeks=-2, hour=13), at=self.ago(weeks=15))
        projects.project_status_change(person=repair.started_by, project=repair, to_status="forming",
                                       reason="Two fixers so far.", at=self.ago(weeks=15, hour=12))
        projects.project_status_change(person=repair.started_by, project=repair, to_status="paused",
                                       reason="Waiting to hear about the library room.", at=self.ago(weeks=5))
        self.repair = repair
        projects.project_create(
            person=c.resident(5, 1), name="Ashby Green footpath map",
            purpose="A map of the village's footpaths, drawn by the people who walk them.", neighbourhood=c.place(5),
            at=self.ago(weeks=2))
        planters = projects.project_create(
            person=c.resident(0, 14), name="Brook Street planters",
            purpose="Six big planters along Brook Street, planted and watered by the neighbours.", neighbourhood=c.place(0),
            at=self.ago(weeks=8))
        toddlers = projects.project_create(
            person=c.resident(0, 16), name="Millbrook stay and play",
            purpose="A weekly stay-and-play for toddlers and their grown-ups in the church hall.", neighbourhood=c.place(0),
            at=self.ago(weeks=7))
        self.chest_projects = [(self.repair, 800), (planters, 1200), (toddlers, 900)]

    # Community chests ---------------------------------------------------------------------

    def chests(self):
        c = self.cast
        millbrook, kestrel = c.place(0), c.place(1)
        chest = offers.offer_create(
            person=self.sam, kind="fund", title="Millbrook Community Chest", organisation=c.service("parks"), budget=2000,
            neighbourhoods=[millbrook], is_community_chest=True,
            description="£2,000 for Millbrook projects, chosen by Millbrook residents.",
            rules="Up to £1,200 a project. Residents vote for the projects they would fund, within the £2,000.",
            eligibility="Projects in Millbrook.", at=self.ago(weeks=9))
        for project, amount in self.chest_projects:
            offers.support_request_create(person=project.started_by, offer=chest, project=project, amount=amount,
                                          message=project.purpose, at=self.ago(weeks=6))
        offers.chest_voting_open(person=self.sam, fund=chest, at=self.ago(weeks=2))
        self._votes(chest, place_index=0, ballots=24, first_day=13)

        housing_officer = c.officer("housing")
        kestrel_chest = offers.offer_create(
            person=housing_officer, kind="fund", title="Kestrel Fields Community Chest", organisation=c.service("housing"),
            budget=1500, neighbourhoods=[kestrel], is_community_chest=True,
            description="£1,500 for Kestrel Fields projects, chosen by Kestrel Fields residents.",
            eligibility="Projects on the Kestrel Fields estate.", at=self.ago(weeks=30))
        entries = []
        for position, (name, purpose, amount) in enumerate((
            ("Kestrel Centre community fridge", "A fridge where shops and neighbours share surplus food.", 700),
            ("Kestrel Fields football for all", "Free Saturday football for 8 to 14 year olds.", 600),
            ("Kestrel Fields murals", "Murals on the underpass, designed with the primary school.", 900),
        )):
            organiser = c.resident(1, 6 + position)
            project = projects.project_create(person=organiser, name=name, purpose=purpose, neighbourhood=kestrel,
                                              at=self.ago(weeks=29))
            entries.append(offers.support_request_create(person=organiser, offer=kestrel_chest, project=project,
                                                         amount=amount, message=purpose, at=self.ago(weeks=28)))
        offers.chest_voting_open(person=housing_officer, fund=kestrel_chest, at=self.ago(weeks=26))
        self._votes(kestrel_chest, place_index=1, ballots=31, first_day=180)
        offers.chest_count(person=housing_officer, fund=kestrel_chest, at=self.ago(weeks=23))

    def _votes(self, chest, *, place_index, ballots, first_day):
        """Cast the residents' ballots, each within the budget, a few a day."""
        c = self.cast
        entries = list(chest.requests.filter(status="pending").order_by("id"))
        demo = set(c.borough.demo_people.values())
        voters = [pk for pk in c.borough.places[place_index].residents if pk not in demo][:ballots]
        # Each voter ranks the projects in their own way and fills their ballot while it fits.
        for number, voter_id in enumerate(voters):
            order = entries[number % len(entries):] + entries[: number % len(entries)]
            if number % 3 == 0:
                order = list(reversed(order))
            chosen, total = [], 0
            for entry in order:
                if total + entry.amount <= chest.remaining and len(chosen) < 2:
                    chosen.append(entry)
                    total += entry.amount
            offers.chest_vote(person=c.person(voter_id), fund=chest, requests=chosen,
                              at=self.ago(days=first_day - number // 4, hour=9 + number % 8))

    # Official responses ---------------------------------------------------------------------

    def official_responses(self):
        c = self.cast
        plans = [
            ("parks", 0, [("answered", "Thanks for asking. {answer}")]),
            ("parks", 1, [("in_progress", "We have ordered the parts and will be back to fix it."),
                          ("done", "Fixed this morning. Thank you for your patience.")]),
            ("parks", 2, [("answered", "Good question. {answer}")]),
            ("parks", 3, [("wont_do", "We cannot do this one: the ground is too wet to take a vehicle. "
                                      "We will look again in the spring.")]),
            ("housing", 0, [("in_progress", "A repairs officer will visit this week."),
                            ("done", "The repair is done. Let us know if the damp comes back.")]),
            ("housing", 1, [("answered", "You can apply online or at the Kestrel Centre drop-in on Thursdays.")]),
            ("highways", 0, [("open", "Thank you: we have logged this and will inspect it.")]),
            ("libraries", 0, [("answered", "Yes, the homework club room can be booked through the library offer page.")]),
        ]
        answers = {"parks": "The team is on site on Tuesdays; we will look at it then."}
        for key, position, entries in plans:
            service = c.service(key)
            posts = list(
                Post.objects.filter(addressed_to=service, kind__in=[Post.Kind.QUESTION, Post.Kind.REQUEST],
                                    created_at__lt=self.ago(weeks=3))
                .order_by("-created_at", "-id")[:6]
            )
            if position >= len(posts):
                continue
            post = posts[position]
            answered_on = timezone.localtime(post.created_at, self.now.tzinfo).date() + timedelta(days=1)
            for step, (status, body) in enumerate(entries):
                at = datetime.combine(answered_on + timedelta(days=6 * step), time(10, 30), tzinfo=self.now.tzinfo)
                responses.response_give(person=c.officer(key, step), post=post, organisation=service, status=status,
                                        body=body.format(answer=answers.get(key, "")), at=at)

    def deadlines_set(self):
        # Deadlines are set once the story's requests are in, so they fall after the end of
        # the demo year whenever it is built, and the story's requests are never refused.
        Offer.objects.filter(pk=self.green_fund.pk).update(deadline=self.day(weeks=8))
