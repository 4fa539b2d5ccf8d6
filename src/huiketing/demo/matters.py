"""The demo's year of matters: categories, handling units and ~3,000 matters, each lived step by step.

Each matter is raised, triaged, dispatched, signed for, handled, marked done and evaluated at simulated
moments, with the services' arguments and rules. A simulated clock orders every step of every matter in time
and, every four simulated hours, runs the deadline job as the worker would (warnings, escalation of what is
overdue, evaluation reminders and expiry). Steps planned after the present are not taken: the last days'
matters are still new, being handled or awaiting their evaluation.

- The last week goes through the services themselves (`Live`, `now=` at each step): their timelines,
  audit entries and notifications are exactly what the pages would have made; notifications are dated at
  their simulated time, and those older than a week are marked read.
- The months before are recorded in memory by `History`, which mirrors the services' transitions, deadlines,
  re-handling, escalation and the deadline job's notice keys, and are written in bulk with one summary audit
  entry: a year through the services takes minutes on a small machine, the recorded year seconds
  (docs/benchmarks.md).

The mix: most matters are resolved in time and evaluated satisfied; some units sign or finish late (and are
escalated), hand a matter back, ask for more time or are sent back after a "not satisfied"; a few matters are
rejected, merged into an earlier one, or tabled for the residents' deliberation. Random choices are seeded,
so a demo loaded on the same day is the same.

Registered in demo.loader.SCALED_GENERATORS after the registry (DemoConfig.ready): `demo_seed --scale N` makes
N × 3,000 matters; the services still take only one city's last week, the rest is recorded in bulk.
"""

import heapq
import itertools
import logging
import random
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from shapely.geometry import Point, shape

from huiketing.core.audit import audit_record
from huiketing.core.models import Notification, NotificationDelivery
from huiketing.core.workdays import working_calendar
from huiketing.demo.data import matters as data
from huiketing.demo.data import people as people_data
from huiketing.demo.data import places as place_data
from huiketing.matters import services
from huiketing.matters.models import (
    TRANSITIONS,
    Category,
    DeadlineNotice,
    Dispatch,
    Evaluation,
    ExtensionRequest,
    Follow,
    HandlingUnit,
    Matter,
    MatterEvent,
    Status,
)
from huiketing.matters.models import Level as MatterLevel
from huiketing.people.models import Organisation, Resident, ResidentStatus, RoleAssignment, User
from huiketing.places.models import Level, Place

logger = logging.getLogger(__name__)

MATTERS_PER_YEAR = 3000
YEAR = timedelta(days=365)
# How often the simulated worker runs the deadline job. Four hours, the warning time before a deadline: every
# four-hour window holds one run, so no warning is missed; what is overdue is escalated up to four hours late.
TICK = timedelta(hours=4)
LIVE_DAYS = 7  # the last week's matters go through the services (see matters_generate)
READ_AFTER = timedelta(days=7)  # notifications older than this are marked read
CITY = place_data.CITY_CODE
# What a duplicate may be merged into (services.matter_merge): a matter still open, or done.
MERGEABLE = (Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS, Status.TABLED, Status.DONE)


# The world the matters live in ------------------------------------------------------------------------------


@dataclass
class Grid:
    place: Place
    polygon: object
    leader: User | None
    residents: list[Resident] = field(default_factory=list)


@dataclass
class World:
    categories: dict[str, Category]
    units: dict[tuple[str, str], HandlingUnit]  # (key, community code or "") → unit
    unit_actor: dict[int, User]  # unit id → the demo account that acts for it, where there is one
    grids: dict[str, Grid]
    grid_weights: list[tuple[str, int]]
    cadres: dict[str, User]  # "community", "subdistrict", "city" → the demo accounts
    centre: str  # the centre grid's code (the demo accounts' scope)
    resident_account: User | None
    resident_record: Resident | None
    open311_client: object

    def triager(self, place_code: str) -> User:
        """Who triages a matter: the demo's community staff in their community, the subdistrict officer in
        their subdistrict, the city officer elsewhere."""
        if place_code[:12] == self.centre[:12]:
            return self.cadres["community"]
        if place_code[:9] == self.centre[:9]:
            return self.cadres["subdistrict"]
        return self.cadres["city"]

    def unit(self, key: str, community: str) -> HandlingUnit:
        return self.units.get((key, community)) or self.units[(key, "")]


def _organisations() -> dict[str, Organisation]:
    """The city's departments and co-building units (made here), and the demo's market regulator."""
    existing = {org.names.get("zh-hans"): org for org in Organisation.objects.filter(is_demo=True)}
    market = next(o for o in people_data.ORGANISATIONS if o.key == data.MARKET_REGULATION)
    made = {data.MARKET_REGULATION: existing[market.names["zh-hans"]]}
    new = [
        Organisation(kind=spec.kind, names=spec.names, place_code=CITY, is_demo=True)
        for spec in data.DEPARTMENTS
        if spec.names["zh-hans"] not in existing
    ]
    Organisation.objects.bulk_create(new)
    by_name = {org.names.get("zh-hans"): org for org in Organisation.objects.filter(is_demo=True)}
    made.update({spec.key: by_name[spec.names["zh-hans"]] for spec in data.DEPARTMENTS})
    return made


