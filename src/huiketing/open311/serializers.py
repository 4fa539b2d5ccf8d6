"""Categories and matters as GeoReport v2 services and service requests.

A service request carries no personal data: no names, phone numbers, e-mail addresses or accounts, whoever
raised it and however. Names and notes are written in the request's language (`Accept-Language`, `?lang=`),
Chinese by default. Date-times are ISO 8601 with the city's offset (+08:00).
"""

from datetime import datetime

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from huiketing.core.i18n import pick
from huiketing.matters.models import OPEN_STATUSES, Category, Matter, MatterEvent, Status
from huiketing.matters.services import REJECT_REASONS

from .inputs import ATTRIBUTES

# The route of a public photo of a matter, when the public pages provide one.
PHOTO_ROUTE = "matters:photo"


def w3(value: datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _blank(value: str) -> str | None:
    return value or None


def service(category: Category) -> dict:
    name = pick(category.names) or category.code
    # The other languages' names are the keywords, so that a client can find a service whatever it is called.
    keywords = list(dict.fromkeys(value for value in category.names.values() if value and value != name))
    return {
        "service_code": category.code,
        "service_name": name,
        "description": _blank(pick(category.descriptions)),
        "metadata": bool(ATTRIBUTES),
        "type": "realtime",
        "keywords": _blank(", ".join(keywords)),
        "group": None,
    }


def service_definition(category: Category) -> dict:
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": "title",
                "datatype": "string",
                "required": False,
                "datatype_description": _("One line, at most 120 characters."),
                "order": 1,
                "description": _(
                    "A short title for the request. Without one, the first line of the description is "
                    "its title."
                ),
                "values": [],
            }
        ],
    }


def service_notice(category: Category) -> str:
    return ngettext(
        "A handling unit signs for it within %(hours)s hours and resolves it within %(days)s working day.",
        "A handling unit signs for it within %(hours)s hours and resolves it within %(days)s working days.",
        category.resolve_working_days,
    ) % {"hours": category.sign_hours, "days": category.resolve_working_days}


def _status_notes(matter: Matter, label: str) -> str:
    if matter.status == Status.MERGED:
        return _("A duplicate of request %(id)s, which is handled instead.") % {"id": matter.duplicate_of_id}
    if matter.status == Status.REJECTED:
        rejected = next(
            (event for event in reversed(matter.open311_events) if event.kind == MatterEvent.Kind.REJECTED),
            None,
        )
        if rejected is None:
            return label
        reason = REJECT_REASONS.get(rejected.params.get("reason_kind", ""), label)
        notes = str(reason)
        if rejected.text:
            notes = _("%(reason)s: %(explanation)s") % {"reason": reason, "explanation": rejected.text}
        if referred_to := rejected.params.get("referred_to"):
            notes = _("%(notes)s Turn to: %(who)s.") % {"notes": notes, "who": referred_to}
        return notes
    if matter.status in (Status.DONE, Status.CLOSED) and matter.result:
        return matter.result
    return label


def _media_url(matter: Matter, request) -> str | None:
    if matter.open311_photos:
        try:
            return request.build_absolute_uri(
                reverse(PHOTO_ROUTE, kwargs={"pk": matter.open311_photos[0].pk})
            )
        except NoReverseMatch:
            pass
    raised = next((event for event in matter.open311_events if event.kind == MatterEvent.Kind.RAISED), None)
    return (raised.params.get("media_url") if raised else None) or None


def service_requests(matters, request) -> list[dict]:
    """Matters (from `selectors.open311_requests` and friends, which prefetch what this reads)."""
    memo: dict = {}
    return [service_request(matter, request, memo) for matter in matters]


def service_request(matter: Matter, request, memo: dict | None = None) -> dict:
    """One matter; `memo` keeps what is the same for many matters (statuses, a category's texts)."""
    memo = {} if memo is None else memo
    if "statuses" not in memo:
        # Translated once per answer rather than once per request (get_status_display is slow at 1000).
        memo["statuses"] = {value: str(label) for value, label in Status.choices}
    category = matter.category
    if category.pk not in memo:
        memo[category.pk] = (pick(category.names) or category.code, service_notice(category))
    service_name, notice = memo[category.pk]
    is_open = matter.status in OPEN_STATUSES
    closed_at = matter.closed_at or matter.done_at
    units = list(dict.fromkeys(str(dispatch.unit) for dispatch in matter.open311_dispatches))
    return {
        "service_request_id": str(matter.pk),
        "status": "open" if is_open else "closed",
        "status_notes": _blank(_status_notes(matter, memo["statuses"][matter.status])),
        "service_name": service_name,
        "service_code": category.code,
        "description": matter.description,
        "agency_responsible": _blank(", ".join(units)),
        "service_notice": notice,
        "requested_datetime": w3(matter.created_at),
        "updated_datetime": w3(matter.updated_at if is_open or closed_at is None else closed_at),
        "expected_datetime": w3(matter.resolve_due_at),
        "address": _blank(matter.address),
        "address_id": matter.place_code,
        "zipcode": None,
        "lat": matter.latitude,
        "long": matter.longitude,
        "media_url": _media_url(matter, request),
    }


def token(matter: Matter) -> dict:
    return {"service_request_id": str(matter.pk), "token": str(matter.token)}


def created(matter: Matter) -> dict:
    """The answer to POST requests. Our services are "realtime": the request's id, and (the spec: "this should
    not be returned if service_request_id is returned") no token."""
    return {
        "service_request_id": str(matter.pk),
        "service_notice": service_notice(matter.category),
        "account_id": None,
    }
