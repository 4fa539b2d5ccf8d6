"""Working days in China: Monday to Friday, less public holidays, plus adjusted working days (调休).

The exceptions to Monday–Friday are `CalendarDay` rows, seeded from the `chinese-calendar` package for every
year it knows and edited per year in the admin. A year with no rows counts Monday to Friday only (the system
check `huiketing.W001` warns when the current or the next year has none).

Deadline rule: `add_working_days(start, n)` is the end (23:59:59.999999, Beijing time) of the n-th working day
after the day of `start`. The day of `start` never counts, whether it is a working day or not, nor does the
hour: a matter accepted on Friday 2024-09-27 at 16:00 with 7 working days is due at the end of the 7th working
day after that Friday. The following Sunday 2024-09-29 is an adjusted working day (1), Monday 30 September
is the 2nd, 1–7 October are the National Day holiday, Tuesday 8 October to Friday 11 October are the 3rd to
6th, and Saturday 12 October is an adjusted working day, the 7th: due 2024-10-12 23:59:59.999999 +08:00.
Because a deadline ends its day, adding to a deadline (an extension) counts from the day after it.

`working_days_between(a, b)` counts the working days after the day of `a` up to and including the day of
`b`, so `working_days_between(start, add_working_days(start, n)) == n`.

Speed: `working_calendar()` returns a `WorkingCalendar` built once per process from every row (a few
hundred) and answers without queries; each call asks one small aggregate (count, last id, last change) to
notice edits made by another process, as `places.geo.GridIndex` does. For a loop over thousands of matters,
take `calendar = working_calendar()` once and call its methods.
"""

import bisect
import datetime
import logging
import threading
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from huiketing.core.audit import audit_record
from huiketing.core.models import CalendarDay

logger = logging.getLogger(__name__)

# China's official time: deadlines end at midnight in Beijing, whatever the server's time zone.
CHINA = ZoneInfo("Asia/Shanghai")
END_OF_DAY = datetime.time.max


def _day(value: datetime.date | datetime.datetime) -> datetime.date:
    """The Beijing date of a datetime (a naive one is taken as Beijing time), or the date itself."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(CHINA)
        return value.date()
    return value


def _weekday(day: datetime.date) -> bool:
    return day.weekday() < 5


def _weekdays_through(day: datetime.date) -> int:
    """How many Mondays to Fridays there are from 0001-01-01 (a Monday, ordinal 1) through `day`."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


