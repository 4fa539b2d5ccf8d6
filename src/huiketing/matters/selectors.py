"""Reads of matters that depend on who is asking, public reads, duplicate suggestions and the three rates."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, Prefetch, Q
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from huiketing.core import scope
from huiketing.people.models import ORGANISATION_ROLES, Role, User

from .models import (
    OPEN_STATUSES,
    TAKEN_ON_STATUSES,
    Category,
    Dispatch,
    Evaluation,
    ExtensionRequest,
    HandlingUnit,
    Matter,
    MatterEvent,
    MatterPhoto,
    Status,
)
from .rules import STAFF_VIEW_ROLES, TRIAGE_ROLES

PUBLIC_STATUSES = [s for s in Status.values if s != Status.MERGED]


def categories_active():
    return Category.objects.filter(is_active=True).order_by("position", "id")


# Public ------------------------------------------------------------------------------------------------


def matters_public(*, filters: dict | None = None):
    """Matters anyone may read: not hidden, newest first. Personal data is never part of a public page."""
    filters = filters or {}
    qs = Matter.objects.filter(is_hidden=False).exclude(status=Status.MERGED).select_related("category")
    if place := filters.get("place"):
        qs = qs.filter(place_code__startswith=place)
    if status := filters.get("status"):
        qs = qs.filter(status=status) if status != "open" else qs.filter(status__in=OPEN_STATUSES)
    if category := filters.get("category"):
        qs = qs.filter(category__code=category)
    return qs.order_by("-created_at", "-id")


def matter_get_public(*, matter_id: int) -> Matter:
    """One public matter with its public timeline and photos; hidden ones are missing (404)."""
    matter = (
        Matter.objects.filter(pk=matter_id, is_hidden=False)
        .select_related("category", "duplicate_of")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=MatterEvent.objects.filter(is_public=True)
                .select_related("unit")
                .prefetch_related("photos"),
                to_attr="public_events",
            ),
            Prefetch(
                "photos",
                queryset=MatterPhoto.objects.filter(event__kind=MatterEvent.Kind.RAISED),
                to_attr="raised_photos",
            ),
            Prefetch(
                "dispatches", queryset=Dispatch.objects.select_related("unit"), to_attr="all_dispatches"
            ),
        )
        .first()
    )
    if matter is None:
        raise Http404
    return matter


def photo_get_public(*, photo_id: int) -> MatterPhoto:
    photo = (
        MatterPhoto.objects.filter(pk=photo_id, matter__is_hidden=False)
        .exclude(Q(event__is_public=False))
        .first()
    )
    if photo is None:
        raise Http404
    return photo


def matters_of_account(*, user: User):
    """What the signed-in person raised or follows."""
    resident = getattr(user, "resident", None) if hasattr(user, "resident") else None
    query = Q(raised_by=user) | Q(follows__user=user)
    if resident is not None:
        query |= Q(resident=resident)
    return Matter.objects.filter(query).distinct().select_related("category").order_by("-created_at", "-id")


def matters_awaiting_evaluation(*, user: User):
    from .rules import raised_it

    return [m for m in matters_of_account(user=user).filter(status=Status.DONE) if raised_it(user, m)]


def similar_open_matters(
    *,
    text: str,
    latitude: float | None = None,
    longitude: float | None = None,
    place_code: str = "",
    limit: int = 5,
) -> list[tuple[Matter, float]]:
    """Open matters in the same grid or within 100 m whose text is similar: suggested while raising."""
    from .similarity import bbox_around, distance_m, rank_similar

    if not text.strip():
        return []
    query = Q()
    if place_code:
        query |= Q(place_code=place_code)
    if latitude is not None and longitude is not None:
        min_lat, max_lat, min_lng, max_lng = bbox_around(latitude, longitude, 100)
        query |= Q(latitude__range=(min_lat, max_lat), longitude__range=(min_lng, max_lng))
    if not query:
        return []
    rows = (
        Matter.objects.filter(query, status__in=OPEN_STATUSES, is_hidden=False)
        .order_by("-created_at")
        .values_list("pk", "title", "description", "place_code", "latitude", "longitude")[:500]
    )

    def near(code, lat, lng) -> bool:
        # The box's corners lie up to 141 m away: keep the same grid, or a true distance of 100 m.
        if place_code and code == place_code:
            return True
        if latitude is None or longitude is None or lat is None or lng is None:
            return False
        return distance_m(latitude, longitude, lat, lng) <= 100

    candidates = [(pk, f"{title} {description}") for pk, title, description, *where in rows if near(*where)]
    ranked = rank_similar(text, candidates, limit=limit)
    by_id = Matter.objects.select_related("category").in_bulk([pk for pk, _score in ranked])
    return [(by_id[pk], score) for pk, score in ranked if pk in by_id]


# Staff -------------------------------------------------------------------------------------------------


def _unit_ids_for(user: User) -> set[int]:
    """Handling units the user works for: their organisations' units, and community units they cover."""
    organisations = scope.organisation_ids(user, ORGANISATION_ROLES)
    ids = set()
    if organisations:
        ids |= set(
            HandlingUnit.objects.filter(organisation_id__in=organisations).values_list("pk", flat=True)
        )
    prefixes = scope.role_codes(user, TRIAGE_ROLES)
    if prefixes:
        ids |= set(
            HandlingUnit.objects.filter(organisation__isnull=True)
            .filter(scope.scope_q(user, roles=TRIAGE_ROLES))
            .values_list("pk", flat=True)
        )
    return ids


