"""Background jobs of the meetings app (found by `CoreConfig.ready`, which imports every app's tasks.py).

Each part of the app keeps its jobs in its own module, imported here so that the worker registers them.
"""

from huiketing.meetings.meeting_tasks import meetings_notice_period_task  # noqa: F401
