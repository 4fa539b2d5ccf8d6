"""Scoped reads of cross-cutting records."""

from huiketing.core import scope
from huiketing.core.models import AuditEntry
from huiketing.people.models import STAFF_ROLES


def audit_list(*, user, filters=None):
    """Audit entries about places the user covers (administrators see every entry)."""
    filters = filters or {}
    qs = AuditEntry.objects.filter(scope.scope_q(user, roles=STAFF_ROLES)).select_related("actor")
    if action := filters.get("action"):
        qs = qs.filter(action__startswith=action)
    if place := filters.get("place"):
        qs = qs.filter(place_code__startswith=place)
    if actor := filters.get("actor"):
        qs = qs.filter(actor_label=actor)
    return qs.order_by("-at", "-id")
