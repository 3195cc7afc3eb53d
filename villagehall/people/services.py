"""Writes about people."""

from django.db import transaction

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
