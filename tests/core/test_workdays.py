"""Working days: China's public holidays and adjusted working days, loaded per year, with Monday–Friday as the
fallback; deadlines in working days; the per-process calendar and its invalidation; the load command, the
system check and the admin."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from huiketing.core import workdays
from huiketing.core.checks import working_calendar_years
from huiketing.core.models import AuditEntry, CalendarDay
from huiketing.core.workdays import (
    CHINA,
    WorkingCalendar,
    add_working_days,
    is_working_day,
    working_calendar,
    working_days_between,
)

pytestmark = pytest.mark.django_db

D = datetime.date
UTC = ZoneInfo("UTC")


def days(first: D, last: D) -> list[D]:
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def end_of(day: D) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=CHINA)


# --- The calendar the migration loaded ---------------------------------------------------------------------


def test_national_day_2024_is_seven_days_off_with_two_weekend_working_days():
    for day in days(D(2024, 10, 1), D(2024, 10, 7)):
        assert not is_working_day(day), day
    assert is_working_day(D(2024, 9, 29))  # Sunday, adjusted working day
    assert is_working_day(D(2024, 10, 12))  # Saturday, adjusted working day
    assert is_working_day(D(2024, 9, 30))  # an ordinary Monday
    assert not is_working_day(D(2024, 10, 13))  # an ordinary Sunday
    row = CalendarDay.objects.get(date=D(2024, 10, 1))
    assert (row.is_working_day, row.name) == (False, "国庆节")
    assert CalendarDay.objects.get(date=D(2024, 10, 12)).name == "国庆节"


def test_spring_festival_2025():
    # 28 January (New Year's Eve) to 4 February off; Sunday 26 January and Saturday 8 February worked.
    for day in days(D(2025, 1, 28), D(2025, 2, 4)):
        assert not is_working_day(day), day
    assert is_working_day(D(2025, 1, 26))
    assert is_working_day(D(2025, 2, 8))
    assert is_working_day(D(2025, 1, 27))
    assert is_working_day(D(2025, 2, 5))
    names = CalendarDay.objects.filter(date__range=(D(2025, 1, 26), D(2025, 2, 8))).values_list(
        "name", flat=True
    )
    assert set(names) == {"春节"}


def test_only_exceptions_are_stored():
    for row in CalendarDay.objects.all():
        assert row.is_working_day == (row.date.weekday() >= 5), row
    # Weekend days of a holiday (5 and 6 October 2024) are days off anyway and are not stored.
    assert not CalendarDay.objects.filter(date__in=[D(2024, 10, 5), D(2024, 10, 6)]).exists()


def test_a_year_without_data_counts_monday_to_friday():
    assert not CalendarDay.objects.filter(date__year=2031).exists()
    assert is_working_day(D(2031, 10, 1))  # a Wednesday: no National Day without data
    assert not is_working_day(D(2031, 10, 4))  # a Saturday
    friday = datetime.datetime(2031, 10, 3, 16, 0, tzinfo=CHINA)
    assert add_working_days(friday, 1) == end_of(D(2031, 10, 6))
    assert add_working_days(friday, 7) == end_of(D(2031, 10, 14))
    assert working_days_between(D(2031, 1, 1), D(2031, 12, 31)) == 260


# --- Deadlines ---------------------------------------------------------------------------------------------


def test_seven_working_days_from_friday_afternoon_before_national_day():
    """The rule in core/workdays.py: the start day never counts; the deadline is the end of the 7th day."""
    accepted = datetime.datetime(2024, 9, 27, 16, 0, tzinfo=CHINA)
    due = add_working_days(accepted, 7)
    # Sun 29 Sep (1), Mon 30 Sep (2), 1–7 Oct off, Tue 8 – Fri 11 Oct (3–6), Sat 12 Oct (7).
    assert due == end_of(D(2024, 10, 12))
    assert due.utcoffset() == datetime.timedelta(hours=8)
    assert working_days_between(accepted, due) == 7


def test_the_day_is_the_beijing_day_whatever_the_time_zone_of_the_start():
    # 20:00 UTC on Sunday 29 September is 04:00 on Monday 30 September in Beijing.
    start = datetime.datetime(2024, 9, 29, 20, 0, tzinfo=UTC)
    assert add_working_days(start, 1) == end_of(D(2024, 10, 8))
    # A naive datetime is taken as Beijing time, a date as that day.
    assert add_working_days(datetime.datetime(2024, 9, 29, 20, 0), 1) == end_of(D(2024, 9, 30))
    assert add_working_days(D(2024, 9, 29), 1) == end_of(D(2024, 9, 30))


def test_zero_days_is_the_end_of_the_start_day_and_negative_is_refused():
    start = datetime.datetime(2024, 10, 3, 9, 0, tzinfo=CHINA)  # a holiday
    assert add_working_days(start, 0) == end_of(D(2024, 10, 3))
    with pytest.raises(ValueError):
        add_working_days(start, -1)
    with pytest.raises(ValueError):
        add_working_days(start, True)


def test_an_extension_counts_from_the_day_after_the_deadline():
    due = add_working_days(datetime.datetime(2024, 9, 27, 16, 0, tzinfo=CHINA), 7)  # end of Sat 12 Oct
    assert add_working_days(due, 2) == end_of(D(2024, 10, 15))  # Mon 14 (1), Tue 15 (2)


def test_between_agrees_with_adding_and_with_counting_day_by_day():
    calendar = working_calendar()
    start = D(2024, 9, 1)
    for offset in range(0, 200, 3):
        first = start + datetime.timedelta(days=offset)
        for n in (0, 1, 5, 7, 20):
            assert calendar.working_days_between(first, calendar.add_working_days(first, n)) == n
        last = first + datetime.timedelta(days=45)
        counted = sum(calendar.is_working_day(d) for d in days(first + datetime.timedelta(days=1), last))
        assert calendar.working_days_between(first, last) == counted
        assert calendar.working_days_between(last, first) == -counted


# --- The per-process calendar ------------------------------------------------------------------------------


def test_a_loaded_calendar_answers_without_queries(django_assert_num_queries):
    calendar = working_calendar()
    with django_assert_num_queries(0):
        for n in range(2000):
            start = datetime.datetime(2024, 1, 1, tzinfo=CHINA) + datetime.timedelta(hours=7 * n)
            calendar.add_working_days(start, 7)
            calendar.working_days_between(start, D(2025, 12, 31))


def test_the_module_functions_ask_one_small_query_when_nothing_changed():
    working_calendar()
    with CaptureQueriesContext(connection) as queries:
        add_working_days(D(2024, 9, 27), 7)
    assert len(queries) == 1  # the stamp


def test_an_edit_is_seen_at_once():
    assert is_working_day(D(2031, 10, 1))
    day = CalendarDay.objects.create(date=D(2031, 10, 1), is_working_day=False, name="国庆节")
    assert not is_working_day(D(2031, 10, 1))
    day.delete()
    assert is_working_day(D(2031, 10, 1))


def test_an_edit_by_another_process_is_seen_through_the_stamp():
    """bulk_create sends no signal, as a write from another process reaches this one with none."""
    assert is_working_day(D(2032, 10, 1))
    CalendarDay.objects.bulk_create([CalendarDay(date=D(2032, 10, 1), is_working_day=False, name="国庆节")])
    assert not is_working_day(D(2032, 10, 1))


def test_a_calendar_ignores_rows_that_repeat_the_rule():
    calendar = WorkingCalendar({D(2031, 10, 1): True, D(2031, 10, 4): False, D(2031, 10, 2): False})
    assert calendar.exceptions == {D(2031, 10, 2): False}
    assert calendar.working_days_between(D(2031, 9, 30), D(2031, 10, 6)) == 3


# --- Editing, loading, checking ---------------------------------------------------------------------------


def test_a_row_that_is_no_exception_is_refused():
    with translation.override("en"):
        with pytest.raises(ValidationError, match="Monday to Friday is a working day anyway"):
            CalendarDay(date=D(2031, 10, 1), is_working_day=True, name="x").full_clean()
        with pytest.raises(ValidationError, match="Saturday and Sunday are days off anyway"):
            CalendarDay(date=D(2031, 10, 4), is_working_day=False, name="x").full_clean()
    CalendarDay(date=D(2031, 10, 4), is_working_day=True, name="国庆节").full_clean()


def test_the_load_command_adds_what_is_missing_and_keeps_corrections():
    CalendarDay.objects.filter(date__year=2024, date__month=10).delete()
    CalendarDay.objects.filter(date=D(2024, 9, 29)).update(name="国庆节调休", note="本地说明")
    before = CalendarDay.objects.count()

    call_command("workdays_load", "--year", "2024", verbosity=0)

    assert CalendarDay.objects.count() == before + 6  # 1–4 and 7 October, and Saturday 12 October
    assert not is_working_day(D(2024, 10, 1))
    assert CalendarDay.objects.get(date=D(2024, 9, 29)).note == "本地说明"  # kept as corrected
    entry = AuditEntry.objects.filter(action="core.calendar.loaded").first()
    assert entry.changes["created"] == [None, 6]

    again = workdays.calendar_days_load(years=[2024])
    assert again.created == 0
    assert again.kept > 0


def test_the_load_command_refuses_a_year_the_package_does_not_know():
    with translation.override("en"), pytest.raises(CommandError, match="2099"):
        call_command("workdays_load", "--year", "2099", verbosity=0)


def test_the_check_warns_about_this_year_and_the_next_without_data():
    assert working_calendar_years(None, databases=["default"], today=D(2024, 6, 1)) == []
    warnings = working_calendar_years(None, databases=["default"], today=D(2040, 6, 1))
    assert [w.id for w in warnings] == ["huiketing.W001", "huiketing.W001"]
    assert "2040" in warnings[0].msg
    assert "2041" in warnings[1].msg
    # Only when asked to look at a database (check --database default, migrate).
    assert working_calendar_years(None, databases=None, today=D(2040, 6, 1)) == []


def test_administrators_edit_the_calendar_in_the_admin_and_it_is_audited(client, django_user_model):
    admin = django_user_model.objects.create_superuser("t_cal_admin", "a@example.org", "pass-for-tests-1")
    client.force_login(admin)
    response = client.get("/admin/core/calendarday/?date__year=2024")
    assert response.status_code == 200
    assert "国庆节" in response.content.decode()

    response = client.post(
        "/admin/core/calendarday/add/",
        {"date": "2031-10-01", "is_working_day": "", "name": "国庆节", "note": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not is_working_day(D(2031, 10, 1))
    assert AuditEntry.objects.filter(action="core.calendar_day.added", actor=admin).exists()

    refused = client.post(
        "/admin/core/calendarday/add/",
        {"date": "2031-10-02", "is_working_day": "on", "name": "x", "note": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 200
    assert not CalendarDay.objects.filter(date=D(2031, 10, 2)).exists()


def test_the_admin_list_warns_when_the_coming_year_is_missing(client, django_user_model):
    admin = django_user_model.objects.create_superuser("t_cal_admin2", "b@example.org", "pass-for-tests-1")
    client.force_login(admin)
    this_year = datetime.date.today().year
    CalendarDay.objects.filter(date__year__in=[this_year, this_year + 1]).delete()
    response = client.get("/admin/core/calendarday/", HTTP_ACCEPT_LANGUAGE="en")
    assert f"No holidays are entered for {this_year}, {this_year + 1}" in response.content.decode()
