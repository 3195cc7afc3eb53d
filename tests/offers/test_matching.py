"""Matching: each open need shows suggested offers and each offer suggested projects, ranked,
with the reason in plain words."""

from villagehall.offers import services
from villagehall.offers.matching import words_of
from villagehall.offers.selectors import offer_suggestions, project_support
from villagehall.projects import services as project_services
from villagehall.projects.selectors import project_page


def suggestions_for(town, project):
    data = project_page(project=project)
    support = project_support(project=project, needs=data.needs, partner_ids=[p.organisation_id for p in data.partners])
    return {need.summary: support.suggestions.get(need.pk, []) for need in data.needs}


def test_words_are_compared_singular_and_without_filler():
    assert words_of("Gazebos and trestle tables for the fun day") == {"gazebo", "trestle", "table", "fun"}
    assert words_of("a gazebo") == {"gazebo"}
    assert words_of("Benches, boxes, lorries") == {"bench", "box", "lorry"}


def test_a_need_is_matched_to_the_offer_that_fits_with_the_reason_in_plain_words(town):
    gazebos = services.offer_create(person=town.olu, kind="equipment", title="Gazebos", organisation=town.parks,
                                    neighbourhoods=[town.northfield], description="Three gazebos to lend for events.")
    services.offer_create(person=town.olu, kind="equipment", title="Litter pickers", organisation=town.parks)
    services.offer_create(person=town.lena, kind="room", title="Library room", organisation=town.libraries)
    project_services.need_add(person=town.rita, project=town.orchard, kind="equipment", summary="A gazebo for planting day")
    found = suggestions_for(town, town.orchard)["A gazebo for planting day"]
    assert [s.offer.title for s in found] == ["Gazebos", "Litter pickers"]
    assert found[0].reason == (
        "Parks lends “Gazebos” in Northfield; Community orchard needs a gazebo for planting day (both mention “gazebo”)."
    )
    assert "anywhere in the council" in found[1].reason
    assert found[0].offer == gazebos


def test_offers_elsewhere_closed_or_spent_are_not_suggested(town):
    services.offer_create(person=town.olu, kind="equipment", title="Eastgate gazebos", organisation=town.parks,
                          neighbourhoods=[town.eastgate])
    closed = services.offer_create(person=town.olu, kind="equipment", title="Old gazebos", organisation=town.parks)
    services.offer_set_open(person=town.olu, offer=closed, is_open=False)
    spent = services.offer_create(person=town.olu, kind="fund", title="Spent fund", organisation=town.parks, budget=100)
    spent.remaining = 0
    spent.save(update_fields=["remaining"])
    project_services.need_add(person=town.rita, project=town.orchard, kind="equipment", summary="A gazebo")
    project_services.need_add(person=town.rita, project=town.orchard, kind="money", summary="Trees", amount=50)
    assert suggestions_for(town, town.orchard) == {"A gazebo": [], "Trees": []}


def test_funds_that_can_pay_in_full_local_ones_and_partners_rank_first(town):
    services.offer_create(person=town.lena, kind="fund", title="Borough small grants", organisation=town.libraries, budget=300)
    services.offer_create(person=town.olu, kind="fund", title="Northfield green fund", organisation=town.parks,
                          budget=5000, neighbourhoods=[town.northfield])
    project_services.partnership_add(person=town.olu, project=town.orchard, organisation=town.parks, role="partner")
    project_services.need_add(person=town.rita, project=town.orchard, kind="money", summary="Fruit trees", amount=400)
    found = suggestions_for(town, town.orchard)["Fruit trees"]
    assert [s.offer.title for s in found] == ["Northfield green fund", "Borough small grants"]
    assert found[0].reason == (
        "Parks has £5,000 left in “Northfield green fund” for projects in Northfield; "
        "Community orchard needs £400: Fruit trees (Parks already partners on it)."
    )
    assert "it could pay part: £400 is more than is left" in found[1].reason


def test_permissions_are_matched_to_council_services_officer_time(town):
    services.offer_create(person=town.olu, kind="officer_time", title="Events and permissions help",
                          organisation=town.parks, hours_per_month=10)
    services.offer_create(person=town.vera, kind="officer_time", title="Volunteer coordinator time",
                          organisation=town.volunteers, hours_per_month=10)
    project_services.need_add(person=town.rita, project=town.orchard, kind="permission", summary="Use of the green for planting")
    found = suggestions_for(town, town.orchard)["Use of the green for planting"]
    assert [s.offer.title for s in found] == ["Events and permissions help"]
    assert "Community orchard needs a permission: Use of the green for planting" in found[0].reason


def test_an_offer_suggests_the_projects_it_could_help(town):
    street = project_services.project_create(person=town.nina, name="Street party", purpose="", neighbourhood=town.northfield)
    project_services.need_add(person=town.nina, project=street, kind="volunteers", summary="Stewards", quantity=4,
                              skills="first aid")
    project_services.need_add(person=town.rita, project=town.orchard, kind="volunteers", summary="Diggers", quantity=6)
    far = project_services.project_create(person=town.ed, name="Far away", purpose="", neighbourhood=town.eastgate)
    project_services.need_add(person=town.ed, project=far, kind="volunteers", summary="Helpers", quantity=2)
    offer = services.offer_create(person=town.vera, kind="volunteers", title="First aid volunteers", quantity=5,
                                  organisation=town.volunteers, neighbourhoods=[town.northfield], skills="first aid")
    found = offer_suggestions(offer=offer)
    assert [s.need.project.name for s in found] == ["Street party", "Community orchard"]
    assert found[0].reason == (
        "Northfield Volunteers has 5 volunteers, “First aid volunteers”, in Northfield; "
        "Street party needs 4 volunteers: Stewards (both mention “aid”, “first”)."
    )
