"""Reading what Open311 clients send: the filters of `GET requests` and the form of `POST requests`.

Bad input is an `Open311Error` with the HTTP status the spec gives it and a description naming the parameter.
Following the spec's "optional arguments", a parameter sent empty is the same as one not sent.
"""

import math
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone

from huiketing.places.models import Level, Place

from .addresses import grid_for_address

# The spec: "Default query limit is a span of 90 days or first 1000 requests returned, whichever is smallest."
MAX_SPAN = timedelta(days=90)
MAX_RESULTS = 1000
MAX_IDS = 1000
STATUSES = ("open", "closed")
# Attributes every service takes (GET services/{code}): code → (datatype, max length).
ATTRIBUTES = {"title": ("string", 120)}
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{2,29}$")
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]*)\](\[\])?$")
# The W3C profile of ISO 8601 the spec asks for: a day, or a time of day with its offset.
_W3 = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,6})\d*)?)?"
    r"(?P<offset>Z|[+-]\d{2}:\d{2}))?$"
)


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions: str):
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = descriptions


def _value(params, name: str) -> str:
    return (params.get(name) or "").strip()


def w3_datetime(name: str, value: str) -> tuple[datetime, bool]:
    """A W3C date-time, and whether it was a day only (which is read in the city's time zone)."""
    # An unescaped "+" in a query string arrives as a space: "…T00:00:00 08:00" is "…T00:00:00+08:00".
    value = re.sub(r" (\d{2}:\d{2})$", r"+\1", value)
    match = _W3.match(value)
    error = Open311Error(
        400,
        f"{name} must be a W3C date-time with its offset, e.g. 2024-05-01T00:00:00+08:00, "
        "or a day, e.g. 2024-05-01.",
    )
    if match is None:
        raise error
    try:
        if match["hour"] is None:
            day = datetime.fromisoformat(match["date"]).date()
            return timezone.make_aware(datetime.combine(day, time.min)), True
        fraction = (match["fraction"] or "").ljust(6, "0")
        offset = "+00:00" if match["offset"] == "Z" else match["offset"]
        text = (
            f"{match['date']}T{match['hour']}:{match['minute']}:{match['second'] or '00'}.{fraction}{offset}"
        )
        return datetime.fromisoformat(text), False
    except ValueError:
        raise error from None


@dataclass
class RequestFilters:
    ids: list[int] | None = None
    service_codes: list[str] | None = None
    start: datetime | None = None
    end: datetime | None = None
    end_inclusive: bool = True
    status: str = ""  # "open", "closed", or "" for both


def _comma_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def request_filters(params, *, now: datetime) -> RequestFilters:
    """The filters of GET requests. service_request_id overrides every other one (the spec); otherwise the
    period defaults to the 90 days before now, one bound given means 90 days from or to it, and a period
    longer than 90 days is refused."""
    if raw_ids := _value(params, "service_request_id"):
        parts = _comma_list(raw_ids)
        if not parts or not all(part.isdigit() and len(part) <= 18 for part in parts):
            raise Open311Error(
                400, "service_request_id must be one or more request ids, separated by commas."
            )
        if len(parts) > MAX_IDS:
            raise Open311Error(400, f"service_request_id may list at most {MAX_IDS} ids.")
        return RequestFilters(ids=[int(part) for part in parts])
    filters = RequestFilters()
    if codes := _value(params, "service_code"):
        filters.service_codes = _comma_list(codes)
    if statuses := _value(params, "status"):
        chosen = {part.lower() for part in _comma_list(statuses)}
        if not chosen or not chosen <= set(STATUSES):
            raise Open311Error(400, "status must be open, closed, or both separated by a comma.")
        filters.status = next(iter(chosen)) if len(chosen) == 1 else ""
    start = end = None
    end_is_day = False
    if raw := _value(params, "start_date"):
        start, _day = w3_datetime("start_date", raw)
    if raw := _value(params, "end_date"):
        end, end_is_day = w3_datetime("end_date", raw)
        if end_is_day:
            # A day as the latest date includes the whole of that day.
            end = end + timedelta(days=1)
            filters.end_inclusive = False
    if start is None and end is None:
        start, end = now - MAX_SPAN, now
    elif start is None:
        start = end - MAX_SPAN
    elif end is None:
        end = start + MAX_SPAN
    if end < start:
        raise Open311Error(400, "end_date is before start_date.")
    if end - start > MAX_SPAN + (timedelta(days=1) if end_is_day else timedelta(0)):
        raise Open311Error(400, "start_date and end_date may not span more than 90 days.")
    filters.start, filters.end = start, end
    return filters


@dataclass
class RequestForm:
    service_code: str
    title: str
    description: str
    latitude: float | None
    longitude: float | None
    address: str
    place_code: str | None
    contact_name: str
    contact_phone: str
    contact_email: str
    media_url: str


