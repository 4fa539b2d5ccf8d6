"""Fixtures of the meetings tests: residents in the registry with accounts, and the staff who run meetings.

Shared by the deliberation, meeting, vote and minutes tests: add fixtures, do not change what others rely on.
"""

import itertools
from dataclasses import dataclass
from datetime import date

import pytest

from huiketing.people import services as people_services
from huiketing.people.models import Relation, Resident, Role
from huiketing.places.models import Place

_numbers = itertools.count(1)


def _id_number(birth: date, serial: int) -> str:
    from huiketing.people.validators import id_check_character

    first_17 = f"654301{birth:%Y%m%d}{serial % 1000:03d}"
    return first_17 + id_check_character(first_17)


@pytest.fixture
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def make_resident(tree, make_user):
    """A registered resident of `grid` (default: the first grid), in a new household unless one is given,
    with an
    account (username) when asked. Adults born in 1980 unless `birth` says otherwise."""

    def make(
        name: str = "居民",
        *,
        grid: Place | None = None,
        household=None,
        relation: str = Relation.HOUSEHOLDER,
        username: str | None = None,
        birth: date = date(1980, 1, 1),
    ) -> Resident:
        n = next(_numbers)
        if household is None:
            household = people_services.household_create(
                by=None, grid=grid or tree.grids[0], building=str(n), room="101"
            )
        resident = people_services.resident_create(
            by=None,
            household=household,
            full_name=name,
            id_number=_id_number(birth, n),
            relation=relation,
        )
        if username:
            resident.account = make_user(username, Role.RESIDENT, resident.place_code)
            resident.save(update_fields=["account"])
        return resident

    return make


@pytest.fixture
def community_staff(tree, make_user):
    """Community staff of the first community (it holds tree.grids[0] and [1])."""
    return make_user("t_community_staff", Role.COMMUNITY_STAFF, tree.communities[0].code)


@pytest.fixture
def make_topic(tree, community_staff):
    """A deliberation topic of the first community (residents of tree.grids[0] and [1] take part), opened
    through the services unless `open=False`; made by the community staff."""
    from huiketing.meetings import deliberation_services

    def make(
        title: str = "小区停车位规划",
        *,
        place_code: str | None = None,
        options=("划线停车", "建立体车库"),
        support_threshold: int = 3,
        open: bool = True,
    ):
        topic = deliberation_services.topic_create(
            by=community_staff,
            title=title,
            background="小区车位不够，晚上常有车停在消防通道上。",
            place_code=place_code or tree.communities[0].code,
            options=[{"title": option} for option in options],
            support_threshold=support_threshold,
        )
        if open:
            topic = deliberation_services.topic_open(by=community_staff, topic=topic)
        return topic

    return make


# Minutes --------------------------------------------------------------------------------------------


@dataclass
class HeldMeeting:
    """A meeting held and closed through the services, as the minutes tests use it."""

    meeting: object
    chair: object
    recorder: object
    residents: list
    organisation: object
    items: list
    vote: object


