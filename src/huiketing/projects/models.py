"""Projects (成果项目化): an approved decision carried out by responsible parties, milestone by milestone.

Progress is never typed in: it is the weighted share of milestones done (`selectors.progress`). A project
that comes from a tabled matter carries the matter along: starting the project puts the matter in hand,
finishing it marks the matter done, and the public then evaluates the matter as any other (公众评事)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("Under way")
    DONE = "done", _("Done")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")


TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "start": (frozenset({Status.PLANNED}), Status.IN_PROGRESS),
    "suspend": (frozenset({Status.IN_PROGRESS}), Status.SUSPENDED),
    "resume": (frozenset({Status.SUSPENDED}), Status.IN_PROGRESS),
    "finish": (frozenset({Status.IN_PROGRESS}), Status.DONE),
    "cancel": (frozenset({Status.PLANNED, Status.IN_PROGRESS, Status.SUSPENDED}), Status.CANCELLED),
}


class FundingSource(models.TextChoices):
    COMMUNITY = "community", _("Community funds")
    GOVERNMENT = "government", _("Government budget")
    PARTY_FEES = "party_fees", _("Party organisation funds")
    MAINTENANCE_FUND = "maintenance_fund", _("Housing maintenance fund")
    PROPERTY_COMPANY = "property_company", _("Property company")
    CO_BUILDING_UNIT = "co_building_unit", _("Co-building unit")
    DONATION = "donation", _("Donations")
    RESIDENTS = "residents", _("Residents' contributions")
    NONE = "none", _("No cost")


class Project(models.Model):
    """An outcome turned into a project (成果项目化)."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=8000)
    place_code = models.CharField(_("place"), max_length=15, db_index=True)
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("decision"),
    )
    matter = models.ForeignKey(
        "matters.Matter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("matter"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2, default=0)
    spent = models.DecimalField(_("spent (yuan)"), max_digits=12, decimal_places=2, default=0)
    funding_source = models.CharField(
        _("source of funds"), max_length=20, choices=FundingSource.choices, default=FundingSource.COMMUNITY
    )
    funding_note = models.CharField(_("about the funds"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "place_code"], name="projects_status_place")]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__gte=0) & Q(spent__gte=0), name="projects_money_positive"
            ),
            models.UniqueConstraint(
                fields=["agenda_item"],
                condition=Q(agenda_item__isnull=False),
                name="projects_one_per_decision",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Party(models.Model):
    """Who carries the project out (多元办事): the community, a property company, a department, volunteers, a
    merchant, a co-building unit. A matters handling unit or an organisation, or a named group."""

    class Kind(models.TextChoices):
        COMMUNITY = "community", _("The community")
        PROPERTY_COMPANY = "property_company", _("Property company")
        DEPARTMENT = "department", _("Government department")
        VOLUNTEERS = "volunteers", _("Volunteers")
        MERCHANT = "merchant", _("Merchant")
        CO_BUILDING_UNIT = "co_building_unit", _("Co-building unit")
        RESIDENTS = "residents", _("Residents")

    class Role(models.TextChoices):
        LEAD = "lead", _("Responsible")
        SUPPORT = "support", _("Taking part")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.SUPPORT)
    unit = models.ForeignKey(
        "matters.HandlingUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_parties",
    )
    organisation = models.ForeignKey(
        "people.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="project_parties"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("responsible party")
        verbose_name_plural = _("responsible parties")
        ordering = ["role", "id"]

    def __str__(self) -> str:
        return self.name or str(self.unit or self.organisation or self.get_kind_display())


class Participation(models.Model):
    """A resident who took part in carrying the project out (points are awarded for it)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participations")
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="project_participations"
    )
    what = models.CharField(_("what they did"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["project", "resident"], name="projects_participation_once"),
        ]

    def __str__(self) -> str:
        return self.what


class Milestone(models.Model):
    """A step of the project, with a date and a weight; progress rolls up from the weights of those done."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "position", "id"]
        constraints = [models.CheckConstraint(condition=Q(weight__gte=1), name="projects_milestone_weight")]

    def __str__(self) -> str:
        return self.title


class Photo(models.Model):
    """A photo of the work, before, during or after; re-encoded on upload so that no location data remains."""

    class Stage(models.TextChoices):
        BEFORE = "before", pgettext_lazy("photo of a project", "Before")
        DURING = "during", pgettext_lazy("photo of a project", "During")
        AFTER = "after", pgettext_lazy("photo of a project", "After")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    image = models.ImageField(_("photo"), upload_to="projects/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["stage", "id"]

    def __str__(self) -> str:
        return self.caption or self.get_stage_display()


class EventKind(models.TextChoices):
    """What a timeline entry records (`ProjectEvent.kind`); the pages write each as a sentence."""

    CREATED = "created", _("Project set up")
    UPDATED = "updated", _("Details changed")
    SPENT = "spent", _("Spending updated")
    STARTED = "started", _("Work started")
    SUSPENDED = "suspended", _("Suspended")
    RESUMED = "resumed", _("Resumed")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")
    PARTY_ADDED = "party_added", _("Responsible party added")
    PARTY_REMOVED = "party_removed", _("Responsible party removed")
    MILESTONE_ADDED = "milestone_added", _("Milestone added")
    MILESTONE_UPDATED = "milestone_updated", _("Milestone changed")
    MILESTONES_REORDERED = "milestones_reordered", _("Milestones reordered")
    MILESTONE_REMOVED = "milestone_removed", _("Milestone removed")
    MILESTONE_DONE = "milestone_done", _("Milestone done")
    MILESTONE_UNDONE = "milestone_undone", _("Milestone reopened")
    PHOTO_ADDED = "photo_added", _("Photo added")
    PHOTO_REMOVED = "photo_removed", _("Photo removed")
    PARTICIPATION = "participation", _("Participation recorded")


class ProjectEvent(models.Model):
    """The public timeline of a project (`kind` is an `EventKind`)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=40)
    params = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["project", "created_at"], name="projects_event_created")]

    def __str__(self) -> str:
        return self.kind
