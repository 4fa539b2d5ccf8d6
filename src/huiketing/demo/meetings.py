"""The demo's year of deliberation and meetings (居民议事, 与会决策), their votes, decisions, minutes, and the
projects (成果项目化) approved decisions become; points follow from the services.

A year holds 281 meetings at scale 1, the figure Altay reports: neighbourhood, grid and property meetings
mostly, a residents' representatives meeting in every community and a monthly joint party committee in
every subdistrict (`MEETINGS_PER_YEAR`). Each meeting lives step by step at simulated moments: it is planned
some days ahead, residents of its place, representatives, party members, the property company, co-building
units and departments are invited, topics still open in its place go on the agenda; on the day attendance
is taken at the door, the quorum checked, the speakers summed up, votes of each electorate held (a few
secret, a few opened days before for household heads), each item approved, rejected or deferred with its
reasons; the minutes are generated and, most of them, published; approved decisions go through their
public-notice period (the notice job runs every night) to take effect. A few meetings fall short of their
quorum and can only defer. Topics come from the matters the matters demo tabled for deliberation (the topic
keeps the matter) and from the committees' own proposals (`data.meetings.TOPICS`).

Decisions in effect become projects through the projects services, in every state: planned, under way with
milestones done, suspended, done (the matter done, then evaluated by its resident, and closed) or cancelled;
with parties, budgets and their sources, residents taking part, and before and after photos for a few. A
matter whose meeting decided against it is rejected with the reason.

- The last `LIVE_DAYS` days go through the services themselves (`Live`, `now=` at each step), and so do every
  project and every step of a matter: their timelines, audit entries, notifications and points are what the
  pages would have made. Rows the services date with the clock (timeline entries, comments, supports,
  points entries, ...) are dated at their simulated moment.
- The months before are recorded in memory by `History`, which mirrors the services' rules (transitions,
  quorum, entitlement, outcome, notice period, timeline entries), and written in bulk with one summary audit
  entry: a year through the services takes minutes on a small machine. Like the matters demo's bulk year,
  these records carry no points and no notifications.
- The demo accounts have their share: the `resident` account's community and grid hold live meetings that
  invite its resident, who checks in by the door's QR code, votes online, supports and comments on topics
  (a comment of theirs giving a phone number is reported and hidden by the moderators) and objects to one
  decision, which ends its notice period under review. A grid meeting in its grid is in session now with an
  open vote of the grid's residents it has not cast yet, and a neighbourhood meeting it is invited to is
  planned for the coming days, beside a few others.

Registry residents have no accounts but the `resident` account: they are checked in and their ballots
recorded in person by the grid leader at the door; accounts (the `resident`, party member, volunteer and
staff accounts) check in by QR code.

`demo_seed --scale N` makes N × the meetings: the extra copies are recorded in bulk (`History`), over the
same communities and the N-times larger registry; their decisions take effect without becoming projects,
and topics are opened for one tabled matter in N, so that the services' share does not grow with N.
Random choices are seeded, so a demo loaded on the same day is the same.
"""

import heapq
import io
import itertools
import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, Max, Value, When
from django.utils import timezone

from huiketing.core.audit import audit_record
from huiketing.demo import matters as demo_matters
from huiketing.demo.data import matters as matters_data
from huiketing.demo.data import meetings as data
from huiketing.demo.data import people as people_data
from huiketing.demo.data import places as place_data
from huiketing.matters import services as matter_services
from huiketing.matters.models import HandlingUnit, Matter, MatterEvent
from huiketing.matters.models import Status as MatterStatus
from huiketing.meetings import deliberation_services, meeting_services, minutes_services, vote_services
from huiketing.meetings.models import (
    AgendaItem,
    Ballot,
    Comment,
    CommentReport,
    Electorate,
    ItemDecision,
    Majority,
    Meeting,
    MeetingEvent,
    MeetingKind,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    NoticeStatus,
    Objection,
    Participant,
    ParticipantKind,
    QuorumRule,
    SecretTally,
    Stance,
    Support,
    Topic,
    TopicOption,
    TopicStatus,
    Vote,
    VoteOption,
    VoteStatus,
)
from huiketing.people.models import (
    Household,
    Organisation,
    Relation,
    Resident,
    ResidentStatus,
    ResidentTag,
    RoleAssignment,
    Tag,
    User,
)
from huiketing.places.models import Level, Place, ServicePoint
from huiketing.points.models import Entry
from huiketing.projects import services as project_services
from huiketing.projects.models import Participation, Photo, Project, ProjectEvent

logger = logging.getLogger(__name__)

CITY = place_data.CITY_CODE
YEAR = timedelta(days=365)
# Meetings held in a year at scale 1, by kind: 281 in all.
MEETINGS_PER_YEAR = {
    "neighbourhood": 80,
    "grid": 86,
    "property": 44,
    "representatives": 23,
    "joint_party_committee": 48,
}
LIVE_DAYS = 42  # the last six weeks go through the services
PLANNED_AHEAD = timedelta(days=14)
NOTICE_DAYS = 7
SUPPORT_THRESHOLD = 10
REPRESENTATIVES_PER_COMMUNITY = 18
# Votes of household heads or of all residents are held only where so many are entitled at most, so that the
# ballots recorded door to door stay a realistic number.
WIDE_VOTE_LIMIT = {"live": 60, "history": 200}
NIGHTLY = 1  # the hour at which the notice job's nightly run is simulated

LANGUAGES = ("zh-hans", "ug", "kk")


# The world the meetings live in -----------------------------------------------------------------------------


@dataclass
class Community:
    place: Place
    grids: list[Place]
    adults: dict[str, list[Resident]]  # grid code → active adult residents (the `resident` excepted)
    representatives: list[Resident]
    party_members: list[Resident]
    company: Organisation | None
    points: list[ServicePoint]
    languages: list[tuple[str, float]]

    @property
    def code(self) -> str:
        return self.place.code

    def residents(self) -> list[Resident]:
        return [r for grid in self.grids for r in self.adults.get(grid.code, [])]


@dataclass
class World:
    communities: dict[str, Community]
    subdistricts: dict[str, Place]
    grids: dict[str, Place]
    leaders: dict[str, User | None]
    accounts: dict[str, User]
    account_kinds: dict[int, str]
    centre: str
    resident_account: User | None
    resident_record: Resident | None
    residents: list[Resident]  # every active resident, for the electorates
    households: dict[int, str]  # household id → place code
    organisations: dict[str, Organisation]
    units: dict[tuple[str, str], HandlingUnit]
    kinds: dict[str, MeetingKind]
    party_members: dict[str, list[Resident]]  # subdistrict code → adult party members
    by_grid: dict[str, list[Resident]] = field(default_factory=dict)  # grid → every active resident

    def residents_in(self, code: str) -> list[Resident]:
        return [r for grid, rows in self.by_grid.items() if grid.startswith(code) for r in rows]

    def staff(self, code: str) -> User:
        """Who runs a meeting or a project of a place: the demo's community staff in their community, the
        subdistrict officer in their subdistrict, the city officer elsewhere (as the matters demo triages)."""
        if code[:12] == self.centre[:12] and len(code) >= 12:
            return self.accounts["community"]
        if code[:9] == self.centre[:9]:
            return self.accounts["subdistrict"]
        return self.accounts["city"]

    def door(self, code: str) -> User:
        """Who records attendance and ballots at the door: the leader of the meeting's grid, or of its
        community's first grid; a subdistrict's meeting, its chair."""
        if len(code) == 15:
            grid = code
        elif len(code) == 12:
            grid = self.communities[code].grids[0].code
        else:
            return self.staff(code)
        return self.leaders.get(grid) or self.staff(code)

    def unit(self, key: str, community: str) -> HandlingUnit | None:
        return self.units.get((key, community)) or self.units.get((key, ""))

    def place_names(self, code: str) -> dict[str, str]:
        """A place's name in each language; a grid's with its community's ("金山社区第4网格")."""
        if len(code) == 9:
            return self.subdistricts[code].names
        community = self.communities[code[:12]].place.names
        if len(code) == 12:
            return community
        grid = self.grids[code].names
        return {
            language: community.get(language, "") + ("" if language == "zh-hans" else " ") + name
            for language, name in grid.items()
        }

    def community_of(self, code: str) -> Community | None:
        return self.communities.get(code[:12]) if len(code) >= 12 else None


def _adult_on(today: date) -> date:
    try:
        return today.replace(year=today.year - vote_services.ADULT_AGE)
    except ValueError:  # 29 February
        return today.replace(year=today.year - vote_services.ADULT_AGE, day=28)


def _world(end: datetime) -> World:
    meeting_services.meeting_kinds_ensure()
    accounts = {
        user.username: user
        for user in User.objects.filter(username__in=[a.username for a in people_data.ACCOUNTS], is_demo=True)
    }
    centre = (
        RoleAssignment.objects.filter(user=accounts.get("gridleader"))
        .values_list("place_code", flat=True)
        .first()
        or ""
    )
    places = list(Place.objects.filter(is_demo=True, code__startswith=CITY).order_by("code"))
    grids = {p.code: p for p in places if p.level == Level.GRID}
    leaders = User.objects.in_bulk([p.leader_id for p in grids.values() if p.leader_id])
    subdistricts = {p.code: p for p in places if p.level == Level.SUBDISTRICT}
    account_kinds = _participant_kinds([*accounts.values(), *leaders.values()])

    resident_account = accounts.get("resident")
    resident_record = (
        Resident.objects.filter(account=resident_account).first() if resident_account is not None else None
    )
    residents = list(
        Resident.objects.filter(is_demo=True, status=ResidentStatus.ACTIVE)
        .only("id", "place_code", "birth_date", "relation", "household_id", "preferred_language", "status")
        .order_by("id")
    )
    party = set(ResidentTag.objects.filter(tag=Tag.PARTY_MEMBER).values_list("resident_id", flat=True))
    adult_before = _adult_on(timezone.localdate(end))
    adults = defaultdict(list)
    languages = defaultdict(lambda: defaultdict(int))
    for resident in residents:
        languages[resident.place_code[:12]][resident.preferred_language or "zh-hans"] += 1
        if resident_record is not None and resident.pk == resident_record.pk:
            continue
        if resident.birth_date is not None and resident.birth_date <= adult_before:
            adults[resident.place_code].append(resident)

    companies = {
        org.place_code: org
        for org in Organisation.objects.filter(is_demo=True, kind=Organisation.Kind.PROPERTY_COMPANY)
    }
    points = defaultdict(list)
    for point in ServicePoint.objects.filter(is_demo=True).order_by("place_code", "id"):
        points[point.place_code[:12]].append(point)
    communities = {}
    party_members = defaultdict(list)
    for place in places:
        if place.level != Level.COMMUNITY:
            continue
        own = [g for code, g in grids.items() if code.startswith(place.code)]
        people = {g.code: adults.get(g.code, []) for g in own}
        flat = [r for g in own for r in people[g.code]]
        rng = random.Random(f"{place.code}-representatives")
        counts = languages[place.code]
        total = sum(counts.values()) or 1
        # Minutes mostly in Chinese; in Uyghur or Kazakh about half as often as residents prefer them.
        shares = [(language, counts.get(language, 0) / total / 2) for language in ("ug", "kk")]
        community = Community(
            place=place,
            grids=own,
            adults=people,
            representatives=rng.sample(flat, min(REPRESENTATIVES_PER_COMMUNITY, len(flat))),
            party_members=[r for r in flat if r.pk in party],
            company=companies.get(place.code),
            points=points.get(place.code, []),
            languages=[("zh-hans", 1 - sum(share for _l, share in shares)), *shares],
        )
        communities[place.code] = community
        party_members[place.code[:9]].extend(community.party_members)

    organisations = {}
    by_name = {org.names.get("zh-hans"): org for org in Organisation.objects.filter(is_demo=True)}
    for spec in (*matters_data.DEPARTMENTS, *people_data.ORGANISATIONS):
        if spec.names["zh-hans"] in by_name:
            organisations[spec.key] = by_name[spec.names["zh-hans"]]
    units: dict[tuple[str, str], HandlingUnit] = {}
    key_of_organisation = {org.pk: key for key, org in organisations.items()}
    for unit in HandlingUnit.objects.filter(is_demo=True, is_active=True).order_by("id"):
        if unit.organisation_id in key_of_organisation and unit.place_code == CITY:
            units[(key_of_organisation[unit.organisation_id], "")] = unit
        elif unit.kind == HandlingUnit.Kind.COMMUNITY:
            units[("community", unit.place_code)] = unit
        elif unit.kind == HandlingUnit.Kind.VOLUNTEERS:
            units[("volunteers", unit.place_code)] = unit
        elif unit.kind == HandlingUnit.Kind.PROPERTY_COMPANY:
            units[("property", unit.place_code)] = unit

    return World(
        communities=communities,
        subdistricts=subdistricts,
        grids=grids,
        leaders={code: leaders.get(g.leader_id) for code, g in grids.items()},
        accounts=accounts,
        account_kinds=account_kinds,
        centre=centre,
        resident_account=resident_account,
        resident_record=resident_record,
        residents=residents,
        households=dict(Household.objects.filter(is_demo=True).values_list("pk", "place_code")),
        organisations=organisations,
        units=units,
        kinds={kind.code: kind for kind in MeetingKind.objects.all()},
        party_members=party_members,
        by_grid=_by_grid(residents),
    )


