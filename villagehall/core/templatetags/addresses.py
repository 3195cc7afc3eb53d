"""{% address %}: {% url %} for addresses a page shows many times over (core.addresses)."""

from django import template

from villagehall.core.addresses import address as remembered

register = template.Library()


@register.simple_tag
def address(name, *args):
    """Return the address of the named page with these arguments, as {% url %} does, remembered."""
    return remembered(name, *args)