def _world() -> World:
    categories = {
        spec.code: services.category_save(
            by=None,
            code=spec.code,
            names=spec.names,
            sign_hours=spec.sign_hours,
            resolve_working_days=spec.resolve_working_days,
            default_unit_kind=spec.default_unit_kind,
            position=position,
        )
        for position, spec in enumerate(data.CATEGORIES)
    }
    organisations = _organisations()
    accounts = {
        user.username: user
        for user in User.objects.filter(username__in=[a.username for a in people_data.ACCOUNTS], is_demo=True)
    }
    centre = (
        RoleAssignment.objects.filter(user=accounts["gridleader"])
        .values_list("place_code", flat=True)
        .first()
        or ""
    )

    units: dict[tuple[str, str], HandlingUnit] = {}
    unit_actor: dict[int, User] = {}
    for key, organisation in organisations.items():
        unit = services.handling_unit_create(
            by=None,
            kind=HandlingUnit.Kind.DEPARTMENT
            if organisation.kind == Organisation.Kind.DEPARTMENT
            else HandlingUnit.Kind.CO_BUILDING_UNIT,
            names=dict(organisation.names),
            place_code=CITY,
            organisation=organisation,
            is_demo=True,
        )
        units[(key, "")] = unit
    unit_actor[units[(data.MARKET_REGULATION, "")].pk] = accounts["department"]

    communities = {place.code: place for place in Place.objects.filter(level=Level.COMMUNITY, is_demo=True)}
    companies = []
    for subdistrict in place_data.SUBDISTRICTS:
        for spec in subdistrict.communities:
            code = subdistrict.code + spec.number
            companies.append(
                Organisation(
                    kind=Organisation.Kind.PROPERTY_COMPANY,
                    names=data.property_company_names(spec.stem),
                    place_code=code,
                    is_demo=True,
                )
            )
    Organisation.objects.bulk_create(companies)
    companies_by_place = {
        org.place_code: org
        for org in Organisation.objects.filter(is_demo=True, kind=Organisation.Kind.PROPERTY_COMPANY)
    }
    for code, community in sorted(communities.items()):
        own = services.handling_unit_create(
            by=None,
            kind=HandlingUnit.Kind.COMMUNITY,
            names=dict(community.names),
            place_code=code,
            is_demo=True,
        )
        volunteers = services.handling_unit_create(
            by=None,
            kind=HandlingUnit.Kind.VOLUNTEERS,
            names=data.volunteer_team_names(community.names),
            place_code=code,
            is_demo=True,
        )
        company = companies_by_place[code]
        property_unit = services.handling_unit_create(
            by=None,
            kind=HandlingUnit.Kind.PROPERTY_COMPANY,
            names=dict(company.names),
            place_code=code,
            organisation=company,
            is_demo=True,
        )
        units[("community", code)], units[("volunteers", code)] = own, volunteers
        units[("property", code)] = property_unit
        if code == centre[:12]:
            unit_actor[own.pk] = unit_actor[volunteers.pk] = accounts["community"]

    places = (
        Place.objects.filter(level=Level.GRID, is_demo=True, code__startswith=CITY)
        .select_related("parent")
        .order_by("code")
    )
    leaders = User.objects.in_bulk([place.leader_id for place in places if place.leader_id])
    grids = {
        place.code: Grid(place=place, polygon=shape(place.boundary), leader=leaders.get(place.leader_id))
        for place in places
    }
    # Residents raise matters through their grid leader; the one with an account (`resident`) raises its own.
    residents = Resident.objects.filter(is_demo=True, status=ResidentStatus.ACTIVE, account__isnull=True)
    for resident in residents.only("id", "place_code", "preferred_language", "account_id"):
        if resident.place_code in grids:
            grids[resident.place_code].residents.append(resident)
    resident_account = accounts.get("resident")
    resident_record = (
        Resident.objects.filter(account=resident_account).only("id", "place_code").first()
        if resident_account
        else None
    )
    client = services.open311_client_register(by=None, name=data.OPEN311_CLIENT)[0]
    return World(
        categories=categories,
        units=units,
        unit_actor=unit_actor,
        grids=grids,
        grid_weights=[(code, max(grid.place.households, 50)) for code, grid in grids.items()],
        cadres={name: accounts[name] for name in ("community", "subdistrict", "city")},
        centre=centre,
        resident_account=resident_account,
        resident_record=resident_record,
        open311_client=client,
    )


# What happens to one matter ---------------------------------------------------------------------------------


@dataclass
class Spec:
    """One matter's plan: who raises what, where and when; for the demo accounts' matters, how it goes."""

    seed: str
    raised_at: datetime
    category: str
    grid: str
    channel: str
    fate: str = "normal"  # normal, reject, merge, table
    units: list[str] | None = None  # unit keys, else chosen by category
    by_resident_account: bool = False
    language: str | None = None
    triage_after: timedelta | None = None
    sign_after: timedelta | None = None
    done_after: timedelta | None = None
    evaluations: list[str] | None = None  # results, one per round; [] for none; None for chance


def _weighted(rng: random.Random, pairs) -> str:
    keys, weights = zip(*pairs, strict=True)
    return rng.choices(keys, weights)[0]


def _attempt(step: Callable, **kwargs):
    """A step that may be refused (the state moved on meanwhile): its result, or None."""
    try:
        return step(**kwargs)
    except ValidationError:
        return None


def _daytime(moment: datetime, floor: datetime, rng: random.Random) -> datetime:
    """Move a moment outside 08:00–20:00 (local) into working hours, never earlier than `floor`: a moment in
    the night goes to the evening before when that is after `floor`, else to the next morning."""
    local = timezone.localtime(moment)
    if 8 <= local.hour < 20:
        return max(moment, floor)
    if local.hour < 8:
        evening = (local - timedelta(days=1)).replace(hour=rng.randint(17, 19), minute=rng.randint(0, 59))
        morning = local.replace(hour=rng.randint(8, 10), minute=rng.randint(0, 59))
    else:
        evening = local.replace(hour=rng.randint(17, 19), minute=rng.randint(0, 59))
        morning = (local + timedelta(days=1)).replace(hour=rng.randint(8, 10), minute=rng.randint(0, 59))
    return evening if evening > floor else max(morning, floor + timedelta(minutes=5))


# Two ways of carrying a step out: through the services (the last weeks), or recorded in memory and written in
# bulk (the months before). Both take the services' arguments and follow the same workflow rules.


class Live:
    """Steps through the services, reads from the database; notifications dated at their simulated time."""

    def __init__(self, end: datetime):
        self.end = end
        self.callbacks_from = len(connection.run_on_commit)
        self.last_notification = (
            Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        )
        self.last_delivery = (
            NotificationDelivery.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        )

    def __getattr__(self, name):
        return getattr(services, name)  # matter_raise, matter_accept, …: the services themselves

    def merge_target(self, *, community: str, category: Category, now: datetime) -> Matter | None:
        return (
            Matter.objects.filter(
                place_code__startswith=community,
                category=category,
                status__in=MERGEABLE,
                created_at__lt=now,
                created_at__gte=now - timedelta(days=30),
            )
            .order_by("-created_at")
            .first()
        )

    def waiting(self, matter: Matter) -> list[Dispatch]:
        return list(matter.dispatches.filter(status=Dispatch.Status.WAITING).select_related("unit"))

    def resolve_due(self, matter: Matter) -> datetime:
        return Matter.objects.values_list("resolve_due_at", flat=True).get(pk=matter.pk)

    def tick(self, at: datetime) -> None:
        services.matters_deadlines_run(now=at)
        self.flush(at)

    def flush(self, at: datetime) -> None:
        """Run the callbacks queued since the last step (the jobs that send SMS deliveries), and date the
        notifications and deliveries written since then at `at`.

        The whole demo is one transaction; without this, a month of notifications would all be sent, and
        dated, at the end."""
        while len(connection.run_on_commit) > self.callbacks_from:
            pending = connection.run_on_commit[self.callbacks_from :]
            del connection.run_on_commit[self.callbacks_from :]
            for _savepoints, callback, _robust in pending:
                callback()
        old = at < self.end - READ_AFTER
        notifications = Notification.objects.filter(pk__gt=self.last_notification)
        last = notifications.order_by("-pk").values_list("pk", flat=True).first()
        if last is None:
            return
        notifications.update(created_at=at, read_at=at + timedelta(hours=1) if old else None)
        self.last_notification = last
        deliveries = NotificationDelivery.objects.filter(pk__gt=self.last_delivery)
        last = deliveries.order_by("-pk").values_list("pk", flat=True).first()
        if last is not None:
            if old:  # the message went out at the time; nothing is left to send
                deliveries.filter(status=NotificationDelivery.Status.PENDING).update(
                    status=NotificationDelivery.Status.SENT, sent_at=at, attempts=1
                )
            deliveries.update(created_at=at, next_attempt_at=at)
            self.last_delivery = last


