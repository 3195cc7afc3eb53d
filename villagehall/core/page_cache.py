"""Whole-page caching for people who are not signed in.

Most readers are not signed in, and what they see of a council is the same for all of
them. Their pages are cached under the council's `content_version`, which every write to
the council's content moves on (in the same transaction as the write), so a cached page
is never older than the last change it could show.
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.http import HttpResponse

from villagehall.core.tenancy import current_council

CACHE_SECONDS = 600


def council_content_changed(*, council=None, every_council=False) -> None:
    """Mark the current council's pages (or every council's) as changed."""
    from villagehall.places.models import Council

    if every_council:
        Council.objects.update(content_version=F("content_version") + 1)
        return
    council = council or current_council()
    if council is not None:
        Council.objects.filter(pk=council.pk).update(content_version=F("content_version") + 1)


def _cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and getattr(request, "council", None) is not None
        # No session and no pending messages: an anonymous visitor with nothing personal to show.
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


class AnonymousPageCacheMiddleware:
    """Serve council pages to anonymous visitors from the cache, keyed by content version.

    Sits after CouncilMiddleware, so the council (and its version) is known by the time
    its process_view runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = request.__dict__.pop("_page_cache_key", None)
        if (
            key is not None
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Cache-Control")
        ):
            cache.set(key, (response.content, response["Content-Type"]), CACHE_SECONDS)
            response["X-Village-Hall-Cache"] = "miss"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not _cacheable_request(request):
            return None
        council = request.council
        key = f"page:{council.pk}:{council.content_version}:{request.headers.get('HX-Request', '')}:{request.get_full_path()}"
        cached = cache.get(key)
        if cached is None:
            request._page_cache_key = key
            return None
        content, content_type = cached
        response = HttpResponse(content, content_type=content_type)
        response["X-Village-Hall-Cache"] = "hit"
        return response
