"""Background jobs of the core app: pruning idempotency answers, sending notifications."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from huiketing.core import notifications
from huiketing.core.models import IdempotentResponse
from huiketing.core.periodic import periodic

# A client retries a write within minutes; a day leaves room for a phone that was offline overnight.
IDEMPOTENCY_KEEP = timedelta(hours=24)


@periodic(every=timedelta(hours=1))
@task()
def idempotency_prune() -> int:
    """Forget stored answers to Idempotency-Key writes older than a day; returns how many were removed."""
    deleted, _by_model = IdempotentResponse.objects.filter(
        created_at__lt=timezone.now() - IDEMPOTENCY_KEEP
    ).delete()
    return deleted


@task()
def notification_deliver_task(delivery_ids: list[int]) -> list[str]:
    """Send notifications on outside channels (enqueued after the notifying transaction commits, up to
    ENQUEUE_CHUNK deliveries a job); returns each delivery's status."""
    return [notifications.delivery_send(delivery_id=delivery_id) for delivery_id in delivery_ids]


@periodic(every=timedelta(minutes=5))
@task()
def notification_deliveries_retry_task() -> int:
    """Retry failed deliveries that are due, send those whose first job was lost; returns how many."""
    return notifications.deliveries_retry()
