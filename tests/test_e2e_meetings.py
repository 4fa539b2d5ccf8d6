"""The six-step consultation (六事) over real HTTP: a matter raised, deliberated, voted on twice, decided,
carried out as a project and evaluated, with the points everyone earned.

1. A resident raises a matter (API); community staff accept it and table it (staff matter pages).
2. Staff open its deliberation (staff deliberation pages), three supports needed; three residents of the
   community support it, one comments for and one against; a resident of another community is refused.
3. Staff plan a meeting (staff meeting pages), invite the community's residents and its property company, put
   the topic on the agenda and open the meeting; residents check in with the door's QR link, an officer marks
   one present at the door; the quorum shows on the pages.
4. A vote on the item, two thirds needed, by every adult resident of the community, more than 50% turnout
   needed: one resident votes online, the officer records one in person, and each second ballot in the other
   channel is refused with the reason. Two of four vote: the turnout is not reached, the vote does not carry,
   the item is deferred and the topic goes back to deliberation.
5. A second meeting takes the item again: all four vote, three for; it passes, is approved with reasons, and
   after the notice job has run past the public-notice period it is in effect on the public decisions board.
6. The minutes of the second meeting are written from the records, published and downloaded as a PDF, whose
   text names the item, the decision and the vote counts.
7. The decision becomes a project with three weighted milestones (staff project pages); the public page's
   progress follows each milestone; finishing the project marks the matter done, the resident who raised it is
   satisfied, and the matter is closed.
8. Every resident holds the points the standard rules give for what they did, read from the points API.

The server is Django's live server on the test database; the clients are real HTTP clients
(tests/http_client.py) that read each page before submitting one of its forms, as a browser would.
"""

import re
from collections import Counter
from datetime import date, datetime, time, timedelta
from io import BytesIO
from urllib.parse import quote

import pytest
from django.utils import timezone
from pypdf import PdfReader

from huiketing.matters import services as matter_services
from huiketing.matters.models import HandlingUnit, Matter
from huiketing.matters.models import Status as MatterStatus
from huiketing.meetings.meeting_services import meeting_kinds_ensure
from huiketing.meetings.meeting_tasks import meetings_notice_period_task
from huiketing.meetings.models import (
    AgendaItem,
    Ballot,
    ItemDecision,
    Meeting,
    MeetingStatus,
    NoticeStatus,
    Participant,
    Support,
    Topic,
    TopicStatus,
    Vote,
)
from huiketing.people import services as people_services
from huiketing.people.models import Organisation, Relation, Role
from huiketing.people.validators import id_check_character
from huiketing.points.models import Rule
from huiketing.points.services import points_rules_ensure
from huiketing.projects.models import Milestone, Project
from huiketing.projects.models import Status as ProjectStatus
from tests.http_client import Client, fill, forms_on, link, text

MATTER_TITLE = "东门路灯坏了半年没人修"
MILESTONES = [("采购节能灯具", 2), ("安装新路灯", 1), ("验收并公示", 1)]


def pk_from(location: str, pattern: str) -> int:
    found = re.search(pattern, location)
    assert found, f"{location} does not match {pattern}"
    return int(found.group(1))


def chunk_with(page: str, marker: str, needle: str) -> str:
    """The part of the page between two `marker`s (rows, list items) that holds `needle`."""
    for part in page.split(marker)[1:]:
        if needle in part:
            return part
    raise AssertionError(f"no {marker!r} holding {needle!r}")


# The world --------------------------------------------------------------------------------------------------


def _id_number(birth: date, serial: int) -> str:
    first_17 = f"654301{birth:%Y%m%d}{serial:03d}"
    return first_17 + id_check_character(first_17)


