"""The pages of meetings: public list and page without residents' names, registering, checking in with the
door code, the decisions board with objections and its print layout; the staff's pages and their actions."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from huiketing.meetings import meeting_services as services
from huiketing.meetings.models import (
    ItemDecision,
    Meeting,
    MeetingStatus,
    NoticeStatus,
    Objection,
    Participant,
    QuorumRule,
)
from huiketing.people.models import Organisation, Role
from huiketing.places.models import ServicePoint, ServicePointKind

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def english(english, client):
    """Tests read English: the test's own language, and the pages' through the language cookie."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def living_room(tree):
    grid = tree.grids[0]
    return ServicePoint.objects.create(
        kind=ServicePointKind.LIVING_ROOM,
        names={"zh-hans": "幸福会客厅", "en": "Happiness living room"},
        place=grid,
        place_code=grid.code,
        lat=47.845,
        lng=88.105,
    )


@pytest.fixture
def held(make_meeting, make_resident, community_staff, living_room, tree):
    """A meeting at the living room with named residents and a property company; one item approved."""
    meeting = make_meeting(
        "Parking spaces",
        service_point=living_room,
        location="Room 2",
        is_online=True,
        online_link="https://meet.example.org/parking",
        quorum_rule=QuorumRule.NONE,
    )
    residents = [
        make_resident(name, username=f"t_p{i}") for i, name in enumerate(["王小明", "李秀英", "张伟"])
    ]
    for resident in residents:
        services.participant_invite(by=community_staff, meeting=meeting, resident=resident)
    company = Organisation.objects.create(
        kind=Organisation.Kind.PROPERTY_COMPANY,
        names={"zh-hans": "金山物业", "en": "Golden Hill Property"},
        place_code=tree.communities[0].code,
    )
    services.participant_invite(by=community_staff, meeting=meeting, organisation=company, name="经理钱某")
    services.participant_invite(by=community_staff, meeting=meeting, name="孙老师")
    item = services.agenda_item_add(by=community_staff, meeting=meeting, title="Paint parking bays")
    services.meeting_open(by=community_staff, meeting=meeting)
    rows = list(meeting.participants.filter(resident__isnull=False))
    services.attendance_record(by=community_staff, participant=rows[0])
    services.item_decide(
        by=community_staff, item=item, decision=ItemDecision.APPROVED, reasons="Cheap and quick"
    )
    return meeting, residents


def test_the_public_page_names_no_resident(client, held):
    meeting, residents = held
    for path in (reverse("meetings:meeting-detail", args=[meeting.pk]), reverse("meetings:meeting-list")):
        body = client.get(path).content.decode()
        for resident in residents:
            assert resident.full_name not in body
        assert "孙老师" not in body and "经理钱某" not in body
    body = client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).content.decode()
    assert "Golden Hill Property" in body and "Happiness living room" in body and "Room 2" in body
    assert "Paint parking bays" in body and "Approved" in body and "Cheap and quick" in body
    assert "In its public-notice period" in body
    # Residents are counted by kind; the quorum shows once the meeting opened.
    assert re.search(r"<bdi>1</bdi> of the <bdi>5</bdi> invited attend", body)
    # The online link is for those on the list only.
    assert "meet.example.org" not in body


def test_the_online_link_shows_to_participants(client, held):
    meeting, residents = held
    client.force_login(residents[1].account)
    body = client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).content.decode()
    assert "https://meet.example.org/parking" in body and "You are invited to this meeting." in body


def test_the_public_list_has_coming_and_past_meetings(client, make_meeting, community_staff):
    coming = make_meeting("Coming soon")
    past = make_meeting("Long ago", starts_in=timedelta(days=-3))
    services.meeting_open(by=community_staff, meeting=past)
    services.meeting_close(by=community_staff, meeting=past)
    body = client.get(reverse("meetings:meeting-list")).content.decode()
    assert coming.title in body and past.title not in body
    body = client.get(reverse("meetings:meeting-list"), {"when": "past"}).content.decode()
    assert past.title in body and coming.title not in body
    response = client.get(reverse("meetings:meeting-list"), {"kind": "no-such-kind"})
    assert response.status_code == 200 and b"Correct the filters" in response.content


