"""Reads of visits that depend on who asks: the venues a staff member runs the door of, a visitor's own
visit, and the visits statistics of the venues in the reader's scope.

Every statistic is one aggregate query, whatever the range and the number of venues (the venues are looked
up first, one query): the visits per day, purpose and hour and the ratings from the daily roll-up
(`VisitTally`, at most 14 × 6 rows a venue-day), the unique visitors from the visits themselves through the
(venue, day) index, which on PostgreSQL carries the columns it reads (an index-only scan). The figures
measured at 9.9 million visits are in docs/benchmarks.md.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from huiketing.core.scope import EVERYTHING, role_codes, scope_q
from huiketing.people.models import REGISTRY_ROLES

from .models import Event, ServiceItem, Venue
from .visit_models import Satisfaction, Visit, VisitPurpose, VisitTally
from .visit_services import local_day_hour

MAX_RANGE_DAYS = 366


def venues_for_staff(*, user):
    """The venues whose door and figures the user runs (the places their staff roles cover)."""
    return (
        Venue.objects.filter(scope_q(user, "place_code", REGISTRY_ROLES))
        .select_related("service_point")
        .order_by("place_code", "id")
    )


def venue_get_for_staff(*, user, venue_id: int) -> Venue:
    """A venue in the user's scope; missing and out of scope are the same 404."""
    venue = venues_for_staff(user=user).filter(pk=venue_id).first()
    if venue is None:
        raise Http404
    return venue


def visit_get_for_visitor(*, user, visit_id: int) -> Visit:
    """One of the user's own visits (by their account or as the resident); anyone else's is a 404 (an
    administrator reads any)."""
    if not user.is_authenticated:
        raise Http404
    mine = Q() if EVERYTHING in role_codes(user) else Q(user=user) | Q(resident__account=user)
    visit = (
        Visit.objects.filter(mine, pk=visit_id)
        .select_related("venue__service_point", "item", "event", "resident")
        .first()
    )
    if visit is None:
        raise Http404
    return visit


def visits_today(*, venue: Venue) -> int:
    """Today's visits (人次) at the venue."""
    day, _hour = local_day_hour(timezone.now())
    return Visit.objects.filter(venue=venue, day=day).aggregate(total=Sum("people"))["total"] or 0


def venue_purposes_today(*, venue: Venue) -> tuple[dict, dict]:
    """What a visit to the venue may be for today, by id: its active service items, and its events that are
    held today and not cancelled (the door's choices, for the visitor's phone and for the staff)."""
    day_start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    items = {item.pk: item for item in ServiceItem.objects.filter(venue=venue, is_active=True)}
    events = {
        event.pk: event
        for event in Event.objects.filter(
            venue=venue,
            is_cancelled=False,
            starts_at__lt=day_start + timedelta(days=1),
            ends_at__gte=day_start,
        )
    }
    return items, events


@dataclass
class VisitStatistics:
    start: date
    end: date
    venues: list
    total: int = 0
    unique_visitors: int = 0
    per_day: list = field(default_factory=list)  # [(day, visits)] for every day of the range
    per_purpose: list = field(default_factory=list)  # [(code, label, visits)] for every purpose
    per_hour: list = field(default_factory=list)  # [(hour, visits)] for 0..23
    rated: int = 0
    satisfaction: list = field(default_factory=list)  # [(code, label, count, percent)]

    @property
    def peak_day(self) -> int:
        return max((n for _d, n in self.per_day), default=0)

    @property
    def peak_hour(self) -> int:
        return max((n for _h, n in self.per_hour), default=0)

    @property
    def peak_purpose(self) -> int:
        return max((n for _c, _l, n in self.per_purpose), default=0)


def statistics_range(*, start: date | None, end: date | None) -> tuple[date, date]:
    """The range asked for, or the last 30 days to today; refused when reversed or longer than a year."""
    today, _hour = local_day_hour(timezone.now())
    end = end or today
    start = start or end - timedelta(days=29)
    if start > end:
        raise ValidationError({"start": [_("The start of the range is after its end.")]})
    if (end - start).days >= MAX_RANGE_DAYS:
        raise ValidationError({"start": [_("The range is at most a year (366 days).")]})
    return start, end


def _grouped(tallies, column: str) -> dict:
    """Visits per value of a column of the roll-up: one GROUP BY query."""
    return {row[column]: row["n"] for row in tallies.order_by().values(column).annotate(n=Sum("visits"))}


def visit_statistics(*, user, start: date, end: date, venue_id: int | None = None) -> VisitStatistics:
    """The figures of one venue (404 outside the user's scope) or of all venues in scope, for a range of days:
    visits (人次: the sum of people) per day, per purpose and per hour of the day, unique visitors (the
    distinct residents or accounts named by a visit; head counts name nobody) and satisfaction shares.

    Everything but the unique visitors is read from the daily roll-up (`VisitTally`); the unique visitors
    are one distinct count over the visits."""
    if venue_id is not None:
        venues = [venue_get_for_staff(user=user, venue_id=venue_id)]
    else:
        venues = list(venues_for_staff(user=user))
    result = VisitStatistics(start=start, end=end, venues=venues)
    ids = [v.pk for v in venues]
    tallies = VisitTally.objects.filter(venue_id__in=ids, day__gte=start, day__lte=end)

    counts = tallies.aggregate(total=Sum("visits"), good=Sum("good"), fair=Sum("fair"), poor=Sum("poor"))
    counts = {name: value or 0 for name, value in counts.items()}
    result.total = counts["total"]
    result.rated = counts["good"] + counts["fair"] + counts["poor"]
    result.satisfaction = [
        (code, label, counts[code], round(100 * counts[code] / result.rated, 1) if result.rated else 0.0)
        for code, label in Satisfaction.choices
    ]
    unique = Visit.objects.filter(venue_id__in=ids, day__gte=start, day__lte=end).aggregate(
        residents=Count("resident", distinct=True),
        accounts=Count("user", distinct=True, filter=Q(resident__isnull=True)),
    )
    result.unique_visitors = unique["residents"] + unique["accounts"]

    by_day = _grouped(tallies, "day")
    result.per_day = [
        (start + timedelta(days=i), by_day.get(start + timedelta(days=i), 0))
        for i in range((end - start).days + 1)
    ]
    by_purpose = _grouped(tallies, "purpose")
    result.per_purpose = [(code, label, by_purpose.get(code, 0)) for code, label in VisitPurpose.choices]
    by_hour = _grouped(tallies, "hour")
    result.per_hour = [(hour, by_hour.get(hour, 0)) for hour in range(24)]
    return result
