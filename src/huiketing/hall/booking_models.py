"""Bookings: limited places in time, taken under concurrent requests, with a waiting list.

A `Slot` is anything with a number of places at a time: a room (a bookable zone) for an hour, a sitting of a
service item, an event, or a course's term (enrol once, attend every session). `Slot.taken` counts the
confirmed bookings; it changes only under the slot's row lock, together with the booking, and a check
constraint keeps it within the capacity, so the last place cannot be taken twice. A booking beyond the
capacity joins the waiting list, in order; a cancellation promotes the first one waiting in the same
transaction."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

__all__ = ["Booking", "BookingStatus", "Slot"]


class Slot(models.Model):
    """Places at a time. Exactly one of zone (a room), item (a service item's sitting) or event is set, or the
    event series (a course's term)."""

    venue = models.ForeignKey("hall.Venue", on_delete=models.CASCADE, related_name="slots")
    place_code = models.CharField(_("place code"), max_length=15, db_index=True)
    zone = models.ForeignKey(
        "hall.Zone", on_delete=models.CASCADE, null=True, blank=True, related_name="slots"
    )
    item = models.ForeignKey(
        "hall.ServiceItem", on_delete=models.CASCADE, null=True, blank=True, related_name="slots"
    )
    event = models.OneToOneField(
        "hall.Event", on_delete=models.CASCADE, null=True, blank=True, related_name="slot"
    )
    series = models.OneToOneField(
        "hall.EventSeries", on_delete=models.CASCADE, null=True, blank=True, related_name="slot"
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("places"))
    taken = models.PositiveIntegerField(_("places taken"), default=0)
    waiting_list = models.BooleanField(_("waiting list"), default=True)
    cancel_hours = models.PositiveSmallIntegerField(
        _("cancel until (hours before)"), default=2, help_text=_("Later cancellations count as no-shows.")
    )
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(taken__lte=F("capacity")), name="hall_slot_not_overbooked"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="hall_slot_order"),
            models.CheckConstraint(
                condition=(
                    Q(zone__isnull=False, item__isnull=True, event__isnull=True, series__isnull=True)
                    | Q(zone__isnull=True, item__isnull=False, event__isnull=True, series__isnull=True)
                    | Q(zone__isnull=True, item__isnull=True, event__isnull=False, series__isnull=True)
                    | Q(zone__isnull=True, item__isnull=True, event__isnull=True, series__isnull=False)
                ),
                name="hall_slot_one_thing",
            ),
        ]
        indexes = [models.Index(fields=["venue", "starts_at"], name="hall_slot_venue_start")]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} ({self.taken}/{self.capacity})"


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")


# Bookings that hold (or wait for) a place; one per person and slot.
ACTIVE_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.WAITING)


class Booking(models.Model):
    """A person's (or an organisation's: a party branch booking a package) place in a slot, or their turn on
    its
    waiting list."""

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="bookings")
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    organisation = models.ForeignKey(
        "people.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    party_size = models.PositiveSmallIntegerField(_("people"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=BookingStatus.choices)
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    package = models.ForeignKey(
        "hall.ServiceItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="package_bookings",
        verbose_name=_("as part of the package"),
    )
    group = models.UUIDField(_("booked together"), null=True, blank=True, db_index=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["slot", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "resident"],
                condition=Q(resident__isnull=False, status__in=["confirmed", "waiting"]),
                name="hall_booking_resident_once",
            ),
            models.UniqueConstraint(
                fields=["slot", "user"],
                condition=Q(user__isnull=False, status__in=["confirmed", "waiting"]),
                name="hall_booking_user_once",
            ),
            models.CheckConstraint(condition=Q(party_size__gte=1), name="hall_booking_party_size"),
        ]
        indexes = [models.Index(fields=["slot", "status", "waiting_since"], name="hall_booking_queue")]

    def __str__(self) -> str:
        return f"{self.slot_id}/{self.get_status_display()}"
