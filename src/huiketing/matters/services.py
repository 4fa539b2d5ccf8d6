"""Every write on matters: raise, triage, dispatch, handle, evaluate, follow, deadlines.

Each service is atomic, locks the matter row it changes, looks its transition up in `models.TRANSITIONS`
(an illegal one is a `MatterStateError`, never a silent no-op), writes an audit entry and a timeline entry,
and notifies whom it concerns after the transaction commits.
"""

import io
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiketing.core.audit import audit_record
from huiketing.core.notifications import notification_kind_register, notify
from huiketing.core.workdays import add_working_days
from huiketing.people.models import COMMUNITY_AND_ABOVE, REGISTRY_ROLES, Resident, User
from huiketing.places.models import Level as PlaceLevel
from huiketing.places.models import Place
from huiketing.points.services import points_award_quietly

from .models import (
    LEVEL_CODE_LENGTH,
    TRANSITIONS,
    Category,
    Channel,
    DeadlineNotice,
    Dispatch,
    Evaluation,
    ExtensionRequest,
    Follow,
    HandlingUnit,
    Level,
    Matter,
    MatterEvent,
    MatterPhoto,
    Open311Client,
    Status,
)

MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
PHOTO_LONG_SIDE = 1600
EVALUATION_REMIND_AFTER = timedelta(days=3)
EVALUATION_EXPIRES_AFTER = timedelta(days=7)
# How many re-handlings a "not satisfied" may ask for before it escalates instead.
REHANDLE_LIMIT = 1


class MatterStateError(ValidationError):
    """A transition that the matter's state does not allow."""


def _status_label(code: str) -> str:
    try:
        return str(Status(code).label)
    except ValueError:
        return code


# Notifications, rendered in each recipient's language when they are read or sent.
for _kind, _title, _body in [
    (
        "matter.raised",
        gettext_lazy("New matter in your area"),
        gettext_lazy("Matter %(number)s was raised: %(title)s"),
    ),
    (
        "matter.progress",
        gettext_lazy("Progress on a matter you follow"),
        lambda params: (
            _("Matter %(number)s (%(title)s): %(status)s")
            % {**params, "status": _status_label(params.get("status", ""))}
        ),
    ),
    (
        "matter.dispatched",
        gettext_lazy("A matter was dispatched to your unit"),
        gettext_lazy("Matter %(number)s (%(title)s) waits for your unit to sign for it by %(due)s."),
    ),
    (
        "matter.returned",
        gettext_lazy("A handling unit handed a matter back"),
        gettext_lazy("Matter %(number)s (%(title)s) was handed back: %(reason)s"),
    ),
    (
        "matter.extension",
        gettext_lazy("More time asked for"),
        gettext_lazy("A handling unit asks for %(days)s more working days on matter %(number)s."),
    ),
    (
        "matter.evaluate",
        gettext_lazy("Was your matter solved?"),
        gettext_lazy("Matter %(number)s (%(title)s) is marked done. Tell us whether it was solved."),
    ),
    (
        "matter.evaluate_reminder",
        gettext_lazy("Reminder: was your matter solved?"),
        gettext_lazy("Matter %(number)s (%(title)s) still waits for your evaluation."),
    ),
    (
        "matter.deadline_warning",
        gettext_lazy("A deadline is near"),
        lambda params: (
            (
                _("Matter %(number)s (%(title)s): sign for it by %(due)s.")
                if params.get("what") == "sign"
                else _("Matter %(number)s (%(title)s): resolve it by %(due)s.")
            )
            % params
        ),
    ),
    (
        "matter.escalated",
        gettext_lazy("A matter was escalated to you"),
        gettext_lazy("Matter %(number)s (%(title)s) is overdue and now supervised at your level."),
    ),
]:
    notification_kind_register(_kind, title=_title, body=_body)


# Helpers ------------------------------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _lock(matter: Matter) -> Matter:
    """The matter's row, locked for the rest of the transaction, with its current state."""
    return Matter.objects.select_for_update().select_related("category").get(pk=matter.pk)


def _check(matter: Matter, action: str) -> str | None:
    allowed_from, target = TRANSITIONS[action]
    if matter.status not in allowed_from:
        raise MatterStateError(
            _("This cannot be done to a matter that is “%(status)s”.")
            % {"status": matter.get_status_display()}
        )
    return target


def _event(
    matter: Matter,
    kind: str,
    *,
    by: User | None,
    now: datetime,
    text: str = "",
    unit: HandlingUnit | None = None,
    dispatch: Dispatch | None = None,
    params: dict | None = None,
    is_public: bool = True,
) -> MatterEvent:
    return MatterEvent.objects.create(
        matter=matter,
        kind=kind,
        actor=by if by is not None and getattr(by, "is_authenticated", False) else None,
        unit=unit,
        dispatch=dispatch,
        text=text,
        params=params or {},
        is_public=is_public,
        created_at=now,
    )


def _audit(by, action: str, matter: Matter, changes: dict | None = None, reason: str = "") -> None:
    audit_record(
        actor=by, action=action, obj=matter, changes=changes, place_code=matter.place_code, reason=reason
    )


def _params(matter: Matter, **extra) -> dict:
    return {"number": matter.reference, "title": matter.title[:60], **extra}


def _link(matter: Matter) -> str:
    return f"/matters/{matter.pk}/"


def _followers(matter: Matter, exclude: User | None = None) -> list[User]:
    users = User.objects.filter(matter_follows__matter=matter, is_active=True)
    if exclude is not None and getattr(exclude, "pk", None):
        users = users.exclude(pk=exclude.pk)
    return list(users)


def _raiser_accounts(matter: Matter) -> list[User]:
    """The account that should answer "solved?": the resident's own account, else whoever raised it for
    themselves. A matter staff raised for a resident with no account is followed up by phone."""
    if matter.resident_id is not None:
        account = User.objects.filter(resident__pk=matter.resident_id, is_active=True).first()
        return [account] if account else []
    if matter.raised_by_id and matter.channel in (Channel.WEB, Channel.OPEN311):
        return [matter.raised_by] if matter.raised_by.is_active else []
    return []