def _participant_kinds(users: list[User]) -> dict[int, str]:
    """How each account takes part in a meeting when invited (meeting_services: by its roles)."""
    roles = defaultdict(set)
    for user_id, role in RoleAssignment.objects.filter(user__in=users).values_list("user", "role"):
        roles[user_id].add(role)
    kinds = {}
    for user in users:
        kinds[user.pk] = next(
            (kind for role, kind in meeting_services.ROLE_PARTICIPANT_KIND if role in roles[user.pk]),
            ParticipantKind.OTHER,
        )
    return kinds


def _by_grid(residents: list[Resident]) -> dict[str, list[Resident]]:
    grids = defaultdict(list)
    for resident in residents:
        grids[resident.place_code].append(resident)
    return dict(grids)


# Plans ------------------------------------------------------------------------------------------------------


@dataclass
class Plan:
    """One meeting's plan: its kind, place and time, whether it goes through the services, and its part in
    the demo accounts' story (`role`)."""

    seed: str
    kind: str
    place_code: str
    starts_at: datetime
    created_at: datetime
    live: bool = False
    copy: int = 0
    role: str = ""  # objection, in_session, planned, resident_planned


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def _daytime(moment: datetime, rng: random.Random) -> datetime:
    """The same day between 09:00 and 18:00 (local), or the next morning if it is late."""
    local = _local(moment)
    if 9 <= local.hour < 18:
        return moment
    day = local.date() + timedelta(days=1) if local.hour >= 18 else local.date()
    return _at(day, rng.randint(9, 11), rng.randint(0, 59))


def _start_hour(kind: str, rng: random.Random) -> tuple[int, int]:
    if kind == "joint_party_committee":
        return 10, 0
    return rng.choice([(10, 0), (15, 30), (19, 30), (19, 30)] if kind != "grid" else [(16, 0), (19, 0)])


def _meeting_day(rng: random.Random, first: date, last: date) -> date:
    while True:
        day = first + timedelta(days=rng.randint(0, (last - first).days))
        if day.weekday() < 6:  # Sunday is kept free
            return day


def _plans(
    world: World, scale: int, start: datetime, end: datetime, live_from: datetime, per_year
) -> list[Plan]:
    plans = []
    first = _local(start).date() + timedelta(days=2)
    last = _local(end).date() - timedelta(days=1)
    communities = sorted(world.communities)
    grids = sorted(world.grids)
    for copy in range(scale):
        rng = random.Random(f"{CITY}-meetings-{copy}")
        places: list[tuple[str, str]] = []
        for kind in ("neighbourhood", "property", "representatives"):
            order = communities[:]
            rng.shuffle(order)
            count = per_year[kind]
            if copy == 0 and kind == "neighbourhood" and world.resident_record is not None:
                count -= 1  # the meeting the `resident` objects to (_special_plans) is one of the year's
            places += [(kind, order[n % len(order)]) for n in range(count)]
        order = grids[:]
        rng.shuffle(order)
        places += [("grid", order[n % len(order)]) for n in range(per_year["grid"])]
        subdistricts = sorted(world.subdistricts)
        months = max(per_year["joint_party_committee"] // max(len(subdistricts), 1), 0)
        for n, (kind, code) in enumerate(places):
            day = _meeting_day(rng, first, last)
            plans.append(_plan(f"{CITY}-meeting-{copy}-{n}", kind, code, day, rng, copy))
        for code in subdistricts:
            for month in range(months):
                # Monthly, in the middle of each of the last twelve months.
                day = last - timedelta(days=30 * month + rng.randint(5, 20))
                while day.weekday() >= 5:
                    day -= timedelta(days=1)
                if day < first:
                    continue
                plans.append(
                    _plan(
                        f"{CITY}-party-{copy}-{code}-{month}", "joint_party_committee", code, day, rng, copy
                    )
                )
    for plan in plans:
        plan.live = plan.copy == 0 and plan.created_at >= live_from
    return plans + _special_plans(world, end, live_from)


def _plan(seed: str, kind: str, code: str, day: date, rng: random.Random, copy: int) -> Plan:
    hour, minute = _start_hour(kind, rng)
    starts = _at(day, hour, minute)
    created = _at(day - timedelta(days=rng.randint(4, 12)), rng.randint(9, 17), rng.randint(0, 59))
    return Plan(seed=seed, kind=kind, place_code=code, starts_at=starts, created_at=created, copy=copy)


def _special_plans(world: World, end: datetime, live_from: datetime) -> list[Plan]:
    """The demo accounts' meetings: one held three weeks ago in the `resident`'s community (it objects to a
    decision), one in session in its grid now, and those planned in the coming two weeks."""
    record = world.resident_record
    rng = random.Random(f"{CITY}-meetings-special")
    today = _local(end).date()
    plans = []
    if record is not None:
        community, grid = record.place_code[:12], record.place_code
        held = _at(today - timedelta(days=20), 19, 30)
        plans.append(
            Plan(
                f"{CITY}-objection",
                "neighbourhood",
                community,
                held,
                held - timedelta(days=6),
                True,
                role="objection",
            )
        )
        in_session = end - timedelta(minutes=40)
        plans.append(
            Plan(
                f"{CITY}-in-session",
                "grid",
                grid,
                in_session,
                end - timedelta(days=6),
                True,
                role="in_session",
            )
        )
        coming = _at(today + timedelta(days=5), 19, 30)
        plans.append(
            Plan(
                f"{CITY}-planned-resident",
                "neighbourhood",
                community,
                coming,
                end - timedelta(days=2),
                True,
                role="resident_planned",
            )
        )
    others = sorted(code for code in world.communities if record is None or code != record.place_code[:12])
    for n, (kind, code) in enumerate(
        zip(
            ("property", "neighbourhood", "representatives", "neighbourhood"),
            rng.sample(others, 4),
            strict=True,
        )
    ):
        day = today + timedelta(days=rng.randint(2, PLANNED_AHEAD.days - 1))
        hour, minute = _start_hour(kind, rng)
        created = end - timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 6))
        plans.append(
            Plan(f"{CITY}-planned-{n}", kind, code, _at(day, hour, minute), created, True, role="planned")
        )
    return plans


# Topics waiting for a meeting -------------------------------------------------------------------------------


@dataclass
class PoolEntry:
    topic: Topic
    place_code: str
    kinds: tuple[str, ...]
    text: data.TopicText | None
    matter: Matter | None
    available_since: datetime
    state: str = "open"  # open, agenda, done
    reserved_for: str = ""  # the seed of the one meeting that takes it up, for the demo accounts' meetings


class Pool:
    """The topics open for deliberation in each place, as the meetings find them when they plan an agenda."""

    def __init__(self):
        self.entries: dict[str, list[PoolEntry]] = defaultdict(list)

    def add(self, entry: PoolEntry) -> None:
        self.entries[entry.place_code].append(entry)

    def keys(self, place_code: str) -> set[str]:
        return {e.text.key for e in self.entries[place_code] if e.text is not None and e.state != "done"}

    def pick(self, place_code: str, kind: str, now: datetime, n: int, seed: str) -> list[PoolEntry]:
        """Up to n topics for a meeting: those kept for it first, then tabled matters, the oldest first."""
        ready = [
            e
            for e in self.entries[place_code]
            if e.state == "open"
            and e.available_since <= now
            and kind in e.kinds
            and e.reserved_for in ("", seed)
        ]
        ready.sort(key=lambda e: (e.reserved_for != seed, e.matter is None, e.available_since))
        return ready[:n]


# Two ways of carrying a step out: through the services (Live), or recorded in memory and written in bulk
# (History). Both take the services' arguments and follow the same rules.


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