def test_a_resident_registers_from_the_page(client, make_meeting, make_resident, tree):
    meeting = make_meeting()
    resident = make_resident("王小明", username="t_wang")
    client.force_login(resident.account)
    page = client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).content.decode()
    assert "Register for this meeting" in page
    response = client.post(reverse("meetings:meeting-register", args=[meeting.pk]))
    assert response.status_code == 302
    row = Participant.objects.get(meeting=meeting, resident=resident)
    assert row.registered_at is not None and not row.invited
    mine = client.get(reverse("meetings:meeting-mine")).content.decode()
    assert meeting.title in mine and "You registered." in mine
    far = make_resident("远方居民", grid=tree.grids[4], username="t_far")
    client.force_login(far.account)
    assert client.post(reverse("meetings:meeting-register", args=[meeting.pk])).status_code == 404


def test_checking_in_with_the_door_code(client, make_meeting, make_resident, community_staff, points_rules):
    meeting = services.meeting_open(by=community_staff, meeting=make_meeting(starts_in=timedelta(minutes=-5)))
    url = reverse("meetings:meeting-check-in", args=[meeting.check_in_token])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    resident = make_resident("王小明", username="t_wang")
    client.force_login(resident.account)
    page = client.get(url).content.decode()
    assert meeting.title in page and "Check in" in page
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert (
        Participant.objects.filter(meeting=meeting, resident=resident, attended_at__isnull=False).count() == 1
    )
    assert "You are checked in" in client.get(url).content.decode()
    assert client.get(reverse("meetings:meeting-check-in", args=["nope"])).status_code == 404


def test_checking_in_outside_the_area_is_refused_on_the_page(
    client, make_meeting, make_resident, community_staff, tree
):
    meeting = services.meeting_open(by=community_staff, meeting=make_meeting(starts_in=timedelta(minutes=-5)))
    far = make_resident("远方居民", grid=tree.grids[4], username="t_far")
    client.force_login(far.account)
    response = client.post(reverse("meetings:meeting-check-in", args=[meeting.check_in_token]))
    assert response.status_code == 400 and b"only residents of its area" in response.content
    assert not meeting.participants.exists()


def test_the_decisions_board_takes_objections_from_residents_of_the_area(client, held, make_resident, tree):
    meeting, residents = held
    item = meeting.items.get()
    page = client.get(reverse("meetings:decisions")).content.decode()
    assert "Paint parking bays" in page and "Sign in to object" in page
    client.force_login(residents[0].account)
    page = client.get(reverse("meetings:decisions")).content.decode()
    assert "Send my objection" in page
    url = reverse("meetings:decision-object", args=[item.pk])
    response = client.post(url, {"body": ""})
    assert response.status_code == 400 and b"Write your objection." in response.content
    assert client.post(url, {"body": "The fire lane gets blocked"}).status_code == 302
    assert Objection.objects.filter(item=item).count() == 1
    page = client.get(reverse("meetings:decisions")).content.decode()
    assert "You objected to this decision" in page
    assert "The fire lane gets blocked" not in page
    far = make_resident("远方居民", grid=tree.grids[4], username="t_far")
    client.force_login(far.account)
    assert "Send my objection" not in client.get(reverse("meetings:decisions")).content.decode()
    assert client.post(url, {"body": "No"}).status_code == 404
    printed = client.get(reverse("meetings:decisions-print"), {"place": tree.communities[0].code})
    assert printed.status_code == 200 and b"Paint parking bays" in printed.content


# Staff ------------------------------------------------------------------------------------------------------


