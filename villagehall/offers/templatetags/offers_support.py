"""The support an organisation gives, for its page: offers, grants and commitments."""

from django import template

from villagehall.offers import selectors

register = template.Library()


@register.inclusion_tag("offers/_organisation_support.html", takes_context=True)
def organisation_support(context, organisation):
    """Show an organisation's offers, the support it granted and what it committed to, overdue first."""
    return {
        "council": context.get("council"),
        "organisation": organisation,
        "offers": selectors.offers_of_organisation(organisation=organisation),
        "grants": selectors.grants_by_organisation(organisation=organisation),
        "commitments": selectors.commitments_of_organisation(organisation=organisation),
    }