class History:
    """The meetings' steps recorded in memory, as the services would leave them, then written in bulk."""

    def __init__(self, world: World):
        self.world = world
        self.topics: list[Topic] = []
        self.topic_options: list[TopicOption] = []
        self.meetings: list[Meeting] = []
        self.participants: dict[int, list[Participant]] = defaultdict(list)  # id(meeting) → rows
        self.items: dict[int, list[AgendaItem]] = defaultdict(list)
        self.votes: list[Vote] = []
        self.vote_options: dict[int, list[VoteOption]] = {}
        self.ballots: dict[int, list[Ballot]] = defaultdict(list)
        self.tallies: dict[int, dict[int, int]] = {}  # id(vote) → id(option) → count
        self.minutes: list[Minutes] = []
        self.events: list[tuple] = []
        self.in_notice: list[AgendaItem] = []
        self.effective: list[AgendaItem] = []
        self.by_household: dict[int, set] = defaultdict(set)
        self.ballot_keys: set[tuple[int, int]] = set()
        self.electorates: dict[tuple, list[Resident]] = {}

    # Helpers

    def _event(self, *, meeting=None, topic=None, kind: str, by=None, params=None, now: datetime) -> None:
        self.events.append((topic, meeting, kind, params or {}, by, now))

    def _refuse(self, message: str):
        raise ValidationError(message)

    # Deliberation

    def _topic(self, *, by, title, background, place_code, origin, matter, options, now) -> Topic:
        topic = Topic(
            title=title[:120],
            background=background,
            place_code=place_code,
            origin=origin,
            matter=matter,
            status=TopicStatus.OPEN,
            support_threshold=SUPPORT_THRESHOLD,
            opened_by=by,
            opened_at=now,
            is_demo=True,
        )
        topic.demo_created = topic.demo_updated = now
        self.topics.append(topic)
        self.topic_options += [
            TopicOption(topic=topic, position=position, title=option["title"])
            for position, option in enumerate(options, start=1)
        ]
        return topic

    def topic_propose(self, *, by, place_code, title, background, options, now) -> Topic:
        topic = self._topic(
            by=by,
            title=title,
            background=background,
            place_code=place_code,
            origin=Topic.Origin.STAFF,
            matter=None,
            options=options,
            now=now,
        )
        self._event(topic=topic, kind=deliberation_services.EventKind.OPENED, by=by, now=now)
        return topic

    def topic_from_matter(self, *, by, matter, title, background, options, now) -> Topic:
        topic = self._topic(
            by=by,
            title=title,
            background=background,
            place_code=matter.place_code[:12],
            origin=Topic.Origin.MATTER,
            matter=matter,
            options=options,
            now=now,
        )
        self._event(
            topic=topic,
            kind=deliberation_services.EventKind.OPENED,
            by=by,
            params={"matter": matter.pk},
            now=now,
        )
        return topic

    def _topic_transition(self, topic: Topic, action: str, *, by, params: dict, now) -> None:
        allowed, target = deliberation_services.TOPIC_TRANSITIONS[action]
        if topic.status not in allowed:
            self._refuse(f"topic {action} from {topic.status}")
        topic.status = target
        topic.demo_updated = now
        kind = deliberation_services.TRANSITION_EVENTS[action]
        self._event(topic=topic, kind=kind, by=by, params=params, now=now)

    # Meetings

    def meeting_create(self, *, by, now, **fields) -> Meeting:
        meeting = Meeting(**fields, created_by=by, is_demo=True)
        meeting.demo_created = meeting.demo_updated = now
        self.meetings.append(meeting)
        self._event(
            meeting=meeting,
            kind=meeting_services.EVENT_SCHEDULED,
            by=by,
            params={"starts": meeting.starts_at.isoformat()},
            now=now,
        )
        return meeting

    def invite(self, *, by, meeting, residents=(), users=(), organisations=(), kind="", now) -> None:
        if meeting.status not in meeting_services.INVITING_STATUSES:
            self._refuse("not inviting")
        rows = self.participants[id(meeting)]
        listed = {p.resident.pk for p in rows if p.resident is not None}
        for resident in residents:
            if resident.pk not in listed:
                listed.add(resident.pk)
                rows.append(
                    Participant(
                        meeting=meeting,
                        kind=kind or ParticipantKind.RESIDENT,
                        resident=resident,
                        invited=True,
                    )
                )
        for user in users:
            rows.append(
                Participant(
                    meeting=meeting, kind=kind or self.world.account_kinds[user.pk], user=user, invited=True
                )
            )
        for organisation in organisations:
            rows.append(
                Participant(
                    meeting=meeting,
                    kind=kind or meeting_services.ORGANISATION_PARTICIPANT_KIND[organisation.kind],
                    organisation=organisation,
                    invited=True,
                )
            )

    def participants_of(self, meeting) -> list[Participant]:
        return self.participants[id(meeting)]

    def item_add(self, *, by, meeting, topic=None, title="", now) -> AgendaItem:
        if meeting.status not in meeting_services.INVITING_STATUSES:
            self._refuse("agenda closed")
        items = self.items[id(meeting)]
        if topic is not None:
            if not topic.place_code.startswith(meeting.place_code):
                self._refuse("topic outside the meeting's place")
            self._topic_transition(
                topic,
                "put_on_agenda",
                by=by,
                params={"meeting": meeting, "meeting_title": meeting.title},
                now=now,
            )
        item = AgendaItem(meeting=meeting, position=len(items) + 1, topic=topic, title=title or topic.title)
        items.append(item)
        return item

    def attend(self, *, by, participant, how, now) -> Participant:
        meeting = participant.meeting
        if not (
            meeting.status == MeetingStatus.IN_SESSION
            or (
                meeting.status == MeetingStatus.PLANNED
                and now >= meeting.starts_at - meeting_services.CHECK_IN_OPENS_BEFORE
            )
        ):
            self._refuse("attendance not open")
        if participant.attended_at is None:
            participant.attended_at = now
            participant.check_in = how
            if how == Participant.CheckIn.QR:
                account = participant.user or self.world.resident_account
                participant.checked_in_by = account
            else:
                participant.checked_in_by = by
        return participant

    def quorum(self, meeting) -> meeting_services.Quorum:
        counted = [
            p for p in self.participants[id(meeting)] if p.invited and p.role != Participant.Role.OBSERVER
        ]
        attending = sum(1 for p in counted if p.attended_at is not None)
        return meeting_services.quorum_for(meeting.quorum_rule, len(counted), attending, meeting.quorum_count)

    def meeting_open(self, *, by, meeting, now) -> Meeting:
        if meeting.status != MeetingStatus.PLANNED:
            self._refuse("not planned")
        meeting.status, meeting.opened_at, meeting.demo_updated = MeetingStatus.IN_SESSION, now, now
        self._event(meeting=meeting, kind=meeting_services.EVENT_OPENED, by=by, now=now)
        return meeting

    def summary(self, *, by, item, text, now) -> AgendaItem:
        item.speakers_summary = text
        return item

    def meeting_close(self, *, by, meeting, now) -> Meeting:
        if meeting.status != MeetingStatus.IN_SESSION:
            self._refuse("not in session")
        meeting.status, meeting.closed_at, meeting.demo_updated = MeetingStatus.CLOSED, now, now
        self._event(
            meeting=meeting,
            kind=meeting_services.EVENT_CLOSED,
            by=by,
            params=self.quorum(meeting).as_params(),
            now=now,
        )
        return meeting

    # Votes

    def vote_create(
        self,
        *,
        by,
        item,
        question,
        is_secret,
        electorate,
        majority,
        turnout_quorum,
        allows_online,
        closes_at,
        now,
    ) -> Vote:
        if item.meeting.status in vote_services.ENDED_MEETINGS or item.decision:
            self._refuse("no vote on this item")
        vote = Vote(
            item=item,
            question=question,
            is_secret=is_secret,
            electorate=electorate,
            majority=majority,
            turnout_quorum=turnout_quorum,
            allows_online=allows_online,
            closes_at=closes_at,
        )
        self.votes.append(vote)
        options = [
            VoteOption(vote=vote, position=position, label=label, meaning=meaning)
            for position, (label, meaning) in enumerate(vote_services.DEFAULT_OPTIONS)
        ]
        self.vote_options[id(vote)] = options
        if is_secret:
            self.tallies[id(vote)] = {id(option): 0 for option in options}
        return vote

    def options_of(self, vote) -> list[VoteOption]:
        return self.vote_options[id(vote)]

    def vote_open(self, *, by, vote, now) -> Vote:
        meeting = vote.item.meeting
        if vote.status != VoteStatus.DRAFT or meeting.status in vote_services.ENDED_MEETINGS:
            self._refuse("vote cannot open")
        if vote.electorate == Electorate.ATTENDEES and meeting.status != MeetingStatus.IN_SESSION:
            self._refuse("attendees vote only in session")
        vote.status, vote.opened_at = VoteStatus.OPEN, now
        self._event(
            meeting=meeting,
            topic=vote.item.topic,
            kind=vote_services.EventKind.VOTE_OPENED,
            by=by,
            params={"vote": vote, "item": vote.item, "question": vote.question},
            now=now,
        )
        return vote

    def _electorate(self, vote, today: date) -> list[Resident]:
        meeting = vote.item.meeting
        rows = self.participants[id(meeting)]
        if vote.electorate == Electorate.ATTENDEES:
            return [p.resident for p in rows if p.resident_id and p.attended_at is not None]
        if vote.electorate == Electorate.REPRESENTATIVES:
            return [p.resident for p in rows if p.resident_id and p.kind == ParticipantKind.REPRESENTATIVE]
        key = (id(vote), today)
        if key not in self.electorates:
            adult = _adult_on(today)
            code = meeting.place_code
            adults = [
                r for r in self.world.residents_in(code) if r.birth_date is not None and r.birth_date <= adult
            ]
            if vote.electorate == Electorate.HOUSEHOLDS:
                households = self.world.households
                adults = [
                    r
                    for r in adults
                    if r.relation == Relation.HOUSEHOLDER
                    and households.get(r.household_id, "").startswith(code)
                ]
            self.electorates[key] = adults
        return self.electorates[key]

    def ballot(self, *, by, vote, resident, option, channel, now) -> Ballot:
        if vote.status != VoteStatus.OPEN or (vote.closes_at is not None and vote.closes_at <= now):
            self._refuse("vote not open")
        if resident.pk not in {r.pk for r in self._electorate(vote, _local(now).date())}:
            self._refuse("not entitled")
        households = vote.electorate == Electorate.HOUSEHOLDS
        if (id(vote), resident.pk) in self.ballot_keys or (
            households and resident.household_id in self.by_household[id(vote)]
        ):
            self._refuse("already voted")
        self.ballot_keys.add((id(vote), resident.pk))
        if households:
            self.by_household[id(vote)].add(resident.household_id)
        ballot = Ballot(
            vote=vote,
            resident=resident,
            household_id=resident.household_id if households else None,
            option=None if vote.is_secret else option,
            channel=channel,
            recorded_by=by if channel == Ballot.Channel.IN_PERSON else None,
            cast_minute=_minute(now),
        )
        if vote.is_secret:
            self.tallies[id(vote)][id(option)] += 1
        else:
            ballot.demo_option = option
        self.ballots[id(vote)].append(ballot)
        return ballot

    def vote_close(self, *, by, vote, now) -> Vote:
        if vote.status != VoteStatus.OPEN:
            self._refuse("vote not open")
        options = self.vote_options[id(vote)]
        ballots = self.ballots[id(vote)]
        if vote.is_secret:
            counts = {id(o): self.tallies[id(vote)][id(o)] for o in options}
        else:
            counts = {id(o): sum(1 for b in ballots if b.demo_option is o) for o in options}
        electorate = self._electorate(vote, _local(now).date())
        if vote.electorate == Electorate.HOUSEHOLDS:
            households = {r.household_id for r in electorate}
            entitled = len(households) + sum(1 for b in ballots if b.household_id not in households)
        else:
            ids = {r.pk for r in electorate}
            entitled = len(ids) + sum(1 for b in ballots if b.resident.pk not in ids)
        by_meaning = dict.fromkeys(VoteOption.Meaning.values, 0)
        for option in options:
            option.result_count = counts[id(option)]
            by_meaning[option.meaning] += option.result_count
        result = vote_services.outcome(
            majority=vote.majority,
            turnout_quorum=vote.turnout_quorum,
            entitled=entitled,
            cast=len(ballots),
            yes=by_meaning[VoteOption.Meaning.YES],
            no=by_meaning[VoteOption.Meaning.NO],
        )
        vote.status, vote.closed_at = VoteStatus.CLOSED, now
        vote.entitled_count, vote.cast_count = entitled, len(ballots)
        vote.quorum_met, vote.passed = result.quorum_met, result.passed
        figures = {
            "entitled": entitled,
            "cast": len(ballots),
            "yes": by_meaning[VoteOption.Meaning.YES],
            "no": by_meaning[VoteOption.Meaning.NO],
            "abstain": by_meaning[VoteOption.Meaning.ABSTAIN],
            "quorum_met": result.quorum_met,
            "passed": result.passed,
            "counts": [{"option": option, "count": option.result_count} for option in options],
        }
        self._event(
            meeting=vote.item.meeting,
            topic=vote.item.topic,
            kind=vote_services.EventKind.VOTE_CLOSED,
            by=by,
            params={"vote": vote, "item": vote.item, "question": vote.question, **figures},
            now=now,
        )
        return vote

    # Decisions

    def item_decide(self, *, by, item, decision, reasons, follow_up, now) -> AgendaItem:
        meeting = item.meeting
        if meeting.status not in (MeetingStatus.IN_SESSION, MeetingStatus.CLOSED) or item.decision:
            self._refuse("cannot decide")
        if decision != ItemDecision.DEFERRED and not self.quorum(meeting).met:
            self._refuse("no quorum")
        closed = [v for v in self.votes if v.item is item and v.status == VoteStatus.CLOSED]
        if any(v.item is item and v.status == VoteStatus.OPEN for v in self.votes):
            self._refuse("vote still open")
        if decision == ItemDecision.APPROVED and closed and not closed[-1].passed:
            self._refuse("vote did not pass")
        item.decision, item.decision_reasons, item.follow_up = decision, reasons, follow_up
        item.decided_at, item.decided_by = now, by
        if decision == ItemDecision.APPROVED:
            today = _local(now).date()
            item.notice_status = NoticeStatus.IN_NOTICE
            item.notice_starts_on, item.notice_ends_on = today, today + timedelta(days=NOTICE_DAYS)
            self.in_notice.append(item)
        topic = item.topic
        if topic is not None:
            if decision == ItemDecision.DEFERRED:
                self._topic_transition(topic, "reopen", by=by, params={"note": reasons}, now=now)
            else:
                self._topic_transition(
                    topic, "decide", by=by, params={"decision": decision, "note": reasons}, now=now
                )
        params = {"item": item, "title": item.title[:80], "decision": decision}
        if item.notice_ends_on:
            params["notice_ends_on"] = item.notice_ends_on.isoformat()
        if topic is not None and topic.matter_id is not None:
            params["matter"] = topic.matter_id
        self._event(
            meeting=meeting, topic=topic, kind=meeting_services.EVENT_DECIDED, by=by, params=params, now=now
        )
        return item

    def objection(self, *, by, item, body, now):
        self._refuse("objections are taken through the services only")

    def tick(self, now: datetime) -> list:
        today = _local(now).date()
        due = [item for item in self.in_notice if item.notice_ends_on < today]
        for item in due:
            self.in_notice.remove(item)
            item.notice_status, item.effective_at = NoticeStatus.EFFECTIVE, now
            self.effective.append(item)
            self._event(
                meeting=item.meeting,
                topic=item.topic,
                kind=meeting_services.EVENT_EFFECTIVE,
                params={"item": item},
                now=now,
            )
        return due

    # Minutes

    def minutes_generate(self, *, by, meeting, now) -> Minutes:
        if meeting.status not in minutes_services.GENERATE_FROM:
            self._refuse("minutes before the meeting")
        minutes = Minutes(meeting=meeting, language=meeting.language, generated_at=now)
        self.minutes.append(minutes)
        return minutes

    def minutes_publish(self, *, by, minutes, now) -> Minutes:
        if minutes.meeting.status not in minutes_services.PUBLISH_FROM:
            self._refuse("meeting not closed")
        minutes.status, minutes.published_at, minutes.published_by = MinutesStatus.PUBLISHED, now, by
        self._event(
            meeting=minutes.meeting,
            kind="minutes_published",
            by=by,
            params={"language": minutes.language},
            now=now,
        )
        return minutes

    # Writing it all

    def write(self) -> dict[str, int]:
        Topic.objects.bulk_create(self.topics, batch_size=500)
        TopicOption.objects.bulk_create(self.topic_options, batch_size=1000)
        Meeting.objects.bulk_create(self.meetings, batch_size=500)
        participants = [p for rows in self.participants.values() for p in rows]
        Participant.objects.bulk_create(participants, batch_size=1000)
        items = [item for rows in self.items.values() for item in rows]
        AgendaItem.objects.bulk_create(items, batch_size=1000)
        Vote.objects.bulk_create(self.votes, batch_size=1000)
        options = [o for rows in self.vote_options.values() for o in rows]
        VoteOption.objects.bulk_create(options, batch_size=1000)
        by_id = {id(o): o for o in options}
        tallies = [
            SecretTally(vote=vote, option=by_id[option_id], count=count)
            for vote in self.votes
            if vote.is_secret
            for option_id, count in self.tallies[id(vote)].items()
        ]
        SecretTally.objects.bulk_create(tallies, batch_size=1000)
        ballots = [b for rows in self.ballots.values() for b in rows]
        for ballot in ballots:
            if not ballot.vote.is_secret:
                ballot.option = ballot.demo_option
        Ballot.objects.bulk_create(ballots, batch_size=1000)
        self._write_minutes()
        self._write_events()
        self._dates(Topic, self.topics)
        self._dates(Meeting, self.meetings)
        return {
            "topics": len(self.topics),
            "meetings": len(self.meetings),
            "participants": len(participants),
            "items": len(items),
            "votes": len(self.votes),
            "ballots": len(ballots),
            "minutes": len(self.minutes),
            "events": len(self.events),
        }

    def _write_minutes(self) -> None:
        """Minutes are generated from the records once they are written, in the meeting's language."""
        for minutes in self.minutes:
            minutes.sections = minutes_services.minutes_texts_generate(minutes.meeting)
        Minutes.objects.bulk_create(self.minutes, batch_size=500)

    @staticmethod
    def _dates(model, objects) -> None:
        """Creation and change times as simulated (the model's auto fields set the clock's)."""
        for start in range(0, len(objects), 500):
            batch = objects[start : start + 500]
            model.objects.filter(pk__in=[o.pk for o in batch]).update(
                created_at=Case(*[When(pk=o.pk, then=Value(o.demo_created)) for o in batch]),
                updated_at=Case(*[When(pk=o.pk, then=Value(o.demo_updated)) for o in batch]),
            )

    def _write_events(self) -> None:
        def resolve(value):
            if hasattr(value, "_meta"):
                return value.pk
            if isinstance(value, dict):
                return {key: resolve(item) for key, item in value.items()}
            if isinstance(value, list):
                return [resolve(item) for item in value]
            return value

        names = ("topic", "meeting", "kind", "params", "actor", "created_at")
        fields = [MeetingEvent._meta.get_field(name) for name in names]
        params_field, created_field = fields[3], fields[5]
        rows = [
            (
                topic.pk if topic is not None else None,
                meeting.pk if meeting is not None else None,
                kind,
                params_field.get_db_prep_save(resolve(params), connection),
                by.pk if by is not None else None,
                created_field.get_db_prep_save(now, connection),
            )
            for topic, meeting, kind, params, by, now in self.events
        ]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        table = connection.ops.quote_name(MeetingEvent._meta.db_table)
        # Table and column names come from the model, never from input.
        insert = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 2000):
                cursor.executemany(insert, rows[start : start + 2000])