@pytest.fixture
def world(live_server, audit_log_flushable, tree, make_user):
    """The first community with four residents who have accounts (two in each of its grids), one resident of
    the neighbouring community, its property company, and its staff: one runs the meetings, one keeps the door
    and records ballots in person. The standard points rules and kinds of meeting, as a fresh database has."""
    from huiketing.places import geo

    geo.grid_index.clear()
    points_rules_ensure()
    meeting_kinds_ensure()
    matter_services.category_save(
        by=None,
        code="public_facilities",
        names={"zh-hans": "公共设施", "en": "Public facilities"},
        default_unit_kind=HandlingUnit.Kind.COMMUNITY,
    )
    community = tree.communities[0]
    people = {}
    for serial, (key, name, grid) in enumerate(
        [
            ("wang", "王小明", tree.grids[0]),
            ("li", "李秀英", tree.grids[0]),
            ("zhang", "张伟", tree.grids[1]),
            ("liu", "刘芳", tree.grids[1]),
            ("far", "远方居民", tree.grids[2]),
        ],
        start=1,
    ):
        household = people_services.household_create(by=None, grid=grid, building=str(serial), room="101")
        resident = people_services.resident_create(
            by=None,
            household=household,
            full_name=name,
            id_number=_id_number(date(1980, 1, serial), serial),
            relation=Relation.HOUSEHOLDER,
        )
        resident.account = make_user(f"e2e_{key}", Role.RESIDENT, resident.place_code)
        resident.save(update_fields=["account"])
        people[key] = resident
    company = Organisation.objects.create(
        kind=Organisation.Kind.PROPERTY_COMPANY,
        names={"zh-hans": "金山物业", "en": "Golden Hill Property"},
        place_code=community.code,
    )
    make_user("e2e_community", Role.COMMUNITY_STAFF, community.code)
    make_user("e2e_officer", Role.COMMUNITY_STAFF, community.code)
    yield {
        "base": live_server.url,
        "community": community,
        "grid": tree.grids[0],
        "people": people,
        "company": company,
    }
    geo.grid_index.clear()


def _clients(world) -> dict[str, Client]:
    """A client per person: residents signed in on the site and holding an API token, staff signed in."""
    clients = {}
    for key in world["people"]:
        client = Client(world["base"])
        client.sign_in(f"e2e_{key}")
        client.api_token(f"e2e_{key}")
        clients[key] = client
    for key in ("community", "officer"):
        clients[key] = Client(world["base"])
        clients[key].sign_in(f"e2e_{key}")
    clients["public"] = Client(world["base"])
    return clients


# The steps --------------------------------------------------------------------------------------------------


