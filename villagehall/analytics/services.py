"""Writes for interaction events."""

from villagehall.analytics.models import Interaction
from villagehall.people.models import Organisation


def community_space_of(organisation):
    """Return the organisation if it is a community space (group or voluntary org), else None."""
    if organisation is not None and organisation.kind != Organisation.Kind.COUNCIL_SERVICE:
        return organisation
    return None


def interaction_record(
    *, kind, actor, at, neighbourhood, acting_for=None, group=None, thread=None,
    addressed_to=None, post=None, event=None, channel=Interaction.Channel.ONLINE,
) -> Interaction:
    """Record one interaction event; a post passes thread=None and becomes its own thread."""
    interaction = Interaction.objects.create(
        kind=kind, actor=actor, at=at, neighbourhood=neighbourhood, acting_for=acting_for,
        group=group, thread=thread, addressed_to=addressed_to, post=post, event=event, channel=channel,
    )
    if kind == Interaction.Kind.POST and thread is None:
        interaction.thread = interaction
        interaction.save(update_fields=["thread"])
    return interaction