def _staff_of(code: str, roles) -> list[User]:
    """Active accounts holding one of the roles on a place that covers `code` (the place or an ancestor)."""
    prefixes = [code[:n] for n in (6, 9, 12, 15) if len(code) >= n]
    return list(
        User.objects.filter(
            is_active=True, roles__role__in=sorted(roles), roles__place_code__in=prefixes
        ).distinct()
    )


def _unit_staff(unit: HandlingUnit) -> list[User]:
    if unit.organisation_id is not None:
        return list(
            User.objects.filter(is_active=True, roles__organisation_id=unit.organisation_id).distinct()
        )
    return _staff_of(unit.place_code, COMMUNITY_AND_ABOVE)


def _notify(**kwargs) -> None:
    recipients = [user for user in kwargs.pop("recipients") if user is not None]
    if recipients:
        notify(recipients=recipients, **kwargs)


def _points_taken_on(matter: Matter, by: User | None) -> None:
    """Points (积分化) to the resident a matter concerns, else to whoever raised it for themselves on the web,
    when the committees take it on; awarded once per matter, and never a reason for the action to fail."""
    holder = matter.resident if matter.resident_id is not None else None
    if holder is None and matter.raised_by_id is not None and matter.channel == Channel.WEB:
        holder = matter.raised_by
    points_award_quietly(holder=holder, rule_code="matter_accepted", source=matter, actor=by)


def photo_clean(upload) -> tuple[bytes, int, int]:
    """Check that an upload is an image by its content, and re-encode it as a JPEG without metadata.

    Re-encoding drops EXIF (a phone's photo carries the GPS position of where it was taken, often the
    resident's home) and anything hidden after the image data.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    size = getattr(upload, "size", None)
    if size is not None and size > MAX_PHOTO_BYTES:
        raise _invalid("photos", _("A photo may be at most 8 MB."))
    data = upload.read()
    if len(data) > MAX_PHOTO_BYTES:
        raise _invalid("photos", _("A photo may be at most 8 MB."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in {"JPEG", "PNG", "WEBP", "GIF", "HEIF", "MPO"}:
                raise _invalid("photos", _("A photo must be a JPEG, PNG, WebP or GIF image."))
            if probe.width * probe.height > MAX_PHOTO_PIXELS:
                raise _invalid("photos", _("This photo has too many pixels."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((PHOTO_LONG_SIDE, PHOTO_LONG_SIDE))
            image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=82, optimize=True)
            return out.getvalue(), image.width, image.height
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        raise _invalid("photos", _("This file is not a photo we can read.")) from None


def _photos_attach(matter: Matter, photos: Sequence, *, by: User | None, event: MatterEvent | None) -> None:
    if len(photos) > MAX_PHOTOS:
        raise _invalid("photos", _("At most %(count)s photos.") % {"count": MAX_PHOTOS})
    cleaned = [photo_clean(photo) for photo in photos]
    for data, width, height in cleaned:
        photo = MatterPhoto(matter=matter, event=event, width=width, height=height, uploaded_by=by)
        photo.file.save("photo.jpg", ContentFile(data), save=False)
        photo.save()


# Raising ------------------------------------------------------------------------------------------------


def _grid_for(*, latitude, longitude, place_code: str | None) -> Place:
    from huiketing.places.geo import grid_at

    if place_code:
        grid = Place.objects.filter(code=place_code, level=PlaceLevel.GRID).first()
        if grid is None:
            raise _invalid("place_code", _("Choose a grid."))
        return grid
    if latitude is None or longitude is None:
        raise _invalid("location", _("Put a pin on the map, use your location, or choose the grid."))
    grid = grid_at(lat=latitude, lng=longitude)
    if grid is None:
        raise _invalid("location", _("This place is outside every grid we serve."))
    return grid


def matter_raise(
    *,
    by: User | None,
    title: str,
    description: str,
    category: Category,
    latitude: float | None = None,
    longitude: float | None = None,
    crs: str = "wgs84",
    address: str = "",
    place_code: str | None = None,
    channel: str = Channel.WEB,
    is_anonymous: bool = False,
    resident: Resident | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    photos: Sequence = (),
    open311_client: Open311Client | None = None,
    language: str = "",
    now: datetime | None = None,
) -> Matter:
    """A resident (or staff for a resident, or an Open311 client) raises a matter; it lands in its grid."""
    from huiketing.places.geo import to_wgs84

    now = _now(now)
    title, description = (title or "").strip(), (description or "").strip()
    errors = {}
    if not title:
        errors["title"] = [_("Give the matter a short title.")]
    elif len(title) > 120:
        errors["title"] = [_("The title may be at most 120 characters.")]
    if not description:
        errors["description"] = [_("Describe the matter.")]
    elif len(description) > 4000:
        errors["description"] = [_("The description may be at most 4,000 characters.")]
    if category is None or not category.is_active:
        errors["category"] = [_("Choose a category.")]
    if channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    if errors:
        raise ValidationError(errors)
    if latitude is not None and longitude is not None:
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise _invalid("location", _("These coordinates are not on the Earth."))
        latitude, longitude = to_wgs84(latitude, longitude, crs)
    grid = _grid_for(latitude=latitude, longitude=longitude, place_code=place_code)
    with transaction.atomic():
        matter = Matter.objects.create(
            title=title,
            description=description,
            category=category,
            place_code=grid.code,
            latitude=latitude,
            longitude=longitude,
            address=address.strip()[:200],
            channel=channel,
            is_anonymous=is_anonymous,
            raised_by=by if by is not None and by.is_authenticated else None,
            resident=resident,
            contact_name=contact_name.strip()[:100],
            contact_phone=contact_phone.strip(),
            contact_email=contact_email.strip(),
            open311_client=open311_client,
            language=language[:10],
            created_at=now,
        )
        event = _event(matter, MatterEvent.Kind.RAISED, by=by, now=now, params={"channel": channel})
        _photos_attach(matter, photos, by=by, event=event)
        # The resident follows their matter; staff entering it for a resident do not.
        followers = set(_raiser_accounts(matter))
        if by is not None and by.is_authenticated and matter.resident_id is None:
            followers.add(by)
        for account in followers:
            Follow.objects.get_or_create(matter=matter, user=account)
        _audit(by, "matters.raise", matter, {"title": [None, title], "category": [None, category.code]})
        staff = _staff_of(grid.code, REGISTRY_ROLES)
        _notify(
            recipients=staff, kind="matter.raised", params=_params(matter), link=_link(matter), obj=matter
        )
    return matter


def matter_follow(*, by: User, matter: Matter) -> Follow:
    follow, _created = Follow.objects.get_or_create(matter=matter, user=by)
    return follow


def matter_unfollow(*, by: User, matter: Matter) -> None:
    Follow.objects.filter(matter=matter, user=by).delete()


# Triage (两委提事) -----------------------------------------------------------------------------------------


REJECT_REASONS = {
    "duplicate": gettext_lazy("A duplicate of another matter"),
    "not_ours": gettext_lazy("Not the community's responsibility"),
    "insufficient": gettext_lazy("Not enough information"),
    # For a tabled matter: the residents' meeting decided against it.
    "decided_against": gettext_lazy("The residents' meeting decided against it"),
}


def _progress(matter: Matter, by: User | None) -> None:
    """Tell the followers the matter moved on."""
    followers = _followers(matter, exclude=by)
    params = _params(matter, status=matter.status)
    _notify(recipients=followers, kind="matter.progress", params=params, link=_link(matter), obj=matter)


def matter_accept(*, by: User, matter: Matter, now: datetime | None = None) -> Matter:
    now = _now(now)
    with transaction.atomic():
        matter = _lock(matter)
        matter.status = _check(matter, "accept")
        matter.accepted_at = now
        matter.save(update_fields=["status", "accepted_at", "updated_at"])
        _event(matter, MatterEvent.Kind.ACCEPTED, by=by, now=now)
        _audit(by, "matters.accept", matter, {"status": ["new", matter.status]})
        _points_taken_on(matter, by)
        _progress(matter, by)
    return matter


def matter_reject(
    *, by: User, matter: Matter, reason_kind: str, reason: str = "", referred_to: str = "", now=None
) -> Matter:
    """Not taken on, with the reason; "not ours" names who to turn to instead."""
    now = _now(now)
    reason = (reason or "").strip()
    if reason_kind not in REJECT_REASONS:
        raise _invalid("reason_kind", _("Choose why the matter is not accepted."))
    if reason_kind == "not_ours" and not referred_to.strip():
        raise _invalid("referred_to", _("Say who the resident should turn to instead."))
    if reason_kind != "duplicate" and not reason:
        raise _invalid("reason", _("Explain the decision to the resident."))
    with transaction.atomic():
        matter = _lock(matter)
        before = matter.status
        matter.status = _check(matter, "reject")
        matter.closed_at = now
        matter.save(update_fields=["status", "closed_at", "updated_at"])
        _event(
            matter,
            MatterEvent.Kind.REJECTED,
            by=by,
            now=now,
            text=reason,
            params={"reason_kind": reason_kind, "referred_to": referred_to.strip()[:200]},
        )
        _audit(by, "matters.reject", matter, {"status": [before, matter.status]}, reason=reason)
        _progress(matter, by)
    return matter


def matter_table(*, by: User, matter: Matter, note: str = "", now=None) -> Matter:
    """Tabled for the residents' deliberation (居民议事)."""
    now = _now(now)
    with transaction.atomic():
        matter = _lock(matter)
        before = matter.status
        matter.status = _check(matter, "table")
        matter.accepted_at = matter.accepted_at or now
        matter.save(update_fields=["status", "accepted_at", "updated_at"])
        _event(matter, MatterEvent.Kind.TABLED, by=by, now=now, text=note.strip())
        _audit(by, "matters.table", matter, {"status": [before, matter.status]})
        _points_taken_on(matter, by)
        _progress(matter, by)
    return matter


