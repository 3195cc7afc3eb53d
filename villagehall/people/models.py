"""People (one account across councils), organisations and their members."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from villagehall.core.addresses import address
from villagehall.core.tenancy import CouncilOwned


class PersonManager(UserManager):
    def _create_user_object(self, username, email, password, **extra_fields):
        # Accounts sign in by email; the username is an internal, stable handle.
        username = username or Person.handle_from_email(email)
        return super()._create_user_object(username, email, password, **extra_fields)

    def create_user(self, username=None, email=None, password=None, **extra_fields):
        return super().create_user(username, email, password, **extra_fields)

    def create_superuser(self, username=None, email=None, password=None, **extra_fields):
        return super().create_superuser(username, email, password, **extra_fields)


class Person(AbstractUser):
    """Someone with an account. One account works in every council."""

    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=80, help_text="The name others see.")
    bio = models.TextField(max_length=500, blank=True, help_text="A line or two about you.")
    # A guest is someone who commented without an account, confirming an email address by a
    # link (villagehall.guests). They cannot sign in and have no page; their name shows with
    # a "guest" marker so nobody takes it for a verified account.
    is_guest = models.BooleanField(
        default=False, editable=False, help_text="Commented as a guest: no account, no sign-in.",
    )

    objects = PersonManager()
    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = "person"
        verbose_name_plural = "people"

    def __str__(self):
        return self.display_name or self.username

    @staticmethod
    def handle_from_email(email: str) -> str:
        import secrets

        local = (email or "person").split("@")[0]
        cleaned = "".join(ch for ch in local.lower() if ch.isalnum())[:20] or "person"
        return f"{cleaned}-{secrets.token_hex(3)}"

    def profile_url(self, council_slug: str) -> str:
        return address("person", council_slug=council_slug, username=self.username)


class Organisation(CouncilOwned):
    """A council service, a voluntary organisation or a grassroots community group."""

    class Kind(models.TextChoices):
        COUNCIL_SERVICE = "council_service", "Council service"
        VOLUNTARY_ORG = "voluntary_org", "Voluntary organisation"
        COMMUNITY_GROUP = "community_group", "Community group"

    slug = models.SlugField()
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True)
    charity_number = models.CharField(max_length=20, blank=True)
    neighbourhood = models.ForeignKey(
        "places.Neighbourhood",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
        help_text="Where the organisation is based, if it has one home.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Goes up with every change to the conversation this page shows (its posts, their replies,
    # reactions, links and closing): a kept page moves on to the council's next content version
    # without being drawn again while this and the council's records_version stay as they were
    # (core.page_cache).
    conversation_version = models.PositiveBigIntegerField(default=0, editable=False)
    # The "verified" mark: set only by a council administrator through organisation_verify.
    verified = models.BooleanField(
        default=False, editable=False, help_text="A council administrator has checked the organisation is who it says.",
    )
    verified_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False,
    )
    verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set through conversation.services.organisation_visibility_set, which keeps the audit log.
    members_only = models.BooleanField(
        default=False, editable=False,
        help_text="Only members see the posts on the organisation’s page, and who its members are.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "slug"], name="organisation_slug_per_council"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_service(self) -> bool:
        return self.kind == self.Kind.COUNCIL_SERVICE

    def get_absolute_url(self):
        return address("organisation", council_slug=self.council_slug, organisation_slug=self.slug)


class Membership(CouncilOwned):
    """A person's place in an organisation. Members of a council service are its officers."""

    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        ADMIN = "admin", "Organisation admin"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    title = models.CharField(max_length=100, blank=True, help_text="For example “Parks officer”.")
    joined_at = models.DateTimeField(auto_now_add=True)
    # Set by officer_badges_from_verified_email: the badge lasts while this address stays
    # on the account, confirmed. Empty for a badge an administrator gave.
    badge_address = models.EmailField(
        blank=True, editable=False,
        help_text="The confirmed address at an allowed email domain that gave this officer’s badge, if one did.",
    )

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "person"], name="one_membership_per_organisation"),
        ]

    def __str__(self):
        return f"{self.person} in {self.organisation}"


class CouncilRole(CouncilOwned):
    """A council-wide role, granted by a council administrator."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", "Council administrator"
        MODERATOR = "moderator", "Moderator"
        DIGITAL_CHAMPION = "digital_champion", "Digital champion"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="council_roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "person", "role"], name="one_council_role_each"),
        ]

    def __str__(self):
        return f"{self.person}: {self.get_role_display()}"


class Residency(CouncilOwned):
    """A neighbourhood a person calls theirs, shown on their profile."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="residencies")
    neighbourhood = models.ForeignKey("places.Neighbourhood", on_delete=models.CASCADE, related_name="residencies")

    class Meta:
        verbose_name_plural = "residencies"
        constraints = [
            models.UniqueConstraint(fields=["person", "neighbourhood"], name="one_residency_per_neighbourhood"),
        ]


class CouncilEmailDomain(CouncilOwned):
    """An email domain whose verified addresses make a person an officer of one council service."""

    domain = models.CharField(
        max_length=253, help_text="The part after the @, for example “brackenford.gov.uk”. Only exact matches count.",
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="email_domains",
        limit_choices_to={"kind": Organisation.Kind.COUNCIL_SERVICE},
        help_text="The council service people with a verified address at this domain become officers of.",
    )
    title = models.CharField(max_length=100, blank=True, help_text="The title their badge shows, if any.")
    added_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "allowed email domain"
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(fields=["council", "domain", "organisation"], name="one_email_domain_per_service"),
        ]

    def __str__(self):
        return f"@{self.domain} → {self.organisation}"


class RetiredName(models.Model):
    """The hash of a display name a deleted account used, held back so no one can take it on to impersonate them."""

    name_hash = models.CharField(max_length=64, unique=True)
    retired_until = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"a retired name, until {self.retired_until:%Y-%m-%d}"
