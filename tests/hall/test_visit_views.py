# ruff: noqa: F811  (the fixtures imported from test_visit_services are used as arguments)
"""Visit pages and API: the door page on a phone, the one-tap rating, the staff's door and statistics (query
counts that do not grow with the data, the spreadsheet), and the REST check-in and statistics."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from huiketing.hall.models import Venue
from huiketing.hall.visit_models import Visit, VisitMethod, VisitPurpose
from huiketing.people.models import Role
from tests.hall.test_visit_services import CHINA, door_staff, far_venue, make_venue, venue, visit_at  # noqa: F401


@pytest.fixture
def phone(client, make_user):
    user = make_user("v_phone")
    client.force_login(user)
    client.user = user
    return client


def test_door_page_checks_in_once_and_offers_the_rating(phone, venue):
    url = reverse("hall:visit-check-in", args=[venue.check_in_token])
    response = phone.get(url)
    assert response.status_code == 200 and venue.name in response.content.decode()
    response = phone.post(url, {"purpose": "reading"})
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("hall:visit-rate", args=[visit.pk])
    phone.post(url, {"purpose": "rest"})
    assert Visit.objects.count() == 1

    with translation.override("en"):
        response = phone.post(url + "?lang=en", {"purpose": "service_item"})
    assert response.status_code == 400 and "Choose the service." in response.content.decode()
    assert phone.get(reverse("hall:visit-check-in", args=["wrong"])).status_code == 404

    rate = reverse("hall:visit-rate", args=[visit.pk])
    assert phone.get(rate).status_code == 200
    assert phone.post(rate, {"satisfaction": "good"}).status_code == 302
    assert Visit.objects.get().satisfaction == "good"
    assert phone.post(rate, {"satisfaction": "poor"}).status_code == 400
    assert Visit.objects.get().satisfaction == "good"


def test_door_page_asks_to_sign_in(client, venue):
    response = client.get(reverse("hall:visit-check-in", args=[venue.check_in_token]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_someone_elses_visit_is_missing(phone, venue, make_user):
    other = make_user("v_other")
    visit = visit_at(venue, datetime.now(CHINA), user=other)
    assert phone.get(reverse("hall:visit-rate", args=[visit.pk])).status_code == 404
    assert (
        phone.post(reverse("hall:visit-rate", args=[visit.pk]), {"satisfaction": "good"}).status_code == 404
    )
    assert Visit.objects.get(pk=visit.pk).satisfaction is None


def test_staff_door(client, venue, far_venue, door_staff):
    client.force_login(door_staff)
    url = reverse("hall:visit-door", args=[venue.pk])
    response = client.get(url)
    assert response.status_code == 200 and "<svg" in response.content.decode()
    assert venue.check_in_token in response.content.decode()
    assert client.get(reverse("hall:visit-door", args=[far_venue.pk])).status_code == 404
    assert client.get(reverse("hall:visit-door", args=[999999])).status_code == 404
    assert client.post(url, {"walk_in-purpose": "rest"}).status_code == 302
    assert client.post(url, {"head_count-people": "7", "head_count-purpose": "meeting"}).status_code == 302
    assert client.post(url, {"head_count-people": "0", "head_count-purpose": "meeting"}).status_code == 400
    assert sorted(Visit.objects.values_list("method", "people")) == [
        (VisitMethod.HEADCOUNT, 7),
        (VisitMethod.STAFF, 1),
    ]
    assert (
        client.post(reverse("hall:visit-door", args=[far_venue.pk]), {"walk_in-purpose": "rest"}).status_code
        == 404
    )
    assert "8" in client.get(url).content.decode()
    old_token = venue.check_in_token
    assert client.post(url, {"renew": "1"}).status_code == 302
    venue.refresh_from_db()
    assert venue.check_in_token != old_token
    assert client.get(reverse("hall:visit-check-in", args=[old_token])).status_code == 404


def test_only_community_staff_and_above_renew_the_door_code(client, venue, make_user, tree):
    client.force_login(make_user("v_leader", Role.GRID_LEADER, tree.grids[0].code))
    url = reverse("hall:visit-door", args=[venue.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"renew": "1"}).status_code == 403
    assert Venue.objects.get(pk=venue.pk).check_in_token == venue.check_in_token


def test_door_refused_to_a_resident(client, venue, make_user, tree):
    client.force_login(make_user("v_res", Role.RESIDENT, tree.grids[0].code))
    assert client.get(reverse("hall:visit-door", args=[venue.pk])).status_code in (403, 404)
    assert client.get(reverse("hall:visit-statistics")).status_code == 403


def _grow(venue, far_venue, n: int, make_user, start: datetime) -> None:
    for i in range(n):
        user = make_user(f"v_grow_{n}_{i}")
        visit_at(
            venue, start + timedelta(hours=i), user=user, purpose=VisitPurpose.READING, satisfaction="good"
        )
        visit_at(venue, start + timedelta(days=1, hours=i), method=VisitMethod.HEADCOUNT, people=i + 1)
        visit_at(far_venue, start + timedelta(hours=i), user=user)


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_statistics_page_queries_do_not_grow(client, tree, venue, far_venue, door_staff, make_user):
    client.force_login(door_staff)
    make_venue(tree.grids[1], "第二会客厅")
    start = datetime(2026, 3, 2, 8, tzinfo=CHINA)
    url = reverse("hall:visit-statistics") + "?start=2026-03-01&end=2026-03-31"
    _grow(venue, far_venue, 2, make_user, start)
    client.get(url)  # the session's first request reads more than the next ones
    before = _count(client, url)
    one_before = _count(client, url + f"&venue={venue.pk}")
    _grow(venue, far_venue, 12, make_user, start + timedelta(days=5))
    assert _count(client, url) == before
    assert _count(client, url + f"&venue={venue.pk}") == one_before
    with translation.override("en"):
        page = client.get(url + "&lang=en").content.decode()
    assert "Head counts name nobody" in page


def test_statistics_page_figures_export_and_refusals(client, venue, far_venue, door_staff, make_user):
    client.force_login(door_staff)
    visit_at(venue, datetime(2026, 3, 2, 9, tzinfo=CHINA), method=VisitMethod.HEADCOUNT, people=40)
    url = reverse("hall:visit-statistics")
    response = client.get(url, {"start": "2026-03-01", "end": "2026-03-03"})
    assert response.status_code == 200 and response.context["figures"].total == 40
    response = client.get(url, {"start": "2026-03-01", "end": "2026-03-03", "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert b"".join(response.streaming_content)[:2] == b"PK"
    assert client.get(url, {"start": "2026-03-04", "end": "2026-03-03"}).status_code == 400
    assert client.get(url, {"venue": far_venue.pk}).status_code == 400  # not one of the choices


def test_api_check_in_and_statistics(venue, far_venue, door_staff, make_user):
    api = APIClient()
    api.force_authenticate(make_user("v_api"))
    body = {"token": venue.check_in_token, "purpose": "reading"}
    first = api.post("/api/v1/visits/check-in/", body, format="json")
    assert first.status_code == 201 and first.json()["created"] is True
    again = api.post("/api/v1/visits/check-in/", body, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    bad = api.post("/api/v1/visits/check-in/", {"token": "x", "purpose": "reading"}, format="json")
    assert bad.status_code == 400 and "token" in bad.json()["error"]["fields"]
    assert APIClient().post("/api/v1/visits/check-in/", body, format="json").status_code in (401, 403)

    staff = APIClient()
    staff.force_authenticate(door_staff)
    today = Visit.objects.get().day.isoformat()
    response = staff.get("/api/v1/visits/statistics/", {"venue": venue.pk, "from": today, "to": today})
    assert response.status_code == 200
    data = response.json()
    assert data["visits"] == 1 and data["unique_visitors"] == 1 and data["from"] == today
    assert len(data["per_hour"]) == 24
    assert staff.get("/api/v1/visits/statistics/", {"venue": far_venue.pk}).status_code == 404
    assert staff.get("/api/v1/visits/statistics/", {"from": "2026-02-30"}).status_code == 400
