"""Council tenancy: every council-owned row carries its council, and every query on
such a model is scoped to the current council.

The current council lives in a context variable. Pages under `/<council>/` set it
from the address; commands, tasks and tests set it with `council_scope()`. A query
through `Model.objects` with no current council raises `NoCurrentCouncil` instead of
returning every council's rows. Code that really means every council says so by
name: `Model.dangerously_unscoped`.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.http import Http404

_current_council: ContextVar = ContextVar("current_council", default=None)


class NoCurrentCouncil(RuntimeError):
    """A council-owned model was queried with no current council."""


def current_council():
    """Return the current council, or None outside any council."""
    return _current_council.get()


def require_current_council():
    """Return the current council or raise NoCurrentCouncil."""
    council = _current_council.get()
    if council is None:
        raise NoCurrentCouncil(
            "This query needs a current council: use council_scope(council), or "
            "Model.dangerously_unscoped if it really spans every council."
        )
    return council


@contextmanager
def council_scope(council):
    """Make `council` the current council inside the block."""
    token = _current_council.set(council)
    try:
        yield council
    finally:
        _current_council.reset(token)


class _CouncilNotChosen(models.Expression):
    """Stands in for the council in a query built outside any council.

    Building such a query is allowed (forms and the admin build querysets before they
    know the council), but turning it into SQL, which every way of running it does,
    subqueries included, raises NoCurrentCouncil.
    """

    output_field = models.BigIntegerField()

    def as_sql(self, compiler, connection):
        require_current_council()
        raise NoCurrentCouncil("This query was built outside any council; build it inside one.")


class CouncilScopedManager(models.Manager):
    """The default manager of council-owned models: scoped, failing closed."""

    def get_queryset(self):
        council = _current_council.get()
        if council is None:
            return super().get_queryset().filter(council_id=_CouncilNotChosen())
        return super().get_queryset().filter(council_id=council.pk)


class CouncilOwned(models.Model):
    """Base for every model whose rows belong to one council."""

    council = models.ForeignKey("places.Council", on_delete=models.CASCADE, related_name="+")

    objects = CouncilScopedManager()
    dangerously_unscoped = models.Manager()

    class Meta:
        abstract = True

    @property
    def council_slug(self) -> str:
        """Return the owning council's slug, without a query inside its own pages."""
        council = _current_council.get()
        if council is not None and council.pk == self.council_id:
            return council.slug
        return self.council.slug

    # Django checks uniqueness through the default manager; a row is checked against
    # the rows of its own council.
    def validate_unique(self, exclude=None):
        with self._own_council_scope():
            super().validate_unique(exclude=exclude)

    def validate_constraints(self, exclude=None):
        with self._own_council_scope():
            super().validate_constraints(exclude=exclude)

    def _own_council_scope(self):
        if self.council_id is None:
            return council_scope(require_current_council())
        return council_scope(self.council)

    def save(self, *args, **kwargs):
        if self.council_id is None:
            self.council = require_current_council()
        super().save(*args, **kwargs)


class CouncilMiddleware:
    """Set the current council from the `council` part of the address, for the whole request.

    Runs once the address is resolved, before any view; an unknown council is a 404.
    The council stays current while the response is rendered, and is reset after.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.council = None
        try:
            return self.get_response(request)
        finally:
            token = request.__dict__.pop("_council_token", None)
            if token is not None:
                _current_council.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("council_slug")
        if slug is None:
            return None
        from villagehall.places.selectors import council_by_slug

        council = council_by_slug(slug=slug)
        if council is None:
            raise Http404("No council lives at this address.")
        request.council = council
        request._council_token = _current_council.set(council)
        return None


def current_council_context(request):
    """Template context: the council whose pages these are."""
    return {"council": getattr(request, "council", None)}
