"""Festivals on their Gregorian dates: the Chinese lunar calendar through lunardate, the Gregorian one
directly, and the standard festivals every installation celebrates.

Corban (Eid al-Adha, 古尔邦节) and the other feasts of the Islamic calendar are not computed here: their date
depends on the sighting of the moon and is announced each year, so staff enter them as dated events (a
festival-kind Event on the announced day) rather than as a Festival with a fixed month and day.
"""

import datetime
import warnings

from django.db import transaction
from lunardate import LunarDate

from .event_models import Festival

# The standard festivals of the lunar calendar (code, month, day, names).
STANDARD_FESTIVALS = [
    (
        "spring-festival",
        1,
        1,
        {"zh-hans": "春节", "ug": "باھار بايرىمى", "kk": "كوكتەم مەيرامى", "en": "Spring Festival"},
    ),
    (
        "lantern",
        1,
        15,
        {"zh-hans": "元宵节", "ug": "پانۇس بايرىمى", "kk": "شام مەيرامى", "en": "Lantern Festival"},
    ),
    (
        "dragon-boat",
        5,
        5,
        {
            "zh-hans": "端午节",
            "ug": "دۇەنۋۇ بايرىمى",
            "kk": "ايداھار قايىق مەيرامى",
            "en": "Dragon Boat Festival",
        },
    ),
    ("qixi", 7, 7, {"zh-hans": "七夕节", "ug": "چىشى بايرىمى", "kk": "چيشي مەيرامى", "en": "Qixi Festival"}),
    (
        "mid-autumn",
        8,
        15,
        {
            "zh-hans": "中秋节",
            "ug": "ئوتتۇرا كۈز بايرىمى",
            "kk": "كۇز ورتاسى مەيرامى",
            "en": "Mid-Autumn Festival",
        },
    ),
    (
        "double-ninth",
        9,
        9,
        {
            "zh-hans": "重阳节",
            "ug": "چۇڭياڭ بايرىمى (ياشانغانلار بايرىمى)",
            "kk": "قارتتار مەيرامى",
            "en": "Double Ninth Festival",
        },
    ),
]


def lunar_to_gregorian(year: int, month: int, day: int) -> datetime.date:
    """The Gregorian date of a day of the (regular, not leap) lunar month `month` of lunar year `year`.

    A day the month does not have that year (the 30th of a 29-day month) falls on the month's last day, as
    New Year's Eve (除夕) falls on the 29th of the twelfth month when that month is short.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for candidate in range(day, 28, -1) if day > 29 else [day]:
            try:
                return LunarDate(year, month, candidate).toSolarDate()
            except ValueError:
                continue
    raise ValueError(f"lunar {year}-{month}-{day} is out of the calendar's range")


def festival_date(festival: Festival, year: int) -> datetime.date:
    """The Gregorian date of the festival in (lunar or Gregorian) year `year`.

    A Gregorian 29 February in a common year falls on 28 February (the same last-day rule as above).
    """
    if festival.calendar == Festival.Calendar.LUNAR:
        return lunar_to_gregorian(year, festival.month, festival.day)
    day = festival.day
    while True:
        try:
            return datetime.date(year, festival.month, day)
        except ValueError:
            if day <= 28:
                raise
            day -= 1


def festival_dates(festivals, years) -> list[tuple[datetime.date, Festival]]:
    """Every (date, festival) of the given festivals in the given years, in date order."""
    rows = [(festival_date(festival, year), festival) for festival in festivals for year in years]
    return sorted(rows, key=lambda row: (row[0], row[1].pk or 0))


@transaction.atomic
def festivals_ensure() -> list[Festival]:
    """Create the missing standard lunar festivals (names already there stay as staff set them). Like the
    standard kinds of meeting and points rules, this is the installation's seed data, written after every
    migrate (and after a test database is flushed): not an act of anyone's, so not an audit entry."""
    created = []
    for code, month, day, names in STANDARD_FESTIVALS:
        festival, was_created = Festival.objects.get_or_create(
            code=code,
            defaults={"names": names, "calendar": Festival.Calendar.LUNAR, "month": month, "day": day},
        )
        if was_created:
            created.append(festival)
    return created


def festivals_ensure_after_migrate(sender, **kwargs) -> None:
    """post_migrate receiver: the standard festivals exist in every database, test databases included."""
    using = kwargs.get("using")
    apps = kwargs.get("apps")
    if apps is not None:
        try:
            apps.get_model("hall", "Festival")
        except LookupError:
            return
    if using not in (None, "default"):
        return
    festivals_ensure()
