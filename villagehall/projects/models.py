"""Community projects and the organisations that partner on them."""

from django.db import models
from django.db.models import F, Q

from villagehall.core.tenancy import CouncilOwned


class Project(CouncilOwned):
    """A community-led project in a neighbourhood, live from its start until its end."""

    name = models.CharField(max_length=200)
    neighbourhood = models.ForeignKey(
        "places.Neighbourhood", null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    start = models.DateField()
    end = models.DateField(null=True, blank=True, help_text="Empty while the project is still going.")
    partners = models.ManyToManyField(
        "people.Organisation", through="ProjectPartner", related_name="projects", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="project_ends_after_start"),
        ]

    def __str__(self):
        return self.name


class ProjectPartner(CouncilOwned):
    """An organisation's part in a project."""

    class Role(models.TextChoices):
        LEAD = "lead", "Lead"
        PARTNER = "partner", "Partner"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partnerships")
    organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT, related_name="partnerships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.PARTNER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "organisation"], name="one_partnership_per_project"),
        ]

    def __str__(self):
        return f"{self.organisation} on {self.project}"
