"""Addresses of pages, worked out once and remembered.

Lists and threads show the same kinds of address many times over (every post, author
and reaction form), and Django's reverse() matches its patterns afresh each time, which
costs more than the rest of the line it is on. An address depends only on the URL
configuration, the script prefix and its arguments, so it is remembered by those.
"""

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse


@lru_cache(maxsize=50_000)
def _address(urlconf, prefix, name, args, kwargs) -> str:
    return reverse(name, urlconf=urlconf, args=args, kwargs=dict(kwargs))


def address(name: str, *args, **kwargs) -> str:
    """Return reverse(name, args=args, kwargs=kwargs), remembered."""
    return _address(get_urlconf(), get_script_prefix(), name, args, tuple(sorted(kwargs.items())))


@receiver(setting_changed)
def _forget_addresses(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _address.cache_clear()
