"""Background jobs of the core app."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

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
