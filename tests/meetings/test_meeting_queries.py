"""The pages and API of meetings ask the database the same number of questions with 5 or 50 participants,
items, decisions, objections and meetings (STYLE.md 7)."""

import itertools
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huiketing.meetings import meeting_services as services
from huiketing.meetings.models import Meeting, QuorumRule
from huiketing.people.models import Organisation

_names = itertools.count(1)


def _name() -> str:
    return "居民" + "".join("零一二三四五六七八九"[int(d)] for d in str(next(_names)))


def _count(client, path: str, **extra) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    assert response.status_code == 200, path
    return len(queries)


@pytest.fixture
def world(make_meeting, make_resident, community_staff, tree):
    """A sitting meeting of the first community, grown by `grow(n)`: n more residents invited (with
    accounts), organisations, items (every other one approved, with an objection), walk-ins, and n more
    meetings in the list."""
    meeting = services.meeting_open(
        by=community_staff,
        meeting=make_meeting("Growing", starts_in=timedelta(minutes=-5), quorum_rule=QuorumRule.NONE),
    )
    me = make_resident(_name(), username="t_me")
    services.participant_invite(by=community_staff, meeting=meeting, resident=me)

    def grow(n: int) -> None:
        residents = [make_resident(_name(), username=f"t_q{next(_names)}") for _ in range(n)]
        services.participants_invite(by=community_staff, meeting=meeting, residents=residents[: n // 2])
        for resident in residents[n // 2 :]:
            services.attendance_check_in_by_token(user=resident.account, token=meeting.check_in_token)
        organisations = [
            Organisation.objects.create(
                kind=Organisation.Kind.CO_BUILDING_UNIT,
                names={"zh-hans": f"共建单位{_name()}"},
                place_code=tree.communities[0].code,
            )
            for _ in range(2)
        ]
        services.participants_invite(by=community_staff, meeting=meeting, organisations=organisations)
        for row in meeting.participants.filter(attended_at__isnull=True)[: n // 3]:
            services.attendance_record(by=community_staff, participant=row)
        for i in range(n):
            item = services.agenda_item_add(by=community_staff, meeting=meeting, title=f"议题{_name()}")
            if i % 2:
                services.item_decide(by=community_staff, item=item, decision="approved", reasons="同意")
                services.objection_raise(by=residents[i].account, item=item, body="不同意")
            elif i % 3 == 0:
                services.item_decide(by=community_staff, item=item, decision="deferred", reasons="再议")
        for _ in range(n):
            other = Meeting.objects.get(pk=meeting.pk)
            other.pk = None
            other.check_in_token = f"copy-{next(_names)}"
            other.save()

    return meeting, me, grow


def test_public_pages_do_not_ask_more_with_more_data(client, world):
    meeting, me, grow = world
    grow(5)
    paths = [
        reverse("meetings:meeting-list"),
        reverse("meetings:meeting-detail", args=[meeting.pk]),
        reverse("meetings:decisions"),
        reverse("meetings:decisions-print"),
        reverse("api-meetings"),
        reverse("api-meeting", args=[meeting.pk]),
        reverse("api-meeting-decisions"),
    ]
    before = {path: _count(client, path) for path in paths}
    client.force_login(me.account)
    mine = [
        *paths,
        reverse("meetings:meeting-mine"),
        reverse("meetings:meeting-check-in", args=[meeting.check_in_token]),
    ]
    before_signed_in = {path: _count(client, path) for path in mine}
    client.logout()
    grow(45)
    assert {path: _count(client, path) for path in paths} == before
    client.force_login(me.account)
    assert {path: _count(client, path) for path in mine} == before_signed_in


def test_staff_pages_do_not_ask_more_with_more_data(client, world, community_staff):
    meeting, _me, grow = world
    grow(5)
    client.force_login(community_staff)
    paths = [
        reverse("meetings:staff-meeting-list"),
        reverse("meetings:staff-meeting-detail", args=[meeting.pk]),
        reverse("meetings:staff-meeting-door", args=[meeting.pk]),
        reverse("meetings:staff-meeting-door", args=[meeting.pk]) + "?screen=1",
    ]
    before = {path: _count(client, path) for path in paths}
    grow(45)
    assert {path: _count(client, path) for path in paths} == before


def test_decisions_of_meetings_in_many_places_ask_the_same(client, make_meeting, make_user, tree):
    """Decisions of meetings held in different grids, each at its own service point: the place names and the
    service points are read for the whole page at once."""
    from huiketing.people.models import Role
    from huiketing.places.services import service_point_create

    city = make_user("t_city_officer", Role.CITY_OFFICER, "654301")

    def decide_in(grid) -> None:
        point = service_point_create(
            by=None, kind="talk_point", names={"zh-hans": f"说事点{_name()}"}, lat=47.845, lng=88.105
        )
        meeting = services.meeting_open(
            by=city,
            meeting=make_meeting(
                f"网格会{_name()}",
                place_code=grid.code,
                starts_in=timedelta(minutes=-5),
                quorum_rule=QuorumRule.NONE,
                service_point=point,
                location="",
                by=city,
            ),
        )
        item = services.agenda_item_add(by=city, meeting=meeting, title=f"议题{_name()}")
        services.item_decide(by=city, item=item, decision="approved", reasons="同意")

    paths = [reverse("meetings:decisions"), reverse("api-meeting-decisions")]
    decide_in(tree.grids[0])
    before = {path: _count(client, path) for path in paths}
    for grid in tree.grids[1:4]:
        decide_in(grid)
    assert {path: _count(client, path) for path in paths} == before
