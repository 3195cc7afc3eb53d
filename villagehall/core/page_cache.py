"""Whole-page caching for people who are not signed in, and for signed-in readers.

Most readers are not signed in, and what they see of a council is the same for all of
them. Their pages are cached under the council's `content_version`, which every write to
the council's content moves on (in the same transaction as the write), so a cached page
is never older than the last change it could show. Parts of pages that show none of the
conversation (an organisation's offers, support and projects) are kept under the council's
`records_version`, which replies, reactions and new posts leave alone.

A page that shows only one place's conversation (a neighbourhood's feed, an organisation's
page, a post) says so with @conversation_shown, and is kept a second time under the
council's records_version and that conversation's own version. When the council's content
version has moved on, such a page is looked for there before it is drawn again, so a reply
in one neighbourhood leaves the others' feeds, organisation pages and posts as they were
kept (at the cost of reading one version).
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.http import HttpResponse

from villagehall.core.personal import parse
from villagehall.core.tenancy import current_council

CACHE_SECONDS = 600


def council_content_changed(*, council=None, every_council=False, conversation_only=False) -> None:
    """Mark the current council's pages (or every council's) as changed.

    `conversation_only` says the change was to posts, replies, reactions or follows alone,
    so parts of pages kept under the council's records_version stay as they are.
    """
    from villagehall.places.models import Council

    versions = {"content_version": F("content_version") + 1}
    if not conversation_only:
        versions["records_version"] = F("records_version") + 1
    if every_council:
        Council.objects.update(**versions)
        return
    council = council or current_council()
    if council is not None:
        Council.objects.filter(pk=council.pk).update(**versions)


def _cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and getattr(request, "council", None) is not None
        # No session and no pending messages: an anonymous visitor with nothing personal to show.
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _later_key(prefix, request, view_func, view_kwargs) -> str | None:
    """Return the key a page that shows one place's conversation is also kept under, or None."""
    read = getattr(view_func, "conversation_shown", None)
    shown = read(view_kwargs) if read is not None else None
    if shown is None:
        return None
    council = request.council
    return (
        f"{prefix}:{council.pk}:r{council.records_version}:{shown}:{request.META.get('HTTP_HX_REQUEST', '')}:"
        f"{request.get_full_path()}"
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
        keys = request.__dict__.pop("_page_cache_keys", None)
        if (
            keys is not None
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Cache-Control")
        ):
            kept = (response.content, response["Content-Type"])
            cache.set_many({key: kept for key in keys if key is not None}, CACHE_SECONDS)
            response["X-Village-Hall-Cache"] = "miss"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not _cacheable_request(request):
            return None
        council = request.council
        key = f"page:{council.pk}:{council.content_version}:{request.META.get('HTTP_HX_REQUEST', '')}:{request.get_full_path()}"
        cached = cache.get(key)
        later = None
        if cached is None:
            later = _later_key("page", request, view_func, view_kwargs)
            cached = cache.get(later) if later is not None else None
            if cached is not None:
                cache.set(key, cached, CACHE_SECONDS)
        if cached is None:
            request._page_cache_keys = (key, later)
            return None
        content, content_type = cached
        response = HttpResponse(content, content_type=content_type)
        response["X-Village-Hall-Cache"] = "hit"
        return response


def conversation_shown(read):
    """Mark a view whose page shows no conversation but one place's, whose version
    `read(view_kwargs)` returns as text ("n12.345"), or None if there is no such place.

    Its page is then also kept under that version and the council's records_version
    (see the module's docstring): every change to the conversation the page shows must move
    the version `read` returns, and every other change the page shows, the records_version.
    """
    def mark(view):
        view.conversation_shown = read
        return view

    return mark


def shared_page(view=None, *, unless=None):
    """Mark a view whose page, its personal parts aside (core.personal), is the same for every
    signed-in reader who may see the same things, so SignedInPageCacheMiddleware may keep it.

    `unless(summary)` names readers whose page is their own (drawn for them each time).
    """
    def mark(view):
        view.shared_page = unless or (lambda summary: False)
        return view

    return mark(view) if view is not None else mark


def page_not_kept(request) -> None:
    """Keep this response from the signed-in page cache (it shows what not every such reader may see)."""
    request.__dict__.pop("_shared_page", None)


def _pending_messages(request) -> bool:
    return "messages" in request.COOKIES or "_messages" in request.session


class SignedInPageCacheMiddleware:
    """Serve pages marked @shared_page to signed-in readers from the cache.

    A page is kept once for everyone who may see the same things — the members-only
    spaces they belong to, the organisations they may speak for, whether they moderate,
    whether their email address is confirmed — keyed by the council's content version, cut at its personal parts (core.personal),
    which PersonalPartsMiddleware fills in for each reader on the way out. The versions of
    one address are kept together, so the follows and reactions the page asks about are
    read in the same statement as the reader's summary, and kept with it under the reader's
    PersonalVersion: a reader who comes back to a page with nothing of theirs changed is
    served it without a statement beyond their session's. Sits after CouncilMiddleware, so
    the council (and its version) is known by the time it looks.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        kept = request.__dict__.pop("_shared_page", None)
        if kept is not None and response.status_code == 200 and not response.streaming:
            key, readers, versions, later, later_versions = kept
            # Kept cut at its markers, so a page served from the cache is only filled in.
            response.personal_page = parse(response.content)
            versions[readers] = (response.personal_page, response["Content-Type"])
            kept_now = {key: versions}
            if later is not None:
                later_versions[readers] = versions[readers]
                kept_now[later] = later_versions
            cache.set_many(kept_now, CACHE_SECONDS)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        council = getattr(request, "council", None)
        own_page = getattr(view_func, "shared_page", None)
        if (
            own_page is None
            or request.method not in ("GET", "HEAD")
            or council is None
            or not request.user.is_authenticated
            or _pending_messages(request)
        ):
            return None
        key = (
            f"shared:{council.pk}:{council.content_version}:{request.META.get('HTTP_HX_REQUEST', '')}:"
            f"{request.get_full_path()}"
        )
        versions = cache.get(key) or {}
        personal = request.personal
        personal.read_kept(
            follows=set().union(*(page.follows for page, _ in versions.values())),
            reaction_posts=set().union(*(page.reaction_posts for page, _ in versions.values())),
        )
        summary = personal.summary
        if own_page(summary):
            return None
        readers = (summary.spaces, summary.memberships, summary.moderating, summary.email_confirmed)
        if readers not in versions:
            later = _later_key("shared", request, view_func, view_kwargs)
            later_versions = (cache.get(later) or {}) if later is not None else {}
            if readers not in later_versions:
                request._shared_page = (key, readers, versions, later, later_versions)
                return None
            versions[readers] = later_versions[readers]
            cache.set(key, versions, CACHE_SECONDS)
        page, content_type = versions[readers]
        response = HttpResponse(content_type=content_type)
        response.personal_page = page
        return response
