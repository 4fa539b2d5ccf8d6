"""Events, courses and festivals of the living rooms (imported by hall.models).

An `Event` happens once (a screening, a lecture, a gala); an `EventSeries` is a course's term of sessions,
each session an Event of the series (enrol once, attend many). A `Festival` is a day of the Chinese lunar
calendar (Spring Festival, Dragon Boat, Mid-Autumn, Double Ninth) or of the Gregorian one (Nowruz on 21
March), placed on its Gregorian date for any year by a lunar-calendar library, so that "every Double Ninth"
recurs correctly. Registration for an event or a course goes through a `booking_models.Slot` (places and
waiting list)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huiketing.core.i18n import pick

__all__ = ["Attendance", "Event", "EventKind", "EventSeries", "Festival", "GalleryPhoto", "Performer"]


class Festival(models.Model):
    class Calendar(models.TextChoices):
        LUNAR = "lunar", _("Chinese lunar calendar")
        GREGORIAN = "gregorian", _("Gregorian calendar")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    names = models.JSONField(_("names"), default=dict)
    calendar = models.CharField(_("calendar"), max_length=10, choices=Calendar.choices)
    month = models.PositiveSmallIntegerField(_("month"))
    day = models.PositiveSmallIntegerField(_("day"))
    is_active = models.BooleanField(_("celebrated"), default=True)

    class Meta:
        verbose_name = _("festival")
        verbose_name_plural = _("festivals")
        ordering = ["calendar", "month", "day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12, day__gte=1, day__lte=31), name="hall_festival_date"
            )
        ]

    def __str__(self) -> str:
        return pick(self.names) or self.code


class EventKind(models.TextChoices):
    SCREENING = "screening", _("Screening")  # 红色影院
    CLASS = "class", _("Class")
    LECTURE = "lecture", _("Lecture")
    PERFORMANCE = "performance", _("Performance")
    GALA = "gala", _("Gala")
    FESTIVAL = "festival", _("Festival event")
    OTHER = "other", _("Other")


class EventSeries(models.Model):
    """A course's term (a series of sessions people enrol in once), or an event repeated every year on a
    festival."""

    venue = models.ForeignKey("hall.Venue", on_delete=models.CASCADE, related_name="series")
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices, default=EventKind.CLASS)
    titles = models.JSONField(_("title"), default=dict)
    descriptions = models.JSONField(_("description"), default=dict, blank=True)
    festival = models.ForeignKey(
        Festival,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="series",
        verbose_name=_("every"),
    )
    item = models.ForeignKey(
        "hall.ServiceItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="series"
    )
    # A festival series' time of day, place and registration, copied onto each year's event.
    zone = models.ForeignKey(
        "hall.Zone", on_delete=models.SET_NULL, null=True, blank=True, related_name="series"
    )
    starts_time = models.TimeField(pgettext_lazy("time span", "from"), null=True, blank=True)
    ends_time = models.TimeField(pgettext_lazy("time span", "until"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("course or series")
        verbose_name_plural = _("courses and series")
        ordering = ["venue", "id"]

    def __str__(self) -> str:
        return pick(self.titles) or str(self.pk)


class Event(models.Model):
    venue = models.ForeignKey("hall.Venue", on_delete=models.CASCADE, related_name="events")
    place_code = models.CharField(_("place code"), max_length=15, db_index=True)
    zone = models.ForeignKey(
        "hall.Zone", on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    series = models.ForeignKey(
        EventSeries, on_delete=models.CASCADE, null=True, blank=True, related_name="sessions"
    )
    festival = models.ForeignKey(
        Festival, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    item = models.ForeignKey(
        "hall.ServiceItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    titles = models.JSONField(_("title"), default=dict)
    descriptions = models.JSONField(_("description"), default=dict, blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    needs_registration = models.BooleanField(_("needs registration"), default=False)
    performer_sign_up = models.BooleanField(_("performers may sign up"), default=False)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="hall_event_order"),
            # A festival series' yearly expansion may run twice (or at once twice): one event per start.
            models.UniqueConstraint(
                fields=["series", "starts_at"],
                condition=Q(series__isnull=False),
                name="hall_event_series_once",
            ),
        ]
        indexes = [models.Index(fields=["venue", "starts_at"], name="hall_event_venue_start")]

    def __str__(self) -> str:
        return pick(self.titles) or str(self.pk)


class Performer(models.Model):
    """Someone on a performance's or gala's programme, who signed up or was invited; accepted ones make the
    programme, in order."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Signed up")
        ACCEPTED = "accepted", _("On the programme")
        DECLINED = "declined", _("Not this time")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="performers")
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="performances"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    group_name = models.CharField(_("performer or group"), max_length=100)
    act = models.CharField(_("act"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.APPLIED)
    position = models.PositiveSmallIntegerField(_("order on the programme"), default=0)

    class Meta:
        verbose_name = _("performer")
        verbose_name_plural = _("performers")
        ordering = ["event", "position", "id"]

    def __str__(self) -> str:
        return f"{self.group_name}: {self.act}"


class GalleryPhoto(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="hall/events/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["event", "id"]

    def __str__(self) -> str:
        return self.caption or str(self.pk)


class Attendance(models.Model):
    """Who came to one session of a course, ticked by staff from the list of those enrolled in its term."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    booking = models.ForeignKey("hall.Booking", on_delete=models.CASCADE, related_name="attendances")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["event", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "booking"], name="hall_attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.booking_id}"