def matter_untable(*, by: User, matter: Matter, note: str = "", now=None) -> Matter:
    now = _now(now)
    with transaction.atomic():
        matter = _lock(matter)
        matter.status = _check(matter, "untable")
        matter.save(update_fields=["status", "updated_at"])
        _event(matter, MatterEvent.Kind.UNTABLED, by=by, now=now, text=note.strip())
        _audit(by, "matters.untable", matter, {"status": ["tabled", matter.status]})
    return matter


def matter_merge(*, by: User, matter: Matter, into: Matter, now=None) -> Matter:
    """A duplicate joins its original: followers and photos move there, and both timelines say so."""
    now = _now(now)
    if matter.pk == into.pk:
        raise _invalid("into", _("A matter cannot be merged into itself."))
    with transaction.atomic():
        # Lock both rows in id order, so two merges at once cannot deadlock.
        locked = {
            m.pk: m
            for m in Matter.objects.select_for_update().filter(pk__in=[matter.pk, into.pk]).order_by("pk")
        }
        matter, into = locked[matter.pk], locked[into.pk]
        if into.status == Status.MERGED or (not into.is_open and into.status not in (Status.DONE,)):
            raise _invalid("into", _("The original must be a matter that is still open."))
        before = matter.status
        matter.status = _check(matter, "merge")
        matter.duplicate_of = into
        matter.closed_at = now
        matter.save(update_fields=["status", "duplicate_of", "closed_at", "updated_at"])
        Dispatch.objects.filter(matter=matter, status__in=Dispatch.ACTIVE).update(
            status=Dispatch.Status.WITHDRAWN
        )
        for user_id in Follow.objects.filter(matter=matter).values_list("user_id", flat=True):
            Follow.objects.get_or_create(matter=into, user_id=user_id)
        MatterPhoto.objects.filter(matter=matter).update(matter=into)
        _event(matter, MatterEvent.Kind.MERGED, by=by, now=now, params={"into": into.pk})
        _event(into, MatterEvent.Kind.DUPLICATE_MERGED, by=by, now=now, params={"from": matter.pk})
        _audit(
            by, "matters.merge", matter, {"status": [before, matter.status], "duplicate_of": [None, into.pk]}
        )
        _progress(matter, by)
    return matter