def staff_scope_q(user: User) -> Q:
    """Matters in the places the user covers, or dispatched (ever) to a unit the user works for."""
    query = scope.scope_q(user, roles=STAFF_VIEW_ROLES)
    unit_ids = _unit_ids_for(user)
    if unit_ids:
        query |= Q(pk__in=Dispatch.objects.filter(unit_id__in=unit_ids).values("matter_id"))
    return query


def matters_for_staff(*, user: User, filters: dict | None = None):
    filters = filters or {}
    qs = Matter.objects.filter(staff_scope_q(user)).select_related("category")
    if place := filters.get("place"):
        qs = qs.filter(place_code__startswith=place)
    status = filters.get("status")
    now = filters.get("now") or timezone.now()
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status == "overdue":
        qs = qs.filter(status=Status.IN_PROGRESS, resolve_due_at__lt=now)
    elif status == "ended":
        qs = qs.filter(status__in=[Status.CLOSED, Status.REJECTED, Status.MERGED])
    elif status:
        qs = qs.filter(status=status)
    if category := filters.get("category"):
        qs = qs.filter(category__code=category)
    if filters.get("mine"):
        qs = qs.filter(Q(raised_by=user) | Q(follows__user=user)).distinct()
    if since := filters.get("since"):
        qs = qs.filter(created_at__gte=since)
    if until := filters.get("until"):
        qs = qs.filter(created_at__lt=until)
    if text := (filters.get("q") or "").strip():
        if text.isdigit():
            qs = qs.filter(pk=int(text))
        else:
            qs = qs.filter(Q(title__icontains=text) | Q(description__icontains=text))
    return qs.order_by("-created_at", "-id")


def matter_get_for_staff(*, user: User, matter_id: int) -> Matter:
    """One matter for staff, with everything the detail page shows; missing and out of scope are both 404."""
    matter = (
        Matter.objects.filter(staff_scope_q(user), pk=matter_id)
        .select_related("category", "raised_by", "resident", "duplicate_of", "open311_client")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=MatterEvent.objects.select_related("actor", "unit").prefetch_related("photos"),
            ),
            Prefetch(
                "dispatches",
                queryset=Dispatch.objects.select_related("unit", "signed_by").prefetch_related(
                    Prefetch("extensions", queryset=ExtensionRequest.objects.order_by("requested_at"))
                ),
            ),
            "evaluations",
            "photos",
        )
        .first()
    )
    if matter is None:
        raise Http404
    return matter


