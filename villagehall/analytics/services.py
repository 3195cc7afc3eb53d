"""Writes for interaction events: recording them as they happen, and importing them."""

import time

from django.db import transaction

from villagehall.analytics.models import Interaction
from villagehall.analytics.rollups import rollups_rebuild, rollups_record
from villagehall.core.tenancy import council_scope
from villagehall.people.models import Organisation
from villagehall.places.models import Council


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
    rollups_record(interaction=interaction)
    return interaction


class ImportRefused(Exception):
    """The file had bad lines, so nothing in it was imported."""

    def __init__(self, bad_lines: int):
        super().__init__(f"{bad_lines} bad line{'s' if bad_lines != 1 else ''}; nothing was imported.")
        self.bad_lines = bad_lines


def analytics_import(*, path, council_slug: str, on_error, on_progress=None):
    """Import a JSON Lines file into the council (made if new), all or nothing; return the summary."""
    from villagehall.analytics.imports import CouncilImport, interaction_indexes_set_aside

    with transaction.atomic():
        council = _council_for_import(council_slug)
        with council_scope(council):
            started = time.perf_counter()
            with interaction_indexes_set_aside(path):
                summary = CouncilImport(council, on_error=on_error).import_file(path, on_progress=on_progress)
                if summary.bad_lines:
                    # Leaving the transaction by an exception takes back every batch written,
                    # and brings back any index set aside.
                    raise ImportRefused(summary.bad_lines)
            summary.import_seconds = time.perf_counter() - started
            rollups_rebuild(council=council)
            summary.rebuild_seconds = time.perf_counter() - started - summary.import_seconds
    return summary


def _council_for_import(slug: str) -> Council:
    council = Council.objects.filter(slug=slug).first()
    if council is None:
        council = Council(slug=slug, name=slug.replace("-", " ").title())
        council.full_clean()
        council.save()
    return council