# Dispatch and handling (多元办事) ------------------------------------------------------------------------


def matter_dispatch(
    *, by: User, matter: Matter, units: Iterable[HandlingUnit], note: str = "", now: datetime | None = None
) -> list[Dispatch]:
    """Send the matter to one or more units; "handle directly" is a dispatch to the community's own unit."""
    now = _now(now)
    units = list(dict.fromkeys(units))
    if not units:
        raise _invalid("units", _("Choose at least one handling unit."))
    if any(not unit.is_active for unit in units):
        raise _invalid("units", _("This handling unit no longer takes matters."))
    with transaction.atomic():
        matter = _lock(matter)
        before = matter.status
        matter.status = _check(matter, "dispatch")
        category = matter.category
        matter.accepted_at = matter.accepted_at or now
        resolve_due = add_working_days(now, category.resolve_working_days)
        if matter.resolve_due_at is None or matter.resolve_due_at < now:
            matter.resolve_due_at = resolve_due
        matter.save(update_fields=["status", "accepted_at", "resolve_due_at", "updated_at"])
        created = []
        for unit in units:
            if Dispatch.objects.filter(matter=matter, unit=unit, status__in=Dispatch.ACTIVE).exists():
                raise _invalid("units", _("%(unit)s already has this matter.") % {"unit": unit})
            dispatch = Dispatch.objects.create(
                matter=matter,
                unit=unit,
                note=note.strip(),
                dispatched_by=by,
                created_at=now,
                sign_due_at=now + timedelta(hours=category.sign_hours),
                resolve_due_at=matter.resolve_due_at,
                place_code=matter.place_code,
            )
            created.append(dispatch)
            _event(matter, MatterEvent.Kind.DISPATCHED, by=by, now=now, unit=unit, dispatch=dispatch)
            staff = _unit_staff(unit)
            params = _params(matter, due=timezone.localtime(dispatch.sign_due_at).strftime("%Y-%m-%d %H:%M"))
            _notify(recipients=staff, kind="matter.dispatched", params=params, link=_link(matter), obj=matter)
        _audit(
            by,
            "matters.dispatch",
            matter,
            {"status": [before, matter.status], "units": [None, [u.pk for u in units]]},
        )
        if before == Status.NEW:
            # Dispatched straight away: taken on without a separate "accept".
            _points_taken_on(matter, by)
        if before != matter.status:
            _progress(matter, by)
    return created


def _lock_dispatch(dispatch: Dispatch) -> tuple[Dispatch, Matter]:
    matter = _lock(dispatch.matter)
    dispatch = Dispatch.objects.select_for_update().select_related("unit").get(pk=dispatch.pk)
    return dispatch, matter


def _extensions_close(dispatch: Dispatch, now: datetime) -> None:
    """A unit that stops working on a matter no longer needs the time it asked for."""
    dispatch.extensions.filter(status=ExtensionRequest.Status.PENDING).update(
        status=ExtensionRequest.Status.REFUSED, decided_at=now
    )


def dispatch_sign(*, by: User, dispatch: Dispatch, now: datetime | None = None) -> Dispatch:
    now = _now(now)
    with transaction.atomic():
        dispatch, matter = _lock_dispatch(dispatch)
        if dispatch.status != Dispatch.Status.WAITING:
            raise MatterStateError(_("This dispatch is not waiting to be signed for."))
        dispatch.status = Dispatch.Status.SIGNED
        dispatch.signed_at = now
        dispatch.signed_by = by
        dispatch.save(update_fields=["status", "signed_at", "signed_by"])
        _event(matter, MatterEvent.Kind.SIGNED, by=by, now=now, unit=dispatch.unit, dispatch=dispatch)
        _audit(by, "matters.dispatch_sign", matter, {"dispatch": [None, dispatch.pk]})
        if now <= dispatch.sign_due_at:
            points_award_quietly(
                holder=dispatch.unit, rule_code="unit_signed_on_time", source=dispatch, actor=by
            )
    return dispatch


def dispatch_return(*, by: User, dispatch: Dispatch, reason: str, now: datetime | None = None) -> Dispatch:
    """A unit hands the matter back (not theirs, or not possible), with the reason; triage picks it up."""
    now = _now(now)
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("Say why the matter is handed back."))
    with transaction.atomic():
        dispatch, matter = _lock_dispatch(dispatch)
        if dispatch.status not in Dispatch.ACTIVE:
            raise MatterStateError(_("Only a dispatch that is waiting or being handled can be handed back."))
        dispatch.status = Dispatch.Status.RETURNED
        dispatch.returned_reason = reason
        dispatch.save(update_fields=["status", "returned_reason"])
        _extensions_close(dispatch, now)
        if not matter.dispatches.filter(status__in=Dispatch.ACTIVE).exists():
            matter.status = Status.ACCEPTED
            matter.save(update_fields=["status", "updated_at"])
        _event(
            matter,
            MatterEvent.Kind.RETURNED,
            by=by,
            now=now,
            unit=dispatch.unit,
            dispatch=dispatch,
            text=reason,
        )
        _audit(by, "matters.dispatch_return", matter, {"dispatch": [dispatch.pk, None]}, reason=reason)
        staff = _staff_of(matter.place_code[:12], COMMUNITY_AND_ABOVE)
        params = _params(matter, reason=reason[:100])
        _notify(recipients=staff, kind="matter.returned", params=params, link=_link(matter), obj=matter)
    return dispatch


