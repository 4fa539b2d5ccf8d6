"""Background jobs of the living rooms (found by `CoreConfig.ready`, which imports every app's tasks.py).

Each part of the app keeps its jobs in its own module, imported here so that the worker registers them. The
services modules imported here also register their notification kinds, which the worker renders and sends.
"""

from huiketing.hall.booking_tasks import booking_reminders_task  # noqa: F401
from huiketing.hall.event_tasks import festival_series_expand_task  # noqa: F401
