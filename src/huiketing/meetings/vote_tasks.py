"""Background jobs of votes: closing the votes whose closing time has passed.

`huiketing worker` enqueues `votes_close_due_task` every five minutes (core.periodic). Each vote is closed
under its row lock and only from "open", so a run repeated after a restart, or two workers at once, close it
once. Until the job has run, a vote past its closing time already refuses ballots."""

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

from huiketing.core.periodic import periodic
from huiketing.meetings import vote_services as services

CLOSE_DUE_EVERY = timedelta(minutes=5)


@periodic(every=CLOSE_DUE_EVERY)
@task()
def votes_close_due_task(now: str = "") -> int:
    """Close the votes that are due; `now` (ISO 8601) moves the clock, for tests and catching up. Returns how
    many were closed."""
    moment = datetime.fromisoformat(now) if now else None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return services.votes_close_due(now=moment)