def test_staff_plan_a_meeting_from_the_form(client, community_staff, meeting_kinds, tree, living_room):
    client.force_login(community_staff)
    assert client.get(reverse("meetings:staff-meeting-new")).status_code == 200
    starts = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "kind": "grid",
        "title": "Grid council",
        "place_code": tree.grids[0].code,
        "starts_at": starts,
        "service_point": living_room.pk,
        "language": "zh-hans",
        "quorum_rule": "half",
    }
    response = client.post(reverse("meetings:staff-meeting-new"), data)
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="Grid council")
    assert meeting.service_point == living_room and meeting.created_by == community_staff
    bad = client.post(reverse("meetings:staff-meeting-new"), {**data, "quorum_rule": "count", "title": "x"})
    assert bad.status_code == 400 and b"Say how many participants must attend." in bad.content
    response = client.post(
        reverse("meetings:staff-meeting-edit", args=[meeting.pk]), {**data, "title": "Renamed"}
    )
    assert response.status_code == 302 and Meeting.objects.get(pk=meeting.pk).title == "Renamed"


def test_staff_run_a_meeting_from_its_page(client, make_meeting, make_resident, community_staff, tree):
    meeting = make_meeting("Evening council")
    residents = [make_resident(name, grid=tree.grids[1]) for name in ("王小明", "李秀英")]
    client.force_login(community_staff)
    detail = reverse("meetings:staff-meeting-detail", args=[meeting.pk])
    page = client.get(detail).content.decode()
    assert "Invite residents from the registry" in page and "Open the meeting" in page
    response = client.post(
        reverse("meetings:staff-meeting-invite-residents", args=[meeting.pk]),
        {"place": tree.grids[1].code, "kind": "resident"},
    )
    assert response.status_code == 302
    assert meeting.participants.count() == 2
    page = client.get(detail).content.decode()
    assert all(resident.full_name in page for resident in residents)
    none = client.post(
        reverse("meetings:staff-meeting-invite-residents", args=[meeting.pk]),
        {"name": "无此人", "kind": "resident"},
    )
    assert none.status_code == 400 and b"matches this search" in none.content
    client.post(reverse("meetings:staff-meeting-item-add", args=[meeting.pk]), {"title": "Street lamps"})
    client.post(reverse("meetings:staff-meeting-item-add", args=[meeting.pk]), {"title": "Bins"})
    first, second = meeting.items.order_by("position")
    client.post(
        reverse("meetings:staff-meeting-item-move", args=[meeting.pk, second.pk]), {"direction": "up"}
    )
    assert list(meeting.items.order_by("position").values_list("title", flat=True)) == [
        "Bins",
        "Street lamps",
    ]
    assert client.post(reverse("meetings:staff-meeting-open", args=[meeting.pk])).status_code == 302
    door = client.get(reverse("meetings:staff-meeting-door", args=[meeting.pk])).content.decode()
    assert "<svg" in door and meeting.check_in_token in door and residents[0].full_name in door
    row = meeting.participants.get(resident=residents[0])
    client.post(reverse("meetings:staff-meeting-attendance", args=[meeting.pk, row.pk]), {"present": "1"})
    assert Participant.objects.get(pk=row.pk).check_in == "staff"
    refused = client.post(
        reverse("meetings:staff-meeting-item-decide", args=[meeting.pk, first.pk]),
        {"decision": "approved", "reasons": "Yes", "notice_days": 7},
    )
    # One of two attends: more than half is needed.
    assert refused.status_code == 400 and b"quorum is not met" in refused.content
    ok = client.post(
        reverse("meetings:staff-meeting-item-decide", args=[meeting.pk, first.pk]),
        {"decision": "deferred", "reasons": "Too few here", "notice_days": 7},
    )
    assert ok.status_code == 302
    assert meeting.items.get(pk=first.pk).decision == "deferred"
    cancel = client.post(reverse("meetings:staff-meeting-cancel", args=[meeting.pk]), {"reason": "x"})
    assert cancel.status_code == 400
    client.post(reverse("meetings:staff-meeting-close", args=[meeting.pk]))
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.CLOSED


