"""Permissions: the named rules of each app's `rules.py` decide, and their answer is final.

Django asks every authentication backend in turn until one says yes. After the rules
said no, its model-permission backend would then read the person's user and group
permissions (two queries on nearly every page) for names no model permission has:
`conversation.react` is a rule, never a row in `auth_permission`. So a permission
declared as a rule is answered by the rule alone; the model permissions the admin uses
(`people.change_person`) are still answered by Django's backend.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from rules.permissions import ObjectPermissionBackend, has_perm, perm_exists

# What rules have read about the reader while one page's personal parts are filled in.
_facts_read = ContextVar("facts_read", default=None)


class NamedRulesBackend(ObjectPermissionBackend):
    """Answer permissions declared as named rules, and let a "no" stand."""

    def has_perm(self, user, perm, *args, **kwargs):
        if not perm_exists(perm):
            return False
        if has_perm(perm, user, *args, **kwargs):
            return True
        # Stops Django asking the backends after this one.
        raise PermissionDenied


@contextmanager
def facts_read_once(facts: dict):
    """Let the rules asked in this block share what they read, in `facts`.

    For filling in a page's personal parts (core.personal), where several rules ask the
    same thing of the same reader (are they on this project's team?) and nothing is written
    in between. Elsewhere a rule reads afresh each time: a service may ask again after writing.
    """
    token = _facts_read.set(facts)
    try:
        yield
    finally:
        _facts_read.reset(token)


def read_once(key, read):
    """Return read(), or inside facts_read_once, the answer first read for the key."""
    facts = _facts_read.get()
    if facts is None:
        return read()
    if key not in facts:
        facts[key] = read()
    return facts[key]
