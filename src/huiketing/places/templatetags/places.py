"""Template helpers for places: opening hours in words, and addresses in the reader's language."""

from django import template
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from huiketing.core.i18n import pick

register = template.Library()


def _day_name(day: int) -> str:
    return str(WEEKDAYS[(day - 1) % 7])  # the model counts 1 = Monday; Django's table 0 = Monday


def _ranges(days: list[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for day in sorted(set(days)):
        if ranges and day == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


@register.filter
def opening_hours(periods) -> list[dict]:
    """[{"days": "Monday–Friday", "hours": "09:00–18:00"}, …] from the model's opening-hours list."""
    lines = []
    for period in periods or []:
        days = [d for d in period.get("days", []) if isinstance(d, int) and 1 <= d <= 7]
        if not days or not period.get("opens") or not period.get("closes"):
            continue
        if len(set(days)) == 7:
            label = _("Every day")
        else:
            label = _(", ").join(
                _day_name(a) if a == b else f"{_day_name(a)}–{_day_name(b)}" for a, b in _ranges(days)
            )
        lines.append({"days": label, "hours": f"{period['opens']}–{period['closes']}"})
    return lines


@register.filter
def translated(values) -> str:
    """The text of a {language: text} mapping in the active language."""
    return pick(values)