def test_staff_answer_objections_and_conclude_the_review(client, held, community_staff):
    meeting, residents = held
    item = meeting.items.get()
    objection = services.objection_raise(by=residents[0].account, item=item, body="The fire lane")
    services.meeting_close(by=community_staff, meeting=meeting)
    later = timezone.now() + timedelta(days=9)
    services.notice_period_run(now=later)
    client.force_login(community_staff)
    detail = reverse("meetings:staff-meeting-detail", args=[meeting.pk])
    page = client.get(detail).content.decode()
    assert "The fire lane" in page and residents[0].full_name in page and "objection to answer" in page
    early = client.post(
        reverse("meetings:staff-meeting-item-resolve", args=[meeting.pk, item.pk]), {"outcome": "uphold"}
    )
    assert early.status_code == 400 and b"Answer every objection" in early.content
    client.post(
        reverse("meetings:staff-meeting-objection-answer", args=[meeting.pk, item.pk, objection.pk]),
        {"answer": "A 4 m lane stays free."},
    )
    response = client.post(
        reverse("meetings:staff-meeting-item-resolve", args=[meeting.pk, item.pk]), {"outcome": "uphold"}
    )
    assert response.status_code == 302
    assert meeting.items.get().notice_status == NoticeStatus.EFFECTIVE


def test_staff_pages_are_scoped(client, held, make_user, tree):
    meeting, _residents = held
    other = make_user("t_other_community", Role.COMMUNITY_STAFF, tree.communities[2].code)
    client.force_login(other)
    assert client.get(reverse("meetings:staff-meeting-detail", args=[meeting.pk])).status_code == 404
    assert (
        meeting.title
        not in client.get(reverse("meetings:staff-meeting-list"), {"tab": "all"}).content.decode()
    )
    worker = make_user("t_worker", Role.GRID_WORKER, tree.grids[0].code)
    client.force_login(worker)
    # A grid worker covers the first grid, not the community the meeting is for.
    assert client.get(reverse("meetings:staff-meeting-detail", args=[meeting.pk])).status_code == 404


def test_staff_invite_organisations_accounts_and_guests_and_remove_them(
    client, make_meeting, make_user, tree
):
    meeting = make_meeting("Joint committee", kind="joint_party_committee")
    community = tree.communities[0].code
    Organisation.objects.create(
        kind=Organisation.Kind.CO_BUILDING_UNIT, names={"en": "Tax bureau"}, place_code="654301"
    )
    Organisation.objects.create(
        kind=Organisation.Kind.CO_BUILDING_UNIT, names={"en": "Far unit"}, place_code=tree.communities[2].code
    )
    member = make_user("t_member", Role.PARTY_MEMBER, community)
    staff = make_user("t_planner", Role.COMMUNITY_STAFF, community)
    client.force_login(staff)
    client.post(
        reverse("meetings:staff-meeting-invite-organisations", args=[meeting.pk]),
        {"organisation_kind": "co_building_unit"},
    )
    client.post(
        reverse("meetings:staff-meeting-invite-accounts", args=[meeting.pk]), {"role": "party_member"}
    )
    client.post(
        reverse("meetings:staff-meeting-invite", args=[meeting.pk]), {"name": "Guest Sun", "role": "observer"}
    )
    rows = {
        row.organisation.names["en"] if row.organisation_id else (row.name or row.user.username): row
        for row in meeting.participants.select_related("organisation", "user")
    }
    assert set(rows) == {"Tax bureau", "t_member", "Guest Sun"}
    assert rows["t_member"].kind == "party_member" and rows["Guest Sun"].role == "observer"
    none = client.post(
        reverse("meetings:staff-meeting-invite-accounts", args=[meeting.pk]), {"role": "volunteer"}
    )
    assert none.status_code == 400 and b"No account holds this role" in none.content
    client.post(reverse("meetings:staff-meeting-participant-remove", args=[meeting.pk, rows["Guest Sun"].pk]))
    assert meeting.participants.count() == 2
    assert member.notifications.filter(kind="meeting.scheduled").count() == 1