class WorkingCalendar:
    """Answers working-day questions from a fixed set of exceptions, without touching the database."""

    def __init__(self, exceptions: dict[datetime.date, bool] | None = None) -> None:
        # Only true exceptions matter: a row repeating the Monday–Friday rule changes nothing.
        self.exceptions = {d: w for d, w in (exceptions or {}).items() if w != _weekday(d)}
        self._dates = sorted(self.exceptions)
        self.years = frozenset(d.year for d in self.exceptions)

    @classmethod
    def load(cls) -> "WorkingCalendar":
        """Every exception in the database (one query)."""
        return cls(dict(CalendarDay.objects.values_list("date", "is_working_day")))

    def is_working_day(self, day: datetime.date | datetime.datetime) -> bool:
        day = _day(day)
        return self.exceptions.get(day, _weekday(day))

    def add_working_days(self, start: datetime.date | datetime.datetime, n: int) -> datetime.datetime:
        """The end of the n-th working day after the day of `start`, as an aware Beijing datetime.

        n = 0 is the end of the start day itself. See the module's docstring for the rule.
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError(f"n must be a whole number of working days, at least 0, not {n!r}")
        day = _day(start)
        counted = 0
        one = datetime.timedelta(days=1)
        while counted < n:
            day += one
            if self.exceptions.get(day, day.weekday() < 5):
                counted += 1
        return datetime.datetime.combine(day, END_OF_DAY, tzinfo=CHINA)

    def working_days_between(
        self, start: datetime.date | datetime.datetime, end: datetime.date | datetime.datetime
    ) -> int:
        """Working days after the day of `start`, up to and including the day of `end`.

        Negative when `end` comes before `start` (the working days from `end` to `start`, counted alike).
        """
        first, last = _day(start), _day(end)
        if last < first:
            return -self.working_days_between(last, first)
        count = _weekdays_through(last) - _weekdays_through(first)
        low = bisect.bisect_right(self._dates, first)
        high = bisect.bisect_right(self._dates, last)
        for day in self._dates[low:high]:
            count += 1 if self.exceptions[day] else -1
        return count


# The process's calendar, rebuilt when the rows change -----------------------------------------------------


class _CalendarCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._calendar: WorkingCalendar | None = None

    @staticmethod
    def current_stamp() -> tuple:
        # Plain SQL: the ORM's aggregate() costs several times the query itself, and this runs on every call.
        table = connection.ops.quote_name(CalendarDay._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*), MAX(id), MAX(updated_at) FROM {table}")  # noqa: S608
            return tuple(cursor.fetchone())

    def get(self) -> WorkingCalendar:
        stamp = self.current_stamp()
        with self._lock:
            if stamp != self._stamp or self._calendar is None:
                self._calendar = WorkingCalendar.load()
                self._stamp = stamp
            return self._calendar

    def clear(self) -> None:
        with self._lock:
            self._stamp, self._calendar = None, None


_cache = _CalendarCache()


def working_calendar() -> WorkingCalendar:
    """The working calendar as the database has it now (one small query; the rows are read on change)."""
    return _cache.get()


def _forget(**kwargs) -> None:
    _cache.clear()


post_save.connect(_forget, sender=CalendarDay, dispatch_uid="core.workdays.saved")
post_delete.connect(_forget, sender=CalendarDay, dispatch_uid="core.workdays.deleted")


def is_working_day(
    day: datetime.date | datetime.datetime, *, calendar: WorkingCalendar | None = None
) -> bool:
    return (calendar or working_calendar()).is_working_day(day)


def add_working_days(
    start: datetime.date | datetime.datetime, n: int, *, calendar: WorkingCalendar | None = None
) -> datetime.datetime:
    """The end (Beijing time) of the n-th working day after the day of `start`."""
    return (calendar or working_calendar()).add_working_days(start, n)


def working_days_between(
    start: datetime.date | datetime.datetime,
    end: datetime.date | datetime.datetime,
    *,
    calendar: WorkingCalendar | None = None,
) -> int:
    """Working days after the day of `start` up to and including the day of `end`."""
    return (calendar or working_calendar()).working_days_between(start, end)


def years_without_calendar(years) -> list[int]:
    """Those of `years` that have no CalendarDay row (they count Monday to Friday only)."""
    years = list(years)
    present = {day.year for day in CalendarDay.objects.filter(date__year__in=years).dates("date", "year")}
    return [year for year in years if year not in present]


# Seeding from the chinese-calendar package ---------------------------------------------------------------


@dataclass(frozen=True)
class PackageDay:
    date: datetime.date
    is_working_day: bool
    name: str


def package_days(years=None) -> list[PackageDay]:
    """The exceptions to Monday–Friday that the `chinese-calendar` package knows, with Chinese names.

    Holidays falling on a weekend and working days falling on a weekday change nothing and are left out.
    """
    from chinese_calendar import constants

    chinese = {holiday.value: holiday.chinese for holiday in constants.Holiday}
    wanted = set(years) if years is not None else None
    days = []
    for table, working in ((constants.holidays, False), (constants.workdays, True)):
        for day, english in table.items():
            if wanted is not None and day.year not in wanted:
                continue
            if _weekday(day) == working:
                continue  # not an exception
            days.append(PackageDay(day, working, chinese.get(english, english)))
    return sorted(days, key=lambda d: d.date)


def package_years() -> list[int]:
    from chinese_calendar import constants

    return sorted({day.year for day in constants.holidays} | {day.year for day in constants.workdays})


@dataclass(frozen=True)
class LoadResult:
    created: int
    kept: int
    years: list[int]


@transaction.atomic
def calendar_days_load(*, years=None) -> LoadResult:
    """Add the package's exceptions for `years` (all it knows when None) that the calendar lacks.

    Idempotent: a date already in the calendar is kept as it is, so an administrator's corrections survive
    every later load.
    """
    days = package_days(years)
    existing = set(CalendarDay.objects.filter(date__in=[d.date for d in days]).values_list("date", flat=True))
    new = [
        CalendarDay(date=d.date, is_working_day=d.is_working_day, name=d.name)
        for d in days
        if d.date not in existing
    ]
    CalendarDay.objects.bulk_create(new, ignore_conflicts=True)
    loaded_years = sorted({d.date.year for d in days})
    if new:
        audit_record(
            actor=None,
            action="core.calendar.loaded",
            changes={"years": [None, loaded_years], "created": [None, len(new)]},
        )
    _cache.clear()  # bulk_create sends no signal
    return LoadResult(created=len(new), kept=len(days) - len(new), years=loaded_years)