def extension_request(
    *, by: User, dispatch: Dispatch, working_days: int, reason: str, now: datetime | None = None
) -> ExtensionRequest:
    now = _now(now)
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("Say why more time is needed."))
    if not isinstance(working_days, int) or not 1 <= working_days <= 30:
        raise _invalid("working_days", _("Ask for 1 to 30 working days."))
    with transaction.atomic():
        dispatch, matter = _lock_dispatch(dispatch)
        if dispatch.status != Dispatch.Status.SIGNED:
            raise MatterStateError(
                _("More time can be asked for only while the unit is handling the matter.")
            )
        if dispatch.extensions.filter(status=ExtensionRequest.Status.PENDING).exists():
            raise MatterStateError(_("A request for more time is already waiting for a decision."))
        extension = ExtensionRequest.objects.create(
            dispatch=dispatch, working_days=working_days, reason=reason, requested_by=by, requested_at=now
        )
        _event(
            matter,
            MatterEvent.Kind.EXTENSION_REQUESTED,
            by=by,
            now=now,
            unit=dispatch.unit,
            dispatch=dispatch,
            text=reason,
            params={"days": working_days},
        )
        _audit(by, "matters.extension_request", matter, {"working_days": [None, working_days]}, reason=reason)
        staff = _staff_of(matter.place_code[:12], COMMUNITY_AND_ABOVE)
        params = _params(matter, days=working_days)
        _notify(recipients=staff, kind="matter.extension", params=params, link=_link(matter), obj=matter)
    return extension


def extension_decide(
    *, by: User, extension: ExtensionRequest, grant: bool, now: datetime | None = None
) -> ExtensionRequest:
    now = _now(now)
    with transaction.atomic():
        dispatch, matter = _lock_dispatch(extension.dispatch)
        extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
        if extension.status != ExtensionRequest.Status.PENDING:
            raise MatterStateError(_("This request for more time was already decided."))
        if dispatch.status not in Dispatch.ACTIVE:
            # The unit finished or handed the matter back meanwhile: there is no deadline left to move.
            raise MatterStateError(_("The unit is no longer working on this matter."))
        extension.status = ExtensionRequest.Status.GRANTED if grant else ExtensionRequest.Status.REFUSED
        extension.decided_by = by
        extension.decided_at = now
        extension.save(update_fields=["status", "decided_by", "decided_at"])
        if grant:
            dispatch.resolve_due_at = add_working_days(dispatch.resolve_due_at, extension.working_days)
            dispatch.save(update_fields=["resolve_due_at"])
            latest = max(
                d.resolve_due_at
                for d in matter.dispatches.filter(status__in=Dispatch.ACTIVE)
                if d.resolve_due_at
            )
            matter.resolve_due_at = latest
            matter.save(update_fields=["resolve_due_at", "updated_at"])
        _event(
            matter,
            MatterEvent.Kind.EXTENSION_GRANTED if grant else MatterEvent.Kind.EXTENSION_REFUSED,
            by=by,
            now=now,
            unit=dispatch.unit,
            dispatch=dispatch,
            params={"days": extension.working_days},
        )
        _audit(by, "matters.extension_decide", matter, {"extension": [None, extension.status]})
    return extension


def matter_update_post(
    *,
    by: User,
    matter: Matter,
    text: str,
    photos: Sequence = (),
    is_public: bool = True,
    dispatch: Dispatch | None = None,
    now: datetime | None = None,
) -> MatterEvent:
    """A progress note, public or for staff only, with photos."""
    now = _now(now)
    text = (text or "").strip()
    if not text and not photos:
        raise _invalid("text", _("Write what happened, or add a photo."))
    if len(text) > 4000:
        raise _invalid("text", _("The note may be at most 4,000 characters."))
    with transaction.atomic():
        matter = _lock(matter)
        if not matter.is_open and matter.status != Status.DONE:
            raise MatterStateError(_("This matter is closed."))
        event = _event(
            matter,
            MatterEvent.Kind.UPDATE,
            by=by,
            now=now,
            text=text,
            unit=dispatch.unit if dispatch else None,
            dispatch=dispatch,
            is_public=is_public,
        )
        _photos_attach(matter, photos, by=by, event=event)
        _audit(by, "matters.update", matter, {"event": [None, event.pk]})
        if is_public:
            _progress(matter, by)
    return event


def _complete(matter: Matter, *, by: User | None, now: datetime, result: str) -> None:
    matter.status = _check(matter, "complete")
    matter.done_at = now
    if result:
        matter.result = result
    matter.save(update_fields=["status", "done_at", "result", "updated_at"])
    _event(matter, MatterEvent.Kind.DONE, by=by, now=now, text=result)
    accounts = _raiser_accounts(matter)
    params = _params(matter)
    _notify(
        recipients=accounts,
        kind="matter.evaluate",
        params=params,
        link=_link(matter),
        obj=matter,
        channels=("inapp", "sms"),
    )
    _progress(matter, by)


def dispatch_complete(*, by: User, dispatch: Dispatch, result: str, now: datetime | None = None) -> Dispatch:
    """A unit marks its part done; when no unit is still working on it, the matter is done."""
    now = _now(now)
    result = (result or "").strip()
    if not result:
        raise _invalid("result", _("Say what was done."))
    with transaction.atomic():
        dispatch, matter = _lock_dispatch(dispatch)
        if dispatch.status != Dispatch.Status.SIGNED:
            raise MatterStateError(_("Sign for the matter before marking it done."))
        dispatch.status = Dispatch.Status.DONE
        dispatch.done_at = now
        dispatch.save(update_fields=["status", "done_at"])
        _extensions_close(dispatch, now)
        _audit(by, "matters.dispatch_complete", matter, {"dispatch": [dispatch.pk, "done"]})
        if now <= dispatch.resolve_due_at:
            points_award_quietly(
                holder=dispatch.unit, rule_code="unit_resolved_on_time", source=dispatch, actor=by
            )
        if not matter.dispatches.filter(status__in=Dispatch.ACTIVE).exists():
            _complete(matter, by=by, now=now, result=result)
        else:
            _event(
                matter,
                MatterEvent.Kind.UPDATE,
                by=by,
                now=now,
                unit=dispatch.unit,
                dispatch=dispatch,
                text=result,
            )
    return dispatch


