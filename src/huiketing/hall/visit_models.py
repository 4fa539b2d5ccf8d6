"""Visits to the living rooms: one row per check-in at the door, whether a resident scanned the venue's QR
code with a phone, staff recorded a walk-in, or staff counted a group at once (an anonymous head count).

A visit carries its local day and hour (Asia/Shanghai) next to its aware datetime, so that the daily figures
(人次 per day, per purpose, per hour of the day) are plain aggregates over the (venue, day) indexes, with no
time-zone arithmetic in the database. `people` is 1 for a person and the group's size for a head count: the
visits (人次) of a period are the sum of `people`, and unique visitors count only the visits that name a
resident or an account.

`VisitTally` is the daily roll-up the statistics read: visits and ratings per venue, day, hour and purpose,
kept in the same transaction as each visit and rating. At 1,000 visits a day in 27 venues (9.9 million
visits a year) the per-day, per-purpose, per-hour and satisfaction figures then read at most 14 × 6 rows a
venue-day instead of 1,000, and only the unique visitors (a distinct count, which does not add up across
days) are read from the visits themselves.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["Satisfaction", "Visit", "VisitMethod", "VisitPurpose", "VisitTally"]


class VisitPurpose(models.TextChoices):
    SERVICE_ITEM = "service_item", _("A service")
    EVENT = "event", _("An event")
    READING = "reading", _("Reading")
    REST = "rest", _("Rest")
    MEETING = "meeting", _("A meeting")
    OTHER = "other", _("Other")


class VisitMethod(models.TextChoices):
    QR = "qr", _("Scanned the door's QR code")
    STAFF = "staff", _("Walk-in recorded by staff")
    HEADCOUNT = "headcount", _("Head count")


class Satisfaction(models.TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")


class Visit(models.Model):
    venue = models.ForeignKey("hall.Venue", on_delete=models.CASCADE, related_name="visits")
    # Copied from the venue, so that scoped queries are prefix queries without a join.
    place_code = models.CharField(_("place code"), max_length=15)
    at = models.DateTimeField(_("time"))
    day = models.DateField(_("day"))
    hour = models.PositiveSmallIntegerField(_("hour"))
    purpose = models.CharField(_("purpose"), max_length=12, choices=VisitPurpose.choices)
    item = models.ForeignKey(
        "hall.ServiceItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="visits"
    )
    event = models.ForeignKey(
        "hall.Event", on_delete=models.SET_NULL, null=True, blank=True, related_name="visits"
    )
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="hall_visits"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="hall_visits"
    )
    method = models.CharField(_("how"), max_length=10, choices=VisitMethod.choices)
    people = models.PositiveIntegerField(_("people"), default=1)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=4, choices=Satisfaction.choices, null=True, blank=True
    )
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(people__gte=1), name="hall_visit_people"),
            models.CheckConstraint(condition=Q(hour__lte=23), name="hall_visit_hour"),
            # A head count names nobody; a person's visit is one person.
            models.CheckConstraint(
                condition=Q(method="headcount", resident__isnull=True, user__isnull=True)
                | (~Q(method="headcount") & Q(people=1)),
                name="hall_visit_headcount",
            ),
        ]
        indexes = [
            models.Index(fields=["venue", "at"], name="hall_visit_venue_at"),
            # The statistics read only these columns: on PostgreSQL they are index-only scans.
            models.Index(
                fields=["venue", "day"],
                name="hall_visit_venue_day",
                include=["hour", "people", "satisfaction", "resident", "user"],
            ),
            models.Index(
                fields=["venue", "day", "purpose"], name="hall_visit_venue_purpose", include=["people"]
            ),
            models.Index(fields=["user", "venue", "at"], name="hall_visit_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.day} {self.hour:02d}h ×{self.people}"


class VisitTally(models.Model):
    """Visits (the sum of people) and ratings of one venue in one hour of one day for one purpose."""

    venue = models.ForeignKey("hall.Venue", on_delete=models.CASCADE, related_name="visit_tallies")
    day = models.DateField(_("day"))
    hour = models.PositiveSmallIntegerField(_("hour"))
    purpose = models.CharField(_("purpose"), max_length=12, choices=VisitPurpose.choices)
    visits = models.PositiveIntegerField(_("visits"), default=0)
    good = models.PositiveIntegerField(default=0)
    fair = models.PositiveIntegerField(default=0)
    poor = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("visits per hour")
        verbose_name_plural = _("visits per hour")
        constraints = [
            models.UniqueConstraint(fields=["venue", "day", "hour", "purpose"], name="hall_visit_tally_key")
        ]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.day} {self.hour:02d}h {self.purpose}: {self.visits}"
