"""Matters residents raise (百姓点事), their triage, dispatch to handling units, deadlines and evaluation.

The workflow is declared once, as data (`TRANSITIONS`); services look transitions up and refuse illegal ones.
Every transition is an audit entry (core.audit) and a timeline entry (`MatterEvent`).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huiketing.core.fields import EncryptedTextField
from huiketing.core.i18n import pick


class HandlingUnit(models.Model):
    """Someone who carries a matter out (多元办事): the community itself, a property company, a government
    department, a co-building unit, or a volunteer team.

    Units that stand for an organisation are acted for by the organisation's staff (department-staff role on
    that organisation); the community's own units and volunteer teams by the community staff covering
    `place_code`.
    """

    class Kind(models.TextChoices):
        COMMUNITY = "community", _("The community")
        PROPERTY_COMPANY = "property_company", _("Property company")
        DEPARTMENT = "department", _("Government department")
        CO_BUILDING_UNIT = "co_building_unit", _("Co-building unit")
        VOLUNTEERS = "volunteers", _("Volunteer team")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    names = models.JSONField(_("names"), default=dict, help_text=_("The name in each language."))
    place_code = models.CharField(
        _("place code"), max_length=15, db_index=True, help_text=_("The area the unit serves.")
    )
    organisation = models.ForeignKey(
        "people.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handling_units",
        verbose_name=_("organisation"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return pick(self.names) or self.get_kind_display()


class Category(models.Model):
    """A kind of matter (分类化), with its default handling unit and deadlines. Staff maintain the list."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    names = models.JSONField(_("names"), default=dict, help_text=_("The name in each language."))
    descriptions = models.JSONField(_("descriptions"), default=dict, blank=True)
    default_unit_kind = models.CharField(
        _("default handling unit"),
        max_length=20,
        choices=HandlingUnit.Kind.choices,
        default=HandlingUnit.Kind.COMMUNITY,
        help_text=_("The kind of unit proposed first when the matter is dispatched."),
    )
    sign_hours = models.PositiveSmallIntegerField(
        _("hours to sign for"),
        default=24,
        help_text=_("A handling unit signs for a dispatch within this time."),
    )
    resolve_working_days = models.PositiveSmallIntegerField(
        _("working days to resolve"),
        default=7,
        help_text=_("Counted in working days, public holidays and adjusted working days included."),
    )
    warn_hours = models.PositiveSmallIntegerField(_("warning before a deadline (hours)"), default=4)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolve_working_days__gte=1), name="matters_category_days_positive"
            ),
            models.CheckConstraint(condition=Q(sign_hours__gte=1), name="matters_category_hours_positive"),
        ]

    def __str__(self) -> str:
        return pick(self.names) or self.code


class Status(models.TextChoices):
    NEW = "new", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("Being handled")
    DONE = "done", _("Done, awaiting evaluation")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Not accepted")
    TABLED = "tabled", _("Tabled for deliberation")
    MERGED = "merged", _("Merged into another matter")


# The workflow, as data: action -> (states it may start from, state it leads to). `None` as the target means
# the service decides (evaluation either closes the matter or sends it back).
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "accept": (frozenset({Status.NEW}), Status.ACCEPTED),
    # A tabled matter is rejected when the residents' meeting decided against it.
    "reject": (frozenset({Status.NEW, Status.ACCEPTED, Status.TABLED}), Status.REJECTED),
    "table": (frozenset({Status.NEW, Status.ACCEPTED}), Status.TABLED),
    "untable": (frozenset({Status.TABLED}), Status.ACCEPTED),
    "merge": (frozenset({Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS, Status.TABLED}), Status.MERGED),
    "dispatch": (frozenset({Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS}), Status.IN_PROGRESS),
    # A decision turned into a project (projects app): the project's parties carry it out, no dispatch needed.
    "carry_out": (frozenset({Status.TABLED, Status.ACCEPTED}), Status.IN_PROGRESS),
    # The project was cancelled: the community takes the matter up again.
    "release": (frozenset({Status.IN_PROGRESS}), Status.ACCEPTED),
    # Also for a matter carried out by a project (in progress without any dispatch).
    "complete": (frozenset({Status.IN_PROGRESS}), Status.DONE),
    "evaluate": (frozenset({Status.DONE}), None),
    "expire_evaluation": (frozenset({Status.DONE}), Status.CLOSED),
}
OPEN_STATUSES = frozenset({Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS, Status.TABLED})
# Counted as "accepted" by the resolution rate: everything that was taken on.
TAKEN_ON_STATUSES = frozenset({Status.ACCEPTED, Status.IN_PROGRESS, Status.DONE, Status.CLOSED})


