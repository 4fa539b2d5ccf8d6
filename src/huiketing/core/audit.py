"""Writing audit entries. Every service that writes calls `audit_record` inside its transaction."""

from typing import Any

from django.db import models

from huiketing.core import context
from huiketing.core.models import AuditEntry

# Field names whose values are personal data: masked in the audit log's before/after.
PERSONAL_FIELDS = {
    "id_number",
    "phone",
    "mobile",
    "landline",
    "password",
    "health",
    "care_notes",
    "birth_date",
}


def mask_value(field: str, value: Any) -> Any:
    if value in (None, ""):
        return value
    if field in PERSONAL_FIELDS or field.endswith(("_phone", "_id_number")):
        text = str(value)
        if len(text) <= 4:
            return "*" * len(text)
        return text[:2] + "*" * (len(text) - 4) + text[-2:]
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose value changed, personal ones masked."""
    changes = {}
    for field in sorted(set(before) | set(after)):
        old, new = _plain(before.get(field)), _plain(after.get(field))
        if old != new:
            changes[field] = [mask_value(field, old), mask_value(field, new)]
    return changes


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: _plain(getattr(obj, name)) for name in names}


def _place_code_of(obj: models.Model | None) -> str:
    """The place an object belongs to: its `place_code`, or its own `code` when it is a place (digits only:
    other models' codes, such as a category's slug, are not places)."""
    if obj is None:
        return ""
    code = getattr(obj, "place_code", "") or getattr(obj, "code", "") or ""
    return code if isinstance(code, str) and code.isdigit() and len(code) <= 15 else ""


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    changes: dict | None = None,
    place_code: str = "",
    reason: str = "",
) -> AuditEntry:
    ctx = context.current()
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        actor=actor,
        actor_label=str(actor.get_username()) if actor else "",
        on_behalf_of=ctx.on_behalf_of,
        on_behalf_of_label=ctx.on_behalf_of_label,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        place_code=place_code or _place_code_of(obj),
        changes=changes or {},
        reason=reason[:300],
        ip=ctx.ip,
    )
    entry.save()
    return entry
