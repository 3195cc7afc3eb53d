"""How often anyone may post, reply, react and report, counted in Django's cache.

The cache is shared between server processes when Redis is configured (REDIS_URL), so
the limits hold across a whole installation; with the in-process cache they hold per
process. Pages (and, later, the API) take from these limits; commands, imports and the
demo do not, because nobody types fast there.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied


class RateLimited(PermissionDenied):
    """Someone did the same thing too often in too short a time."""


MESSAGES = {
    "post": "You have written a lot of posts in a short time. Please wait a little and try again.",
    "comment": "You have replied a lot in a short time. Please wait a little and try again.",
    "reaction": "You have reacted a lot in a short time. Please wait a little and try again.",
    "report": "You have sent a lot of reports in a short time. Please wait a little; the moderators have them.",
    "guest_comment_email": (
        "Several comments have been sent from this email address in a short time. "
        "Please confirm the ones waiting in your inbox, or try again later."
    ),
    "guest_comment_ip": "A lot of comments have come from here in a short time. Please wait a little and try again.",
}


def rate_limit_take(*, action: str, person=None, key: str | None = None) -> None:
    """Count one more `action` by the person (or by `key`, for someone without an account), and raise
    RateLimited when that is over the limit."""
    most, seconds = settings.RATE_LIMITS[action]
    window = int(time.time() // seconds)
    who = key if key is not None else person.pk
    counter = f"rate:{action}:{who}:{window}"
    # add() is a no-op if the counter exists; incr() is atomic in Redis and in the local cache.
    cache.add(counter, 0, timeout=seconds + 1)
    try:
        count = cache.incr(counter)
    except ValueError:  # the counter expired between the two calls
        cache.set(counter, 1, timeout=seconds + 1)
        count = 1
    if count > most:
        raise RateLimited(MESSAGES[action])