class Channel(models.TextChoices):
    WEB = "web", _("Web or phone app")
    WALK_IN = "walk_in", _("Walk-in at a living room")
    TALK_POINT = "talk_point", _("Residents' talk point")
    PATROL = "patrol", _("Grid patrol")
    PHONE = "phone", _("Telephone")
    OPEN311 = "open311", _("Open311")


class Level(models.IntegerChoices):
    """Who supervises a matter; escalation moves it up one step at a time."""

    GRID = 0, _("Grid")
    COMMUNITY = 1, _("Community")
    SUBDISTRICT = 2, _("Subdistrict")
    CITY = 3, _("City")


# The length of the place code that supervises a matter at each level.
LEVEL_CODE_LENGTH = {Level.GRID: 15, Level.COMMUNITY: 12, Level.SUBDISTRICT: 9, Level.CITY: 6}


class Matter(models.Model):
    """A problem or request raised by a resident (or by staff on their behalf), placed in its grid."""

    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=4000)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="matters", verbose_name=_("category")
    )
    place_code = models.CharField(_("grid"), max_length=15, db_index=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.WEB)
    is_anonymous = models.BooleanField(
        _("anonymous"), default=False, help_text=_("The public page does not show who raised it.")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    level = models.PositiveSmallIntegerField(_("supervised by"), choices=Level.choices, default=Level.GRID)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="matters_raised",
        verbose_name=_("entered by"),
    )
    resident = models.ForeignKey(
        "people.Resident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="matters",
        verbose_name=_("raised by resident"),
    )
    # Someone from outside the registry (an Open311 client's user, a visitor): name and contact, encrypted.
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True, default="")
    contact_email = EncryptedTextField(_("contact e-mail"), blank=True, default="")
    language = models.CharField(_("language"), max_length=10, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("merged into"),
    )
    open311_client = models.ForeignKey(
        "matters.Open311Client", on_delete=models.SET_NULL, null=True, blank=True, related_name="matters"
    )
    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    rehandle_count = models.PositiveSmallIntegerField(_("times sent back"), default=0)
    created_at = models.DateTimeField(_("raised at"), db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    resolve_due_at = models.DateTimeField(_("to be resolved by"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True, max_length=4000)
    is_hidden = models.BooleanField(
        _("hidden from the public"), default=False, help_text=_("For matters that identify a person.")
    )
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["place_code", "status"], name="matters_place_status"),
            models.Index(fields=["status", "created_at"], name="matters_status_created"),
            # The three rates read matters by the time they were raised: with the columns they need in the
            # index, PostgreSQL reads the index alone (bench/matters.py: that part twice as fast at 1M).
            models.Index(fields=["created_at", "id", "status", "place_code"], name="matters_rates"),
            models.Index(fields=["latitude", "longitude"], name="matters_lat_lng"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(place_code__regex=r"^[0-9]{15}$"), name="matters_matter_place_is_grid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]), name="matters_matter_status_known"
            ),
            models.CheckConstraint(
                condition=Q(duplicate_of__isnull=True) | Q(status=Status.MERGED),
                name="matters_matter_merged_has_original",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def reference(self) -> str:
        return str(self.pk)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def supervising_code(self) -> str:
        return self.place_code[: LEVEL_CODE_LENGTH[Level(self.level)]]


class Dispatch(models.Model):
    """A matter sent to one handling unit; several units may work on one matter."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting to be signed for")
        SIGNED = "signed", _("Signed for, being handled")
        RETURNED = "returned", _("Handed back")
        DONE = "done", _("Done")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    ACTIVE = ("waiting", "signed")

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="dispatches")
    unit = models.ForeignKey(
        HandlingUnit, on_delete=models.PROTECT, related_name="dispatches", verbose_name=_("handling unit")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    note = models.TextField(_("instructions"), blank=True, max_length=2000)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dispatched at"))
    sign_due_at = models.DateTimeField(_("to be signed for by"))
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolve_due_at = models.DateTimeField(_("to be resolved by"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    returned_reason = models.TextField(_("reason for handing back"), blank=True, max_length=1000)
    place_code = models.CharField(_("grid"), max_length=15, db_index=True)

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["unit", "status"], name="matters_dispatch_unit_status")]
        constraints = [
            # A unit holds at most one active dispatch of a matter.
            models.UniqueConstraint(
                fields=["matter", "unit"],
                condition=Q(status__in=["waiting", "signed"]),
                name="matters_dispatch_one_active_per_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.matter_id} → {self.unit}"


class ExtensionRequest(models.Model):
    """A handling unit asks for more time; community staff grant or refuse it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="extensions")
    working_days = models.PositiveSmallIntegerField(_("extra working days"))
    reason = models.TextField(_("reason"), max_length=1000)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(working_days__gte=1, working_days__lte=30), name="matters_extension_days_range"
            ),
            models.UniqueConstraint(
                fields=["dispatch"], condition=Q(status="pending"), name="matters_extension_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dispatch_id}: +{self.working_days}"


class MatterEvent(models.Model):
    """One line of a matter's timeline. Public lines show on the public page; internal ones to staff only."""

    class Kind(models.TextChoices):
        RAISED = "raised", _("Raised")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Not accepted")
        TABLED = "tabled", _("Tabled for deliberation")
        UNTABLED = "untabled", _("Taken back from deliberation")
        MERGED = "merged", _("Merged")
        DUPLICATE_MERGED = "duplicate_merged", _("A duplicate was merged in")
        DISPATCHED = "dispatched", _("Dispatched")
        SIGNED = "signed", _("Signed for")
        RETURNED = "returned", _("Handed back")
        EXTENSION_REQUESTED = "extension_requested", _("More time asked for")
        EXTENSION_GRANTED = "extension_granted", _("More time granted")
        EXTENSION_REFUSED = "extension_refused", _("More time refused")
        UPDATE = "update", _("Progress")
        DONE = "done", _("Done")
        EVALUATED = "evaluated", _("Evaluated")
        REHANDLE = "rehandle", _("Sent back for re-handling")
        WARNED = "warned", _("Deadline warning")
        OVERDUE = "overdue", _("Overdue")
        ESCALATED = "escalated", _("Escalated")
        EVALUATION_REMINDED = "evaluation_reminded", _("Reminded to evaluate")
        EVALUATION_EXPIRED = "evaluation_expired", _("No evaluation given")
        CLOSED = "closed", _("Closed")
        PROJECT_STARTED = "project_started", _("Taken on as a project")
        PROJECT_FINISHED = "project_finished", _("Project finished")
        PROJECT_CANCELLED = "project_cancelled", _("Project cancelled")

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(HandlingUnit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    dispatch = models.ForeignKey(Dispatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.TextField(_("text"), blank=True, max_length=4000)
    params = models.JSONField(default=dict, blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    created_at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["matter", "created_at"], name="matters_event_matter_created")]

    def __str__(self) -> str:
        return f"{self.matter_id} {self.kind}"


def photo_path(instance: "MatterPhoto", filename: str) -> str:
    return f"matters/{instance.matter_id}/{uuid.uuid4().hex}.jpg"


class MatterPhoto(models.Model):
    """A photo attached when raising or with a progress update; re-encoded as JPEG without its metadata."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        MatterEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="photos"
    )
    file = models.FileField(_("photo"), upload_to=photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.matter_id} photo {self.pk}"


class Follow(models.Model):
    """A resident follows a matter and is notified of its progress."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="matter_follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [models.UniqueConstraint(fields=["matter", "user"], name="matters_follow_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.matter_id}"


class Evaluation(models.Model):
    """The resident's answer to "solved?" after a round of handling (公众评事)."""

    class Result(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        NOT_SATISFIED = "not_satisfied", _("Not satisfied")

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="evaluations")
    round = models.PositiveSmallIntegerField(_("round"))
    result = models.CharField(_("result"), max_length=14, choices=Result.choices)
    solved = models.BooleanField(_("solved"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by_phone_follow_up = models.BooleanField(_("recorded by staff from a phone follow-up"), default=False)
    created_at = models.DateTimeField(_("at"))
    place_code = models.CharField(max_length=15, db_index=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            # One answer per round of handling, whoever tries to give a second one at the same time.
            models.UniqueConstraint(fields=["matter", "round"], name="matters_evaluation_one_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.matter_id} #{self.round} {self.result}"


class DeadlineNotice(models.Model):
    """A warning, escalation or reminder already sent: the unique key makes each happen once, whatever the
    number of workers or restarts."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="notices")
    key = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["matter", "key"], name="matters_notice_once")]

    def __str__(self) -> str:
        return f"{self.matter_id} {self.key}"


class Open311Client(models.Model):
    """An application allowed to post requests through Open311 (`huiketing open311-client NAME`)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    key_hint = models.CharField(max_length=8, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")

    def __str__(self) -> str:
        return self.name