class Event(NamedTuple):
    """A timeline entry recorded in memory (a MatterEvent row once written)."""

    matter: Matter
    kind: str
    actor: User | None
    unit: HandlingUnit | None
    dispatch: Dispatch | None
    text: str
    params: dict
    is_public: bool
    created_at: datetime


def _utc_key(moment: datetime) -> str:
    """A deadline as the deadline job writes it into a notice's key (read back from the database: UTC)."""
    return moment.astimezone(UTC).isoformat()


class History:
    """The same steps, recorded in memory and written in bulk: the matters' rows, their dispatches, timelines,
    evaluations, requests for more time, follows and deadline notices, as the services would have left them.

    It mirrors matters.services (transitions, deadlines, re-handling, escalation, the deadline job's rules and
    notice keys) without their per-step queries, audit entries and notifications: a year through the services
    takes minutes on a small machine. One summary audit entry records the bulk write.
    """

    def __init__(self, world: World):
        self.world = world
        self.calendar = working_calendar()
        self.matters: list[Matter] = []
        self.dispatches: list[Dispatch] = []
        self.events: list[MatterEvent] = []
        self.evaluations: list[Evaluation] = []
        self.extensions: list[ExtensionRequest] = []
        self.follows: set[tuple[int, int]] = set()  # (the matter's index in self.matters, user id)
        self.notices: set[tuple] = set()  # (id(matter), kind, id(dispatch) or a value)
        self.notice_rows: list[tuple[Matter, str, object]] = []
        self.merges: list[tuple[Matter, Matter]] = []
        self.active: dict[int, list[Dispatch]] = {}  # id(matter) → its dispatches
        self.waiting_dispatches: dict[int, Dispatch] = {}
        self.in_progress: dict[int, Matter] = {}
        self.done: dict[int, Matter] = {}

    # Helpers

    def _check(self, matter: Matter, action: str) -> str | None:
        allowed_from, target = TRANSITIONS[action]
        if matter.status not in allowed_from:
            raise services.MatterStateError(f"{action} from {matter.status}")
        return target

    def _event(
        self, matter, kind, *, by=None, now, text="", unit=None, dispatch=None, params=None, public=True
    ):
        event = Event(matter, kind, by, unit, dispatch, text, params or {}, public, now)
        self.events.append(event)
        return event

    def _status(self, matter: Matter, status: str) -> None:
        key = id(matter)
        self.in_progress.pop(key, None)
        self.done.pop(key, None)
        matter.status = status
        if status == Status.IN_PROGRESS:
            self.in_progress[key] = matter
        elif status == Status.DONE:
            self.done[key] = matter

    def _dispatch_status(self, dispatch: Dispatch, status: str) -> None:
        dispatch.status = status
        if status == Dispatch.Status.WAITING:
            self.waiting_dispatches[id(dispatch)] = dispatch
        else:
            self.waiting_dispatches.pop(id(dispatch), None)

    def _has_active(self, matter: Matter) -> bool:
        return any(d.status in Dispatch.ACTIVE for d in self.active.get(id(matter), []))

    def _notice_once(self, matter: Matter, kind: str, ref) -> bool:
        key = (id(matter), kind, id(ref) if isinstance(ref, Dispatch) else ref)
        if key in self.notices:
            return False
        self.notices.add(key)
        self.notice_rows.append((matter, kind, ref))
        return True

    def _follow(self, matter: Matter, user: User | None) -> None:
        if user is not None:
            self.follows.add((matter.demo_index, user.pk))

    # The workflow

    def matter_raise(self, *, by, title, description, category, now, resident=None, channel, **fields):
        matter = Matter(
            title=title,
            description=description,
            category=category,
            channel=channel,
            raised_by=by,
            resident=resident,
            created_at=now,
            is_demo=True,
            **fields,  # place_code, latitude, longitude, address, contact_name, open311_client, language, …
        )
        matter.demo_index = len(self.matters)
        self.matters.append(matter)
        self.active[id(matter)] = []
        self._event(matter, MatterEvent.Kind.RAISED, by=by, now=now, params={"channel": channel})
        # Who follows it (services._raiser_accounts): the resident's own account, else whoever raised it on
        # the web or through Open311; staff raising for a resident do not follow it, on patrol they do.
        world = self.world
        raiser = None
        if resident is not None:
            record = world.resident_record
            raiser = world.resident_account if record is not None and resident.pk == record.pk else None
        elif by is not None and channel in ("web", "open311"):
            raiser = by
        for user in {raiser, by} - {None}:
            if (user == by and resident is None) or user != by:
                self._follow(matter, user)
        return matter

    def matter_accept(self, *, by, matter, now):
        self._status(matter, self._check(matter, "accept"))
        matter.accepted_at = now
        self._event(matter, MatterEvent.Kind.ACCEPTED, by=by, now=now)
        return matter

    def matter_reject(self, *, by, matter, reason_kind, reason="", referred_to="", now):
        self._status(matter, self._check(matter, "reject"))
        matter.closed_at = now
        self._event(
            matter,
            MatterEvent.Kind.REJECTED,
            by=by,
            now=now,
            text=reason,
            params={"reason_kind": reason_kind, "referred_to": referred_to[:200]},
        )
        return matter

    def matter_table(self, *, by, matter, note="", now):
        self._status(matter, self._check(matter, "table"))
        matter.accepted_at = matter.accepted_at or now
        self._event(matter, MatterEvent.Kind.TABLED, by=by, now=now, text=note)
        return matter

    def matter_untable(self, *, by, matter, note="", now):
        self._status(matter, self._check(matter, "untable"))
        self._event(matter, MatterEvent.Kind.UNTABLED, by=by, now=now, text=note)
        return matter

    def matter_merge(self, *, by, matter, into, now):
        if into.status not in MERGEABLE:
            raise services.MatterStateError("the original is closed")
        self._status(matter, self._check(matter, "merge"))
        matter.closed_at = now
        self.merges.append((matter, into))
        for dispatch in self.active[id(matter)]:
            if dispatch.status in Dispatch.ACTIVE:
                self._dispatch_status(dispatch, Dispatch.Status.WITHDRAWN)
        for index, user_id in list(self.follows):
            if index == matter.demo_index:
                self.follows.add((into.demo_index, user_id))
        self._event(matter, MatterEvent.Kind.MERGED, by=by, now=now, params={"into": into})
        self._event(into, MatterEvent.Kind.DUPLICATE_MERGED, by=by, now=now, params={"from": matter})
        return matter

    def matter_dispatch(self, *, by, matter, units, note="", now):
        self._status(matter, self._check(matter, "dispatch"))
        category = matter.category
        matter.accepted_at = matter.accepted_at or now
        if matter.resolve_due_at is None or matter.resolve_due_at < now:
            matter.resolve_due_at = self.calendar.add_working_days(now, category.resolve_working_days)
        created = []
        for unit in units:
            dispatch = Dispatch(
                matter=matter,
                unit=unit,
                note=note,
                dispatched_by=by,
                created_at=now,
                sign_due_at=now + timedelta(hours=category.sign_hours),
                resolve_due_at=matter.resolve_due_at,
                place_code=matter.place_code,
            )
            self._dispatch_status(dispatch, Dispatch.Status.WAITING)
            self.dispatches.append(dispatch)
            self.active[id(matter)].append(dispatch)
            created.append(dispatch)
            self._event(matter, MatterEvent.Kind.DISPATCHED, by=by, now=now, unit=unit, dispatch=dispatch)
        return created

    def dispatch_sign(self, *, by, dispatch, now):
        if dispatch.status != Dispatch.Status.WAITING:
            raise services.MatterStateError("not waiting")
        self._dispatch_status(dispatch, Dispatch.Status.SIGNED)
        dispatch.signed_at, dispatch.signed_by = now, by
        self._event(
            dispatch.matter, MatterEvent.Kind.SIGNED, by=by, now=now, unit=dispatch.unit, dispatch=dispatch
        )
        return dispatch

    def dispatch_return(self, *, by, dispatch, reason, now):
        if dispatch.status not in Dispatch.ACTIVE:
            raise services.MatterStateError("not active")
        matter = dispatch.matter
        self._dispatch_status(dispatch, Dispatch.Status.RETURNED)
        dispatch.returned_reason = reason
        if not self._has_active(matter):
            self._status(matter, Status.ACCEPTED)
        self._event(
            matter,
            MatterEvent.Kind.RETURNED,
            by=by,
            now=now,
            unit=dispatch.unit,
            dispatch=dispatch,
            text=reason,
        )
        return dispatch

    def extension_request(self, *, by, dispatch, working_days, reason, now):
        if dispatch.status != Dispatch.Status.SIGNED:
            raise services.MatterStateError("not signed")
        extension = ExtensionRequest(
            dispatch=dispatch, working_days=working_days, reason=reason, requested_by=by, requested_at=now
        )
        self.extensions.append(extension)
        self._event(
            dispatch.matter,
            MatterEvent.Kind.EXTENSION_REQUESTED,
            by=by,
            now=now,
            unit=dispatch.unit,
            dispatch=dispatch,
            text=reason,
            params={"days": working_days},
        )
        return extension

    def extension_decide(self, *, by, extension, grant, now):
        dispatch = extension.dispatch
        matter = dispatch.matter
        extension.status = ExtensionRequest.Status.GRANTED if grant else ExtensionRequest.Status.REFUSED
        extension.decided_by, extension.decided_at = by, now
        if grant:
            dispatch.resolve_due_at = self.calendar.add_working_days(
                dispatch.resolve_due_at, extension.working_days
            )
            matter.resolve_due_at = max(
                d.resolve_due_at
                for d in self.active[id(matter)]
                if d.status in Dispatch.ACTIVE and d.resolve_due_at
            )
        self._event(
            matter,
            MatterEvent.Kind.EXTENSION_GRANTED if grant else MatterEvent.Kind.EXTENSION_REFUSED,
            by=by,
            now=now,
            unit=dispatch.unit,
            dispatch=dispatch,
            params={"days": extension.working_days},
        )
        return extension

    def matter_update_post(self, *, by, matter, text, dispatch=None, now, is_public=True):
        unit = dispatch.unit if dispatch else None
        return self._event(
            matter,
            MatterEvent.Kind.UPDATE,
            by=by,
            now=now,
            text=text,
            unit=unit,
            dispatch=dispatch,
            public=is_public,
        )

    def dispatch_complete(self, *, by, dispatch, result, now):
        if dispatch.status != Dispatch.Status.SIGNED:
            raise services.MatterStateError("not signed")
        matter = dispatch.matter
        self._dispatch_status(dispatch, Dispatch.Status.DONE)
        dispatch.done_at = now
        if not self._has_active(matter):
            self._status(matter, self._check(matter, "complete"))
            matter.done_at, matter.result = now, result
            self._event(matter, MatterEvent.Kind.DONE, by=by, now=now, text=result)
        else:
            self._event(
                matter,
                MatterEvent.Kind.UPDATE,
                by=by,
                now=now,
                unit=dispatch.unit,
                dispatch=dispatch,
                text=result,
            )
        return dispatch

    def matter_evaluate(self, *, by, matter, result, comment="", by_phone_follow_up=False, now):
        self._check(matter, "evaluate")
        round_ = matter.rehandle_count + 1
        evaluation = Evaluation(
            matter=matter,
            round=round_,
            result=result,
            comment=comment[:2000],
            by=by,
            by_phone_follow_up=by_phone_follow_up,
            created_at=now,
            place_code=matter.place_code,
        )
        self.evaluations.append(evaluation)
        self._event(
            matter,
            MatterEvent.Kind.EVALUATED,
            by=by,
            now=now,
            text=comment,
            params={"result": result, "round": round_, "phone": by_phone_follow_up},
        )
        if result != Evaluation.Result.NOT_SATISFIED or matter.rehandle_count > services.REHANDLE_LIMIT:
            self._status(matter, Status.CLOSED)
            matter.closed_at = now
            self._event(matter, MatterEvent.Kind.CLOSED, by=by, now=now)
            return evaluation
        matter.rehandle_count += 1
        self._status(matter, Status.IN_PROGRESS)
        matter.done_at = None
        matter.resolve_due_at = self.calendar.add_working_days(now, matter.category.resolve_working_days)
        self._event(matter, MatterEvent.Kind.REHANDLE, by=by, now=now, text=comment)
        if matter.rehandle_count > services.REHANDLE_LIMIT:
            self._escalate(matter, now=now, reason="not_satisfied_again")
        units = {d.unit.pk: d.unit for d in self.active[id(matter)] if d.status == Dispatch.Status.DONE}
        for unit in units.values():
            dispatch = Dispatch(
                matter=matter,
                unit=unit,
                note=comment,
                dispatched_by=by,
                created_at=now,
                sign_due_at=now + timedelta(hours=matter.category.sign_hours),
                resolve_due_at=matter.resolve_due_at,
                place_code=matter.place_code,
            )
            self._dispatch_status(dispatch, Dispatch.Status.WAITING)
            self.dispatches.append(dispatch)
            self.active[id(matter)].append(dispatch)
        if not self._has_active(matter):
            self._status(matter, Status.ACCEPTED)
        return evaluation

    # Reads

    def merge_target(self, *, community: str, category: Category, now: datetime) -> Matter | None:
        since = now - timedelta(days=30)
        for other in reversed(self.matters):
            if other.created_at < since:
                break
            if (
                other.place_code.startswith(community)
                and other.category_id == category.pk
                and other.status in MERGEABLE
                and other.created_at < now
            ):
                return other
        return None

    def waiting(self, matter: Matter) -> list[Dispatch]:
        return [d for d in self.active[id(matter)] if d.status == Dispatch.Status.WAITING]

    def resolve_due(self, matter: Matter) -> datetime:
        return matter.resolve_due_at

    # The deadline job (services.matters_deadlines_run), on the matters in memory

    def _escalate(self, matter: Matter, *, now: datetime, reason: str) -> bool:
        if matter.level >= MatterLevel.CITY:
            return False
        target = MatterLevel(matter.level + 1)
        if not self._notice_once(matter, f"escalated:{target}", None):
            return False
        matter.level = target
        self._event(
            matter, MatterEvent.Kind.ESCALATED, now=now, params={"level": int(target), "reason": reason}
        )
        return True

    def tick(self, now: datetime) -> None:
        soon = now + timedelta(hours=24)
        for dispatch in sorted(self.waiting_dispatches.values(), key=lambda d: (d.created_at, id(d))):
            if dispatch.sign_due_at > soon:
                continue
            matter = dispatch.matter
            warn_at = dispatch.sign_due_at - timedelta(hours=matter.category.warn_hours)
            if dispatch.sign_due_at <= now:
                if self._notice_once(matter, "sign_overdue", dispatch):
                    self._event(
                        matter,
                        MatterEvent.Kind.OVERDUE,
                        now=now,
                        unit=dispatch.unit,
                        dispatch=dispatch,
                        params={"what": "sign"},
                        public=False,
                    )
                    self._escalate(matter, now=now, reason="sign_overdue")
            elif warn_at <= now and self._notice_once(matter, "sign_warning", dispatch):
                self._event(
                    matter,
                    MatterEvent.Kind.WARNED,
                    now=now,
                    unit=dispatch.unit,
                    dispatch=dispatch,
                    params={"what": "sign"},
                    public=False,
                )
        for matter in list(self.in_progress.values()):
            due = matter.resolve_due_at
            if due is None or due > soon:
                continue
            warn_at = due - timedelta(hours=matter.category.warn_hours)
            key = _utc_key(due)
            if due <= now:
                if self._notice_once(matter, "resolve_overdue", key):
                    self._event(
                        matter, MatterEvent.Kind.OVERDUE, now=now, params={"what": "resolve"}, public=False
                    )
                    self._escalate(matter, now=now, reason="resolve_overdue")
            elif warn_at <= now and self._notice_once(matter, "resolve_warning", key):
                for dispatch in self.active[id(matter)]:
                    if dispatch.status in Dispatch.ACTIVE:
                        self._event(
                            matter,
                            MatterEvent.Kind.WARNED,
                            now=now,
                            unit=dispatch.unit,
                            dispatch=dispatch,
                            params={"what": "resolve"},
                            public=False,
                        )
        for matter in list(self.done.values()):
            if matter.done_at > now - services.EVALUATION_REMIND_AFTER:
                continue
            if matter.done_at <= now - services.EVALUATION_EXPIRES_AFTER:
                self._status(matter, self._check(matter, "expire_evaluation"))
                matter.closed_at = now
                self._event(matter, MatterEvent.Kind.EVALUATION_EXPIRED, now=now)
            elif self._notice_once(matter, "evaluation_reminder", matter.rehandle_count):
                self._event(matter, MatterEvent.Kind.EVALUATION_REMINDED, now=now, public=False)

    # Writing it all

    def _write_events(self) -> None:
        """The timeline entries, the most numerous rows: plain rows, without a model instance each."""
        fields = [MatterEvent._meta.get_field(name) for name in Event._fields]
        params_field, created_field = (
            MatterEvent._meta.get_field("params"),
            MatterEvent._meta.get_field("created_at"),
        )
        rows = []
        for event in self.events:
            params = event.params
            if "into" in params or "from" in params:
                params = {key: value.pk for key, value in params.items()}
            rows.append(
                (
                    event.matter.pk,
                    event.kind,
                    event.actor.pk if event.actor is not None else None,
                    event.unit.pk if event.unit is not None else None,
                    event.dispatch.pk if event.dispatch is not None else None,
                    event.text,
                    params_field.get_db_prep_save(params, connection),
                    event.is_public,
                    created_field.get_db_prep_save(event.created_at, connection),
                )
            )
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        marks = ", ".join(["%s"] * len(fields))
        table = connection.ops.quote_name(MatterEvent._meta.db_table)
        # Table and column names come from the model, never from input.
        insert = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 2000):
                cursor.executemany(insert, rows[start : start + 2000])

    def write(self) -> dict[str, int]:
        """Insert everything recorded, in the order the foreign keys need; returns the counts."""
        for matter, _into in self.merges:
            matter.duplicate_of = None  # set once both rows exist
        Matter.objects.bulk_create(self.matters, batch_size=500)
        for matter, into in self.merges:
            matter.duplicate_of = into
        Matter.objects.bulk_update([m for m, _into in self.merges], ["duplicate_of"], batch_size=500)
        Dispatch.objects.bulk_create(self.dispatches, batch_size=1000)
        ExtensionRequest.objects.bulk_create(self.extensions, batch_size=1000)
        self._write_events()
        Evaluation.objects.bulk_create(self.evaluations, batch_size=1000)
        Follow.objects.bulk_create(
            [Follow(matter=self.matters[index], user_id=user_id) for index, user_id in sorted(self.follows)],
            batch_size=1000,
        )
        notices = []
        for matter, kind, ref in self.notice_rows:
            if isinstance(ref, Dispatch):
                key = f"{kind}:{ref.pk}"
            elif ref is None:
                key = kind
            else:
                key = f"{kind}:{ref}"
            notices.append(DeadlineNotice(matter=matter, key=key))
        DeadlineNotice.objects.bulk_create(notices, batch_size=2000)
        return {
            "matters": len(self.matters),
            "dispatches": len(self.dispatches),
            "events": len(self.events),
            "evaluations": len(self.evaluations),
        }


