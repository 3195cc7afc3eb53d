"""Small helpers for project, offer and fund pages."""

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def pounds(amount):
    """Show whole pounds as people write them: £1,200."""
    if amount is None or amount == "":
        return "—"
    return f"£{int(amount):,}"


@register.filter
def overdue(commitment):
    """Return True if a commitment is past its due date and not delivered."""
    return commitment.is_overdue(timezone.localdate())


@register.inclusion_tag("projects/_organisation_projects.html", takes_context=True)
def organisation_projects(context, organisation):
    """Show the projects an organisation leads, partners on or supports."""
    from villagehall.projects.selectors import projects_of_organisation

    return {"organisation": organisation, "partnerships": projects_of_organisation(organisation=organisation),
            "council": context.get("council")}
