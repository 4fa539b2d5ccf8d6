"""Writes on the living rooms: venues, zones, closures and the service-item catalogue; and the one question
every booking and event asks, `venue_open_during`: is the venue (or a zone of it) open for this whole time?

Every write validates first (a ValidationError naming the field), runs in one transaction locking the rows
it changes, and writes an audit entry.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huiketing.core.audit import audit_record
from huiketing.core.i18n import pick
from huiketing.core.workdays import CHINA, working_calendar
from huiketing.places.models import ServicePoint, ServicePointKind

from .models import (
    Audience,
    Closure,
    ItemCategory,
    ProviderKind,
    ServiceItem,
    Venue,
    VenuePhoto,
    Zone,
    ZoneKind,
)

VENUE_KINDS = (ServicePointKind.LIVING_ROOM, ServicePointKind.BUSINESS_LIVING_ROOM)
VENUE_FIELDS = (
    "descriptions",
    "accessibility",
    "closed_on_public_holidays",
    "is_demonstration_site",
    "demonstrates",
    "is_active",
)


def _texts(value, field: str) -> dict:
    """A multilingual text: a dict of language → string (a plain string is taken as Chinese)."""
    if value is None:
        return {}
    if isinstance(value, str):
        return {"zh-hans": value} if value.strip() else {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValidationError({field: _("Give the text as one string per language.")})
    return {key: text.strip() for key, text in value.items() if text and text.strip()}


# Venues -----------------------------------------------------------------------------------------------------


@transaction.atomic
def venue_create(*, by, service_point: ServicePoint, **fields) -> Venue:
    """Make a living room of a service point of a living-room kind (one venue per service point)."""
    if service_point.kind not in VENUE_KINDS:
        raise ValidationError({"service_point": _("Only a living room's service point can be a venue.")})
    if Venue.objects.filter(service_point=service_point).exists():
        raise ValidationError({"service_point": _("This service point is a venue already.")})
    venue = Venue(service_point=service_point, place_code=service_point.place_code)
    _venue_apply(venue, fields)
    venue.save()
    audit_record(actor=by, action="hall.venue.created", obj=venue, place_code=venue.place_code)
    return venue


@transaction.atomic
def venue_update(*, by, venue: Venue, **fields) -> Venue:
    venue = Venue.objects.select_for_update().select_related("service_point").get(pk=venue.pk)
    before = {name: getattr(venue, name) for name in VENUE_FIELDS}
    _venue_apply(venue, fields)
    venue.place_code = venue.service_point.place_code
    venue.save()
    changes = {
        name: [before[name], getattr(venue, name)]
        for name in VENUE_FIELDS
        if before[name] != getattr(venue, name)
    }
    audit_record(
        actor=by, action="hall.venue.updated", obj=venue, changes=changes, place_code=venue.place_code
    )
    return venue


def _venue_apply(venue: Venue, fields: dict) -> None:
    unknown = set(fields) - set(VENUE_FIELDS)
    if unknown:
        raise TypeError(f"unknown venue fields: {sorted(unknown)}")
    for name in ("descriptions", "accessibility", "demonstrates"):
        if name in fields:
            setattr(venue, name, _texts(fields[name], name))
    for name in ("closed_on_public_holidays", "is_demonstration_site", "is_active"):
        if name in fields:
            setattr(venue, name, bool(fields[name]))
    if venue.is_demonstration_site and not venue.demonstrates:
        raise ValidationError({"demonstrates": _("Say what this demonstration site demonstrates.")})


# Zones ------------------------------------------------------------------------------------------------------


@transaction.atomic
def zone_save(
    *,
    by,
    venue: Venue,
    zone: Zone | None = None,
    kind: str,
    names,
    capacity,
    is_bookable: bool = False,
    position: int = 0,
) -> Zone:
    """Add a zone to a venue (zone=None) or change one of its zones."""
    errors = {}
    if kind not in ZoneKind.values:
        errors["kind"] = _("Choose a kind of zone from the list.")
    names = _texts(names, "names")
    if not names:
        errors["names"] = _("Give the zone a name.")
    try:
        capacity = int(capacity)
        if capacity < 1:
            raise ValueError
    except (TypeError, ValueError):
        errors["capacity"] = _("The capacity is a whole number of people, at least 1.")
    if errors:
        raise ValidationError(errors)
    if zone is None:
        zone = Zone(venue=venue)
        action = "hall.zone.created"
    else:
        zone = Zone.objects.select_for_update().get(pk=zone.pk, venue=venue)
        action = "hall.zone.updated"
    zone.kind, zone.names, zone.capacity = kind, names, capacity
    zone.is_bookable, zone.position = bool(is_bookable), int(position or 0)
    zone.save()
    audit_record(actor=by, action=action, obj=zone, place_code=venue.place_code)
    return zone


# Closures ---------------------------------------------------------------------------------------------------


@transaction.atomic
def closure_add(
    *,
    by,
    venue: Venue,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    reasons,
    zone: Zone | None = None,
    now: datetime.datetime | None = None,
) -> Closure:
    """Close a venue, or one of its zones, from `starts_at` to `ends_at` (aware datetimes)."""
    now = now or timezone.now()
    errors = {}
    if starts_at is None:
        errors["starts_at"] = _("Give the time the closure starts.")
    if ends_at is None:
        errors["ends_at"] = _("Give the time the closure ends.")
    if starts_at is not None and ends_at is not None:
        if timezone.is_naive(starts_at):
            starts_at = timezone.make_aware(starts_at, CHINA)
        if timezone.is_naive(ends_at):
            ends_at = timezone.make_aware(ends_at, CHINA)
        if ends_at <= starts_at:
            errors["ends_at"] = _("The closure must end after it starts.")
        elif ends_at <= now:
            errors["ends_at"] = _("The closure is already over: a closure cannot be added in the past.")
    if zone is not None and zone.venue_id != venue.pk:
        errors["zone"] = _("Choose a zone of this living room.")
    reasons = _texts(reasons, "reasons")
    if not reasons:
        errors["reasons"] = _("Say why it is closed: residents see the reason.")
    if errors:
        raise ValidationError(errors)
    Venue.objects.select_for_update().filter(pk=venue.pk).first()
    closure = Closure.objects.create(
        venue=venue,
        zone=zone,
        starts_at=starts_at,
        ends_at=ends_at,
        reasons=reasons,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    audit_record(
        actor=by,
        action="hall.closure.added",
        obj=closure,
        changes={"starts_at": [None, starts_at.isoformat()], "ends_at": [None, ends_at.isoformat()]},
        place_code=venue.place_code,
    )
    return closure


@transaction.atomic
def closure_remove(*, by, closure: Closure, now: datetime.datetime | None = None) -> None:
    """Take a closure back; one that is over stays, as the record of it."""
    now = now or timezone.now()
    closure = Closure.objects.select_for_update().select_related("venue").get(pk=closure.pk)
    if closure.ends_at <= now:
        raise ValidationError({"closure": _("This closure is over and stays on record.")})
    venue = closure.venue
    audit_record(
        actor=by,
        action="hall.closure.removed",
        obj=closure,
        changes={
            "starts_at": [closure.starts_at.isoformat(), None],
            "ends_at": [closure.ends_at.isoformat(), None],
        },
        place_code=venue.place_code,
    )
    closure.delete()


# Service items ----------------------------------------------------------------------------------------------

ITEM_FIELDS = (
    "code",
    "names",
    "descriptions",
    "category",
    "zone",
    "provider_kind",
    "provider",
    "provider_names",
    "audiences",
    "needs_booking",
    "duration_minutes",
    "capacity",
    "price",
    "required_documents",
    "is_package",
    "is_active",
    "position",
)


def _positive_or_none(value, field: str, message: str, errors: dict):
    if value in (None, ""):
        return None
    try:
        number = int(value)
        if number < 1:
            raise ValueError
    except (TypeError, ValueError):
        errors[field] = message
        return None
    return number


@transaction.atomic
def item_save(*, by, venue: Venue, item: ServiceItem | None = None, components=None, **fields) -> ServiceItem:
    """Add a service item to a venue's catalogue (item=None) or change one; `components` for a package."""
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown service item fields: {sorted(unknown)}")
    if item is None:
        item = ServiceItem(venue=venue)
        action = "hall.item.created"
    else:
        item = ServiceItem.objects.select_for_update().get(pk=item.pk, venue=venue)
        action = "hall.item.updated"
    errors: dict = {}
    values = {
        name: fields.get(name, getattr(item, name, None))
        for name in ITEM_FIELDS
        if name not in ("zone", "provider")
    }
    code = (values["code"] or "").strip()
    if not code:
        errors["code"] = _("Give the item a short code (letters, digits and hyphens).")
    elif ServiceItem.objects.filter(venue=venue, code=code).exclude(pk=item.pk).exists():
        errors["code"] = _("This living room has an item with this code already.")
    names = _texts(values["names"], "names")
    if not names:
        errors["names"] = _("Give the item a name.")
    if values["category"] not in ItemCategory.values:
        errors["category"] = _("Choose a category from the list.")
    if values["provider_kind"] not in ProviderKind.values:
        errors["provider_kind"] = _("Choose who provides the item from the list.")
    audiences = values["audiences"] or []
    if isinstance(audiences, str):
        audiences = [audiences]
    wrong = [code_ for code_ in audiences if code_ not in Audience.values]
    if wrong or not audiences:
        errors["audiences"] = _("Choose who the item is for from the list.")
    needs_booking = bool(values["needs_booking"])
    capacity = _positive_or_none(
        values["capacity"], "capacity", _("The places are a whole number, at least 1."), errors
    )
    if needs_booking and capacity is None and "capacity" not in errors:
        errors["capacity"] = _("An item that needs booking needs a number of places.")
    duration = _positive_or_none(
        values["duration_minutes"],
        "duration_minutes",
        _("The duration is a whole number of minutes, at least 1."),
        errors,
    )
    try:
        price = Decimal(str(values["price"] if values["price"] not in (None, "") else 0))
        if (
            not price.is_finite()
            or price < 0
            or price != price.quantize(Decimal("0.01"))
            or price >= Decimal("1000000")
        ):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["price"] = _("The price is an amount in yuan, 0 or more, with at most two decimals.")
        price = Decimal(0)
    zone = fields.get("zone", item.zone if item.pk else None)
    if zone is not None and zone.venue_id != venue.pk:
        errors["zone"] = _("Choose a zone of this living room.")
    is_package = bool(values["is_package"])
    component_list = (
        list(components) if components is not None else (list(item.components.all()) if item.pk else [])
    )
    if is_package:
        if not component_list:
            errors["components"] = _("A package holds at least one other item.")
        elif any(c.venue_id != venue.pk for c in component_list):
            errors["components"] = _("A package holds items of its own living room only.")
        elif any(c.pk == item.pk or c.is_package for c in component_list):
            errors["components"] = _("A package cannot hold itself or another package.")
    elif components:
        errors["components"] = _("Only a package holds other items.")
    if errors:
        raise ValidationError(errors)
    item.code, item.names, item.category = code, names, values["category"]
    item.descriptions = _texts(values["descriptions"], "descriptions")
    item.zone = zone
    item.provider_kind = values["provider_kind"]
    item.provider = fields.get("provider", item.provider if item.pk else None)
    item.provider_names = _texts(values["provider_names"], "provider_names")
    item.audiences = list(dict.fromkeys(audiences))
    item.needs_booking, item.capacity, item.duration_minutes, item.price = (
        needs_booking,
        capacity,
        duration,
        price,
    )
    item.required_documents = _texts(values["required_documents"], "required_documents")
    item.is_package = is_package
    item.is_active = True if values["is_active"] is None else bool(values["is_active"])
    item.position = int(values["position"] or 0)
    item.save()
    item.components.set(component_list if is_package else [])
    audit_record(actor=by, action=action, obj=item, place_code=venue.place_code)
    return item