# What the services date with the clock, and is dated here at the simulated moment of its step.
TOPICS_STAMP = ((Topic, ("created_at", "updated_at")), (MeetingEvent, ("created_at",)))
MEETING_STAMP = ((Meeting, ("created_at", "updated_at")), (MeetingEvent, ("created_at",)))
POINTS_STAMP = ((Entry, ("created_at",)),)
PROJECT_STAMP = ((Project, ("created_at", "updated_at")), (ProjectEvent, ("created_at",)))
MATTER_STAMP = ((Matter, ("updated_at",)),)
# What each step of a project (or of its matter) dates besides the project and its timeline.
PROJECT_STEP_STAMPS = {
    project_services.project_start: MATTER_STAMP,
    project_services.project_finish: MATTER_STAMP,
    project_services.project_cancel: MATTER_STAMP,
    project_services.participation_record: ((Participation, ("recorded_at",)), *POINTS_STAMP),
    project_services.photo_add: ((Photo, ("uploaded_at",)),),
}


class Live:
    """The steps through the services; what they date with the clock is dated at the step's moment."""

    def __init__(self, world: World, end: datetime):
        self.world = world
        self.real_start = timezone.now()
        self.notifications = demo_matters.Live(end)
        models = {
            Topic,
            MeetingEvent,
            Meeting,
            Entry,
            Project,
            ProjectEvent,
            Participation,
            Photo,
            Comment,
            CommentReport,
            Support,
            Objection,
        }
        self.first_pk = {model: model.objects.aggregate(last=Max("pk"))["last"] or 0 for model in models}

    def stamp(self, now: datetime, *specs) -> None:
        for model, names in specs:
            for name in names:
                rows = model.objects.filter(**{f"{name}__gte": self.real_start})
                if name in ("created_at", "recorded_at", "uploaded_at") and model in self.first_pk:
                    rows = rows.filter(pk__gt=self.first_pk[model])
                rows.update(**{name: now})
        self.notifications.flush(now)

    # Deliberation

    def topic_propose(self, *, by, place_code, title, background, options, now) -> Topic:
        topic = deliberation_services.topic_create(
            by=by,
            title=title[:120],
            background=background,
            place_code=place_code,
            options=options,
            support_threshold=SUPPORT_THRESHOLD,
            is_demo=True,
            now=now,
        )
        topic = deliberation_services.topic_open(by=by, topic=topic, now=now)
        self.stamp(now, *TOPICS_STAMP)
        return topic

    def topic_from_matter(self, *, by, matter, title, background, options, now) -> Topic:
        topic = deliberation_services.topic_open_from_matter(
            by=by,
            matter=matter,
            title=title[:120],
            background=background,
            options=options,
            threshold=SUPPORT_THRESHOLD,
            now=now,
        )
        self.stamp(now, *TOPICS_STAMP)
        return topic

    def support(self, *, by, topic, now):
        support = deliberation_services.topic_support(by=by, topic=topic)
        self.stamp(now, (Support, ("created_at",)), *TOPICS_STAMP, *POINTS_STAMP)
        return support

    def comment(self, *, by, topic, stance, body, now) -> Comment:
        comment = deliberation_services.comment_post(by=by, topic=topic, stance=stance, body=body)
        self.stamp(now, (Comment, ("created_at",)))
        return comment

    def report(self, *, by, comment, reason, now):
        report = deliberation_services.comment_report(by=by, comment=comment, reason=reason)
        self.stamp(now, (CommentReport, ("created_at",)))
        return report

    def hide(self, *, by, comment, reason, now) -> Comment:
        return deliberation_services.comment_hide(by=by, comment=comment, reason=reason, now=now)

    # Meetings

    def meeting_create(self, *, by, now, **fields) -> Meeting:
        meeting = meeting_services.meeting_create(by=by, now=now, is_demo=True, **fields)
        self.stamp(now, *MEETING_STAMP)
        return meeting

    def invite(self, *, by, meeting, residents=(), users=(), organisations=(), kind="", now) -> None:
        meeting_services.participants_invite(
            by=by, meeting=meeting, residents=residents, users=users, organisations=organisations, kind=kind
        )
        self.stamp(now)

    def participants_of(self, meeting) -> list[Participant]:
        rows = list(
            Participant.objects.filter(meeting=meeting)
            .select_related("resident", "user", "organisation")
            .order_by("id")
        )
        for row in rows:
            row.meeting = meeting
        return rows

    def item_add(self, *, by, meeting, topic=None, title="", now) -> AgendaItem:
        item = meeting_services.agenda_item_add(by=by, meeting=meeting, topic=topic, title=title)
        self.stamp(now, *TOPICS_STAMP)
        return item

    def attend(self, *, by, participant, how, now) -> Participant:
        if how == Participant.CheckIn.QR:
            account = participant.user or self.world.resident_account
            row = meeting_services.attendance_check_in_by_token(
                user=account, token=participant.meeting.check_in_token, now=now
            )
        else:
            row = meeting_services.attendance_record(by=by, participant=participant, now=now)
        self.stamp(now, *POINTS_STAMP)
        return row

    def quorum(self, meeting) -> meeting_services.Quorum:
        return meeting_services.quorum(meeting)

    def meeting_open(self, *, by, meeting, now) -> Meeting:
        meeting = meeting_services.meeting_open(by=by, meeting=meeting, now=now)
        self.stamp(now, *MEETING_STAMP)
        return meeting

    def summary(self, *, by, item, text, now) -> AgendaItem:
        return meeting_services.item_summary_record(by=by, item=item, speakers_summary=text)

    def meeting_close(self, *, by, meeting, now) -> Meeting:
        meeting = meeting_services.meeting_close(by=by, meeting=meeting, now=now)
        self.stamp(now, *MEETING_STAMP)
        return meeting

    # Votes

    def vote_create(self, *, by, item, **fields) -> Vote:
        return vote_services.vote_create(by=by, item=item, **fields)

    def options_of(self, vote) -> list[VoteOption]:
        return list(vote.options.order_by("position", "id"))

    def vote_open(self, *, by, vote, now) -> Vote:
        vote = vote_services.vote_open(by=by, vote=vote, now=now)
        self.stamp(now, *MEETING_STAMP)
        return vote

    def ballot(self, *, by, vote, resident, option, channel, now) -> Ballot:
        if channel == Ballot.Channel.ONLINE:
            ballot = vote_services.ballot_cast_online(
                by=self.world.resident_account, vote=vote, option=option, now=now
            )
        else:
            ballot = vote_services.ballot_record_in_person(
                by=by, vote=vote, resident=resident, option=option, now=now
            )
        self.stamp(now, *POINTS_STAMP)
        return ballot

    def vote_close(self, *, by, vote, now) -> Vote:
        vote = vote_services.vote_close(by=by, vote=vote, now=now)
        self.stamp(now, *MEETING_STAMP)
        return vote

    # Decisions

    def item_decide(self, *, by, item, decision, reasons, follow_up, now) -> AgendaItem:
        item = meeting_services.item_decide(
            by=by,
            item=item,
            decision=decision,
            reasons=reasons,
            follow_up=follow_up,
            notice_days=NOTICE_DAYS,
            now=now,
        )
        self.stamp(now, *MEETING_STAMP, *TOPICS_STAMP)
        return item

    def objection(self, *, by, item, body, now) -> Objection:
        objection = meeting_services.objection_raise(by=by, item=item, body=body, now=now)
        self.stamp(now, (Objection, ("created_at",)), *MEETING_STAMP)
        return objection

    def tick(self, now: datetime) -> list:
        meeting_services.notice_period_run(now=now)
        self.stamp(now, *MEETING_STAMP)
        return list(AgendaItem.objects.filter(notice_status=NoticeStatus.EFFECTIVE, effective_at=now))

    # Minutes

    def minutes_generate(self, *, by, meeting, now) -> Minutes:
        return minutes_services.minutes_generate(by=by, meeting=meeting, now=now)

    def minutes_publish(self, *, by, minutes, now) -> Minutes:
        minutes = minutes_services.minutes_publish(by=by, minutes=minutes, now=now)
        self.stamp(now, *MEETING_STAMP)
        return minutes

    # Projects and matters (services only)

    def matter_reject(self, *, by, matter, reason, now) -> Matter:
        matter = matter_services.matter_reject(
            by=by, matter=matter, reason_kind="decided_against", reason=reason, now=now
        )
        self.stamp(now, (Matter, ("updated_at",)))
        return matter

    def project_step(self, at: datetime, step: Callable, **kwargs):
        result = step(**kwargs)
        if step is matter_services.matter_evaluate:
            self.stamp(at, *MATTER_STAMP, *POINTS_STAMP)
        else:
            self.stamp(at, *PROJECT_STAMP, *PROJECT_STEP_STAMPS.get(step, ()))
        return result


