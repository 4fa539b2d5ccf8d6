"""Background jobs of events: the festival series' events of the coming years.

`huiketing worker` enqueues `festival_series_expand_task` once a week (core.periodic). The expansion creates
only the events that are missing (one event of a series per start, by constraint), so a run repeated after a
restart, or two workers at once, add nothing twice.
"""

from datetime import date, timedelta

from django_tasks import task

from huiketing.core.periodic import periodic
from huiketing.hall import event_services as services

EXPAND_EVERY = timedelta(days=7)


@periodic(every=EXPAND_EVERY)
@task()
def festival_series_expand_task(today: str = "") -> int:
    """Expand every active festival series; `today` (ISO date) moves the clock, for tests. Returns how many
    events were created."""
    return services.festival_series_expand_all(today=date.fromisoformat(today) if today else None)
