"""Writes of visits: a check-in at the door with a phone, a walk-in or a head count recorded by staff, and the
visitor's one-tap rating.

Audit: a visit is itself a record of who came, when, how and who recorded it (`recorded_by`), so a resident's
own check-in and rating write no audit entry; at about 1,000 visits a day per living room one entry per visit
would double the writes of the busiest table for no information the row does not already hold. What staff
record on someone else's behalf (a walk-in, a head count) changes the published figures and is audited, one
entry per record.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from huiketing.core.audit import audit_record
from huiketing.people.models import Resident, User

from .models import Event, ServiceItem, Venue, check_in_token_new
from .visit_models import Satisfaction, Visit, VisitMethod, VisitPurpose, VisitTally

# A second scan by the same person at the same door within this time is the same visit.
REPEAT_WINDOW = timedelta(minutes=30)
# A visitor rates a visit within this time after it.
RATING_WINDOW = timedelta(hours=24)
MAX_HEAD_COUNT = 500


class VisitRefused(ValidationError):
    """A check-in or a rating that the rules refuse (the message names the field)."""


def _invalid(field: str, message: str) -> ValidationError:
    return VisitRefused({field: [message]})


def local_day_hour(at: datetime) -> tuple:
    """The day and hour of an aware datetime in the venues' time zone."""
    local = at.astimezone(ZoneInfo(settings.TIME_ZONE))
    return local.date(), local.hour


def _purpose_checked(*, venue: Venue, purpose: str, item, event) -> tuple:
    if purpose not in VisitPurpose.values:
        raise _invalid("purpose", _("Choose the purpose of the visit."))
    if purpose == VisitPurpose.SERVICE_ITEM:
        if item is None:
            raise _invalid("item", _("Choose the service."))
        if not isinstance(item, ServiceItem) or item.venue_id != venue.pk or not item.is_active:
            raise _invalid("item", _("This service is not offered in this living room."))
    elif item is not None:
        raise _invalid("item", _("A service is chosen only for a visit to a service."))
    if purpose == VisitPurpose.EVENT:
        if event is None:
            raise _invalid("event", _("Choose the event."))
        if not isinstance(event, Event) or event.venue_id != venue.pk:
            raise _invalid("event", _("This event is not held in this living room."))
        if event.is_cancelled:
            raise _invalid("event", _("This event is cancelled."))
    elif event is not None:
        raise _invalid("event", _("An event is chosen only for a visit to an event."))
    return item, event


def _resident_of(user) -> Resident | None:
    try:
        return user.resident
    except Resident.DoesNotExist:
        return None


def _tally(visit: Visit, **counts: int) -> None:
    """Add to the visit's hour in the daily roll-up (created on the first visit of that hour and purpose)."""
    key = {"venue_id": visit.venue_id, "day": visit.day, "hour": visit.hour, "purpose": visit.purpose}
    changes = {name: F(name) + n for name, n in counts.items()}
    if VisitTally.objects.filter(**key).update(**changes):
        return
    try:
        with transaction.atomic():
            VisitTally.objects.create(**key, **counts)
    except IntegrityError:  # created at the same moment by another check-in: add to it
        VisitTally.objects.filter(**key).update(**changes)


@transaction.atomic
def _new_visit(*, venue: Venue, at: datetime, **fields) -> Visit:
    day, hour = local_day_hour(at)
    visit = Visit(venue=venue, place_code=venue.place_code, at=at, day=day, hour=hour, **fields)
    visit.save()
    counts = {"visits": visit.people}
    if visit.satisfaction:
        counts[visit.satisfaction] = 1
    _tally(visit, **counts)
    return visit


def venue_for_token(token: str) -> Venue:
    """The open venue whose door shows this code."""
    venue = (
        Venue.objects.select_related("service_point")
        .filter(check_in_token=token or "", is_active=True)
        .first()
    )
    if venue is None:
        raise _invalid("token", _("This check-in code is not valid. Scan the code at the door again."))
    return venue


@transaction.atomic
def visit_check_in_by_token(
    *, user: User, token: str, purpose: str, item: ServiceItem | None = None, event: Event | None = None
) -> Visit:
    """A signed-in phone scanned the venue's door code. A second scan by the same person at the same venue
    within 30 minutes returns the first visit (`visit.is_new` is False) and counts nothing twice."""
    if user is None or not user.is_authenticated:
        raise _invalid("user", _("Sign in to check in."))
    venue = venue_for_token(token)
    item, event = _purpose_checked(venue=venue, purpose=purpose, item=item, event=event)
    # The person's own account row is the lock: two scans of one phone at once give one visit, and
    # different people never wait for each other.
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).get()
    now = timezone.now()
    recent = (
        Visit.objects.filter(user=user, venue=venue, at__gte=now - REPEAT_WINDOW)
        .order_by("-at", "-id")
        .first()
    )
    if recent is not None:
        recent.is_new = False
        return recent
    visit = _new_visit(
        venue=venue,
        at=now,
        purpose=purpose,
        item=item,
        event=event,
        resident=_resident_of(user),
        user=user,
        method=VisitMethod.QR,
        people=1,
        recorded_by=user,
    )
    visit.is_new = True
    return visit


