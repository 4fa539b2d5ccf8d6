"""System checks for settings that must hold in every deployment, and for data every deployment needs."""

import datetime

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError, connections
from django.utils.module_loading import import_string


@register(Tags.security, deploy=True)
def field_keys_apart(app_configs, **kwargs):
    errors = []
    keys = settings.FIELD_KEYS
    if keys and settings.SECRET_KEY in keys:
        errors.append(
            Error(
                "HUIKETING_FIELD_KEYS must not contain the secret key.",
                id="huiketing.E001",
            )
        )
    return errors


@register()
def message_adapter_importable(app_configs, **kwargs):
    path = settings.HUIKETING_MESSAGE_ADAPTER
    try:
        adapter = import_string(path)
    except ImportError as error:
        return [
            Error(
                f"HUIKETING_MESSAGE_ADAPTER names {path!r}, which cannot be imported: {error}",
                id="huiketing.E002",
            )
        ]
    if not callable(getattr(adapter, "send", None)):
        return [Error(f"HUIKETING_MESSAGE_ADAPTER {path!r} has no send(*, to, text).", id="huiketing.E002")]
    return []


@register(Tags.database)
def working_calendar_years(app_configs, databases=None, today: datetime.date | None = None, **kwargs):
    """Warn when this year or the next has no public holidays in the working-day calendar.

    A database check: it runs with `huiketing check --database default` and before every `migrate`
    (so at every upgrade and every `huiketing demo`), and is silent until the table exists.
    """
    if not databases or "default" not in databases:
        return []
    try:
        if "core_calendarday" not in connections["default"].introspection.table_names():
            return []
        from huiketing.core.workdays import years_without_calendar

        today = today or datetime.date.today()
        missing = years_without_calendar([today.year, today.year + 1])
    except DatabaseError:
        return []
    return [
        Warning(
            f"The working-day calendar has no public holidays for {year}: deadlines in {year} count "
            "Monday to Friday only.",
            hint="Upgrade the chinese-calendar package and run `huiketing workdays_load`, or enter the "
            "year's holidays and adjusted working days in the admin (Calendar days).",
            id="huiketing.W001",
        )
        for year in missing
    ]
