"""Community projects: their team, partners, needs, updates and the record of every
step in their lifecycle."""

# Links between a council's own rows are RESTRICT rather than PROTECT: nothing can be
# deleted from under a project, yet deleting a whole council (which cascades to both
# ends) still works.

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from villagehall.core.tenancy import CouncilOwned


class Project(CouncilOwned):
    """A community-led project in a neighbourhood, live from its start until its end."""

    class Status(models.TextChoices):
        IDEA = "idea", "Idea"
        FORMING = "forming", "Forming"
        SEEKING_SUPPORT = "seeking_support", "Seeking support"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        PAUSED = "paused", "Paused"
        STOPPED = "stopped", "Stopped"

    name = models.CharField(max_length=200)
    neighbourhood = models.ForeignKey(
        "places.Neighbourhood", null=True, blank=True, on_delete=models.RESTRICT, related_name="projects"
    )
    start = models.DateField()
    end = models.DateField(null=True, blank=True, help_text="Empty while the project is still going.")
    partners = models.ManyToManyField(
        "people.Organisation", through="ProjectPartner", related_name="projects", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    purpose = models.TextField(blank=True, help_text="What the project is for, in Markdown.")
    purpose_html = models.TextField(blank=True, editable=False)
    # Projects imported from another system arrive already under way; projects started
    # here begin as an idea (see project_create).
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    paused_from = models.CharField(
        max_length=20, choices=Status.choices, blank=True,
        help_text="The step a paused project goes back to when it resumes.",
    )
    group = models.ForeignKey(
        "people.Organisation", null=True, blank=True, on_delete=models.RESTRICT, related_name="projects_run",
        help_text="The community group or voluntary organisation that runs the project, if not residents alone.",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects_started"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    post = models.OneToOneField(
        "conversation.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="announced_project",
        help_text="The post that announced the project: its thread is the project's conversation.",
    )

    class Meta:
        ordering = ["-start", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="project_ends_after_start"),
        ]
        indexes = [models.Index(fields=["council", "status", "-start"], name="project_by_status")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("project", kwargs={"council_slug": self.council_slug, "project_id": self.pk})

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.STOPPED)


class ProjectPartner(CouncilOwned):
    """An organisation's part in a project."""

    class Role(models.TextChoices):
        LEAD = "lead", "Lead"
        PARTNER = "partner", "Partner"
        SUPPORTER = "supporter", "Supporter"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partnerships")
    organisation = models.ForeignKey("people.Organisation", on_delete=models.RESTRICT, related_name="partnerships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.PARTNER)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "organisation"], name="one_partnership_per_project"),
        ]

    def __str__(self):
        return f"{self.organisation} on {self.project}"


class ProjectMember(CouncilOwned):
    """A person in a project's team. Organisers steer it: its steps, needs and requests."""

    class Role(models.TextChoices):
        ORGANISER = "organiser", "Organiser"
        MEMBER = "member", "Team member"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="team")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_places")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField()

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "person"], name="one_team_place_per_project"),
        ]

    def __str__(self):
        return f"{self.person} in {self.project}"


class ProjectStatusChange(CouncilOwned):
    """One step in a project's lifecycle: who moved it, when and why."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Project.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Project.Status.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.project}: {self.from_status or 'new'} → {self.to_status}"


class Need(CouncilOwned):
    """Something a project needs: money, a room, equipment, volunteers, expertise or a permission."""

    class Kind(models.TextChoices):
        MONEY = "money", "Money"
        ROOM = "room", "A room"
        EQUIPMENT = "equipment", "Equipment"
        VOLUNTEERS = "volunteers", "Volunteers"
        EXPERTISE = "expertise", "Expertise"
        PERMISSION = "permission", "A permission"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PARTLY_MET = "partly_met", "Partly met"
        MET = "met", "Met"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="needs")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    summary = models.CharField(max_length=200)
    details = models.TextField(blank=True)
    amount = models.PositiveIntegerField(null=True, blank=True, help_text="Money: how many pounds.")
    quantity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Volunteers: how many people. Expertise: how many officer hours. Equipment: how many.",
    )
    skills = models.CharField(max_length=200, blank=True, help_text="Volunteers: which skills.")
    starts_at = models.DateTimeField(null=True, blank=True, help_text="A room, equipment or a permission: from when.")
    ends_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["council", "kind", "status"], name="need_by_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(starts_at__isnull=False, ends_at__gt=F("starts_at")),
                name="need_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return self.summary

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.MET


class ProjectUpdate(CouncilOwned):
    """A post that is an update on a project; it is followed and answered like any post."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    post = models.OneToOneField("conversation.Post", on_delete=models.CASCADE, related_name="project_update")

    class Meta:
        ordering = ["-post__created_at", "-id"]

    def __str__(self):
        return f"Update on {self.project}"