# The simulation ---------------------------------------------------------------------------------------------


class Simulation:
    def __init__(self, world: World, api, start: datetime, end: datetime):
        self.world, self.api, self.start, self.end = world, api, start, end
        self.clock = start
        self.failures = 0
        self.matters: list[Matter] = []

    # Texts and people

    def text(self, spec: Spec, rng: random.Random, resident: Resident | None) -> tuple[str, str, str]:
        language = spec.language
        if language is None:
            speaks = resident.preferred_language if resident is not None else "zh-hans"
            share = {"ug": 0.7, "kk": 0.65}.get(speaks, 0)
            language = speaks if rng.random() < share else "zh-hans"
        title, description = rng.choice(data.TEXTS[spec.category][language])
        values = {"b": rng.randint(1, 24), "u": rng.randint(1, 4)}
        return title.format(**values), description.format(**values), language

    def raise_kwargs(self, spec: Spec, rng: random.Random, duplicate: Matter | None = None) -> dict:
        """What is raised; a duplicate is the same problem reported again in the same grid."""
        world = self.world
        grid = world.grids[duplicate.place_code if duplicate is not None else spec.grid]
        resident = None
        if spec.by_resident_account:
            by, resident, channel = world.resident_account, world.resident_record, "web"
        elif spec.channel == "open311":
            by, channel = None, "open311"
        else:
            by, channel = grid.leader, spec.channel
            if channel != "patrol" and grid.residents:
                resident = rng.choice(grid.residents)
        title, description, language = self.text(spec, rng, resident)
        if duplicate is not None:
            title, description, language = duplicate.title, duplicate.description, duplicate.language
        lng_min, lat_min, lng_max, lat_max = grid.polygon.bounds
        for _attempt in range(50):
            lat, lng = rng.uniform(lat_min, lat_max), rng.uniform(lng_min, lng_max)
            if grid.polygon.contains(Point(lng, lat)):
                break
        building = rng.randint(1, 24)
        community = grid.place.parent.names
        address = (
            f"{community['zh-hans']}{building}号楼"
            if language == "zh-hans"
            else f"{community.get(language, '')} {building}"
        )
        return {
            "by": by,
            "title": title,
            "description": description,
            "category": world.categories[spec.category],
            "latitude": round(lat, 6),
            "longitude": round(lng, 6),
            "address": address,
            "place_code": grid.place.code,
            "channel": channel,
            "resident": resident,
            "contact_name": "示例·来访者" if channel == "open311" else "",
            "open311_client": world.open311_client if channel == "open311" else None,
            "language": language,
            "is_anonymous": rng.random() < 0.08,
        }

    def units_for(self, spec: Spec, matter: Matter, rng: random.Random) -> list[HandlingUnit]:
        community = matter.place_code[:12]
        keys = list(spec.units or [_weighted(rng, data.ROUTES[spec.category])])
        if spec.units is None and rng.random() < 0.06 and "community" not in keys:
            keys.append("community")  # handled jointly with the community
        return [self.world.unit(key, community) for key in keys]

    def evaluator(self, matter: Matter) -> tuple[User | None, bool]:
        account = self.world.resident_account
        if account is not None and matter.raised_by_id == account.pk:
            return account, False
        return self.world.grids[matter.place_code].leader, True  # a phone follow-up (回访) by the grid leader

    # One matter's life: yields (moment, action) and receives what the action returned.

    def life(self, spec: Spec) -> Generator[tuple[datetime, Callable], object, None]:
        rng = random.Random(spec.seed)
        world, api = self.world, self.api
        t = spec.raised_at
        duplicate = None
        if spec.fate == "merge":  # the same problem as one raised nearby in the last month, if there is one
            category = world.categories[spec.category]
            community = spec.grid[:12]
            duplicate = yield t, lambda: api.merge_target(community=community, category=category, now=t)
        kwargs = self.raise_kwargs(spec, rng, duplicate)
        matter = yield t, lambda: api.matter_raise(**kwargs, now=t)
        self.matters.append(matter)
        triager = world.triager(matter.place_code)
        t = _daytime(t + (spec.triage_after or timedelta(hours=rng.uniform(0.3, 16))), t, rng)

        if spec.fate == "reject":
            kind = rng.choice(sorted(data.REJECTIONS))
            reason, referred_to = data.REJECTIONS[kind]
            yield (
                t,
                lambda: api.matter_reject(
                    by=triager, matter=matter, reason_kind=kind, reason=reason, referred_to=referred_to, now=t
                ),
            )
            return
        if duplicate is not None:
            merged = yield (
                t,
                lambda: _attempt(api.matter_merge, by=triager, matter=matter, into=duplicate, now=t),
            )
            if merged is not None:
                return  # else the original was closed meanwhile: handled as a matter of its own
        yield t, lambda: api.matter_accept(by=triager, matter=matter, now=t)
        if spec.fate == "table":
            note = rng.choice(data.TABLE_NOTES)
            t += timedelta(minutes=rng.randint(5, 60))
            yield t, lambda: api.matter_table(by=triager, matter=matter, note=note, now=t)
            if rng.random() < 0.4:
                return  # still with the residents' deliberation
            t = _daytime(t + timedelta(days=rng.uniform(5, 20)), t, rng)
            note = rng.choice(data.UNTABLE_NOTES)
            yield t, lambda: api.matter_untable(by=triager, matter=matter, note=note, now=t)

        units = self.units_for(spec, matter, rng)
        t += timedelta(minutes=rng.randint(5, 120))
        dispatches = yield t, lambda: api.matter_dispatch(by=triager, matter=matter, units=units, now=t)
        round_ = 0
        while True:
            t = yield from self.handle(spec, rng, matter, dispatches, t, first=round_ == 0)
            if t is None:
                return  # not done by the end of the simulated year
            # Evaluation (公众评事): given within a week, or never (it then expires).
            results = spec.evaluations
            if results is None:
                if rng.random() < 0.17:
                    return
                result = _weighted(rng, EVALUATION_ODDS[min(round_, 2)])
            elif round_ < len(results):
                result = results[round_]
            else:
                return
            # Most answer within three days; the others after the reminder.
            wait = rng.uniform(2, 60) if rng.random() < 0.7 else rng.uniform(74, 150)
            t = _daytime(t + timedelta(hours=wait), t, rng)
            comment = rng.choice(
                data.COMMENTS_NOT_SATISFIED if result == "not_satisfied" else data.COMMENTS_SATISFIED
            )
            by, phone = self.evaluator(matter)
            yield (
                t,
                lambda by=by, result=result, comment=comment, phone=phone, t=t: api.matter_evaluate(
                    by=by, matter=matter, result=result, comment=comment, by_phone_follow_up=phone, now=t
                ),
            )
            if result != "not_satisfied":
                return
            round_ += 1
            dispatches = yield t, lambda: api.waiting(matter)
            if not dispatches:
                return

    def handle(
        self, spec: Spec, rng: random.Random, matter: Matter, dispatches: list, t: datetime, *, first: bool
    ):
        """Sign for, handle and finish the dispatches; returns when the matter was done (None: not done)."""
        world, api = self.world, self.api
        signs = []
        for dispatch in dispatches:
            window = dispatch.sign_due_at - dispatch.created_at
            if spec.sign_after is not None:
                at = dispatch.created_at + spec.sign_after
            elif first and rng.random() < 0.05:
                at = dispatch.sign_due_at + timedelta(hours=rng.uniform(1, 20))  # late: escalated
            else:
                at = dispatch.created_at + window * rng.uniform(0.02, 0.7 if first else 0.4)
            signs.append((_daytime(at, dispatch.created_at + timedelta(minutes=5), rng), dispatch))
        signs.sort(key=lambda pair: pair[0])
        for at, dispatch in signs:
            t = max(t, at)
            actor = world.unit_actor.get(dispatch.unit_id)
            yield (
                t,
                lambda dispatch=dispatch, actor=actor, t=t: api.dispatch_sign(
                    by=actor, dispatch=dispatch, now=t
                ),
            )

        # A unit hands the matter back (not theirs); the community takes it on itself.
        if first and spec.units is None and rng.random() < 0.05:
            dispatch = signs[0][1]
            actor = world.unit_actor.get(dispatch.unit_id)
            reason = rng.choice(data.RETURN_REASONS)
            t += timedelta(hours=rng.uniform(1, 8))
            yield t, lambda: api.dispatch_return(by=actor, dispatch=dispatch, reason=reason, now=t)
            others = [d for _at, d in signs[1:]]
            community = matter.place_code[:12]
            taking = world.unit("community", community)
            if taking.pk == dispatch.unit_id or any(d.unit_id == taking.pk for d in others):
                taking = world.unit("volunteers", community)
            triager = world.triager(matter.place_code)
            t += timedelta(hours=rng.uniform(1, 6))
            new = yield t, lambda: api.matter_dispatch(by=triager, matter=matter, units=[taking], now=t)
            t = _daytime(t + timedelta(hours=rng.uniform(0.5, 6)), t, rng)
            actor = world.unit_actor.get(taking.pk)
            yield t, lambda: api.dispatch_sign(by=actor, dispatch=new[0], now=t)
            signs = [(t, d) for d in [*others, new[0]]]

        due = yield t, lambda: api.resolve_due(matter)
        active = [d for _at, d in signs]
        if first and spec.done_after is None and rng.random() < 0.04:
            dispatch = active[-1]
            actor = world.unit_actor.get(dispatch.unit_id)
            days = rng.randint(2, 5)
            reason = rng.choice(data.EXTENSION_REASONS)
            t = _daytime(t + (due - t) * rng.uniform(0.3, 0.7), t, rng)
            extension = yield (
                t,
                lambda: api.extension_request(
                    by=actor, dispatch=dispatch, working_days=days, reason=reason, now=t
                ),
            )
            t += timedelta(hours=rng.uniform(1, 8))
            grant = rng.random() < 0.85
            triager = world.triager(matter.place_code)
            yield t, lambda: api.extension_decide(by=triager, extension=extension, grant=grant, now=t)
            due = yield t, lambda: api.resolve_due(matter)

        finishes = []
        for dispatch in active:
            if spec.done_after is not None:
                at = t + spec.done_after
            elif not first:
                at = t + timedelta(hours=rng.uniform(5, 72))
            elif rng.random() < 0.08:
                at = due + timedelta(hours=rng.uniform(2, 96))  # late: escalated
            else:
                at = t + max(due - t, timedelta(hours=2)) * rng.uniform(0.08, 0.85)
            finishes.append((_daytime(at, t + timedelta(minutes=30), rng), dispatch))
        finishes.sort(key=lambda pair: pair[0])
        if rng.random() < 0.3:
            dispatch = finishes[0][1]
            actor = world.unit_actor.get(dispatch.unit_id)
            note = rng.choice(data.UPDATES)
            t = t + (finishes[0][0] - t) / 2
            yield (
                t,
                lambda: api.matter_update_post(by=actor, matter=matter, text=note, dispatch=dispatch, now=t),
            )
        for at, dispatch in finishes:
            t = max(t, at)
            if t > self.end:
                return None
            actor = world.unit_actor.get(dispatch.unit_id)
            result = (
                rng.choice(data.RESULTS[spec.category])
                if matter.language in ("", "zh-hans")
                else data.RESULTS_OTHER_LANGUAGES[matter.language]
            )
            yield (
                t,
                lambda dispatch=dispatch, actor=actor, result=result, t=t: api.dispatch_complete(
                    by=actor, dispatch=dispatch, result=result, now=t
                ),
            )
        return t

    # The clock

    def run(self, specs: list[Spec], ticks_from: datetime) -> None:
        """Every step of every matter in time order, with the deadline job every TICK from `ticks_from`."""
        heap: list = []
        order = itertools.count()

        def schedule(life, value=None, first=False):
            try:
                when, action = next(life) if first else life.send(value)
            except StopIteration:
                return
            if when <= self.end:
                heapq.heappush(heap, (max(when, self.clock), next(order), life, action))

        for spec in specs:
            schedule(self.life(spec), first=True)
        for moment in _ticks(ticks_from, self.end):
            heapq.heappush(heap, (moment, next(order), None, moment))
        while heap:
            when, _order, life, action = heapq.heappop(heap)
            self.clock = when
            if life is None:
                self.api.tick(action)
                continue
            try:
                result = action()
            except ValidationError as error:  # a plan that no longer fits the matter's state: drop it
                self.failures += 1
                logger.warning("Demo matter step at %s failed: %s", when, error)
                continue
            schedule(life, result)


