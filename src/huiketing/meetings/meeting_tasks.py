"""Background jobs of meetings: the end of decisions' public-notice periods (公示期).

`huiketing worker` enqueues `meetings_notice_period_task` every hour (core.periodic). The run changes each
item at most once, under a lock on its row, so a run repeated after a restart, or two workers at once, make
no decision take effect twice.
"""

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

from huiketing.core.periodic import periodic
from huiketing.meetings import meeting_services as services

NOTICE_PERIOD_EVERY = timedelta(hours=1)


@periodic(every=NOTICE_PERIOD_EVERY)
@task()
def meetings_notice_period_task(now: str = "") -> dict[str, int]:
    """End the public-notice periods that are over; `now` (ISO 8601) moves the clock, for tests and catching
    up. Returns how many decisions took effect and how many await review after objections."""
    moment = datetime.fromisoformat(now) if now else None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return services.notice_period_run(now=moment)