def dispatch_get_for_unit(*, user: User, dispatch_id: int) -> Dispatch:
    dispatch = (
        Dispatch.objects.filter(pk=dispatch_id, unit_id__in=_unit_ids_for(user))
        .select_related("matter__category", "unit")
        .first()
    )
    if dispatch is None and Role.ADMIN in scope.role_set(user):
        dispatch = Dispatch.objects.select_related("matter__category", "unit").filter(pk=dispatch_id).first()
    if dispatch is None:
        raise Http404
    return dispatch


def unit_inbox(*, user: User, status: str = "active"):
    """Dispatches to the units the user works for: waiting and being handled first, the soonest due first."""
    qs = Dispatch.objects.filter(unit_id__in=_unit_ids_for(user)).select_related("matter__category", "unit")
    if status == "active":
        qs = qs.filter(status__in=Dispatch.ACTIVE)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("sign_due_at", "id")


def units_for_dispatch(*, matter: Matter):
    """Units that may take a matter: those serving its area (by code prefix) and the city-wide ones."""
    prefixes = [matter.place_code[:n] for n in (6, 9, 12, 15)]
    return HandlingUnit.objects.filter(is_active=True, place_code__in=prefixes).select_related("organisation")


def extension_get_for_triage(*, user: User, extension_id: int) -> ExtensionRequest:
    extension = (
        ExtensionRequest.objects.filter(pk=extension_id)
        .filter(Q(dispatch__matter__in=Matter.objects.filter(scope.scope_q(user, roles=TRIAGE_ROLES))))
        .select_related("dispatch__matter", "dispatch__unit")
        .first()
    )
    if extension is None:
        raise Http404
    return extension


# The three rates (三率) ---------------------------------------------------------------------------------


GROUP_LENGTH = {"city": 6, "subdistrict": 9, "community": 12, "grid": 15}


