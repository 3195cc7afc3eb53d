"""Events: meetings and activities at a place, organised by an organisation."""

from django.db import models

from villagehall.core.tenancy import CouncilOwned


class Event(CouncilOwned):
    """A meeting or activity; attendance at it is recorded as interactions."""

    name = models.CharField(max_length=200)
    neighbourhood = models.ForeignKey(
        "places.Neighbourhood", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    organiser = models.ForeignKey(
        "people.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="events_organised"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return self.name