@transaction.atomic
def visit_record_walk_in(
    *,
    by: User,
    venue: Venue,
    purpose: str,
    resident: Resident | None = None,
    item: ServiceItem | None = None,
    event: Event | None = None,
    people: int = 1,
) -> Visit:
    """Staff record a person who came in without scanning (optionally naming the resident, who must be in the
    registry they cover: one out of it is refused as the page refuses one not found)."""
    if people != 1:
        raise _invalid("people", _("A walk-in is one person; count a group with a head count."))
    if resident is not None and not by.has_perm("hall.record_visit", resident):
        raise _invalid("resident", _("Choose the resident from the search results."))
    item, event = _purpose_checked(venue=venue, purpose=purpose, item=item, event=event)
    visit = _new_visit(
        venue=venue,
        at=timezone.now(),
        purpose=purpose,
        item=item,
        event=event,
        resident=resident,
        user=resident.account if resident is not None else None,
        method=VisitMethod.STAFF,
        people=1,
        recorded_by=by,
    )
    audit_record(
        actor=by,
        action="hall.visit.walk_in",
        obj=visit,
        changes={"purpose": purpose, "resident": resident.pk if resident else None},
    )
    visit.is_new = True
    return visit


@transaction.atomic
def visit_head_count(
    *,
    by: User,
    venue: Venue,
    people: int,
    purpose: str,
    item: ServiceItem | None = None,
    event: Event | None = None,
) -> Visit:
    """Staff count a group (a class, a party branch, a tour) at once: `people` visits naming nobody."""
    if not isinstance(people, int) or isinstance(people, bool) or people < 1:
        raise _invalid("people", _("Enter how many people came (at least 1)."))
    if people > MAX_HEAD_COUNT:
        raise _invalid("people", _("A head count is at most %(max)d people.") % {"max": MAX_HEAD_COUNT})
    item, event = _purpose_checked(venue=venue, purpose=purpose, item=item, event=event)
    visit = _new_visit(
        venue=venue,
        at=timezone.now(),
        purpose=purpose,
        item=item,
        event=event,
        method=VisitMethod.HEADCOUNT,
        people=people,
        recorded_by=by,
    )
    audit_record(
        actor=by, action="hall.visit.head_count", obj=visit, changes={"people": people, "purpose": purpose}
    )
    visit.is_new = True
    return visit


def is_visitor(*, user, visit: Visit) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if visit.user_id is not None and visit.user_id == user.pk:
        return True
    return visit.resident_id is not None and visit.resident.account_id == user.pk


@transaction.atomic
def visit_rate(*, by: User, visit: Visit, satisfaction: str) -> Visit:
    """The visitor's one tap: good, fair or poor, once, within 24 hours of the visit."""
    if satisfaction not in Satisfaction.values:
        raise _invalid("satisfaction", _("Choose good, fair or poor."))
    visit = Visit.objects.select_for_update(of=("self",)).select_related("resident").get(pk=visit.pk)
    if not is_visitor(user=by, visit=visit):
        raise _invalid("satisfaction", _("Only the visitor rates a visit."))
    if visit.satisfaction:
        raise _invalid("satisfaction", _("You have already rated this visit."))
    now = timezone.now()
    if now - visit.at > RATING_WINDOW:
        raise _invalid("satisfaction", _("A visit is rated within 24 hours."))
    visit.satisfaction = satisfaction
    visit.rated_at = now
    visit.save(update_fields=["satisfaction", "rated_at"])
    _tally(visit, **{satisfaction: 1})
    return visit


@transaction.atomic
def venue_check_in_token_renew(*, by: User, venue: Venue) -> Venue:
    """A new door code (the old QR code stops working), when a printed code leaked or was copied. Only staff
    who manage the venue renew it (grid staff at the door record visits but keep the code)."""
    if by is None or not by.has_perm("hall.manage", venue):
        raise PermissionDenied
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    venue.check_in_token = check_in_token_new()
    venue.save(update_fields=["check_in_token", "updated_at"])
    audit_record(actor=by, action="hall.venue.check_in_code_renewed", obj=venue, place_code=venue.place_code)
    return venue
