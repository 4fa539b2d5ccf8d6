"""Festivals on their Gregorian dates: lunar through lunardate, Gregorian directly, the last-day rule."""

import datetime

import pytest

from huiketing.hall.festivals import STANDARD_FESTIVALS, festival_date, festivals_ensure, lunar_to_gregorian
from huiketing.hall.models import Festival

# The dates given in the issue, checked against lunardate: all of them agree with the library.
EXPECTED = {
    "dragon-boat": {2026: (6, 19), 2027: (6, 9), 2028: (5, 28)},
    "mid-autumn": {2026: (9, 25), 2027: (9, 15), 2028: (10, 3)},
    "double-ninth": {2026: (10, 18), 2027: (10, 8), 2028: (10, 26)},
}


@pytest.mark.django_db
def test_standard_festivals_exist_after_migrate_with_four_names():
    codes = set(Festival.objects.values_list("code", flat=True))
    assert {code for code, *_rest in STANDARD_FESTIVALS} <= codes
    for festival in Festival.objects.filter(code__in=[code for code, *_rest in STANDARD_FESTIVALS]):
        assert set(festival.names) == {"zh-hans", "ug", "kk", "en"}
        assert festival.calendar == Festival.Calendar.LUNAR
    assert festivals_ensure() == []  # idempotent


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_lunar_festival_dates_2026_to_2028(code):
    festival = Festival.objects.get(code=code)
    for year, (month, day) in EXPECTED[code].items():
        assert festival_date(festival, year) == datetime.date(year, month, day)


@pytest.mark.django_db
def test_spring_festival_and_lantern():
    assert festival_date(Festival.objects.get(code="spring-festival"), 2027) == datetime.date(2027, 2, 6)
    assert festival_date(Festival.objects.get(code="lantern"), 2027) == datetime.date(2027, 2, 20)


def test_missing_thirtieth_falls_on_the_last_day_of_the_month():
    # The twelfth lunar month of 2026 has 29 days: its "30th" (New Year's Eve) is the 29th.
    assert lunar_to_gregorian(2026, 12, 30) == lunar_to_gregorian(2026, 12, 29) == datetime.date(2027, 2, 5)
    # The first month of 2026 has 30 days: the 30th exists and is the day after the 29th.
    assert lunar_to_gregorian(2026, 1, 30) - lunar_to_gregorian(2026, 1, 29) == datetime.timedelta(days=1)


def test_gregorian_festival_and_29_february():
    nowruz = Festival(code="nowruz", calendar=Festival.Calendar.GREGORIAN, month=3, day=21)
    assert festival_date(nowruz, 2027) == datetime.date(2027, 3, 21)
    leap = Festival(code="leap", calendar=Festival.Calendar.GREGORIAN, month=2, day=29)
    assert festival_date(leap, 2028) == datetime.date(2028, 2, 29)
    assert festival_date(leap, 2027) == datetime.date(2027, 2, 28)
