"""Writes about people."""

from django.db import transaction

from villagehall.core.page_cache import council_content_changed
from villagehall.core.tenancy import require_current_council
from villagehall.people.models import Residency


@transaction.atomic
def profile_update(*, person, display_name, bio, neighbourhoods):
    """Save a person's name, bio and their neighbourhoods in the current council."""
    person.display_name = display_name
    person.bio = bio
    person.save(update_fields=["display_name", "bio"])
    chosen = {n.pk for n in neighbourhoods}
    person.residencies.exclude(neighbourhood_id__in=chosen).delete()
    existing = set(person.residencies.values_list("neighbourhood_id", flat=True))
    Residency.objects.bulk_create(
        [Residency(council=require_current_council(), person=person, neighbourhood_id=pk) for pk in chosen - existing]
    )
    # A name shows on every council's pages where the person has spoken.
    council_content_changed(every_council=True)


@transaction.atomic
def council_administrator_grant(*, person, council):
    """Make the person an administrator of the council, with access to its set-up pages."""
    from django.contrib.auth.models import Group, Permission

    from villagehall.people.models import CouncilRole

    group, created = Group.objects.get_or_create(name="Council administrators")
    if created:
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=["places", "people"],
            ).exclude(content_type__model="council")
        )
    CouncilRole.dangerously_unscoped.get_or_create(council=council, person=person, role=CouncilRole.Role.ADMINISTRATOR)
    person.is_staff = True
    person.save(update_fields=["is_staff"])
    person.groups.add(group)