def matter_complete(*, by: User, matter: Matter, result: str, now: datetime | None = None) -> Matter:
    """Staff mark the whole matter done (the units still on it are withdrawn)."""
    now = _now(now)
    result = (result or "").strip()
    if not result:
        raise _invalid("result", _("Say what was done."))
    with transaction.atomic():
        matter = _lock(matter)
        _check(matter, "complete")
        matter.dispatches.filter(status__in=Dispatch.ACTIVE).update(status=Dispatch.Status.WITHDRAWN)
        _complete(matter, by=by, now=now, result=result)
        _audit(by, "matters.complete", matter, {"status": ["in_progress", "done"]})
    return matter


# Carried out as a project (成果项目化, huiketing.projects) ----------------------------------------------


def _project_params(project) -> dict:
    return {"project": project.pk, "project_title": project.title[:100]}


def matter_carry_out_by_project(
    *, by: User | None, matter: Matter, project, now: datetime | None = None
) -> Matter:
    """The meeting's decision on a tabled matter became a project, now started: the project's parties carry
    the matter out, with no dispatch. The project's dates govern: the matter keeps no deadline of its own."""
    now = _now(now)
    with transaction.atomic():
        matter = _lock(matter)
        before = matter.status
        matter.status = _check(matter, "carry_out")
        matter.accepted_at = matter.accepted_at or now
        matter.resolve_due_at = None
        matter.save(update_fields=["status", "accepted_at", "resolve_due_at", "updated_at"])
        _event(matter, MatterEvent.Kind.PROJECT_STARTED, by=by, now=now, params=_project_params(project))
        _audit(
            by,
            "matters.carry_out",
            matter,
            {"status": [before, matter.status], "project": [None, project.pk]},
        )
        _progress(matter, by)
    return matter


def matter_complete_by_project(
    *, by: User | None, matter: Matter, project, result: str = "", now: datetime | None = None
) -> Matter:
    """The project carrying the matter out is finished: the matter is done (units still dispatched to it are
    withdrawn, as when staff complete it), and the resident who raised it is asked to evaluate it."""
    now = _now(now)
    result = (result or "").strip()
    with transaction.atomic():
        matter = _lock(matter)
        _check(matter, "complete")
        matter.dispatches.filter(status__in=Dispatch.ACTIVE).update(status=Dispatch.Status.WITHDRAWN)
        _event(matter, MatterEvent.Kind.PROJECT_FINISHED, by=by, now=now, params=_project_params(project))
        _complete(matter, by=by, now=now, result=result)
        _audit(
            by,
            "matters.complete_by_project",
            matter,
            {"status": ["in_progress", "done"], "project": [None, project.pk]},
        )
    return matter


def matter_release_by_project(
    *, by: User | None, matter: Matter, project, now: datetime | None = None
) -> Matter:
    """The project carrying the matter out was cancelled: the community takes the matter up again (it stays in
    progress while handling units are dispatched to it)."""
    now = _now(now)
    with transaction.atomic():
        matter = _lock(matter)
        before = matter.status
        target = _check(matter, "release")
        if not matter.dispatches.filter(status__in=Dispatch.ACTIVE).exists():
            matter.status = target
            matter.save(update_fields=["status", "updated_at"])
        _event(matter, MatterEvent.Kind.PROJECT_CANCELLED, by=by, now=now, params=_project_params(project))
        _audit(
            by,
            "matters.release_by_project",
            matter,
            {"status": [before, matter.status], "project": [project.pk, None]},
        )
        _progress(matter, by)
    return matter


# Evaluation (公众评事) -----------------------------------------------------------------------------------


def matter_evaluate(
    *,
    by: User,
    matter: Matter,
    result: str,
    comment: str = "",
    solved: bool | None = None,
    by_phone_follow_up: bool = False,
    now: datetime | None = None,
) -> Evaluation:
    """The resident's answer. "Not satisfied" sends the matter back once, then escalates it."""
    now = _now(now)
    comment = (comment or "").strip()
    if result not in Evaluation.Result.values:
        raise _invalid("result", _("Choose satisfied, basically satisfied or not satisfied."))
    if result == Evaluation.Result.NOT_SATISFIED and not comment:
        raise _invalid("comment", _("Tell us what is still wrong, so that it can be handled again."))
    with transaction.atomic():
        matter = _lock(matter)
        _check(matter, "evaluate")
        round_ = matter.rehandle_count + 1
        try:
            with transaction.atomic():
                evaluation = Evaluation.objects.create(
                    matter=matter,
                    round=round_,
                    result=result,
                    solved=solved,
                    comment=comment[:2000],
                    by=by,
                    by_phone_follow_up=by_phone_follow_up,
                    created_at=now,
                    place_code=matter.place_code,
                )
        except IntegrityError:
            raise MatterStateError(_("This round of handling has already been evaluated.")) from None
        before = matter.status
        _event(
            matter,
            MatterEvent.Kind.EVALUATED,
            by=by,
            now=now,
            text=comment,
            params={"result": result, "round": round_, "phone": by_phone_follow_up},
        )
        if result == Evaluation.Result.SATISFIED:
            # Each unit that did its part scores the resident's satisfaction.
            for unit in HandlingUnit.objects.filter(
                dispatches__matter=matter, dispatches__status=Dispatch.Status.DONE
            ).distinct():
                points_award_quietly(holder=unit, rule_code="unit_satisfied", source=evaluation, actor=by)
        if result != Evaluation.Result.NOT_SATISFIED or matter.rehandle_count > REHANDLE_LIMIT:
            matter.status = Status.CLOSED
            matter.closed_at = now
            _event(matter, MatterEvent.Kind.CLOSED, by=by, now=now)
        else:
            # Re-handling (退回重办): the units that did it take it up again, with the resident's comment.
            matter.rehandle_count += 1
            matter.status = Status.IN_PROGRESS
            matter.done_at = None
            matter.resolve_due_at = add_working_days(now, matter.category.resolve_working_days)
            _event(matter, MatterEvent.Kind.REHANDLE, by=by, now=now, text=comment)
            if matter.rehandle_count > REHANDLE_LIMIT:
                _escalate(matter, now=now, reason="not_satisfied_again")
            done_units = HandlingUnit.objects.filter(
                dispatches__matter=matter, dispatches__status=Dispatch.Status.DONE
            ).distinct()
            for unit in done_units:
                again = Dispatch.objects.create(
                    matter=matter,
                    unit=unit,
                    note=comment,
                    dispatched_by=by,
                    created_at=now,
                    sign_due_at=now + timedelta(hours=matter.category.sign_hours),
                    resolve_due_at=matter.resolve_due_at,
                    place_code=matter.place_code,
                )
                _event(matter, MatterEvent.Kind.DISPATCHED, by=by, now=now, unit=unit, dispatch=again)
                staff = _unit_staff(unit)
                params = _params(matter, due=timezone.localtime(again.sign_due_at).strftime("%Y-%m-%d %H:%M"))
                _notify(
                    recipients=staff,
                    kind="matter.dispatched",
                    params=params,
                    link=_link(matter),
                    obj=matter,
                )
            if not matter.dispatches.filter(status__in=Dispatch.ACTIVE).exists():
                matter.status = Status.ACCEPTED
        matter.save()
        _audit(
            by,
            "matters.evaluate",
            matter,
            {"status": [before, matter.status], "evaluation": [None, result]},
            reason="phone follow-up" if by_phone_follow_up else "",
        )
        _progress(matter, by)
    return evaluation


