"""Scoped reads of cross-cutting records: the audit log and notifications.

The audit log is read through these functions only: a reader sees the entries whose place code lies in
their staff scope; entries about no place are for administrators only. Missing and out of scope look the
same (404).
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django.http import Http404
from django.utils import timezone

from huiketing.core import scope
from huiketing.core.audit import mask_value
from huiketing.core.models import AuditEntry, Notification
from huiketing.people.models import STAFF_ROLES

# The filters audit_list understands, each a cleaned value (str or datetime.date); empty values are ignored.
AUDIT_FILTERS = ("action", "place", "actor", "object_type", "date_from", "date_to")


def _start_of(day: datetime.date) -> datetime.datetime:
    # Days are the reader's local days; comparing with aware datetimes keeps the `at` index usable.
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_in_scope(*, user):
    """Every audit entry the user may read, newest first."""
    return AuditEntry.objects.filter(scope.scope_q(user, roles=STAFF_ROLES)).order_by("-at", "-id")


def audit_list(*, user, filters: Mapping[str, Any] | None = None):
    """Audit entries the user may read, narrowed by `filters` (see AUDIT_FILTERS), newest first.

    action, place and object_type are prefixes (`people.` matches every people action); actor is an exact
    username; date_from and date_to are inclusive local dates.
    """
    filters = filters or {}
    qs = audit_in_scope(user=user)
    if action := filters.get("action"):
        qs = qs.filter(action__startswith=action)
    if place := filters.get("place"):
        qs = qs.filter(place_code__startswith=place)
    if actor := filters.get("actor"):
        qs = qs.filter(actor_label=actor)
    if object_type := filters.get("object_type"):
        qs = qs.filter(object_type__startswith=object_type)
    if isinstance(date_from := filters.get("date_from"), datetime.date):
        qs = qs.filter(at__gte=_start_of(date_from))
    if isinstance(date_to := filters.get("date_to"), datetime.date):
        qs = qs.filter(at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    return qs


def audit_get(*, user, entry_id: int) -> AuditEntry:
    """One audit entry the user may read; 404 when it does not exist or lies outside their scope."""
    entry = audit_in_scope(user=user).filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    return entry


def masked_changes(changes) -> dict:
    """An entry's changes with personal fields masked again at reading time, whatever the writer did."""
    if not isinstance(changes, dict):
        return {}
    out = {}
    for field, value in changes.items():
        if isinstance(value, list):
            out[field] = [mask_value(field, item) for item in value]
        else:
            out[field] = mask_value(field, value)
    return out


# Notifications: each account sees its own, and only its own ------------------------------------------------


def notifications_for_user(*, user, unread: bool = False):
    """The user's notifications, newest first (only unread ones when `unread`)."""
    rows = Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")
    return rows.filter(read_at__isnull=True) if unread else rows


def notifications_unread_count(*, user) -> int:
    """One query, served by the partial index on unread notifications."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def notification_ids_for_user(*, user, ids) -> list[int]:
    """`ids` when every one is a notification of the user's; 404 when any is missing or someone else's."""
    wanted = set(ids)
    found = set(Notification.objects.filter(recipient_id=user.pk, pk__in=wanted).values_list("pk", flat=True))
    if found != wanted:
        raise Http404
    return sorted(found)