# Open or closed ---------------------------------------------------------------------------------------------


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _open_spans(opening_hours, day: datetime.date) -> list[tuple[int, int]]:
    """The day's opening spans in minutes after midnight (closes "24:00" or before opens: until midnight)."""
    iso = day.isoweekday()
    spans = []
    for rule in opening_hours or []:
        if iso in rule.get("days", []):
            opens, closes = _minutes(rule["opens"]), _minutes(rule["closes"])
            spans.append((opens, closes if closes > opens else 24 * 60))
    return sorted(spans)


def _covered(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) lies inside the union of the spans."""
    reach = start
    for opens, closes in spans:
        if opens > reach:
            break
        reach = max(reach, closes)
        if reach >= end:
            return True
    return reach >= end


def venue_open_during(
    venue: Venue,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    zone: Zone | None = None,
    *,
    calendar=None,
) -> tuple[bool, str]:
    """Whether the venue (and the zone, if given) is open for the whole of [starts_at, ends_at), and if not,
    why, as a sentence in the active language.

    Open means: inside the opening hours of the venue's service point every day the time touches; not on a
    public holiday when the venue closes on them (holidays: the working calendar's days off falling on
    a weekday); and overlapping no closure of the venue or of that zone. One query for the closures, and the
    working calendar's small check when the venue closes on holidays.
    """
    if ends_at <= starts_at:
        return False, _("The end must come after the start.")
    if not venue.is_active:
        return False, _("This living room is not open to the public.")
    start, end = starts_at.astimezone(CHINA), ends_at.astimezone(CHINA)
    opening_hours = venue.service_point.opening_hours
    holidays = (calendar or working_calendar()) if venue.closed_on_public_holidays else None
    day = start.date()
    last = (end - datetime.timedelta(microseconds=1)).date()
    while day <= last:
        if holidays is not None and holidays.exceptions.get(day) is False:
            return False, _("The living room is closed on public holidays (%(date)s).") % {
                "date": day.isoformat()
            }
        day_start = start if day == start.date() else datetime.datetime.combine(day, datetime.time(), CHINA)
        next_day = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), CHINA)
        day_end = min(end, next_day)
        # The start rounds down and the end up, to whole minutes: 09:29:30 is before a 09:30 opening.
        from_minute = day_start.hour * 60 + day_start.minute
        to_minute = (
            24 * 60
            if day_end == next_day
            else day_end.hour * 60 + day_end.minute + (1 if day_end.second or day_end.microsecond else 0)
        )
        if not _covered(_open_spans(opening_hours, day), from_minute, to_minute):
            return False, _("This is outside the living room's opening hours on %(date)s.") % {
                "date": day.isoformat()
            }
        day += datetime.timedelta(days=1)
    which = Q(zone__isnull=True) if zone is None else Q(zone__isnull=True) | Q(zone_id=zone.pk)
    closure = (
        Closure.objects.filter(which, venue_id=venue.pk, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .order_by("starts_at", "id")
        .first()
    )
    if closure is not None:
        params = {
            "reason": pick(closure.reasons),
            "from": timezone.localtime(closure.starts_at, CHINA).strftime("%Y-%m-%d %H:%M"),
            "until": timezone.localtime(closure.ends_at, CHINA).strftime("%Y-%m-%d %H:%M"),
        }
        if closure.zone_id is not None:
            params["zone"] = str(zone)
            return False, _("%(zone)s is closed from %(from)s to %(until)s: %(reason)s") % params
        return False, _("The living room is closed from %(from)s to %(until)s: %(reason)s") % params
    return True, ""


# Photos -----------------------------------------------------------------------------------------------------

PHOTO_LANGUAGES = ("zh-hans", "ug", "kk", "en")
MAX_CAPTION_LENGTH = 200
MAX_VENUE_PHOTOS = 24


def _captions(captions) -> dict:
    """A photo's captions: Chinese required (it is the alternative text of the photo for everyone whose
    language has none), Uyghur, Kazakh and English optional."""
    captions = _texts(captions, "captions")
    if set(captions) - set(PHOTO_LANGUAGES):
        raise ValidationError({"captions": _("Give the caption in Chinese, Uyghur, Kazakh or English.")})
    if not captions.get("zh-hans"):
        raise ValidationError({"captions": _("Give the photo a caption in Chinese.")})
    if any(len(text) > MAX_CAPTION_LENGTH for text in captions.values()):
        raise ValidationError(
            {"captions": _("A caption is at most %(count)d characters.") % {"count": MAX_CAPTION_LENGTH}}
        )
    return captions


@transaction.atomic
def venue_photo_add(*, by, venue: Venue, upload, captions) -> VenuePhoto:
    """Add a photo to the end of a venue's photos. The upload is checked by its content and re-encoded as a
    JPEG without its EXIF data (a phone's photo carries the GPS position it was taken at), by the same
    check every photo upload of the platform goes through."""
    from huiketing.matters.services import photo_clean

    errors: dict = {}
    try:
        captions = _captions(captions)
    except ValidationError as error:
        errors.update(error.message_dict)
    if upload is None:
        errors["image"] = [_("Choose a photo to upload.")]
    else:
        try:
            data, _width, _height = photo_clean(upload)
        except ValidationError as error:
            errors["image"] = error.messages
    if errors:
        raise ValidationError(errors)
    Venue.objects.select_for_update().filter(pk=venue.pk).first()
    positions = list(VenuePhoto.objects.filter(venue=venue).values_list("position", flat=True))
    if len(positions) >= MAX_VENUE_PHOTOS:
        raise ValidationError(
            {
                "image": _("A living room shows at most %(count)d photos: remove one first.")
                % {"count": MAX_VENUE_PHOTOS}
            }
        )
    photo = VenuePhoto(venue=venue, captions=captions, position=max(positions, default=0) + 1)
    photo.image.save(f"venue-{venue.pk}.jpg", ContentFile(data), save=False)
    try:
        photo.save()
        audit_record(
            actor=by,
            action="hall.venue.photo_added",
            obj=photo,
            changes={"captions": [None, captions]},
            place_code=venue.place_code,
        )
    except BaseException:
        photo.image.storage.delete(photo.image.name)  # no row refers to the file written above
        raise
    return photo


@transaction.atomic
def venue_photo_remove(*, by, photo: VenuePhoto) -> None:
    """Take a photo off a venue; the file is deleted once the removal is committed."""
    photo = VenuePhoto.objects.select_for_update().select_related("venue").get(pk=photo.pk)
    venue = photo.venue
    storage, name = photo.image.storage, photo.image.name
    audit_record(
        actor=by,
        action="hall.venue.photo_removed",
        obj=photo,
        changes={"captions": [photo.captions, None]},
        place_code=venue.place_code,
    )
    photo.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def venue_photos_order(*, by, venue: Venue, positions: dict) -> list[VenuePhoto]:
    """Put a venue's photos in order by the position numbers staff gave them ({photo id: number}, every photo
    of the venue once); equal numbers keep the photos' present order. They are numbered 1, 2, 3 … again."""
    Venue.objects.select_for_update().filter(pk=venue.pk).first()
    photos = list(VenuePhoto.objects.select_for_update().filter(venue=venue).order_by("position", "id"))
    try:
        wanted = {int(pk): int(number) for pk, number in positions.items()}
    except (TypeError, ValueError, AttributeError):
        wanted = None
    if wanted is None or any(number < 1 for number in wanted.values()):
        raise ValidationError({"positions": _("A position is a whole number, at least 1.")})
    if set(wanted) != {photo.pk for photo in photos}:
        raise ValidationError({"positions": _("Give a position to every photo of this living room.")})
    present = {photo.pk: n for n, photo in enumerate(photos)}
    ordered = sorted(photos, key=lambda photo: (wanted[photo.pk], present[photo.pk]))
    before = [photo.pk for photo in photos]
    for position, photo in enumerate(ordered, start=1):
        if photo.position != position:
            photo.position = position
            photo.save(update_fields=["position"])
    after = [photo.pk for photo in ordered]
    audit_record(
        actor=by,
        action="hall.venue.photos_ordered",
        obj=venue,
        changes={"order": [before, after]} if before != after else {},
        place_code=venue.place_code,
    )
    return ordered