@dataclass
class Rates:
    key: str
    signed_in_time: int = 0
    due_to_sign: int = 0
    resolved: int = 0
    taken_on: int = 0
    satisfied: int = 0
    basically: int = 0
    evaluated: int = 0
    extra: dict = field(default_factory=dict)

    @staticmethod
    def _ratio(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    @property
    def response_rate(self) -> float | None:
        return self._ratio(self.signed_in_time, self.due_to_sign)

    @property
    def resolution_rate(self) -> float | None:
        return self._ratio(self.resolved, self.taken_on)

    @property
    def satisfaction_rate(self) -> float | None:
        return self._ratio(self.satisfied + self.basically, self.evaluated)


def rates(
    *,
    start: datetime,
    end: datetime,
    within: str = "",
    group_by: str = "community",
    now: datetime | None = None,
) -> list[Rates]:
    """The response, resolution and satisfaction rates for matters raised in [start, end), with their counts.

    - response: dispatches made in the period that were signed for within their deadline, over those whose
      deadline has passed or that were signed (a dispatch still inside its time to sign counts in neither);
    - resolution: matters taken on (accepted, dispatched, done or closed) that are done or closed;
    - satisfaction: evaluations of those matters that say satisfied or basically satisfied, over all
      evaluations (each round counts; "no evaluation" counts in neither).

    Grouped by place (`city`, `subdistrict`, `community`, `grid`: a prefix of the place code) or by `unit`.
    Three aggregate queries whatever the number of matters or groups.
    """
    now = now or timezone.now()
    matters = Matter.objects.filter(created_at__gte=start, created_at__lt=end)
    dispatches = Dispatch.objects.filter(matter__created_at__gte=start, matter__created_at__lt=end)
    evaluations = Evaluation.objects.filter(matter__created_at__gte=start, matter__created_at__lt=end)
    if within:
        matters = matters.filter(place_code__startswith=within)
        dispatches = dispatches.filter(place_code__startswith=within)
        evaluations = evaluations.filter(place_code__startswith=within)
    if group_by == "unit":
        matter_key, dispatch_key, evaluation_key = (
            F("dispatches__unit_id"),
            F("unit_id"),
            None,
        )
    else:
        length = GROUP_LENGTH[group_by]
        matter_key = Substr("place_code", 1, length)
        dispatch_key = Substr("place_code", 1, length)
        evaluation_key = Substr("place_code", 1, length)
    out: dict[str, Rates] = {}

    def row(key) -> Rates:
        key = str(key)
        return out.setdefault(key, Rates(key=key))

    due = Q(signed_at__isnull=False) | Q(sign_due_at__lte=now)
    for item in (
        dispatches.filter(due)
        .annotate(k=dispatch_key)
        .values("k")
        .annotate(
            due_to_sign=Count("pk"),
            in_time=Count("pk", filter=Q(signed_at__isnull=False, signed_at__lte=F("sign_due_at"))),
        )
    ):
        entry = row(item["k"])
        entry.due_to_sign, entry.signed_in_time = item["due_to_sign"], item["in_time"]
    if group_by == "unit":
        taken = Dispatch.objects.filter(pk__in=dispatches.values("pk")).exclude(status="withdrawn")
        for item in taken.values("unit_id").annotate(
            taken_on=Count("matter_id", distinct=True),
            resolved=Count("matter_id", distinct=True, filter=Q(status="done")),
        ):
            entry = row(item["unit_id"])
            entry.taken_on, entry.resolved = item["taken_on"], item["resolved"]
        for item in (
            evaluations.filter(matter__dispatches__status="done")
            .values("matter__dispatches__unit_id")
            .annotate(
                evaluated=Count("pk", distinct=True),
                satisfied=Count("pk", distinct=True, filter=Q(result=Evaluation.Result.SATISFIED)),
                basically=Count("pk", distinct=True, filter=Q(result=Evaluation.Result.BASICALLY)),
            )
        ):
            entry = row(item["matter__dispatches__unit_id"])
            entry.evaluated, entry.satisfied, entry.basically = (
                item["evaluated"],
                item["satisfied"],
                item["basically"],
            )
    else:
        for item in (
            matters.filter(status__in=TAKEN_ON_STATUSES)
            .annotate(k=matter_key)
            .values("k")
            .annotate(
                taken_on=Count("pk"),
                resolved=Count("pk", filter=Q(status__in=[Status.DONE, Status.CLOSED])),
            )
        ):
            entry = row(item["k"])
            entry.taken_on, entry.resolved = item["taken_on"], item["resolved"]
        for item in (
            evaluations.annotate(k=evaluation_key)
            .values("k")
            .annotate(
                evaluated=Count("pk"),
                satisfied=Count("pk", filter=Q(result=Evaluation.Result.SATISFIED)),
                basically=Count("pk", filter=Q(result=Evaluation.Result.BASICALLY)),
            )
        ):
            entry = row(item["k"])
            entry.evaluated, entry.satisfied, entry.basically = (
                item["evaluated"],
                item["satisfied"],
                item["basically"],
            )
    return [out[key] for key in sorted(out)]


def rates_total(*, start: datetime, end: datetime, within: str = "", now: datetime | None = None) -> Rates:
    """The rates of one place (the whole city by default) as a single row."""
    length = len(within) if within else 6
    group = {6: "city", 9: "subdistrict", 12: "community", 15: "grid"}[length]
    rows = rates(start=start, end=end, within=within, group_by=group, now=now)
    total = Rates(key=within)
    for item in rows:
        for name in (
            "signed_in_time",
            "due_to_sign",
            "resolved",
            "taken_on",
            "satisfied",
            "basically",
            "evaluated",
        ):
            setattr(total, name, getattr(total, name) + getattr(item, name))
    return total


def problems_solved(*, start: datetime, end: datetime, within: str = "") -> int:
    """The figure Altay reports as "problems solved": matters done or closed after being taken on."""
    qs = Matter.objects.filter(done_at__isnull=False, done_at__gte=start, done_at__lt=end)
    qs = qs.filter(status__in=[Status.DONE, Status.CLOSED])
    if within:
        qs = qs.filter(place_code__startswith=within)
    return qs.count()


# The rates pages and API (rates_views, rates_api): whose rates a user may read, and their table ----------


GROUPINGS = ("city", "subdistrict", "community", "grid", "unit")


@dataclass
class RatesScope:
    """What a user may read rates of: place-code prefixes ("" for everywhere) and handling units.

    Place-scoped staff read the places they cover; department staff (and other organisation staff) read the
    units of their organisations, grouped by unit.
    """

    codes: list[str]
    unit_ids: set[int]

    @property
    def everywhere(self) -> bool:
        return scope.EVERYTHING in self.codes

    @property
    def units_only(self) -> bool:
        return not self.codes

    def covers(self, code: str) -> bool:
        return any(code.startswith(prefix) for prefix in self.codes)


def rates_scope(*, user: User) -> RatesScope:
    codes = scope.role_codes(user, STAFF_VIEW_ROLES)
    organisations = scope.organisation_ids(user, ORGANISATION_ROLES)
    unit_ids = (
        set(HandlingUnit.objects.filter(organisation_id__in=organisations).values_list("pk", flat=True))
        if organisations and not codes
        else set()
    )
    return RatesScope(codes=codes, unit_ids=unit_ids)


def rates_places(*, user: User, scope_: RatesScope, extra: str = ""):
    """The places a user may read rates within, for a choice list: down to communities, plus their own
    scope's places and `extra` (one query)."""
    from huiketing.places.models import Level as PlaceLevel
    from huiketing.places.models import Place

    if scope_.units_only:
        return []
    query = Q(level__in=[PlaceLevel.CITY, PlaceLevel.SUBDISTRICT, PlaceLevel.COMMUNITY])
    own = [code for code in scope_.codes if code] + ([extra] if extra else [])
    if own:
        query |= Q(code__in=own)
    inside = Q() if scope_.everywhere else scope.scope_q(user, field="code", roles=STAFF_VIEW_ROLES)
    return list(Place.objects.filter(query).filter(inside).order_by("code").only("code", "names", "level"))


def rates_within_get(*, user: User, scope_: RatesScope, within: str):
    """The place rates are read within: a place in the user's scope (404 for one outside it or missing), or
    None for everywhere (administrators) and for department staff (their units, wherever they worked).
    Without `within`, the user's first place."""
    from huiketing.places.models import Place

    if scope_.units_only:
        if within:
            raise Http404
        return None
    if not within:
        if scope_.everywhere:
            cities = list(Place.objects.filter(code__regex=r"^[0-9]{6}$").order_by("code")[:2])
            return cities[0] if len(cities) == 1 else None
        within = scope_.codes[0]
    if not (scope_.everywhere or scope_.covers(within)):
        raise Http404
    place = Place.objects.filter(code=within).first()
    if place is None:
        raise Http404
    return place


@dataclass
class RatesRow:
    key: str
    name: str
    rates: Rates


@dataclass
class RatesTable:
    start: datetime
    end: datetime
    group_by: str
    within: object  # a Place, or None
    total: Rates
    rows: list[RatesRow]
    problems_solved: int


def _rates_sum(rows: list[Rates], key: str = "") -> Rates:
    total = Rates(key=key)
    for item in rows:
        for name in (
            "signed_in_time",
            "due_to_sign",
            "resolved",
            "taken_on",
            "satisfied",
            "basically",
            "evaluated",
        ):
            setattr(total, name, getattr(total, name) + getattr(item, name))
    return total


def rates_table(
    *,
    scope_: RatesScope,
    start: datetime,
    end: datetime,
    within=None,
    group_by: str = "community",
    now: datetime | None = None,
) -> RatesTable:
    """The rates of matters raised in [start, end) within a place, one row per group, with the group's name.

    A constant number of queries whatever the number of matters and groups: the three of `rates` (three
    more for the overall figures when grouped by unit), one for the names, one for "problems solved".
    """
    from huiketing.core.i18n import pick
    from huiketing.places.models import Place

    code = within.code if within is not None else ""
    if scope_.units_only:
        group_by = "unit"
    found = rates(start=start, end=end, within=code, group_by=group_by, now=now)
    if group_by == "unit":
        if scope_.units_only:
            found = [item for item in found if item.key.isdigit() and int(item.key) in scope_.unit_ids]
        names = {
            str(unit.pk): str(unit)
            for unit in HandlingUnit.objects.filter(
                pk__in=[int(item.key) for item in found if item.key.isdigit()]
            )
        }
        if scope_.units_only:
            total = _rates_sum(found)
            solved = total.resolved
        else:
            total = rates_total(start=start, end=end, within=code, now=now)
            solved = problems_solved(start=start, end=end, within=code)
    else:
        names = {
            place_code: pick(place_names)
            for place_code, place_names in Place.objects.filter(
                code__in=[item.key for item in found]
            ).values_list("code", "names")
        }
        total = _rates_sum(found, code)
        solved = problems_solved(start=start, end=end, within=code)
    rows = [RatesRow(key=item.key, name=names.get(item.key, ""), rates=item) for item in found]
    rows.sort(key=lambda row: (row.name if group_by == "unit" else row.key, row.key))
    return RatesTable(
        start=start, end=end, group_by=group_by, within=within, total=total, rows=rows, problems_solved=solved
    )


# Staff pages (staff_views.py): the community's triage board and the places a staff member filters by --------


def triage_new(*, user: User):
    """New matters waiting for triage in the places the user triages, oldest first."""
    return (
        Matter.objects.filter(scope.scope_q(user, roles=TRIAGE_ROLES), status=Status.NEW)
        .select_related("category")
        .order_by("created_at", "id")
    )


def triage_returned(*, user: User):
    """Dispatches handed back whose matter no unit is working on any more: they need a new dispatch."""
    return (
        Dispatch.objects.filter(
            scope.scope_q(user, roles=TRIAGE_ROLES),
            status=Dispatch.Status.RETURNED,
            matter__status=Status.ACCEPTED,
        )
        .select_related("matter__category", "unit")
        .order_by("-id")
    )


def triage_extensions(*, user: User):
    """Requests for more time waiting for a decision, oldest first."""
    return (
        ExtensionRequest.objects.filter(
            scope.scope_q(user, field="dispatch__place_code", roles=TRIAGE_ROLES),
            status=ExtensionRequest.Status.PENDING,
            dispatch__status__in=Dispatch.ACTIVE,
        )
        .select_related("dispatch__matter__category", "dispatch__unit")
        .order_by("requested_at", "id")
    )


def triage_overdue(*, user: User, now: datetime | None = None):
    """Matters being handled past their time to resolve, the longest overdue first."""
    now = now or timezone.now()
    return (
        Matter.objects.filter(
            scope.scope_q(user, roles=TRIAGE_ROLES), status=Status.IN_PROGRESS, resolve_due_at__lt=now
        )
        .select_related("category")
        .order_by("resolve_due_at", "id")
    )


def triage_unsigned_overdue(*, user: User, now: datetime | None = None):
    """Dispatches still waiting to be signed for after their time to sign."""
    now = now or timezone.now()
    return (
        Dispatch.objects.filter(
            scope.scope_q(user, roles=TRIAGE_ROLES), status=Dispatch.Status.WAITING, sign_due_at__lt=now
        )
        .select_related("matter__category", "unit")
        .order_by("sign_due_at", "id")
    )


def staff_filter_places(*, user: User) -> list[tuple[str, dict, str]]:
    """(code, names, level) of the subdistricts, communities and grids the user's staff roles cover."""
    from huiketing.places.models import Level as PlaceLevel
    from huiketing.places.models import Place

    if not scope.role_codes(user, STAFF_VIEW_ROLES):
        return []
    return list(
        Place.objects.filter(scope.scope_q(user, field="code", roles=STAFF_VIEW_ROLES))
        .exclude(level=PlaceLevel.CITY)
        .order_by("code")
        .values_list("code", "names", "level")
    )


def matter_is_followed(*, user: User, matter: Matter) -> bool:
    return matter.follows.filter(user=user).exists()


def staff_photo_get(*, user: User, photo_id: int) -> MatterPhoto:
    """A photo of a matter the user may read as staff (internal ones included); 404 otherwise."""
    photo = (
        MatterPhoto.objects.filter(pk=photo_id, matter__in=Matter.objects.filter(staff_scope_q(user)))
        .select_related("matter")
        .first()
    )
    if photo is None:
        raise Http404
    return photo


# Open311 GeoReport v2 (huiketing.open311): public reads of service requests --------------------------------


OPEN311_FIELDS = (
    "status",
    "title",
    "description",
    "category",
    "place_code",
    "latitude",
    "longitude",
    "address",
    "duplicate_of",
    "token",
    "created_at",
    "updated_at",
    "resolve_due_at",
    "done_at",
    "closed_at",
    "result",
)


def _open311_queryset(*, within: str = ""):
    """Matters as Open311 shows them: every matter the public may see (merged ones too: a client that
    posted one must still find it), with what a request's fields are written from, in a constant number of
    queries."""
    # Only the fields a request shows: the contact of whoever raised it is not even read (nor decrypted).
    qs = Matter.objects.filter(is_hidden=False).only(*OPEN311_FIELDS)
    if within:
        qs = qs.filter(place_code__startswith=within)
    return qs.select_related("category").prefetch_related(
        Prefetch(
            "events",
            # The reason of a rejection, and the media_url an Open311 client sent with the request.
            queryset=MatterEvent.objects.filter(is_public=True)
            .filter(
                Q(kind=MatterEvent.Kind.REJECTED)
                | Q(kind=MatterEvent.Kind.RAISED, params__has_key="media_url")
            )
            .only("matter_id", "kind", "text", "params")
            .order_by("created_at", "id"),
            to_attr="open311_events",
        ),
        Prefetch(
            "photos",
            queryset=MatterPhoto.objects.filter(event__kind=MatterEvent.Kind.RAISED, event__is_public=True)
            .only("matter_id")
            .order_by("id"),
            to_attr="open311_photos",
        ),
        Prefetch(
            "dispatches",
            queryset=Dispatch.objects.exclude(
                status__in=[Dispatch.Status.RETURNED, Dispatch.Status.WITHDRAWN]
            )
            .select_related("unit")
            .order_by("created_at", "id"),
            to_attr="open311_dispatches",
        ),
    )


def open311_requests(
    *,
    ids: list[int] | None = None,
    service_codes: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    end_inclusive: bool = True,
    status: str = "",
    within: str = "",
    limit: int = 1000,
) -> list[Matter]:
    """Service requests for `GET requests`, newest first, at most `limit`. `ids` overrides every other filter;
    `status` is "open", "closed" or "" for both."""
    qs = _open311_queryset(within=within)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    else:
        if service_codes:
            qs = qs.filter(category__code__in=service_codes)
        if start is not None:
            qs = qs.filter(created_at__gte=start)
        if end is not None:
            qs = qs.filter(created_at__lte=end) if end_inclusive else qs.filter(created_at__lt=end)
        if status == "open":
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif status == "closed":
            qs = qs.exclude(status__in=OPEN_STATUSES)
    return list(qs.order_by("-created_at", "-id")[:limit])


def open311_request_get(*, matter_id: int, within: str = "") -> Matter:
    matter = _open311_queryset(within=within).filter(pk=matter_id).first()
    if matter is None:
        raise Http404
    return matter


def open311_request_by_token(*, token, within: str = "") -> Matter:
    matter = _open311_queryset(within=within).filter(token=token).first()
    if matter is None:
        raise Http404
    return matter
