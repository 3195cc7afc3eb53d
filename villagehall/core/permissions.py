"""Permissions: the named rules of each app's `rules.py` decide, and their answer is final.

Django asks every authentication backend in turn until one says yes. After the rules
said no, its model-permission backend would then read the person's user and group
permissions (two queries on nearly every page) for names no model permission has:
`conversation.react` is a rule, never a row in `auth_permission`. So a permission
declared as a rule is answered by the rule alone; the model permissions the admin uses
(`people.change_person`) are still answered by Django's backend.
"""

from django.core.exceptions import PermissionDenied
from rules.permissions import ObjectPermissionBackend, has_perm, perm_exists


class NamedRulesBackend(ObjectPermissionBackend):
    """Answer permissions declared as named rules, and let a "no" stand."""

    def has_perm(self, user, perm, *args, **kwargs):
        if not perm_exists(perm):
            return False
        if has_perm(perm, user, *args, **kwargs):
            return True
        # Stops Django asking the backends after this one.
        raise PermissionDenied