# Deadlines, escalation, evaluation follow-up (background jobs call these) -----------------------------------


def _notice_once(matter: Matter, key: str) -> bool:
    """Record that a notice was given; False when it was given before (by this or any other worker)."""
    try:
        with transaction.atomic():
            DeadlineNotice.objects.create(matter=matter, key=key)
    except IntegrityError:
        return False
    return True


def _escalate(matter: Matter, *, now: datetime, reason: str) -> bool:
    """Move supervision one level up (grid → community → subdistrict → city), once per level."""
    if matter.level >= Level.CITY:
        return False
    target = Level(matter.level + 1)
    if not _notice_once(matter, f"escalated:{target}"):
        return False
    matter.level = target
    Matter.objects.filter(pk=matter.pk).update(level=target)
    _event(
        matter, MatterEvent.Kind.ESCALATED, by=None, now=now, params={"level": int(target), "reason": reason}
    )
    audit_record(
        actor=None,
        action="matters.escalate",
        obj=matter,
        changes={"level": [int(target) - 1, int(target)]},
        place_code=matter.place_code,
        reason=reason,
    )
    code = matter.place_code[: LEVEL_CODE_LENGTH[target]]
    # The cadres of the level it now sits at; if that level has none, whoever covers it from above.
    supervisors = list(
        User.objects.filter(
            is_active=True, roles__role__in=sorted(COMMUNITY_AND_ABOVE), roles__place_code=code
        )
    ) or _staff_of(code, COMMUNITY_AND_ABOVE)
    params = _params(matter)
    _notify(recipients=supervisors, kind="matter.escalated", params=params, link=_link(matter), obj=matter)
    return True


def matters_deadlines_run(*, now: datetime | None = None) -> dict[str, int]:
    """Warn before sign and resolve deadlines, escalate what is overdue, remind and expire evaluations.

    Safe to run any number of times, by any number of workers: each notice has a unique key.
    """
    now = _now(now)
    counts = {"warned": 0, "escalated": 0, "reminded": 0, "expired": 0}
    active = Dispatch.objects.filter(status__in=Dispatch.ACTIVE).select_related("matter__category", "unit")
    # Sign deadlines: warn the unit a few hours before, escalate when passed.
    for dispatch in active.filter(status=Dispatch.Status.WAITING, sign_due_at__lte=now + timedelta(hours=24)):
        matter = dispatch.matter
        warn_at = dispatch.sign_due_at - timedelta(hours=matter.category.warn_hours)
        with transaction.atomic():
            if dispatch.sign_due_at <= now:
                if _notice_once(matter, f"sign_overdue:{dispatch.pk}"):
                    _event(
                        matter,
                        MatterEvent.Kind.OVERDUE,
                        by=None,
                        now=now,
                        unit=dispatch.unit,
                        dispatch=dispatch,
                        params={"what": "sign"},
                        is_public=False,
                    )
                    counts["escalated"] += _escalate(matter, now=now, reason="sign_overdue")
            elif warn_at <= now and _notice_once(matter, f"sign_warning:{dispatch.pk}"):
                _warn(matter, dispatch, now=now, what="sign")
                counts["warned"] += 1
    # Resolve deadlines, per matter.
    open_matters = Matter.objects.filter(
        status=Status.IN_PROGRESS, resolve_due_at__isnull=False, resolve_due_at__lte=now + timedelta(hours=24)
    ).select_related("category")
    for matter in open_matters:
        warn_at = matter.resolve_due_at - timedelta(hours=matter.category.warn_hours)
        due_key = matter.resolve_due_at.isoformat()
        with transaction.atomic():
            if matter.resolve_due_at <= now:
                if _notice_once(matter, f"resolve_overdue:{due_key}"):
                    _event(
                        matter,
                        MatterEvent.Kind.OVERDUE,
                        by=None,
                        now=now,
                        params={"what": "resolve"},
                        is_public=False,
                    )
                    counts["escalated"] += _escalate(matter, now=now, reason="resolve_overdue")
            elif warn_at <= now and _notice_once(matter, f"resolve_warning:{due_key}"):
                for dispatch in matter.dispatches.filter(status__in=Dispatch.ACTIVE).select_related("unit"):
                    _warn(matter, dispatch, now=now, what="resolve")
                counts["warned"] += 1
    # Evaluations: one reminder after 3 days, none counted after 7.
    for matter in Matter.objects.filter(status=Status.DONE, done_at__lte=now - EVALUATION_REMIND_AFTER):
        with transaction.atomic():
            if matter.done_at <= now - EVALUATION_EXPIRES_AFTER:
                locked = _lock(matter)
                if locked.status == Status.DONE:
                    locked.status = _check(locked, "expire_evaluation")
                    locked.closed_at = now
                    locked.save(update_fields=["status", "closed_at", "updated_at"])
                    _event(locked, MatterEvent.Kind.EVALUATION_EXPIRED, by=None, now=now)
                    audit_record(
                        actor=None,
                        action="matters.evaluation_expire",
                        obj=locked,
                        changes={"status": ["done", "closed"]},
                        place_code=locked.place_code,
                    )
                    counts["expired"] += 1
            elif _notice_once(matter, f"evaluation_reminder:{matter.rehandle_count}"):
                _event(matter, MatterEvent.Kind.EVALUATION_REMINDED, by=None, now=now, is_public=False)
                accounts = _raiser_accounts(matter)
                params = _params(matter)
                _notify(
                    recipients=accounts,
                    kind="matter.evaluate_reminder",
                    params=params,
                    link=_link(matter),
                    obj=matter,
                    channels=("inapp", "sms"),
                )
                counts["reminded"] += 1
    return counts


