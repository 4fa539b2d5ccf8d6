"""Background jobs of bookings: the reminders the day before and two hours before a confirmed booking.

`huiketing worker` enqueues `booking_reminders_task` every fifteen minutes (core.periodic). Each booking is
reminded under its row lock and only when a reminder moment has passed since its last reminder, so a run
repeated after a restart, or two workers at once, remind it once."""

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

from huiketing.core.periodic import periodic
from huiketing.hall import booking_services as services

REMIND_EVERY = timedelta(minutes=15)


@periodic(every=REMIND_EVERY)
@task()
def booking_reminders_task(now: str = "") -> int:
    """Send the reminders that are due; `now` (ISO 8601) moves the clock, for tests and catching up. Returns
    how many were sent."""
    moment = datetime.fromisoformat(now) if now else None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return services.reminders_send(now=moment)
