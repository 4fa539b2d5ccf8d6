"""The points API: my balance and entries, leaderboards, rules, corrections with an Idempotency-Key, and the
schema."""

import pytest
from rest_framework.test import APIClient

from huiketing.core.models import AuditEntry
from huiketing.people.models import Role
from huiketing.points.models import Account, Entry
from huiketing.points.services import points_spend

from .test_pages import earn


@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def test_me_gives_the_balance_and_the_entries_in_pages(api, rules, make_resident):
    resident = make_resident(username="t_wang")
    earn(resident, 25)
    points_spend(holder=resident, amount=4, reason="香皂", key="s1")
    api.force_authenticate(resident.account)
    body = api.get("/api/v1/points/me/?page_size=20").json()
    assert (body["balance"], body["earned"], body["count"]) == (21, 25, 26)
    assert len(body["results"]) == 20 and body["next"]
    first = body["results"][0]
    assert first["amount"] == -4 and first["why"] == "Points spent" and first["detail"] == "香皂"
    assert first["rule"] is None and first["balance_after"] == 21
    assert body["results"][1]["why"] == "Voted" and body["results"][1]["rule"] == "vote_cast"
    second = api.get("/api/v1/points/me/?page=2&page_size=20").json()
    assert len(second["results"]) == 6 and second["previous"]


def test_me_links_the_source(api, rules, make_resident, tree, categories, staff):
    from huiketing.matters import services as matters

    resident = make_resident(username="t_wang")
    matter = matters.matter_raise(
        by=resident.account,
        title="路灯",
        description="坏了",
        category=categories["neighbours"],
        place_code=tree.grids[0].code,
    )
    matters.matter_accept(by=staff[Role.COMMUNITY_STAFF], matter=matter)
    api.force_authenticate(resident.account)
    [entry] = api.get("/api/v1/points/me/").json()["results"]
    assert entry["link"] == f"http://testserver/matters/{matter.pk}/"
    assert (entry["source_type"], entry["source_id"]) == ("matters.matter", str(matter.pk))


def test_me_without_an_account_and_signed_out(api, rules, make_user):
    assert api.get("/api/v1/points/me/").status_code in (401, 403)
    api.force_authenticate(make_user("t_new"))
    body = api.get("/api/v1/points/me/").json()
    assert (body["balance"], body["count"], body["results"]) == (0, 0, [])


def test_the_leaderboard_api_masks_as_the_page_does(api, rules, tree, make_resident, staff):
    earn(make_resident("王小明"), 3)
    earn(make_resident("李四"), 1)
    url = f"/api/v1/points/leaderboard/?place={tree.communities[0].code}&period=all"
    body = api.get(url).json()
    assert body["place"] == tree.communities[0].code and body["masked"] is True
    assert [(row["rank"], row["name"], row["points"]) for row in body["rows"]] == [
        (1, "王*", 3),
        (2, "李*", 1),
    ]
    assert body["me"] is None
    api.force_authenticate(staff[Role.COMMUNITY_STAFF])
    assert [row["name"] for row in api.get(url).json()["rows"]] == ["王小明", "李四"]
    refused = api.get("/api/v1/points/leaderboard/?place=123&audience=nobody")
    assert refused.status_code == 400
    assert set(refused.json()["error"]["fields"]) == {"place", "audience"}


def test_staff_read_the_rules_and_city_officers_change_them(api, rules, staff):
    api.force_authenticate(staff[Role.GRID_LEADER])
    listed = api.get("/api/v1/points/rules/").json()
    assert {rule["code"] for rule in listed} >= {"matter_accepted", "unit_satisfied"}
    assert api.patch("/api/v1/points/rules/vote_cast/", {"amount": 2}, format="json").status_code == 403
    api.force_authenticate(staff[Role.CITY_OFFICER])
    changed = api.patch(
        "/api/v1/points/rules/vote_cast/",
        {"amount": 2, "daily_cap": 10, "names": {"en": "Cast a vote"}},
        format="json",
        HTTP_IDEMPOTENCY_KEY="rule-1",
    )
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["amount"], changed.json()["daily_cap"], changed.json()["name"]) == (
        2,
        10,
        "Cast a vote",
    )
    assert changed.json()["names"]["zh-hans"] == "参与表决"
    bad = api.patch("/api/v1/points/rules/vote_cast/", {"daily_cap": 1}, format="json")
    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) == {"daily_cap"}
    cleared = api.patch("/api/v1/points/rules/vote_cast/", {"daily_cap": None}, format="json")
    assert cleared.json()["daily_cap"] is None
    assert api.patch("/api/v1/points/rules/nothing/", {"amount": 1}, format="json").status_code == 404
    unknown = api.patch("/api/v1/points/rules/vote_cast/", {"names": {"fr": "Voté"}}, format="json")
    assert unknown.status_code == 400


def test_a_correction_through_the_api_is_made_once_per_key(api, rules, make_resident, staff, tree):
    resident = make_resident("王小明")
    earn(resident, 3)
    account = Account.objects.get(resident=resident)
    api.force_authenticate(staff[Role.COMMUNITY_STAFF])
    data = {"account": account.pk, "amount": 7, "reason": "活动补录"}
    first = api.post("/api/v1/points/adjustments/", data, format="json", HTTP_IDEMPOTENCY_KEY="adj-1")
    again = api.post("/api/v1/points/adjustments/", data, format="json", HTTP_IDEMPOTENCY_KEY="adj-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert (
        first.json()["entry"]["balance_after"] == 10 and first.json()["entry"]["why"] == "Correction by staff"
    )
    account.refresh_from_db()
    assert account.balance == 10
    assert Entry.objects.filter(account=account, amount=7).count() == 1
    assert AuditEntry.objects.filter(action="points.entry", actor=staff[Role.COMMUNITY_STAFF]).count() == 1
    short = api.post("/api/v1/points/adjustments/", {**data, "amount": -11}, format="json")
    assert short.status_code == 400
    assert short.json()["error"]["fields"] == {
        "amount": ["Not enough points: the balance is 10, 11 are needed."]
    }


def test_a_correction_out_of_scope_or_by_a_grid_leader_is_refused(api, rules, make_resident, staff, tree):
    elsewhere = make_resident("赵六", grid=tree.grids[4])
    earn(elsewhere, 1)
    inside = make_resident("王小明")
    earn(inside, 1)
    api.force_authenticate(staff[Role.COMMUNITY_STAFF])
    data = {"account": Account.objects.get(resident=elsewhere).pk, "amount": 5, "reason": "x"}
    assert api.post("/api/v1/points/adjustments/", data, format="json").status_code == 404
    assert (
        api.post("/api/v1/points/adjustments/", {**data, "account": 999999}, format="json").status_code == 404
    )
    api.force_authenticate(staff[Role.GRID_LEADER])
    data["account"] = Account.objects.get(resident=inside).pk
    assert api.post("/api/v1/points/adjustments/", data, format="json").status_code == 403
    assert Account.objects.get(resident=inside).balance == 1


def test_the_schema_describes_the_points_api(api, db):
    schema = api.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in ("me/", "leaderboard/", "rules/", "rules/{code}/", "adjustments/"):
        assert f"/api/v1/points/{path}" in paths
    assert "patch" in paths["/api/v1/points/rules/{code}/"]
    assert "PointsBoard" in schema["components"]["schemas"]
