"""Writes on cross-cutting records: API tokens, and the audit trail of reading the audit log in bulk."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from rest_framework.authtoken.models import Token

from huiketing.core.audit import audit_record
from huiketing.core.models import AuditEntry


@transaction.atomic
def api_token_issue(*, user) -> Token:
    """The user's API token, created on first sign-in through the API.

    The entry names the account, never the token: the key is a credential and must not reach the log.
    """
    token, created = Token.objects.get_or_create(user=user)
    audit_record(actor=user, action="core.api_token.issued" if created else "core.api_token.reused", obj=user)
    return token


@transaction.atomic
def audit_export_record(*, by, filters: Mapping[str, Any]) -> AuditEntry:
    """Record that `by` exported the audit log with these filters (before the file is streamed).

    The entry carries the place filter as its place code, so that staff covering that place see who exported
    it; an export without a place filter is visible to administrators only.
    """
    plain = {name: str(value) for name, value in filters.items() if value not in (None, "")}
    return audit_record(
        actor=by,
        action="core.audit.exported",
        place_code=str(filters.get("place") or "")[:15],
        changes={"filters": [None, plain]},
    )