# The simulation ---------------------------------------------------------------------------------------------


def _weighted(rng: random.Random, pairs) -> str:
    keys, weights = zip(*pairs, strict=True)
    return rng.choices(keys, weights)[0]


def _text(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or texts["zh-hans"]


def _attempt(action: Callable, /, **kwargs):
    """A step that may be refused (the state moved on meanwhile): its result, or None."""
    try:
        return action(**kwargs)
    except ValidationError:
        return None


@dataclass
class ProjectPlan:
    text: data.ProjectText
    language: str
    matter_id: int | None
    place_code: str
    copy: int


class Simulation:
    """Every step of every life in time order, with the notice job every night (as matters.Simulation)."""

    def __init__(self, generator: "Lives", api, *, ticks_from: datetime):
        self.gen, self.api = generator, api
        self.heap: list = []
        self.order = itertools.count()
        self.clock = generator.start - timedelta(days=60)
        generator.simulation = self
        self.failures = 0
        day = _local(ticks_from).date()
        while (moment := _at(day, NIGHTLY)) <= generator.end:
            if moment >= ticks_from:
                heapq.heappush(self.heap, (moment, next(self.order), None, moment))
            day += timedelta(days=1)

    def add(self, life: Generator, first: bool = True, value=None) -> None:
        try:
            when, action = next(life) if first else life.send(value)
        except StopIteration:
            return
        if when <= self.gen.end:
            heapq.heappush(self.heap, (max(when, self.clock), next(self.order), life, action))

    def run(self) -> None:
        while self.heap:
            when, _order, life, action = heapq.heappop(self.heap)
            self.clock = when
            if life is None:
                for item in self.api.tick(action):
                    self.gen.on_effective(self, item)
                continue
            try:
                result = action()
            except ValidationError as error:
                self.failures += 1
                logger.warning("Demo meeting step at %s failed: %s", when, error)
                continue
            self.add(life, first=False, value=result)


class Lives:
    """The lives of topics, meetings and projects, played on `History` or `Live`."""

    def __init__(self, world: World, start: datetime, end: datetime):
        self.world, self.start, self.end = world, start, end
        self.pool = Pool()
        self.projects: dict[int, ProjectPlan] = {}  # agenda item id → what it becomes once in effect
        self.pending_projects: list[tuple[AgendaItem, ProjectPlan]] = []  # history items, before their ids
        self.rejections: list[tuple[Matter, datetime]] = []
        self.photos = 0
        self.resident_helped = False
        self.started: set[int] = set()  # agenda items whose project life has begun
        self.fates: dict[int, str] = {}  # agenda item id → how its project goes, where it is set
        self.four_fifths = False
        self.api_live: Live | None = None
        self.simulation: Simulation | None = None

    # Topics

    def topic_life(
        self,
        *,
        at: datetime,
        place_code: str,
        text: data.TopicText | None,
        matter: Matter | None,
        api,
        resident_part: bool = False,
        reserved_for: str = "",
    ):
        world = self.world
        staff = world.staff(place_code)
        if matter is not None:
            language = matter.language if matter.language in LANGUAGES else "zh-hans"
            background = _text(data.MATTER_BACKGROUND, language).format(description=matter.description)
            options = [{"title": _text(o, language)} for o in data.MATTER_OPTIONS]
            topic = yield (
                at,
                lambda: api.topic_from_matter(
                    by=staff,
                    matter=matter,
                    title=matter.title,
                    background=background,
                    options=options,
                    now=at,
                ),
            )
            kinds = (
                ("property", "neighbourhood")
                if matter.category.code == "property"
                else ("neighbourhood", "representatives")
            )
            place = topic.place_code
        else:
            community = world.community_of(place_code)
            rng = random.Random(f"{place_code}-{text.key}-{at.isoformat()}")
            language = _weighted(rng, community.languages) if community else "zh-hans"
            options = [{"title": _text(o, language)} for o in text.options]
            topic = yield (
                at,
                lambda: api.topic_propose(
                    by=staff,
                    place_code=place_code,
                    title=_text(text.title, language),
                    background=_text(text.background, language),
                    options=options,
                    now=at,
                ),
            )
            kinds, place = text.kinds, place_code
        entry = PoolEntry(topic, place, kinds, text, matter, at, reserved_for=reserved_for)
        self.pool.add(entry)
        if resident_part:
            yield from self.resident_takes_part(topic, at)
        return entry

    def resident_takes_part(self, topic: Topic, at: datetime):
        """The `resident` account supports a topic of its community and says what it thinks."""
        account = self.world.resident_account
        rng = random.Random(f"resident-{topic.pk}")
        t = _daytime(at + timedelta(hours=rng.uniform(6, 40)), rng)
        yield t, lambda: _attempt(self.api_live.support, by=account, topic=topic, now=t)
        stance = _weighted(rng, ((Stance.FOR, 5), (Stance.NEUTRAL, 3), (Stance.AGAINST, 2)))
        language = "kk" if rng.random() < 0.7 else "zh-hans"
        body = _text(rng.choice(data.COMMENTS[stance]), language)
        t = _daytime(t + timedelta(hours=rng.uniform(2, 30)), rng)
        yield (
            t,
            lambda: _attempt(self.api_live.comment, by=account, topic=topic, stance=stance, body=body, now=t),
        )

    def moderated_topic_life(self, at: datetime):
        """A topic of the `resident`'s community still open: it supports it, comments twice, and the comment
        giving its phone number is reported by the volunteer and hidden by the community's staff; another
        comment, reported by the party member as off-topic, waits in the moderation queue."""
        world, live = self.world, self.api_live
        account = world.resident_account
        community = world.resident_record.place_code[:12]
        text = next(t for t in data.TOPICS if t.key == "snow")
        entry = yield from self.topic_life(at=at, place_code=community, text=text, matter=None, api=live)
        entry.kinds = ()  # kept for deliberation: no meeting takes it up before the demo's day
        topic = entry.topic
        t = at + timedelta(hours=20)
        yield t, lambda: live.support(by=account, topic=topic, now=t)
        t += timedelta(hours=2)
        first = yield (
            t,
            lambda: live.comment(
                by=account, topic=topic, stance=Stance.FOR, body=_text(data.COMMENTS["for"][1], "kk"), now=t
            ),
        )
        t += timedelta(hours=26)
        second = yield (
            t,
            lambda: live.comment(
                by=account,
                topic=topic,
                stance=Stance.NEUTRAL,
                body=_text(data.COMMENT_WITH_PHONE, "zh-hans"),
                now=t,
            ),
        )
        t += timedelta(hours=3)
        volunteer, party = world.accounts.get("volunteer"), world.accounts.get("partymember")
        reason = _text(data.REPORT_REASONS[0], "zh-hans")
        yield t, lambda: live.report(by=volunteer, comment=second, reason=reason, now=t)
        t += timedelta(hours=2)
        hide_reason = _text(data.HIDE_REASON, "zh-hans")
        yield t, lambda: live.hide(by=world.accounts["community"], comment=second, reason=hide_reason, now=t)
        t += timedelta(hours=20)
        off_topic = _text(data.REPORT_REASONS[1], "zh-hans")
        yield t, lambda: live.report(by=party, comment=first, reason=off_topic, now=t)

    # Meetings

    def language(self, plan: Plan, rng: random.Random) -> str:
        community = self.world.community_of(plan.place_code)
        if community is None:
            return "zh-hans"
        return _weighted(rng, community.languages)

    def where(self, plan: Plan, rng: random.Random, language: str) -> tuple[ServicePoint | None, str]:
        community = self.world.community_of(plan.place_code)
        points = community.points if community is not None else []
        if len(plan.place_code) == 15:
            points = [p for p in points if p.place_code == plan.place_code] or points
        if points and rng.random() < 0.8:
            return rng.choice(points), ""
        return None, _text(rng.choice(data.LOCATIONS), language)

    def invitations(self, plan: Plan, rng: random.Random, live: bool) -> list[dict]:
        """Who is invited: residents of the place, representatives, party members, organisations, accounts."""
        world = self.world
        code, kind = plan.place_code, plan.kind
        community = world.community_of(code)
        record = world.resident_record
        groups = []
        users = []
        centre_community = code[:12] == world.centre[:12] and len(code) >= 12
        if kind == "joint_party_committee":
            members = world.party_members.get(code, [])
            groups.append(
                {
                    "residents": rng.sample(members, min(len(members), rng.randint(6, 10))),
                    "kind": ParticipantKind.PARTY_MEMBER,
                }
            )
            keys = ["power_supply", "water_supply", "city_management", "housing", "market_regulation"]
            organisations = [
                world.organisations[k]
                for k in rng.sample(keys, rng.randint(3, 5))
                if k in world.organisations
            ]
            groups.append({"organisations": organisations})
            if code == world.centre[:9]:
                users += [world.accounts["partymember"], world.accounts["community"]]
        elif kind == "grid":
            people = community.adults.get(code, [])
            groups.append({"residents": rng.sample(people, min(len(people), rng.randint(8, 14)))})
            leader = world.leaders.get(code)
            if leader is not None:
                users.append(leader)
            if rng.random() < 0.2:
                key = rng.choice(["power_supply", "water_supply"])
                groups.append({"organisations": [world.organisations[key]]})
        else:
            people = community.residents()
            reps = community.representatives
            if kind == "representatives":
                groups.append(
                    {
                        "residents": rng.sample(reps, min(len(reps), rng.randint(12, 18))),
                        "kind": ParticipantKind.REPRESENTATIVE,
                    }
                )
            else:
                size = rng.randint(10, 16)
                chosen = rng.sample(people, min(len(people), size))
                taken = {r.pk for r in chosen}
                groups.append({"residents": chosen})
                if kind == "property":
                    extra = [r for r in reps if r.pk not in taken][: rng.randint(2, 4)]
                    taken |= {r.pk for r in extra}
                    groups.append({"residents": extra, "kind": ParticipantKind.REPRESENTATIVE})
                members = [r for r in community.party_members if r.pk not in taken]
                if members:
                    groups.append(
                        {
                            "residents": rng.sample(members, min(len(members), rng.randint(1, 3))),
                            "kind": ParticipantKind.PARTY_MEMBER,
                        }
                    )
            organisations = []
            if community.company is not None and (kind == "property" or rng.random() < 0.5):
                organisations.append(community.company)
            if kind == "property" and rng.random() < 0.4:
                organisations.append(world.organisations["housing"])
            if kind == "neighbourhood" and "milk_tea_house" in world.organisations:
                merchant = world.organisations["milk_tea_house"]
                if merchant.place_code.startswith(code) and rng.random() < 0.5:
                    organisations.append(merchant)
            if organisations:
                groups.append({"organisations": organisations})
            if centre_community:
                users.append(world.accounts["community"])
                if kind == "neighbourhood":
                    users += [world.accounts["partymember"], world.accounts["volunteer"]]
        # The `resident` is invited to what its community and grid hold through the services.
        if (
            live
            and record is not None
            and record.place_code.startswith(code)
            and len(code) >= 12
            and (plan.role != "in_session")
        ):
            groups.insert(0, {"residents": [record]})
        if users:
            groups.append({"users": users})
        return [g for g in groups if any(g.get(k) for k in ("residents", "users", "organisations"))]

    def proposals(self, plan: Plan, api) -> list[Generator]:
        """The committees' proposals for this meeting's place, opened some weeks before it is planned."""
        rng = random.Random(f"{plan.seed}-proposals")
        wanted = 1 if len(plan.place_code) != 12 else rng.choice([1, 1, 2])
        if plan.role == "objection":
            wanted = 2
        resident = (
            api is self.api_live
            and self.world.resident_record is not None
            and self.world.resident_record.place_code.startswith(plan.place_code)
            and len(plan.place_code) == 12
        )
        lives = []
        for n in range(wanted):
            at = _daytime(plan.created_at - timedelta(days=rng.uniform(4, 25)), rng)
            at = min(at, plan.created_at - timedelta(hours=2))
            lives.append(self.proposal_life(plan, api, at, f"{plan.seed}-proposal-{n}", resident))
        return lives

    def proposal_life(self, plan: Plan, api, at: datetime, seed: str, resident: bool):
        """A proposal on a subject not already open in the place, chosen when it is made."""
        yield at, lambda: None
        scope = {15: "grid", 12: "community", 9: "subdistrict"}[len(plan.place_code)]
        taken = self.pool.keys(plan.place_code)
        choices = [t for t in data.TOPICS if t.scope == scope and plan.kind in t.kinds and t.key not in taken]
        if plan.role == "in_session":
            choices = [t for t in data.TOPICS if t.key == "doorway_snow"]
        if not choices:
            return
        yield from self.topic_life(
            at=at,
            place_code=plan.place_code,
            text=random.Random(seed).choice(choices),
            matter=None,
            api=api,
            resident_part=resident,
            reserved_for=plan.seed if plan.role else "",
        )

    def meeting_life(self, plan: Plan, api):
        world, rng = self.world, random.Random(plan.seed)
        live = api is self.api_live
        staff, door = world.staff(plan.place_code), world.door(plan.place_code)
        language = self.language(plan, rng)
        point, location = self.where(plan, rng, language)
        title = _text(data.MEETING_TITLES[plan.kind], language).format(
            place=_text(world.place_names(plan.place_code), language), month=_local(plan.starts_at).month
        )
        t = plan.created_at
        meeting = yield (
            t,
            lambda: api.meeting_create(
                by=staff,
                kind=world.kinds[plan.kind],
                title=title[:120],
                place_code=plan.place_code,
                starts_at=plan.starts_at,
                ends_at=plan.starts_at + timedelta(hours=2),
                service_point=point,
                location=location,
                language=language,
                quorum_rule=QuorumRule.TWO_THIRDS if plan.kind == "representatives" else QuorumRule.HALF,
                chair=staff,
                recorder=door,
                now=t,
            ),
        )
        for group in self.invitations(plan, rng, live):
            yield t, lambda group=group: api.invite(by=staff, meeting=meeting, now=t, **group)
        items = yield from self.agenda(plan, api, meeting, rng, language, staff, t)
        report = None
        if rng.random() < 0.6 or not items or plan.kind == "joint_party_committee":
            report_title = _text(rng.choice(data.REPORTS[plan.kind]), language)
            report = yield t, lambda: api.item_add(by=staff, meeting=meeting, title=report_title, now=t)
        if plan.role in ("planned", "resident_planned"):
            return
        if plan.role == "in_session":
            yield from self.in_session(plan, api, meeting, items, report, language, rng, staff, door)
            return
        early = yield from self.early_votes(plan, api, items, language, rng, staff, door)

        # The day: attendance at the door, then the session.
        no_quorum = plan.role != "objection" and rng.random() < 0.05
        yield from self.attendance(plan, api, meeting, rng, door, no_quorum)
        t = plan.starts_at + timedelta(minutes=rng.randint(0, 5))
        yield t, lambda: api.meeting_open(by=staff, meeting=meeting, now=t)
        figures = yield t, lambda: api.quorum(meeting)
        participants = yield t, lambda: api.participants_of(meeting)
        attendees = [p.resident for p in participants if p.resident_id and p.attended_at is not None]
        representatives = [
            p.resident
            for p in participants
            if p.resident_id and p.attended_at is not None and p.kind == ParticipantKind.REPRESENTATIVE
        ]
        objected = None
        for n, (item, entry) in enumerate(items):
            t += timedelta(minutes=rng.randint(10, 25))
            summary = _text(rng.choice(data.SUMMARIES), language).format(title=item.title)
            yield (
                t,
                lambda item=item, summary=summary, t=t: api.summary(by=staff, item=item, text=summary, now=t),
            )
            forced = plan.role == "objection" and n == 0  # approved on a show of hands, then objected to
            vote = early.get(id(item))
            if vote is not None:
                t += timedelta(minutes=5)
                vote = yield t, lambda vote=vote, t=t: api.vote_close(by=staff, vote=vote, now=t)
            elif figures.met and not forced and (rng.random() < 0.75 or plan.role == "objection"):
                vote = yield from self.session_vote(
                    plan, api, item, entry, attendees, representatives, language, rng, t, staff, door
                )
                t += timedelta(minutes=20)
            if forced:
                decision, reasons = ItemDecision.APPROVED, data.REASONS["approved"][1]
            else:
                decision, reasons = self.decision(figures, vote, rng)
            follow_up = (
                _text(rng.choice(data.FOLLOW_UPS), language) if decision == ItemDecision.APPROVED else ""
            )
            t += timedelta(minutes=rng.randint(2, 8))
            item = yield (
                t,
                lambda item=item, decision=decision, reasons=reasons, follow_up=follow_up, t=t: (
                    api.item_decide(
                        by=staff,
                        item=item,
                        decision=decision,
                        reasons=_text(reasons, language),
                        follow_up=follow_up,
                        now=t,
                    )
                ),
            )
            self.after_decision(plan, api, item, entry, decision, language, t)
            if forced:
                objected = item
        if report is not None:
            t += timedelta(minutes=rng.randint(5, 15))
            summary = _text(data.REPORT_SUMMARY, language)
            yield t, lambda: api.summary(by=staff, item=report, text=summary, now=t)
        closed = max(t, plan.starts_at + timedelta(minutes=rng.randint(80, 115))) + timedelta(minutes=5)
        yield closed, lambda: api.meeting_close(by=staff, meeting=meeting, now=closed)
        generated = closed + timedelta(hours=rng.uniform(1, 20))
        minutes = yield generated, lambda: api.minutes_generate(by=staff, meeting=meeting, now=generated)
        if objected is not None:
            published = generated + timedelta(hours=6)
            yield published, lambda: api.minutes_publish(by=staff, minutes=minutes, now=published)
            at = objected.decided_at + timedelta(days=2, hours=3)
            body = _text(data.OBJECTION, "kk")
            yield at, lambda: api.objection(by=world.resident_account, item=objected, body=body, now=at)
        elif rng.random() < 0.9:
            published = _daytime(generated + timedelta(days=rng.uniform(1, 3)), rng)
            yield published, lambda: api.minutes_publish(by=staff, minutes=minutes, now=published)

    def agenda(self, plan: Plan, api, meeting, rng, language, staff, t):
        """Topics still open in the meeting's place go on its agenda: tabled matters first."""
        if plan.kind in ("grid",):
            wanted = 1
        elif plan.kind == "joint_party_committee":
            wanted = rng.choice([0, 1])
        else:
            wanted = 2 if plan.role == "objection" else rng.choice([1, 2, 2])
        if plan.role == "in_session":
            wanted = 1
        entries = self.pool.pick(plan.place_code, plan.kind, t, wanted, plan.seed)
        items = []
        for entry in entries:
            entry.state = "agenda"
            # The item reads in the meeting's language; a matter's topic keeps the words the resident used.
            title = _text(entry.text.title, language) if entry.text is not None else ""
            item = yield (
                t,
                lambda entry=entry, title=title: api.item_add(
                    by=staff, meeting=meeting, topic=entry.topic, title=title, now=t
                ),
            )
            items.append((item, entry))
        return items

    def early_votes(self, plan, api, items, language, rng, staff, door):
        """Votes of household heads or of all residents open days before, with ballots taken door to door
        and, for the `resident`, online."""
        world = self.world
        early = {}
        for item, entry in items:
            wide = self.wide_vote(plan, entry, api is self.api_live)
            if wide is None:
                continue
            electorate, voters = wide
            opened = _daytime(plan.created_at + timedelta(days=1), rng)
            question = _text(data.VOTE_QUESTION, language).format(title=item.title[:200])[:300]
            vote = yield (
                opened,
                lambda item=item, electorate=electorate, entry=entry, question=question, opened=opened: (
                    api.vote_create(
                        by=staff,
                        item=item,
                        question=question,
                        is_secret=False,
                        electorate=electorate,
                        majority=entry.text.majority,
                        turnout_quorum=50 if electorate == Electorate.HOUSEHOLDS else 30,
                        allows_online=True,
                        closes_at=plan.starts_at + timedelta(hours=1),
                        now=opened,
                    )
                ),
            )
            yield opened, lambda vote=vote, opened=opened: api.vote_open(by=staff, vote=vote, now=opened)
            options = yield opened, lambda vote=vote: api.options_of(vote)
            early[id(item)] = vote
            sentiment = self.sentiment(entry, rng)
            span = (plan.starts_at - timedelta(hours=1) - opened).total_seconds()
            for n, voter in enumerate(voters):
                moment = opened + timedelta(seconds=span * (n + 1) / (len(voters) + 1))
                option = self.choice(options, sentiment, rng)
                yield (
                    moment,
                    lambda vote=vote, voter=voter, option=option, moment=moment: _attempt(
                        api.ballot,
                        by=door,
                        vote=vote,
                        resident=voter,
                        option=option,
                        channel=Ballot.Channel.IN_PERSON,
                        now=moment,
                    ),
                )
            if api is self.api_live and self.resident_entitled(plan):
                moment = plan.starts_at - timedelta(minutes=50)
                option = self.choice(options, sentiment, rng)
                yield (
                    moment,
                    lambda vote=vote, option=option, moment=moment: _attempt(
                        api.ballot,
                        by=None,
                        vote=vote,
                        resident=world.resident_record,
                        option=option,
                        channel=Ballot.Channel.ONLINE,
                        now=moment,
                    ),
                )
        return early

    def attendance(self, plan, api, meeting, rng, door, no_quorum: bool):
        """Check-ins at the door: accounts scan the QR code, the grid leader records everyone else."""
        world = self.world
        record = world.resident_record
        participants = yield plan.starts_at - timedelta(minutes=45), lambda: api.participants_of(meeting)
        arrivals = []
        for participant in participants:
            own = record is not None and participant.resident_id == record.pk
            if own:
                chance = 1.0
            elif participant.organisation_id is not None or participant.user_id is not None:
                chance = 0.3 if no_quorum else 0.9
            else:
                chance = rng.uniform(0.2, 0.4) if no_quorum else rng.uniform(0.7, 0.95)
            if rng.random() < chance:
                how = Participant.CheckIn.QR if own or participant.user_id else Participant.CheckIn.STAFF
                arrivals.append(
                    (
                        plan.starts_at + timedelta(minutes=rng.randint(-30, 10)),
                        participant.pk,
                        participant,
                        how,
                    )
                )
        for moment, _pk, participant, how in sorted(arrivals, key=lambda row: row[:2]):
            yield (
                moment,
                lambda participant=participant, moment=moment, how=how: api.attend(
                    by=door, participant=participant, how=how, now=moment
                ),
            )

    def in_session(self, plan, api, meeting, items, report, language, rng, staff, door):
        """The grid meeting in session now: attendance taken, the item summed up, a vote of the grid's
        residents open online until tomorrow evening with some ballots recorded at the meeting, none yet from
        the `resident`; the draft minutes started."""
        yield from self.attendance(plan, api, meeting, rng, door, no_quorum=False)
        t = plan.starts_at
        yield t, lambda: api.meeting_open(by=staff, meeting=meeting, now=t)
        participants = yield t, lambda: api.participants_of(meeting)
        attendees = [p.resident for p in participants if p.resident_id and p.attended_at is not None]
        end = self.end
        for item, entry in items:
            t = end - timedelta(minutes=32)
            summary = _text(rng.choice(data.SUMMARIES), language).format(title=item.title)
            yield (
                t,
                lambda item=item, summary=summary, t=t: api.summary(by=staff, item=item, text=summary, now=t),
            )
            t = end - timedelta(minutes=30)
            question = _text(data.VOTE_QUESTION, language).format(title=item.title[:200])[:300]
            vote = yield (
                t,
                lambda item=item, question=question, t=t: api.vote_create(
                    by=staff,
                    item=item,
                    question=question,
                    is_secret=False,
                    electorate=Electorate.RESIDENTS,
                    majority=Majority.SIMPLE,
                    turnout_quorum=30,
                    allows_online=True,
                    closes_at=_at(_local(end).date() + timedelta(days=1), 20),
                    now=t,
                ),
            )
            yield t, lambda vote=vote, t=t: api.vote_open(by=staff, vote=vote, now=t)
            options = yield t, lambda vote=vote: api.options_of(vote)
            sentiment = self.sentiment(entry, rng)
            for n, voter in enumerate(attendees):
                moment = t + timedelta(seconds=n * 20 + 60)
                option = self.choice(options, sentiment, rng)
                yield (
                    moment,
                    lambda vote=vote, voter=voter, option=option, moment=moment: _attempt(
                        api.ballot,
                        by=door,
                        vote=vote,
                        resident=voter,
                        option=option,
                        channel=Ballot.Channel.IN_PERSON,
                        now=moment,
                    ),
                )
        if report is not None:
            t = end - timedelta(minutes=8)
            summary = _text(data.REPORT_SUMMARY, language)
            yield t, lambda: api.summary(by=staff, item=report, text=summary, now=t)
        t = end - timedelta(minutes=5)
        yield t, lambda: api.minutes_generate(by=staff, meeting=meeting, now=t)

    def resident_entitled(self, plan: Plan) -> bool:
        record = self.world.resident_record
        return record is not None and record.place_code.startswith(plan.place_code)

    def wide_vote(self, plan: Plan, entry: PoolEntry, live: bool):
        """A vote of household heads or of all residents for this item: (electorate, voters), or None."""
        if (
            plan.role in ("in_session", "objection")
            or entry.text is None
            or entry.text.electorate not in ("households", "residents")
        ):
            return None
        rng = random.Random(f"{plan.seed}-{entry.text.key}-wide")
        code = plan.place_code
        adults = [
            r
            for r in self.world.residents_in(code)
            if r.birth_date is not None
            and r.birth_date <= _adult_on(_local(plan.starts_at).date() - timedelta(days=20))
        ]
        if entry.text.electorate == "households":
            heads = {}
            for resident in adults:
                if resident.relation == Relation.HOUSEHOLDER:
                    heads.setdefault(resident.household_id, resident)
            electorate, people = Electorate.HOUSEHOLDS, list(heads.values())
        else:
            electorate, people = Electorate.RESIDENTS, adults
        if not people or len(people) > WIDE_VOTE_LIMIT["live" if live else "history"]:
            return None
        record = self.world.resident_record
        people = [r for r in people if record is None or r.pk != record.pk]
        share = rng.uniform(0.55, 0.85) if electorate == Electorate.HOUSEHOLDS else rng.uniform(0.35, 0.6)
        return electorate, rng.sample(people, int(len(people) * share))

    def sentiment(self, entry: PoolEntry, rng: random.Random) -> float:
        if entry.text is not None and entry.text.contested:
            return rng.uniform(0.35, 0.75)
        return rng.uniform(0.62, 0.92)

    def choice(self, options: list[VoteOption], p_yes: float, rng: random.Random) -> VoteOption:
        meanings = {o.meaning: o for o in options}
        roll = rng.random()
        if roll < 0.06:
            return meanings[VoteOption.Meaning.ABSTAIN]
        return meanings[VoteOption.Meaning.YES if rng.random() < p_yes else VoteOption.Meaning.NO]

    def session_vote(self, plan, api, item, entry, attendees, representatives, language, rng, t, staff, door):
        """A vote at the meeting: of those attending, or of the representatives; some secret."""
        if plan.kind == "representatives" and representatives:
            electorate, voters = Electorate.REPRESENTATIVES, representatives
            secret = rng.random() < 0.35
            majority = Majority.ABSOLUTE if rng.random() < 0.3 else Majority.SIMPLE
        else:
            electorate, voters = Electorate.ATTENDEES, attendees
            secret = rng.random() < (0.15 if plan.kind == "property" else 0.08)
            majority = _weighted(
                rng,
                (
                    (Majority.SIMPLE, 80),
                    (Majority.TWO_THIRDS, 12),
                    (Majority.ABSOLUTE, 6),
                    (Majority.FOUR_FIFTHS, 2),
                ),
            )
        if entry.text is not None and entry.text.majority != Majority.SIMPLE:
            majority = entry.text.majority
        if plan.kind == "representatives" and not self.four_fifths:
            majority, self.four_fifths = Majority.FOUR_FIFTHS, True  # a charter amendment needs four fifths
        question = _text(data.VOTE_QUESTION, language).format(title=item.title[:200])[:300]
        vote = yield (
            t,
            lambda: api.vote_create(
                by=staff,
                item=item,
                question=question,
                is_secret=secret,
                electorate=electorate,
                majority=majority,
                turnout_quorum=50,
                allows_online=rng.random() < 0.5 or plan.role == "objection",
                closes_at=t + timedelta(minutes=30),
                now=t,
            ),
        )
        yield t, lambda: api.vote_open(by=staff, vote=vote, now=t)
        options = yield t, lambda: api.options_of(vote)
        sentiment = self.sentiment(entry, rng)
        record = self.world.resident_record
        for voter in voters:
            if rng.random() < 0.08:
                continue  # present, but does not vote
            moment = t + timedelta(minutes=rng.randint(1, 15))
            option = self.choice(options, sentiment, rng)
            online = record is not None and voter.pk == record.pk and vote.allows_online
            yield (
                moment,
                lambda voter=voter, option=option, moment=moment, online=online: _attempt(
                    api.ballot,
                    by=door,
                    vote=vote,
                    resident=voter,
                    option=option,
                    channel=Ballot.Channel.ONLINE if online else Ballot.Channel.IN_PERSON,
                    now=moment,
                ),
            )
        closing = t + timedelta(minutes=18)
        vote = yield closing, lambda: api.vote_close(by=staff, vote=vote, now=closing)
        return vote

    def decision(self, figures, vote, rng) -> tuple[str, dict]:
        if not figures.met:
            return ItemDecision.DEFERRED, data.REASONS["no_quorum"][0]
        if vote is not None:
            if vote.passed:
                return ItemDecision.APPROVED, rng.choice(data.REASONS["approved"][:1])
            if vote.quorum_met is False or rng.random() < 0.3:
                return ItemDecision.DEFERRED, rng.choice(data.REASONS["deferred"])
            return ItemDecision.REJECTED, rng.choice(data.REASONS["rejected"])
        decision = _weighted(
            rng, ((ItemDecision.APPROVED, 70), (ItemDecision.REJECTED, 10), (ItemDecision.DEFERRED, 20))
        )
        return decision, rng.choice(data.REASONS[decision][1:] or data.REASONS[decision])

    def after_decision(self, plan, api, item, entry: PoolEntry, decision, language, t) -> None:
        """The topic waits for another meeting, or is done; an approved one may become a project, a rejected
        matter is told so."""
        if decision == ItemDecision.DEFERRED:
            entry.state, entry.available_since = "open", t
            return
        entry.state = "done"
        if decision == ItemDecision.REJECTED:
            if entry.matter is not None:
                at = t + timedelta(hours=1)
                if api is self.api_live:
                    self.simulation.add(self.rejection_life(entry.matter, at))
                else:
                    self.rejections.append((entry.matter, at))
            return
        rng = random.Random(f"{plan.seed}-{entry.topic.title}-project")
        text = None
        if entry.matter is not None:
            text = data.MATTER_PROJECTS.get(entry.matter.category.code, data.MATTER_PROJECTS["other"])
        elif (
            entry.text is not None
            and entry.text.project is not None
            and plan.copy == 0
            and rng.random() < 0.2
        ):
            text = entry.text.project
        if text is None:
            return
        project = ProjectPlan(
            text=text,
            language=language,
            matter_id=entry.matter.pk if entry.matter is not None else None,
            place_code=plan.place_code,
            copy=plan.copy,
        )
        if api is self.api_live:
            self.projects[item.pk] = project
        else:
            self.pending_projects.append((item, project))

    def fates_assign(self, items: list[AgendaItem]) -> None:
        """Projects in every state whatever the draw: of the decisions in effect, the latest one's project
        waits for the spring (planned), the latest one a month old is under way with its last milestone to
        come, one some months old is suspended, and the oldest without a matter is cancelled."""
        end = self.end
        ready = sorted((item.effective_at, item.pk) for item in items if item.pk in self.projects)
        if not ready:
            return
        self.fates[ready[-1][1]] = "waiting"
        slow = [pk for at, pk in ready[:-1] if at <= end - timedelta(days=25)]
        if slow:
            self.fates[slow[-1]] = "slow"
        suspend = [
            pk
            for at, pk in ready
            if end - timedelta(days=200) <= at <= end - timedelta(days=60) and pk not in self.fates
        ]
        if suspend:
            self.fates[suspend[len(suspend) // 2]] = "suspend"
        cancel = [pk for _at, pk in ready if self.projects[pk].matter_id is None and pk not in self.fates]
        if cancel:
            self.fates[cancel[0]] = "cancel"

    def on_effective(self, simulation: Simulation, item: AgendaItem) -> None:
        if simulation.api is self.api_live and item.pk in self.projects and item.pk not in self.started:
            self.started.add(item.pk)
            simulation.add(self.project_life(item.pk, item.effective_at, self.projects[item.pk]))

    # Projects (always through the services)

    def project_life(self, item_id: int, effective_at: datetime, plan: ProjectPlan):
        world, rng = self.world, random.Random(f"{CITY}-project-{item_id}")
        staff = world.staff(plan.place_code)
        api = self.api_live
        text, language = plan.text, plan.language
        t = _daytime(effective_at + timedelta(days=rng.uniform(1, 6)), rng)
        planned_start = _local(t).date() + timedelta(days=rng.randint(5, 12))
        community = plan.place_code[:12] if len(plan.place_code) >= 12 else ""
        parties = []
        for key in text.parties:
            unit = world.unit(key, community)
            if unit is not None:
                parties.append({"kind": unit.kind, "role": "support" if parties else "lead", "unit": unit})
        milestones = [
            {
                "title": _text(title, language),
                "due_on": planned_start + timedelta(days=days),
                "weight": weight,
            }
            for title, weight, days in text.milestones
        ]
        low, high = text.budget
        budget = Decimal(rng.randrange(low, high + 1, 100)) if high else Decimal(0)
        item = AgendaItem(pk=item_id)
        project = yield (
            t,
            lambda: api.project_step(
                t,
                project_services.project_create_from_decision,
                by=staff,
                item=item,
                description=_text(text.description, language),
                budget=budget,
                funding_source=text.funding,
                starts_on=planned_start,
                due_on=milestones[-1]["due_on"],
                parties=parties,
                milestones=milestones,
            ),
        )
        Project.objects.filter(pk=project.pk).update(is_demo=True)
        fate = self.fates.get(item_id) or _weighted(
            rng, (("go", 92), ("suspend", 4), ("cancel", 4) if plan.matter_id is None else ("go", 4))
        )
        if fate == "cancel" and rng.random() < 0.5:
            t = _daytime(t + timedelta(days=rng.uniform(3, 15)), rng)
            reason = _text(rng.choice(data.CANCEL_REASONS), language)
            yield (
                t,
                lambda: api.project_step(
                    t, project_services.project_cancel, by=staff, project=project, reason=reason, now=t
                ),
            )
            return
        t = _daytime(_at(planned_start, 9) + timedelta(hours=rng.uniform(0, 30)), rng)
        if fate == "waiting":  # outdoor works wait for the spring
            t += timedelta(days=rng.randint(100, 150))
        yield t, lambda: api.project_step(t, project_services.project_start, by=staff, project=project, now=t)
        photographed = self.photos < 4 and plan.copy == 0 and fate == "go"
        if photographed:
            self.photos += 1
            yield (
                t,
                lambda: api.project_step(
                    t,
                    project_services.photo_add,
                    by=staff,
                    project=project,
                    stage="before",
                    file=_photo(project, "before"),
                    caption=_text(data.PHOTO_CAPTIONS["before"], language),
                ),
            )
        rows = yield t, lambda: list(project.milestones.order_by("position", "id"))
        people = self.people_around(plan.place_code, rng)
        helpers = people[: rng.randint(2, 5)]
        for n, milestone in enumerate(rows):
            due = _at(milestone.due_on, 10) + timedelta(days=rng.uniform(-3, 6))
            t = _daytime(max(due, t + timedelta(hours=4)), rng)
            if n == 1 and fate == "cancel":
                reason = _text(rng.choice(data.CANCEL_REASONS), language)
                yield (
                    t,
                    lambda reason=reason, t=t: api.project_step(
                        t, project_services.project_cancel, by=staff, project=project, reason=reason, now=t
                    ),
                )
                return
            if n == len(rows) - 1 and fate == "slow":
                return  # the last milestone is still to come
            if n == len(rows) - 1 and fate == "suspend":
                reason = _text(rng.choice(data.SUSPEND_REASONS), language)
                yield (
                    t,
                    lambda reason=reason, t=t: api.project_step(
                        t, project_services.project_suspend, by=staff, project=project, reason=reason
                    ),
                )
                return
            yield (
                t,
                lambda milestone=milestone, t=t: api.project_step(
                    t, project_services.milestone_done, by=staff, milestone=milestone, now=t
                ),
            )
            if n == 0:
                for resident in helpers:
                    what = _text(text.participation, language)
                    yield (
                        t,
                        lambda resident=resident, what=what, t=t: _attempt(
                            api.project_step,
                            at=t,
                            step=project_services.participation_record,
                            by=staff,
                            project=project,
                            resident=resident,
                            what=what,
                        ),
                    )
        # Finished a day or two after the last milestone; when that day is still to come, on the milestone's
        # day: a project under way always has a milestone left to do.
        finished_at = t + timedelta(hours=rng.uniform(2, 48))
        t = finished_at if finished_at <= self.end else t
        spent = (budget * Decimal(rng.uniform(0.85, 1.0))).quantize(Decimal("0.01"))
        yield (
            t,
            lambda: api.project_step(
                t, project_services.project_update, by=staff, project=project, spent=spent
            ),
        )
        note = _text(rng.choice(data.FINISH_NOTES), language)
        yield (
            t,
            lambda: api.project_step(
                t, project_services.project_finish, by=staff, project=project, note=note, now=t
            ),
        )
        if photographed:
            yield (
                t,
                lambda: api.project_step(
                    t,
                    project_services.photo_add,
                    by=staff,
                    project=project,
                    stage="after",
                    file=_photo(project, "after"),
                    caption=_text(data.PHOTO_CAPTIONS["after"], language),
                ),
            )
        if plan.matter_id is None:
            return
        matter = yield t, lambda: Matter.objects.select_related("category").get(pk=plan.matter_id)
        if matter.status != MatterStatus.DONE:
            return
        t = _daytime(t + timedelta(days=rng.uniform(1, 5)), rng)
        result = _weighted(rng, (("satisfied", 85), ("basically", 15)))
        account = world.resident_account
        own = account is not None and matter.raised_by_id == account.pk
        evaluator = account if own else world.leaders.get(matter.place_code) or staff
        comment = _text(rng.choice(data.EVALUATIONS[result]), matter.language or "zh-hans")
        yield (
            t,
            lambda: api.project_step(
                t,
                matter_services.matter_evaluate,
                by=evaluator,
                matter=matter,
                result=result,
                comment=comment,
                by_phone_follow_up=not own,
                now=t,
            ),
        )

    def people_around(self, code: str, rng: random.Random) -> list[Resident]:
        world = self.world
        if len(code) == 9:
            people = [r for c in world.communities.values() if c.code.startswith(code) for r in c.residents()]
        else:
            community = world.community_of(code)
            people = community.residents() if community is not None else []
        chosen = rng.sample(people, min(len(people), 6))
        record = world.resident_record
        if (
            record is not None
            and record.place_code.startswith(code)
            and len(code) >= 12
            and not self.resident_helped
        ):
            self.resident_helped = True
            chosen.insert(0, record)
        return chosen

    def rejection_life(self, matter: Matter, at: datetime):
        staff = self.world.staff(matter.place_code)
        reason = _text(data.MATTER_REJECTED, matter.language or "zh-hans")
        yield (
            at,
            lambda: _attempt(self.api_live.matter_reject, by=staff, matter=matter, reason=reason, now=at),
        )


def _photo(project: Project, stage: str) -> io.BytesIO:
    """A small JPEG for a project's photo: a coloured card naming the stage (the demo has no real photos)."""
    from PIL import Image, ImageDraw

    colour = (176, 190, 197) if stage == "before" else (129, 199, 132)
    image = Image.new("RGB", (480, 320), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((16, 16, 463, 303), outline=(255, 255, 255), width=4)
    draw.text((40, 140), f"{stage.upper()}  #{project.pk}", fill=(33, 33, 33))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    out.seek(0)
    return out


# Putting it together ----------------------------------------------------------------------------------------


def _tabled_matters(scale: int, end: datetime) -> list[tuple[Matter, datetime]]:
    """The matters tabled for deliberation, with the moment each was tabled (one in `scale`)."""
    matters = list(
        Matter.objects.filter(status=MatterStatus.TABLED, is_demo=True)
        .select_related("category")
        .order_by("id")
    )
    tabled = dict(
        MatterEvent.objects.filter(matter__in=matters, kind=MatterEvent.Kind.TABLED)
        .order_by("matter_id", "created_at")
        .values_list("matter_id", "created_at")
    )
    return [(m, tabled[m.pk]) for n, m in enumerate(matters) if n % scale == 0 and m.pk in tabled]


def meetings_generate(
    scale: int, *, per_year: dict[str, int] | None = None, live_days: int = LIVE_DAYS
) -> int:
    """Topics, meetings, votes, decisions, minutes and projects over the year up to now, and the meetings
    planned for the coming two weeks. Registered in demo.loader.SCALED_GENERATORS after the matters
    (DemoConfig.ready); returns how many records it created."""
    started = time.monotonic()
    end = timezone.localtime().replace(second=0, microsecond=0) - timedelta(minutes=1)
    start = end - YEAR
    live_from = end - timedelta(days=live_days)
    world = _world(end)
    per_year = per_year or MEETINGS_PER_YEAR
    gen = Lives(world, start, end)
    history = History(world)
    plans = _plans(world, scale, start, end, live_from, per_year)
    tabled = _tabled_matters(scale, end)

    # The months before: in memory, then written.
    simulation = Simulation(gen, history, ticks_from=start)
    for plan in plans:
        if not plan.live:
            for life in gen.proposals(plan, history):
                simulation.add(life)
            simulation.add(gen.meeting_life(plan, history))
    rng = random.Random(f"{CITY}-topics")
    late = []
    for matter, tabled_at in tabled:
        # Staff open the deliberation a few days after tabling, or at once if it was tabled just now.
        at = _daytime(tabled_at + timedelta(days=rng.uniform(1, 4)), rng)
        at = max(min(at, end - timedelta(minutes=5)), tabled_at + timedelta(minutes=5))
        if at >= live_from:
            late.append((matter, at))
        else:
            simulation.add(
                gen.topic_life(
                    at=at, place_code=matter.place_code[:12], text=None, matter=matter, api=history
                )
            )
    simulation.run()
    written = history.write()
    history_failures = simulation.failures
    audit_record(
        actor=None,
        action="demo.meetings.recorded",
        obj=Place.objects.filter(code=CITY).first(),
        changes={name: [None, n] for name, n in written.items()},
    )
    for item, project in gen.pending_projects:
        gen.projects[item.pk] = project
    recorded = time.monotonic()

    # The last weeks, and everything the services alone do.
    live = Live(world, end)
    gen.api_live = live
    simulation = Simulation(gen, live, ticks_from=live_from)
    gen.fates_assign(history.effective)
    for item in history.effective:
        gen.on_effective(simulation, item)
    for matter, at in gen.rejections:
        simulation.add(gen.rejection_life(matter, at))
    for matter, at in late:
        simulation.add(
            gen.topic_life(at=at, place_code=matter.place_code[:12], text=None, matter=matter, api=live)
        )
    if world.resident_record is not None:
        simulation.add(
            gen.moderated_topic_life(_daytime(end - timedelta(days=9), random.Random("moderated")))
        )
    for plan in plans:
        if plan.live:
            for life in gen.proposals(plan, live):
                simulation.add(life)
            simulation.add(gen.meeting_life(plan, live))
    simulation.run()
    live.notifications.flush(end)

    counts = {
        "meetings": Meeting.objects.filter(is_demo=True).count(),
        "held": Meeting.objects.filter(is_demo=True, status=MeetingStatus.CLOSED).count(),
        "topics": Topic.objects.filter(is_demo=True).count(),
        "votes": Vote.objects.filter(item__meeting__is_demo=True).count(),
        "ballots": Ballot.objects.filter(vote__item__meeting__is_demo=True).count(),
        "projects": Project.objects.filter(is_demo=True).count(),
        "steps_refused": history_failures + simulation.failures,
    }
    audit_record(
        actor=None,
        action="demo.meetings.generated",
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
    return counts["meetings"] + counts["topics"] + counts["votes"] + counts["ballots"] + counts["projects"]