@pytest.fixture
def make_held_meeting(tree, make_user, make_resident):
    """A neighbourhood meeting of the first community, held and closed: 7 invited (4 residents, a
    representative, a property company, a guest), 4 of them present plus a walk-in; item 1 approved after a
    vote (2 for, 1 against, 1 abstention), item 2 rejected. Titles and texts in the meeting's `language`
    come from `texts` (keys: title, item1, item2, summary1, summary2, reasons1, reasons2, follow_up1)."""
    from datetime import timedelta

    from django.utils import timezone

    from huiketing.meetings import meeting_services, vote_services
    from huiketing.meetings.models import ItemDecision, MeetingKind, Participant, ParticipantKind
    from huiketing.people.models import Organisation
    from huiketing.places.models import ServicePoint, ServicePointKind

    counter = itertools.count(1)

    def make(language: str = "en", texts: dict | None = None, names: tuple = HELD_MEETING_RESIDENTS):
        texts = {**HELD_MEETING_TEXTS, **(texts or {})}
        n = next(counter)
        community, grid = tree.communities[0], tree.grids[0]
        code = community.code
        chair = make_user(f"t_minutes_chair{n}", Role.COMMUNITY_STAFF, code, display_name="Chair Zhao")
        recorder = make_user(f"t_minutes_rec{n}", Role.COMMUNITY_STAFF, code, display_name="Clerk Qian")
        point = ServicePoint.objects.create(
            kind=ServicePointKind.LIVING_ROOM,
            names={"zh-hans": "幸福会客厅", "en": "Happiness living room", "ug": "بەختلىك مېھمانخانا"},
            place=grid,
            place_code=grid.code,
            lat=47.845,
            lng=88.105,
        )
        meeting_services.meeting_kinds_ensure()
        now = timezone.now()
        meeting = meeting_services.meeting_create(
            by=chair,
            kind=MeetingKind.objects.get(code="neighbourhood"),
            title=texts["title"],
            place_code=community.code,
            starts_at=now + timedelta(minutes=5),
            ends_at=now + timedelta(hours=2),
            service_point=point,
            location="Room 2",
            language=language,
            chair=chair,
            recorder=recorder,
            now=now,
        )
        residents = [make_resident(name, grid=grid) for name in names]
        representative = make_resident("代表赵六", grid=grid)
        organisation = Organisation.objects.create(
            kind=Organisation.Kind.PROPERTY_COMPANY,
            names={"zh-hans": "金山物业", "en": "Golden Hill Property"},
            place_code=community.code,
        )
        rows = [meeting_services.participant_invite(by=chair, meeting=meeting, resident=r) for r in residents]
        meeting_services.participant_invite(
            by=chair, meeting=meeting, kind=ParticipantKind.REPRESENTATIVE, resident=representative
        )
        org_row = meeting_services.participant_invite(by=chair, meeting=meeting, organisation=organisation)
        meeting_services.participant_invite(by=chair, meeting=meeting, name="Guest Sun")
        items = [
            meeting_services.agenda_item_add(by=chair, meeting=meeting, title=texts["item1"]),
            meeting_services.agenda_item_add(by=chair, meeting=meeting, title=texts["item2"]),
        ]
        meeting_services.meeting_open(by=chair, meeting=meeting)
        for row in [*rows[:3], org_row]:
            meeting_services.attendance_record(by=chair, participant=row)
        walk_in = make_resident("路人甲", grid=grid)
        Participant.objects.create(
            meeting=meeting, kind=ParticipantKind.RESIDENT, resident=walk_in, invited=False, attended_at=now
        )
        meeting_services.item_summary_record(by=chair, item=items[0], speakers_summary=texts["summary1"])
        meeting_services.item_summary_record(by=chair, item=items[1], speakers_summary=texts["summary2"])
        vote = vote_services.vote_create(by=chair, item=items[0], question=texts["item1"])
        vote = vote_services.vote_open(by=chair, vote=vote)
        options = {option.meaning: option for option in vote.options.all()}
        for resident, meaning in zip([*residents[:3], walk_in], ["yes", "yes", "no", "abstain"], strict=True):
            vote_services.ballot_record_in_person(
                by=chair, vote=vote, resident=resident, option=options[meaning]
            )
        vote = vote_services.vote_close(by=chair, vote=vote)
        items[0] = meeting_services.item_decide(
            by=chair,
            item=items[0],
            decision=ItemDecision.APPROVED,
            reasons=texts["reasons1"],
            follow_up=texts["follow_up1"],
            notice_days=7,
        )
        items[1] = meeting_services.item_decide(
            by=chair, item=items[1], decision=ItemDecision.REJECTED, reasons=texts["reasons2"]
        )
        meeting = meeting_services.meeting_close(by=chair, meeting=meeting)
        return HeldMeeting(
            meeting=meeting,
            chair=chair,
            recorder=recorder,
            residents=[*residents, representative, walk_in],
            organisation=organisation,
            items=items,
            vote=vote,
        )

    return make


HELD_MEETING_RESIDENTS = ("王小明", "李秀英", "张伟", "刘芳")
HELD_MEETING_TEXTS = {
    "title": "Parking spaces",
    "item1": "Paint parking bays",
    "item2": "Build a car park",
    "summary1": "Residents asked for bays along the east road.",
    "summary2": "Several speakers found a car park too costly.",
    "reasons1": "Cheap and quick; the fire lane stays clear.",
    "reasons2": "Costs more than the repair fund holds.",
    "follow_up1": "The property company paints the bays within a month.",
}


# Meetings ---------------------------------------------------------------------------------------------------


@pytest.fixture
def meeting_kinds(db) -> dict:
    """The standard kinds of meeting, by code (a fresh database has them already; this makes sure)."""
    from huiketing.meetings import meeting_services
    from huiketing.meetings.models import MeetingKind

    meeting_services.meeting_kinds_ensure()
    return {kind.code: kind for kind in MeetingKind.objects.all()}


@pytest.fixture
def points_rules(db) -> None:
    """The standard points rules (meeting_attended among them)."""
    from huiketing.points.services import points_rules_ensure

    points_rules_ensure()


@pytest.fixture
def make_meeting(tree, community_staff, meeting_kinds):
    """A planned neighbourhood meeting of the first community (or of `place_code`), starting in two days
    unless `starts_in` says otherwise, planned by the community staff through the services."""
    from datetime import timedelta

    from django.utils import timezone

    from huiketing.meetings import meeting_services

    def make(
        title: str = "睦邻议事会",
        *,
        place_code: str | None = None,
        starts_in: timedelta = timedelta(days=2),
        by=None,
        kind: str = "neighbourhood",
        **extra,
    ):
        now = timezone.now()
        extra.setdefault("location", "社区会客厅二楼")
        return meeting_services.meeting_create(
            by=by or community_staff,
            kind=meeting_kinds[kind],
            title=title,
            place_code=place_code or tree.communities[0].code,
            starts_at=now + starts_in,
            now=now - timedelta(seconds=1) if starts_in.total_seconds() >= 0 else now + starts_in,
            **extra,
        )

    return make


# Votes -----------------------------------------------------------------------------------------------------


@pytest.fixture
def make_vote_item(make_meeting, community_staff):
    """An agenda item to vote on, on a meeting of the first community (or of `place_code`) planned through
    the services, opened when `in_session` (a vote of those attending opens only then)."""
    from huiketing.meetings import meeting_services

    def make(title: str = "更换小区路灯", *, in_session: bool = False, place_code: str | None = None):
        meeting = make_meeting(place_code=place_code)
        item = meeting_services.agenda_item_add(by=community_staff, meeting=meeting, title=title)
        if in_session:
            meeting_services.meeting_open(by=community_staff, meeting=meeting)
            item.meeting.refresh_from_db()
        return item

    return make