def _text_field(params, name: str, limit: int, errors: list[str], *, one_line: bool = False) -> str | None:
    """The value, "" when not sent, None when refused (the reason added to `errors`)."""
    value = _value(params, name)
    if _CONTROL.search(value):
        errors.append(f"{name} holds control characters.")
    elif one_line and ("\n" in value or "\r" in value):
        errors.append(f"{name} must be on one line.")
    elif len(value) > limit:
        errors.append(f"{name} may be at most {limit} characters.")
    else:
        return value
    return None


def _attributes(params, errors: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for key in params:
        if not key.startswith("attribute"):
            continue
        match = _ATTRIBUTE.match(key)
        if match is None:
            errors.append(f"{key} is not of the form attribute[code]=value.")
            continue
        code = match[1]
        if code not in ATTRIBUTES:
            errors.append(
                f"attribute[{code}] is not an attribute of this service (see GET services/{{code}})."
            )
            continue
        values = [value.strip() for value in params.getlist(key) if value.strip()]
        if len(values) > 1 or code in found:
            errors.append(f"attribute[{code}] takes one value.")
            continue
        if values:
            _datatype, limit = ATTRIBUTES[code]
            value = values[0]
            if _CONTROL.search(value) or "\n" in value or "\r" in value:
                errors.append(f"attribute[{code}] must be one line of text.")
            elif len(value) > limit:
                errors.append(f"attribute[{code}] may be at most {limit} characters.")
            else:
                found[code] = value
    return found


def _coordinate(params, name: str, low: float, high: float, errors: list[str]) -> float | None:
    raw = _value(params, name)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not low <= value <= high:
        errors.append(f"{name} must be a WGS-84 {'latitude' if name == 'lat' else 'longitude'} in degrees.")
        return None
    return value


def title_from(description: str, limit: int = 120) -> str:
    """The first line of the description, shortened to `limit` characters."""
    line = next((line.strip() for line in description.splitlines() if line.strip()), "")
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _person_name(first: str, last: str) -> str:
    # Chinese names are written family name first, without a space.
    if first and last and _HAN.search(first) and _HAN.search(last):
        return last + first
    return " ".join(part for part in (first, last) if part)


def request_form(params) -> RequestForm:
    """The fields of POST requests, checked; the location resolved to a grid (coordinates are looked up when
    the matter is raised; an address_id is a grid's code; an address_string is read for our place names)."""
    errors: list[str] = []
    service_code = _value(params, "service_code")
    if not service_code:
        errors.append("service_code is required (see GET services).")
    description = _text_field(params, "description", 4000, errors)
    attributes = _attributes(params, errors)
    latitude = _coordinate(params, "lat", -90.0, 90.0, errors)
    longitude = _coordinate(params, "long", -180.0, 180.0, errors)
    address = _text_field(params, "address_string", 200, errors, one_line=True)
    address_id = _value(params, "address_id")
    first_name = _text_field(params, "first_name", 50, errors, one_line=True)
    last_name = _text_field(params, "last_name", 50, errors, one_line=True)
    phone = _text_field(params, "phone", 30, errors, one_line=True)
    if phone and not _PHONE.match(phone):
        errors.append("phone must be a telephone number (digits, with +, spaces, hyphens or brackets).")
    email = _text_field(params, "email", 254, errors, one_line=True)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append("email is not an e-mail address.")
    media_url = _text_field(params, "media_url", 500, errors, one_line=True)
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            errors.append("media_url must be an http or https URL.")
    if description == "":
        errors.append("description is required: say what the request is about.")
    place_code = None
    has_lat, has_long = bool(_value(params, "lat")), bool(_value(params, "long"))
    if has_lat != has_long:
        errors.append("lat and long must be sent together.")
    elif not has_lat:
        if address_id:
            is_grid = re.fullmatch(r"[0-9]{15}", address_id) and (
                Place.objects.filter(code=address_id, level=Level.GRID).exists()
            )
            if not is_grid:
                errors.append("address_id must be the 15-digit code of one of our grids.")
            else:
                place_code = address_id
        elif address:
            found = grid_for_address(address)
            if found.grid is None:
                errors.append(found.problem)
            else:
                place_code = found.grid.code
        elif address is not None:
            errors.append("A location is required: lat and long, or address_string, or address_id.")
    if errors:
        raise Open311Error(400, *errors)
    return RequestForm(
        service_code=service_code,
        title=attributes.get("title") or title_from(description or ""),
        description=description or "",
        latitude=latitude,
        longitude=longitude,
        address=address or "",
        place_code=place_code,
        contact_name=_person_name(first_name or "", last_name or ""),
        contact_phone=phone or "",
        contact_email=email or "",
        media_url=media_url or "",
    )
