"""Councils (the tenants) and the neighbourhoods within them."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from villagehall.core.addresses import address
from villagehall.core.tenancy import CouncilOwned

# Words used by addresses under /<council>/ that a neighbourhood cannot take as its slug.
RESERVED_SLUGS = frozenset(
    {"org", "posts", "people", "following", "follow", "comments", "admin", "api",
     "accounts", "dashboard", "health", "analytics", "projects", "events", "offers",
     "static", "media", "new", "search", "feeds", "moderation", "funds", "responses",
     "notifications", "guests"}
)


def validate_unreserved_slug(value):
    if value in RESERVED_SLUGS:
        raise ValidationError(f"“{value}” is used by Village Hall’s own addresses; choose another.")


class Council(models.Model):
    """A local authority area: the tenant. One installation can host many."""

    slug = models.SlugField(unique=True, validators=[validate_unreserved_slug])
    name = models.CharField(max_length=200)
    time_zone = models.CharField(max_length=64, default="Europe/London")
    welcome = models.TextField(blank=True, help_text="A short welcome shown on the council's home page.")
    # Set through guests.services.council_guest_comments_set (or the admin), which keep the audit log.
    guest_comments = models.BooleanField(
        "guest comments", default=False,
        help_text="Let people without an account reply to public posts by giving a name and an email "
                  "address, confirmed by a link sent to it. Guests' comments go through the same moderation.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Goes up by one whenever anything shown on the council's pages changes; cached pages
    # are keyed by it, so a change makes every older copy unreachable at once.
    content_version = models.PositiveBigIntegerField(default=0, editable=False)
    # Goes up with every change but the conversation's own (posts, replies, reactions, follows),
    # which are most changes: parts of pages that show none of the conversation (offers,
    # support, projects) are kept under it, and outlast replies and reactions.
    records_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("council_home", kwargs={"council_slug": self.slug})


class Neighbourhood(CouncilOwned):
    """A place within a council."""

    slug = models.SlugField(validators=[validate_unreserved_slug])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    deprivation_decile = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Index of Multiple Deprivation decile: 1 is the most deprived.",
    )
    boundary = models.JSONField(null=True, blank=True, help_text="GeoJSON geometry, optional.")
    # Goes up with every change to the conversation this page shows (its posts, their replies,
    # reactions, links and closing): a kept page moves on to the council's next content version
    # without being drawn again while this and the council's records_version stay as they were
    # (core.page_cache).
    conversation_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "slug"], name="neighbourhood_slug_per_council"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("neighbourhood_feed", council_slug=self.council_slug, neighbourhood_slug=self.slug)