def _warn(matter: Matter, dispatch: Dispatch, *, now: datetime, what: str) -> None:
    due = dispatch.sign_due_at if what == "sign" else dispatch.resolve_due_at
    _event(
        matter,
        MatterEvent.Kind.WARNED,
        by=None,
        now=now,
        unit=dispatch.unit,
        dispatch=dispatch,
        params={"what": what},
        is_public=False,
    )
    staff = _unit_staff(dispatch.unit)
    params = _params(matter, what=what, due=timezone.localtime(due).strftime("%Y-%m-%d %H:%M"))
    _notify(recipients=staff, kind="matter.deadline_warning", params=params, link=_link(matter), obj=matter)


# Categories, units, Open311 clients --------------------------------------------------------------------


def category_save(
    *,
    by: User,
    code: str,
    names: dict,
    sign_hours: int = 24,
    resolve_working_days: int = 7,
    default_unit_kind: str = HandlingUnit.Kind.COMMUNITY,
    descriptions: dict | None = None,
    position: int = 0,
    is_active: bool = True,
) -> Category:
    with transaction.atomic():
        category, _created = Category.objects.update_or_create(
            code=code,
            defaults={
                "names": names,
                "descriptions": descriptions or {},
                "sign_hours": sign_hours,
                "resolve_working_days": resolve_working_days,
                "default_unit_kind": default_unit_kind,
                "position": position,
                "is_active": is_active,
            },
        )
        category.full_clean()
        audit_record(actor=by, action="matters.category_save", obj=category, changes={"code": [None, code]})
    return category


def handling_unit_create(
    *, by: User | None, kind: str, names: dict, place_code: str, organisation=None, is_demo: bool = False
) -> HandlingUnit:
    with transaction.atomic():
        unit = HandlingUnit(
            kind=kind, names=names, place_code=place_code, organisation=organisation, is_demo=is_demo
        )
        unit.full_clean()
        unit.save()
        audit_record(actor=by, action="matters.unit_create", obj=unit, changes={"kind": [None, kind]})
    return unit


def community_unit_for(matter: Matter) -> HandlingUnit:
    """The community's own unit for "handle directly", created the first time it is needed."""
    code = matter.place_code[:12]
    unit = HandlingUnit.objects.filter(kind=HandlingUnit.Kind.COMMUNITY, place_code=code).first()
    if unit is None:
        community = Place.objects.filter(code=code).first()
        names = dict(community.names) if community else {}
        unit = handling_unit_create(by=None, kind=HandlingUnit.Kind.COMMUNITY, names=names, place_code=code)
    return unit


def open311_client_register(*, by: User | None, name: str) -> tuple[Open311Client, str]:
    """Register an application; returns the client and its key, shown once (only a hash is kept)."""
    import hashlib
    import secrets

    name = (name or "").strip()
    if not name:
        raise _invalid("name", _("Give the client a name."))
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        if Open311Client.objects.filter(name=name).exists():
            raise _invalid("name", _("A client with this name exists."))
        client = Open311Client.objects.create(
            name=name, key_hash=hashlib.sha256(key.encode()).hexdigest(), key_hint=key[:4]
        )
        audit_record(actor=by, action="matters.open311_client_register", obj=client)
    return client, key


def open311_client_for_key(key: str) -> Open311Client | None:
    import hashlib

    if not key:
        return None
    return Open311Client.objects.filter(
        key_hash=hashlib.sha256(key.encode()).hexdigest(), is_active=True
    ).first()


# Open311 GeoReport v2 (huiketing.open311): a request posted by a registered client -------------------------


def open311_request_create(
    *,
    client: Open311Client,
    category: Category,
    title: str,
    description: str,
    latitude: float | None = None,
    longitude: float | None = None,
    address: str = "",
    place_code: str | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    media_url: str = "",
    language: str = "",
    now: datetime | None = None,
) -> Matter:
    """A matter raised through Open311. The client's `media_url` is kept on the "raised" timeline entry (it is
    a link to somewhere else, never fetched by us)."""
    with transaction.atomic():
        matter = matter_raise(
            by=None,
            title=title,
            description=description,
            category=category,
            latitude=latitude,
            longitude=longitude,
            address=address,
            place_code=place_code,
            channel=Channel.OPEN311,
            contact_name=contact_name,
            contact_phone=contact_phone,
            contact_email=contact_email,
            open311_client=client,
            language=language,
            now=now,
        )
        if media_url:
            event = matter.events.get(kind=MatterEvent.Kind.RAISED)
            event.params = {**event.params, "media_url": media_url}
            event.save(update_fields=["params"])
    return matter
