"""Background jobs of matters: the deadline run (warnings, escalations, evaluation reminders and expiry).

`huiketing worker` enqueues `matters_deadlines_task` every five minutes (core.periodic). Each notice the run
gives has a unique key (`DeadlineNotice`), so a run repeated after a restart, or run by two workers at once,
warns and escalates nothing twice.
"""

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

from huiketing.core.periodic import periodic
from huiketing.matters import services

DEADLINES_EVERY = timedelta(minutes=5)


@periodic(every=DEADLINES_EVERY)
@task()
def matters_deadlines_task(now: str = "") -> dict[str, int]:
    """Run the deadline checks; `now` (ISO 8601) moves the clock, for tests and for catching up.

    Returns how many warnings, escalations, reminders and expired evaluations this run gave.
    """
    moment = datetime.fromisoformat(now) if now else None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return services.matters_deadlines_run(now=moment)
