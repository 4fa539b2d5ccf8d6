"""Background jobs of the meetings app (found by `CoreConfig.ready`, which imports every app's tasks.py).

Each part of the app keeps its jobs in its own module, imported here so that the worker registers them. The
services modules imported here also register their notification kinds, which the worker renders and sends.
"""

from huiketing.meetings import deliberation_services, minutes_services  # noqa: F401
from huiketing.meetings.meeting_tasks import meetings_notice_period_task  # noqa: F401
from huiketing.meetings.vote_tasks import votes_close_due_task  # noqa: F401