EVALUATION_ODDS = (
    (("satisfied", 78), ("basically", 15), ("not_satisfied", 7)),
    (("satisfied", 60), ("basically", 25), ("not_satisfied", 15)),
    (("satisfied", 70), ("basically", 30)),
)


def _ticks(start: datetime, end: datetime) -> list[datetime]:
    """The deadline job's runs: every TICK on the local clock (00:00, 04:00, …), from start to end."""
    local = timezone.localtime(start).replace(minute=0, second=0, microsecond=0)
    hours = int(TICK.total_seconds() // 3600)
    moment = local + timedelta(hours=hours - local.hour % hours)
    moments = []
    while moment <= end:
        moments.append(moment)
        moment += TICK
    return moments


# The plans --------------------------------------------------------------------------------------------------


def _random_specs(world: World, count: int, start: datetime, end: datetime, rng: random.Random) -> list[Spec]:
    categories = [(spec.code, spec.weight) for spec in data.CATEGORIES]
    span = (end - start).total_seconds()
    specs = []
    while len(specs) < count:
        moment = start + timedelta(seconds=rng.uniform(0, span - 3600))
        local = timezone.localtime(moment)
        if local.weekday() >= 5 and rng.random() < 0.4:
            continue  # fewer on weekends
        moment = local.replace(hour=rng.choices(range(8, 22), [3, 6, 8, 8, 6, 4, 5, 7, 7, 6, 5, 4, 3, 2])[0])
        if moment > end - timedelta(minutes=10):
            moment = end - timedelta(minutes=rng.randint(10, 300))
        roll = rng.random()
        fate = "reject" if roll < 0.03 else "merge" if roll < 0.05 else "table" if roll < 0.08 else "normal"
        specs.append(
            Spec(
                seed=f"{CITY}-matter-{len(specs)}",
                raised_at=moment,
                category=_weighted(rng, categories),
                grid=_weighted(rng, world.grid_weights),
                channel=_weighted(rng, data.CHANNELS.items()),
                fate=fate,
            )
        )
    return specs


def _demo_account_specs(world: World, end: datetime) -> list[Spec]:
    """The `resident` account's own matters (one awaiting its evaluation), and work in the `department`
    account's inbox."""
    specs = []
    day, hour = timedelta(days=1), timedelta(hours=1)
    if world.resident_record is not None:
        grid = world.resident_record.place_code
        for n, (ago, category, language, extra) in enumerate(
            [
                (300 * day, "public_facilities", "zh-hans", {"evaluations": ["satisfied"]}),
                (150 * day, "environment", "kk", {"evaluations": ["not_satisfied", "basically"]}),
                (60 * day, "property", "zh-hans", {"evaluations": ["satisfied"]}),
                (6 * day, "elderly_care", "kk", {"sign_after": 3 * hour, "done_after": 30 * day}),
                (
                    4 * day,
                    "public_facilities",
                    "kk",
                    {"triage_after": hour, "sign_after": 2 * hour, "done_after": 2 * day, "evaluations": []},
                ),
                # Still new: its triage is planned two days on, which working hours never bring before now.
                (3 * hour, "neighbours", "zh-hans", {"triage_after": 2 * day}),
            ]
        ):
            specs.append(
                Spec(
                    seed=f"{CITY}-resident-{n}",
                    raised_at=end - ago,
                    category=category,
                    grid=grid,
                    channel="web",
                    by_resident_account=True,
                    language=language,
                    units=["community"] if category != "environment" else ["city_management"],
                    **extra,
                )
            )
    centre_grids = sorted(code for code in world.grids if code[:12] == world.centre[:12])
    for n, (ago, sign_after) in enumerate(
        [(30 * hour, 2 * hour), (20 * hour, 40 * hour), (6 * hour, 30 * hour)]
    ):
        specs.append(
            Spec(
                seed=f"{CITY}-department-{n}",
                raised_at=end - ago,
                category="business_order",
                grid=centre_grids[n % len(centre_grids)],
                channel="walk_in",
                units=[data.MARKET_REGULATION],
                triage_after=hour,
                sign_after=sign_after,
                done_after=10 * day,
            )
        )
    return specs


def matters_generate(scale: int, *, per_year: int = MATTERS_PER_YEAR, live_days: int = LIVE_DAYS) -> int:
    """Categories, handling units and `per_year × scale` matters over the year up to now.

    Matters raised in the last `live_days` days go through the services; the earlier ones are recorded in
    memory and written in bulk (`History`). Registered in demo.loader.SCALED_GENERATORS (DemoConfig.ready);
    returns how many records it created.
    """
    started = time.monotonic()
    end = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    start = end - YEAR
    live_from = end - timedelta(days=live_days)
    world = _world()
    rng = random.Random(f"{CITY}-matters")
    forced = _demo_account_specs(world, end)
    randoms = _random_specs(world, max(per_year * scale - len(forced), 0), start, end, rng)
    # The services take the last week of one city's year; at a larger scale the extra matters are recorded in
    # bulk too, so that the slow path does not grow with the scale.
    base = randoms[: max(per_year - len(forced), 0)] + forced
    live_specs = [spec for spec in base if spec.raised_at >= live_from]
    taken = {id(spec) for spec in live_specs}

    history = Simulation(world, History(world), start, end)
    history.run([spec for spec in randoms + forced if id(spec) not in taken], ticks_from=start)
    written = history.api.write()
    recorded = time.monotonic()
    live = Simulation(world, Live(end), start, end)
    live.run(live_specs, ticks_from=live_from)
    live.api.flush(end)
    matters = history.matters + live.matters
    if live.matters:
        ids = [m.pk for m in live.matters]
        Matter.objects.filter(pk__gte=min(ids), pk__lte=max(ids)).update(is_demo=True)
    account, record = world.resident_account, world.resident_record
    if account is not None and record is not None:
        # The resident follows a neighbour's matter too: the latest one raised in their grid.
        other = (
            Matter.objects.filter(place_code=record.place_code, is_hidden=False)
            .exclude(raised_by=account)
            .exclude(status=Status.MERGED)
            .order_by("-created_at")
            .first()
        )
        if other is not None:
            services.matter_follow(by=account, matter=other)

    counts = {
        "matters": len(matters),
        "through_services": len(live.matters),
        "dispatches": Dispatch.objects.filter(matter__is_demo=True).count(),
        "events": MatterEvent.objects.filter(matter__is_demo=True).count(),
        "handling_units": len({unit.pk for unit in world.units.values()}),
        "categories": len(world.categories),
        "steps_refused": history.failures + live.failures,
    }
    audit_record(
        actor=None,
        action="demo.matters.generated",
        obj=Place.objects.filter(code=CITY).first(),
        changes={
            "scale": [None, scale],
            "from": [None, start.isoformat()],
            "live_from": [None, live_from.isoformat()],
            "seconds_recorded": [None, round(recorded - started, 1)],
            "seconds_total": [None, round(time.monotonic() - started, 1)],
            "bulk_written": [None, written],
            **{name: [None, n] for name, n in counts.items()},
        },
    )
    return (
        counts["matters"]
        + counts["dispatches"]
        + counts["events"]
        + counts["handling_units"]
        + counts["categories"]
    )