def _plan_meeting(staff: Client, world, title: str, topic_id: int) -> Meeting:
    """Plan a meeting of the community from the staff pages, invite its residents and its property company,
    put the topic on the agenda and open it."""
    starts = (timezone.localtime() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    head, _page = staff.submit(
        "/staff/meetings/new/",
        values={
            "kind": "neighbourhood",
            "title": title,
            "place_code": world["community"].code,
            "starts_at": starts,
            "location": "社区会客厅二楼",
            "language": "en",
            "quorum_rule": "half",
        },
    )
    meeting_id = pk_from(head["Location"], r"^/staff/meetings/(\d+)/$")
    detail = f"/staff/meetings/{meeting_id}/"
    staff.submit(detail, f"{detail}invite/residents/")
    staff.submit(detail, f"{detail}invite/organisations/", {"organisation_kind": "property_company"})
    staff.submit(detail, f"{detail}items/new/", {"topic": topic_id})
    meeting = Meeting.objects.get(pk=meeting_id)
    invited = {(row.kind, row.resident_id or row.organisation_id) for row in meeting.participants.all()}
    people = world["people"]
    assert invited == {
        *(("resident", people[key].pk) for key in ("wang", "li", "zhang", "liu")),
        ("property_company", world["company"].pk),
    }
    assert Topic.objects.get(pk=topic_id).status == TopicStatus.ON_AGENDA
    staff.submit(detail, f"{detail}open/")
    assert Meeting.objects.get(pk=meeting_id).status == MeetingStatus.IN_SESSION
    return meeting


def _check_in(clients, officer: Client, meeting: Meeting, *, by_qr: list[str], at_door: list[str], world):
    """Residents scan the door's code; the officer marks the others present on the door page."""
    door = f"/staff/meetings/{meeting.pk}/door/"
    status, _head, page = officer.get(door)
    assert status == 200
    check_in = re.search(r'<p class="code" dir="ltr"><bdi>([^<]+)</bdi>', page).group(1)
    path = "/" + check_in.split("/", 3)[3]
    assert path == f"/meetings/check-in/{meeting.check_in_token}/"
    for key in by_qr:
        clients[key].submit(path)
        _status, _head, page = clients[key].get(path)
        assert "You are checked in" in text(page)
    for key in at_door:
        _status, _head, page = officer.get(door)
        row = chunk_with(page, "<tr ", world["people"][key].full_name)
        action = re.search(r'action="(/staff/meetings/\d+/attendance/\d+/)"', row).group(1)
        officer.submit(door, action)
    rows = Participant.objects.filter(meeting=meeting, attended_at__isnull=False)
    assert {row.resident_id: row.check_in for row in rows if row.resident_id} == {
        **{world["people"][key].pk: "qr" for key in by_qr},
        **{world["people"][key].pk: "staff" for key in at_door},
    }


def _prepare_vote(staff: Client, meeting: Meeting, question: str) -> Vote:
    """From the meeting's staff page: prepare a two-thirds vote of the community's adult residents with more
    than 50% turnout, then open it."""
    detail = f"/staff/meetings/{meeting.pk}/"
    _status, _head, page = staff.get(detail)
    new = link(page, r"/staff/items/\d+/votes/new/")
    head, _page = staff.submit(
        new,
        values={
            "question": question,
            "electorate": "residents",
            "majority": "two_thirds",
            "turnout_quorum": "50",
        },
    )
    vote_id = pk_from(head["Location"], r"^/staff/votes/(\d+)/$")
    staff.submit(f"/staff/votes/{vote_id}/", f"/staff/votes/{vote_id}/open/")
    vote = Vote.objects.get(pk=vote_id)
    assert (vote.status, vote.electorate, vote.majority, vote.turnout_quorum) == (
        "open",
        "residents",
        "two_thirds",
        50,
    )
    return vote


def _options(client: Client, vote: Vote) -> dict[str, int]:
    status, body = client.get_json(f"/api/v1/votes/{vote.pk}/")
    assert status == 200, body
    return {option["meaning"]: option["id"] for option in body["options"]}


def _officer_form(officer: Client, vote: Vote, name: str) -> tuple[str, list]:
    """The officer finds the resident by name on the in-person page and opens the ballot form for them."""
    page_url = f"/staff/votes/{vote.pk}/in-person/"
    status, _head, page = officer.get(f"{page_url}?q={quote(name)}")
    assert status == 200 and name in page
    chosen = page_url + link(page, r"\?q=[^\"]*resident=\d+")
    status, _head, page = officer.get(chosen)
    assert status == 200
    return chosen, forms_on(page)[""]


def _record_in_person(officer: Client, vote: Vote, name: str, option: int) -> None:
    chosen, fields = _officer_form(officer, vote, name)
    status, _head, body = officer.post_form(chosen, fill(fields, {"option": option}))
    assert status == 302, text(body)[:2000]


def _decide(staff: Client, meeting: Meeting, item: AgendaItem, values: dict) -> None:
    detail = f"/staff/meetings/{meeting.pk}/"
    staff.submit(detail, f"{detail}items/{item.pk}/decide/", values)


def _points(client: Client) -> tuple[int, Counter]:
    status, body = client.get_json("/api/v1/points/me/?page_size=200")
    assert status == 200, body
    return body["balance"], Counter(entry["rule"] for entry in body["results"])


def test_raise_deliberate_vote_twice_decide_minutes_project_evaluate_over_http(world):
    clients = _clients(world)
    people = world["people"]
    staff, officer, public = clients["community"], clients["officer"], clients["public"]

    # 1. The resident raises the matter; community staff accept it and table it for deliberation. ----------
    status, body = clients["wang"].post_json(
        "/api/v1/matters/",
        {
            "title": MATTER_TITLE,
            "description": "东门到3号楼的两盏路灯坏了半年，晚上老人孩子出门不安全。",
            "category": "public_facilities",
            "grid": world["grid"].code,
        },
    )
    assert status == 201, body
    matter_id = body["id"]
    matter_page = f"/staff/matters/{matter_id}/"
    staff.submit(matter_page, f"{matter_page}accept/")
    assert Matter.objects.get(pk=matter_id).status == MatterStatus.ACCEPTED
    staff.submit(matter_page, f"{matter_page}table/", {"note": "涉及全体居民，提交居民议事"})
    assert Matter.objects.get(pk=matter_id).status == MatterStatus.TABLED

    # 2. Staff open its deliberation from the matter's page; three supports are needed. --------------------
    _status, _head, page = staff.get(matter_page)
    from_matter = link(page, rf"/staff/deliberation/from-matter/{matter_id}/")
    head, _page = staff.submit(
        from_matter,
        values={
            "support_threshold": "3",
            "options-0-title": "更换为LED节能路灯",
            "options-1-title": "维修原有路灯",
        },
    )
    topic_id = pk_from(head["Location"], r"^/deliberation/(\d+)/$")
    topic = Topic.objects.get(pk=topic_id)
    assert (topic.matter_id, topic.status, topic.place_code) == (
        matter_id,
        TopicStatus.OPEN,
        world["community"].code,
    )
    assert [option.title for option in topic.options.all()] == ["更换为LED节能路灯", "维修原有路灯"]
    topic_page = f"/deliberation/{topic_id}/"

    # Two residents support it on its page, a third through the API.
    for key in ("wang", "li"):
        clients[key].submit(topic_page, f"/deliberation/{topic_id}/support/")
    status, body = clients["zhang"].post_json(f"/api/v1/topics/{topic_id}/support/", None)
    assert status == 201, body
    assert (body["supports_count"], body["support_threshold"]) == (3, 3)
    assert body["threshold_reached_at"] is not None
    # One comments for on the page, another against through the API.
    clients["li"].submit(
        topic_page,
        f"/deliberation/{topic_id}/comment/",
        {"stance": "for", "body": "LED灯省电，物业维修基金够用。"},
    )
    status, body = clients["liu"].post_json(
        f"/api/v1/topics/{topic_id}/comments/", {"stance": "against", "body": "先修旧灯就够了，不要乱花钱。"}
    )
    assert status == 201, body
    # A resident of the neighbouring community may read, not take part.
    status, body = clients["far"].post_json(f"/api/v1/topics/{topic_id}/support/", None)
    assert status == 403, body
    assert (
        body["error"]["message"]
        == f"Only residents of {world['community'].names['en']} may take part in this topic."
    )
    assert Support.objects.filter(topic_id=topic_id).count() == 3
    status, _head, page = public.get(topic_page)
    shown = text(page)
    assert "3 of 3 supports" in shown and "enough for a meeting's agenda" in shown
    assert "For 1 Against 1 Neutral 0" in shown
    status, body = public.get_json(f"/api/v1/topics/{topic_id}/")
    assert body["stance_counts"] == {"for": 1, "against": 1, "neutral": 0}
    assert body["supports_count"] == 3 and body["threshold_reached_at"] is not None

    # 3. The first meeting: planned, the community invited, the topic on its agenda, opened. ----------------
    first = _plan_meeting(staff, world, "东门路灯议事会", topic_id)
    item = first.items.get()
    assert item.topic_id == topic_id and item.title == MATTER_TITLE
    _check_in(clients, officer, first, by_qr=["wang", "li"], at_door=["zhang"], world=world)
    # Three of the five invited (four residents and the company) attend; more than half are needed.
    _status, _head, page = officer.get(f"/staff/meetings/{first.pk}/door/")
    assert "3 of 5 invited are here; 3 needed. Quorum met" in text(page)
    _status, _head, page = staff.get(f"/staff/meetings/{first.pk}/")
    assert "3 of 5 invited; 3 needed Quorum met" in text(page)
    _status, _head, page = public.get(f"/meetings/{first.pk}/")
    assert "3 of the 5 invited attend; 3 are needed. Quorum met" in text(page)
    assert "王小明" not in page

    # 4. A vote that does not reach its turnout. -------------------------------------------------------------
    vote = _prepare_vote(staff, first, "是否将东门路灯更换为LED节能路灯？")
    options = _options(public, vote)
    # The officer opens the ballot form for 王小明 at the door …
    chosen, stale_form = _officer_form(officer, vote, "王小明")
    # … while 王小明 votes online on the vote's page.
    clients["wang"].submit(f"/votes/{vote.pk}/", f"/votes/{vote.pk}/cast/", {"option": options["yes"]})
    # The officer's ballot for him is refused, saying how he voted.
    status, _head, body = officer.post_form(chosen, fill(stale_form, {"option": options["yes"]}))
    assert status == 400
    assert "This resident has already voted online; a second vote is refused." in text(body)
    _status, _head, page = officer.get(chosen)
    assert "This resident has already voted online; a second vote is refused." in text(page)
    # The officer records 李秀英's vote in person; her vote online is then refused.
    _record_in_person(officer, vote, "李秀英", options["yes"])
    status, body = clients["li"].post_json(f"/api/v1/votes/{vote.pk}/ballot/", {"option": options["no"]})
    assert status == 400, body
    assert (
        body["error"]["message"]
        == "You have already voted in person at the meeting; a second vote is refused."
    )
    ballots = Ballot.objects.filter(vote=vote)
    assert sorted((b.resident_id, b.channel) for b in ballots) == sorted(
        [(people["wang"].pk, "online"), (people["li"].pk, "in_person")]
    )
    # Closed: both voted for, but two of the four entitled is not more than half.
    staff.submit(f"/staff/votes/{vote.pk}/", f"/staff/votes/{vote.pk}/close/")
    vote.refresh_from_db()
    assert (vote.entitled_count, vote.cast_count, vote.quorum_met, vote.passed) == (4, 2, False, False)
    _status, _head, page = public.get(f"/votes/{vote.pk}/")
    shown = text(page)
    assert "Not passed: 2 of 2 votes for (100%), two thirds needed." in shown
    assert "Turnout 2 of 4 (50%); quorum 50% not met, so the vote does not carry." in shown
    status, body = public.get_json(f"/api/v1/votes/{vote.pk}/")
    assert body["result"]["quorum_met"] is False and body["result"]["passed"] is False
    # Approving is refused; the meeting defers the item and the topic goes back to deliberation.
    detail = f"/staff/meetings/{first.pk}/"
    _head, page = staff.submit(
        detail,
        f"{detail}items/{item.pk}/decide/",
        {"decision": "approved", "reasons": "多数赞成"},
        expect=400,
    )
    assert "did not reach its turnout: it cannot be approved" in text(page)
    _decide(staff, first, item, {"decision": "deferred", "reasons": "表决参与率未过半，下次会议再议。"})
    assert AgendaItem.objects.get(pk=item.pk).decision == ItemDecision.DEFERRED
    assert Topic.objects.get(pk=topic_id).status == TopicStatus.OPEN
    _status, _head, page = public.get(topic_page)
    assert "The meeting deferred the topic: it is open for deliberation again." in text(page)
    staff.submit(detail, f"{detail}close/")
    assert Meeting.objects.get(pk=first.pk).status == MeetingStatus.CLOSED

    # 5. The second meeting takes the item again: everyone votes, three of four for. ------------------------
    second = _plan_meeting(staff, world, "东门路灯议事会（续）", topic_id)
    item = second.items.get()
    _check_in(clients, officer, second, by_qr=["wang", "li"], at_door=["zhang", "liu"], world=world)
    vote = _prepare_vote(staff, second, "是否将东门路灯更换为LED节能路灯？（再次表决）")
    options = _options(public, vote)
    for key in ("wang", "li"):
        status, body = clients[key].post_json(f"/api/v1/votes/{vote.pk}/ballot/", {"option": options["yes"]})
        assert (status, body) == (201, {"status": "recorded"})
    _record_in_person(officer, vote, "张伟", options["yes"])
    _record_in_person(officer, vote, "刘芳", options["no"])
    staff.submit(f"/staff/votes/{vote.pk}/", f"/staff/votes/{vote.pk}/close/")
    vote.refresh_from_db()
    assert (vote.entitled_count, vote.cast_count, vote.quorum_met, vote.passed) == (4, 4, True, True)
    _status, _head, page = public.get(f"/votes/{vote.pk}/")
    shown = text(page)
    assert "Passed: 3 of 4 votes for (75%), two thirds needed." in shown
    assert "Turnout 4 of 4 (100%); quorum 50% met." in shown
    reasons = "四分之三赞成，超过三分之二；路灯关系夜间出行安全。"
    _decide(
        staff,
        second,
        item,
        {
            "decision": "approved",
            "reasons": reasons,
            "follow_up": "社区一个月内完成更换，物业配合。",
            "notice_days": "7",
        },
    )
    item.refresh_from_db()
    assert (item.decision, item.notice_status) == (ItemDecision.APPROVED, NoticeStatus.IN_NOTICE)
    assert Topic.objects.get(pk=topic_id).status == TopicStatus.DECIDED
    detail = f"/staff/meetings/{second.pk}/"
    staff.submit(detail, f"{detail}close/")
    _status, _head, page = public.get("/decisions/")
    notice = chunk_with(page, '<li id="item-', MATTER_TITLE)
    assert "In its public-notice period" in text(notice)
    # The worker's job, run after the last day of the notice: the decision takes effect.
    after = timezone.make_aware(datetime.combine(item.notice_ends_on + timedelta(days=1), time(9)))
    result = meetings_notice_period_task.enqueue(now=after.isoformat())
    assert result.return_value == {"effective": 1, "objected": 0}
    item.refresh_from_db()
    assert item.notice_status == NoticeStatus.EFFECTIVE
    _status, _head, page = public.get("/decisions/")
    recent = page.split('id="recent"', 1)[1]
    decision = text(chunk_with(recent, '<li class="card">', MATTER_TITLE))
    assert "Decision: Approved In effect" in decision and reasons in decision

    # 6. The minutes of the second meeting, written from the records, published, downloaded as a PDF. --------
    minutes = f"/staff/meetings/{second.pk}/minutes/"
    staff.submit(minutes, f"{minutes}generate/")
    staff.submit(minutes, f"{minutes}publish/")
    status, head, pdf = public.request_bytes("GET", f"/meetings/{second.pk}/minutes.pdf")
    assert status == 200 and head["Content-Type"] == "application/pdf"
    pdf_text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    words = " ".join(pdf_text.split())
    assert MATTER_TITLE in "".join(pdf_text.split())
    assert "Decision Approved" in words and "The meeting approved this item." in words
    assert "".join(reasons.split()) in "".join(pdf_text.split())
    assert all(row in words for row in ("For 3 75.0%", "Against 1 25.0%", "Abstain 0 0.0%")), words
    assert "Passed: 3 of 4 votes for (75%), two thirds needed." in words
    assert "Turnout 4 of 4 (100%); quorum 50% met." in words

    # 7. The decision becomes a project with three weighted milestones. --------------------------------------
    _status, _head, page = staff.get("/staff/projects/new/")
    chosen = link(page, rf"\?decision={item.pk}")
    today = timezone.localdate()
    rows = {}
    for n, (title, weight) in enumerate(MILESTONES):
        rows.update(
            {
                f"milestones-{n}-title": title,
                f"milestones-{n}-due_on": (today + timedelta(days=10 * (n + 1))).isoformat(),
                f"milestones-{n}-weight": str(weight),
            }
        )
    head, _page = staff.submit(
        f"/staff/projects/new/{chosen}",
        "/staff/projects/new/",
        {
            "budget": "12000",
            "funding_source": "maintenance_fund",
            **rows,
            "parties-0-kind": "property_company",
            "parties-0-role": "lead",
            "parties-0-organisation": str(world["company"].pk),
        },
    )
    project_id = pk_from(head["Location"], r"^/staff/projects/(\d+)/$")
    project = Project.objects.get(pk=project_id)
    assert (project.agenda_item_id, project.matter_id, project.status) == (
        item.pk,
        matter_id,
        ProjectStatus.PLANNED,
    )
    staff_page, public_page = f"/staff/projects/{project_id}/", f"/projects/{project_id}/"
    staff.submit(staff_page, f"{staff_page}start/")
    assert Matter.objects.get(pk=matter_id).status == MatterStatus.IN_PROGRESS

    def progress() -> int:
        status, _head, page = public.get(public_page)
        assert status == 200
        return int(re.search(r'class="progress-figure"><bdi>(\d+)%</bdi>', page).group(1))

    assert progress() == 0
    total, done = sum(weight for _title, weight in MILESTONES), 0
    milestones = list(Milestone.objects.filter(project=project).order_by("position"))
    assert [(m.title, m.weight) for m in milestones] == MILESTONES
    for milestone, (_title, weight) in zip(milestones, MILESTONES, strict=True):
        staff.submit(
            staff_page,
            f"{staff_page}milestones/{milestone.pk}/done/",
            {"note": f"{milestone.title}：已完成"},
        )
        done += weight
        assert progress() == 100 * done // total
    staff.submit(staff_page, f"{staff_page}finish/", {"note": "东门两盏路灯已更换为LED灯并通过验收。"})
    assert Project.objects.get(pk=project_id).status == ProjectStatus.DONE
    assert Matter.objects.get(pk=matter_id).status == MatterStatus.DONE
    _status, _head, page = public.get(public_page)
    assert '<span class="badge status-done">Done</span>' in page
    shown = text(page)
    assert "100% 3 of 3 milestones done" in shown
    assert "Waiting for the evaluation of the resident who raised it." in shown
    # The resident who raised the matter is satisfied: it is closed.
    status, body = clients["wang"].post_json(
        f"/api/v1/matters/{matter_id}/evaluate/", {"solved": True, "result": "satisfied", "comment": "亮了"}
    )
    assert status in (200, 201), body
    assert Matter.objects.get(pk=matter_id).status == MatterStatus.CLOSED
    _status, _head, page = public.get(f"/matters/{matter_id}/")
    assert '<span class="badge status-closed">Closed</span>' in page
    _status, _head, page = public.get(public_page)
    assert "The resident's evaluation: Satisfied" in text(page)

    # 8. Points, as the standard rules give them. ------------------------------------------------------------
    amount = dict(Rule.objects.values_list("code", "amount"))
    earned = {
        "wang": Counter(matter_accepted=1, topic_supported=1, meeting_attended=2, vote_cast=2),
        "li": Counter(topic_supported=1, meeting_attended=2, vote_cast=2),
        "zhang": Counter(topic_supported=1, meeting_attended=2, vote_cast=1),
        "liu": Counter(meeting_attended=1, vote_cast=1),
        "far": Counter(),
    }
    for key, rules in earned.items():
        balance, entries = _points(clients[key])
        assert entries == rules, key
        assert balance == sum(amount[code] * count for code, count in rules.items()), key
