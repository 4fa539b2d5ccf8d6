"""The REST API of meetings: the public list and representation, decisions in notice, my meetings, registering
and checking in (idempotent), and the staff's attendance and decisions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from huiketing.meetings import meeting_services as services
from huiketing.meetings.models import Participant, QuorumRule
from huiketing.people.models import Role


@pytest.fixture
def api():
    client = APIClient()
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


@pytest.fixture
def sitting(make_meeting, community_staff):
    meeting = make_meeting(
        "Parking", starts_in=timedelta(minutes=-5), online_link="https://meet.example.org/p"
    )
    return services.meeting_open(by=community_staff, meeting=meeting)


def test_the_list_and_the_representation_name_no_resident(
    api, sitting, make_resident, community_staff, english
):
    resident = make_resident("王小明", username="t_wang")
    row = services.participant_invite(by=community_staff, meeting=sitting, resident=resident)
    services.attendance_record(by=community_staff, participant=row)
    services.agenda_item_add(by=community_staff, meeting=sitting, title="Bays")
    listed = api.get(reverse("api-meetings")).json()
    assert [m["id"] for m in listed["results"]] == [sitting.pk]
    assert listed["results"][0]["kind"]["code"] == "neighbourhood"
    body = api.get(reverse("api-meeting", args=[sitting.pk]))
    assert body.status_code == 200 and "王小明" not in body.content.decode()
    data = body.json()
    assert data["participants"] == [
        {"kind": "resident", "label": "Resident", "total": 1, "invited": 1, "registered": 0, "attended": 1}
    ]
    assert data["quorum"] == {"rule": "half", "invited": 1, "attending": 1, "required": 1, "met": True}
    assert data["items"][0]["title"] == "Bays" and data["online_link"] is None and data["me"] is None
    api.force_authenticate(resident.account)
    data = api.get(reverse("api-meeting", args=[sitting.pk])).json()
    assert data["online_link"] == "https://meet.example.org/p" and data["me"]["invited"] is True
    bad = api.get(reverse("api-meetings"), {"place": "12"})
    assert bad.status_code == 400 and "place" in bad.json()["error"]["fields"]


def test_registering_is_idempotent_and_for_residents_of_the_area(api, make_meeting, make_resident, tree):
    meeting = make_meeting()
    resident = make_resident("王小明", username="t_wang")
    url = reverse("api-meeting-register", args=[meeting.pk])
    assert api.post(url).status_code in (401, 403)
    api.force_authenticate(resident.account)
    first = api.post(url, HTTP_IDEMPOTENCY_KEY="reg-1")
    again = api.post(url, HTTP_IDEMPOTENCY_KEY="reg-1")
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true" and first.json() == again.json()
    assert first.json()["invited"] is False and first.json()["registered_at"]
    assert Participant.objects.filter(meeting=meeting).count() == 1
    mine = api.get(reverse("api-me-meetings")).json()
    assert [m["id"] for m in mine["results"]] == [meeting.pk]
    far = make_resident("远方居民", grid=tree.grids[4], username="t_far")
    api.force_authenticate(far.account)
    assert api.post(url).status_code == 404


def test_checking_in_by_the_api(api, sitting, make_resident, points_rules, tree):
    resident = make_resident("王小明", username="t_wang")
    url = reverse("api-meeting-check-in")
    assert api.post(url, {"token": sitting.check_in_token}, format="json").status_code in (401, 403)
    api.force_authenticate(resident.account)
    first = api.post(url, {"token": sitting.check_in_token}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    second = api.post(url, {"token": sitting.check_in_token}, format="json")
    assert first.status_code == second.status_code == 200
    assert first.json()["attended_at"] == second.json()["attended_at"] and first.json()["check_in"] == "qr"
    wrong = api.post(url, {"token": "nope"}, format="json")
    assert wrong.status_code == 400 and "token" in wrong.json()["error"]["fields"]
    far = make_resident("远方居民", grid=tree.grids[4], username="t_far")
    api.force_authenticate(far.account)
    refused = api.post(url, {"token": sitting.check_in_token}, format="json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid"


def test_staff_record_attendance_and_decide(api, sitting, make_resident, community_staff, make_user, tree):
    rows = [
        services.participant_invite(by=community_staff, meeting=sitting, resident=make_resident(name))
        for name in ("王小明", "李秀英", "张伟")
    ]
    item = services.agenda_item_add(by=community_staff, meeting=sitting, title="Bays")
    attendance = reverse("api-meeting-attendance", args=[sitting.pk])
    decide = reverse("api-meeting-item-decide", args=[sitting.pk, item.pk])
    resident = make_resident("居民甲", username="t_res")
    api.force_authenticate(resident.account)
    assert api.post(attendance, {"participant": rows[0].pk}, format="json").status_code == 403
    outsider = make_user("t_far_staff", Role.COMMUNITY_STAFF, tree.communities[2].code)
    api.force_authenticate(outsider)
    assert api.post(attendance, {"participant": rows[0].pk}, format="json").status_code == 404
    api.force_authenticate(community_staff)
    response = api.post(attendance, {"participant": rows[0].pk}, format="json")
    assert response.status_code == 200 and response.json()["check_in"] == "staff"
    refused = api.post(decide, {"decision": "approved", "reasons": "Yes"}, format="json")
    assert refused.status_code == 400 and "decision" in refused.json()["error"]["fields"]
    api.post(attendance, {"participant": rows[1].pk}, format="json")
    response = api.post(decide, {"decision": "approved", "reasons": "Yes", "notice_days": 3}, format="json")
    assert response.status_code == 200
    assert response.json()["notice_status"] == "in_notice" and response.json()["objection_count"] == 0
    decisions = api.get(reverse("api-meeting-decisions")).json()
    assert [d["id"] for d in decisions["results"]] == [item.pk]
    missing = api.post(attendance, {"participant": 999999}, format="json")
    assert missing.status_code == 400


def test_a_grid_worker_takes_attendance_at_a_grid_meeting_but_does_not_decide(
    api, make_meeting, make_resident, community_staff, make_user, tree
):
    meeting = make_meeting(
        place_code=tree.grids[0].code, starts_in=timedelta(minutes=-5), quorum_rule=QuorumRule.NONE
    )
    services.meeting_open(by=community_staff, meeting=meeting)
    row = services.participant_invite(by=community_staff, meeting=meeting, resident=make_resident("王小明"))
    item = services.agenda_item_add(by=community_staff, meeting=meeting, title="Bays")
    worker = make_user("t_worker", Role.GRID_WORKER, tree.grids[0].code)
    api.force_authenticate(worker)
    response = api.post(
        reverse("api-meeting-attendance", args=[meeting.pk]), {"participant": row.pk}, format="json"
    )
    assert response.status_code == 200
    decide = api.post(
        reverse("api-meeting-item-decide", args=[meeting.pk, item.pk]),
        {"decision": "approved", "reasons": "x"},
    )
    assert decide.status_code == 403
