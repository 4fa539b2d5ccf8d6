"""The points pages: my ledger, the leaderboards (order, ties, masking, my own row), the staff's accounts
(scope, corrections, export) and rules; and that none of them asks more of the database with more data."""

import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from huiketing.core.audit import audit_record
from huiketing.people import services as people_services
from huiketing.people.models import Role
from huiketing.points.models import Account, Entry
from huiketing.points.services import points_adjust, points_award, points_spend


def earn(holder, times: int = 1, rule: str = "vote_cast") -> None:
    """Award a rule `times`, each for a source of its own."""
    for _n in range(times):
        source = audit_record(actor=None, action="tests.points.source")
        points_award(holder=holder, rule_code=rule, source=source)


def _count(client, path: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


# My points --------------------------------------------------------------------------------------------------


def test_my_points_show_the_balance_and_each_entry_with_why_and_its_link(
    client, rules, make_resident, tree, categories, staff
):
    from huiketing.matters import services as matters

    resident = make_resident(username="t_wang")
    matter = matters.matter_raise(
        by=resident.account,
        title="路灯不亮",
        description="三号楼",
        category=categories["public_facilities"],
        place_code=tree.grids[0].code,
    )
    matters.matter_accept(by=staff[Role.COMMUNITY_STAFF], matter=matter)
    points_spend(holder=resident, amount=2, reason="一块香皂", key="shop-1")
    client.force_login(resident.account)
    page = client.get("/points/?lang=en").content.decode()
    assert '<span class="figure"><bdi>3</bdi></span>' in page  # balance
    assert '<span class="figure"><bdi>5</bdi></span>' in page  # earned in all
    assert f'<a href="/matters/{matter.pk}/">A matter you raised was taken on by the community</a>' in page
    assert "Points spent" in page and "一块香皂" in page
    assert "How to earn points" in page and "Attended a meeting" in page
    zh = client.get("/points/?lang=zh-hans").content.decode()
    assert "提出的事项被社区受理" in zh


def test_my_points_before_any_entry(client, rules, make_user):
    client.force_login(make_user("t_new"))
    response = client.get("/points/?lang=en")
    assert response.status_code == 200
    assert "No points yet." in response.content.decode()
    assert not Account.objects.exists()


def test_my_points_need_signing_in(client, db):
    response = client.get("/points/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_my_points_ask_the_same_number_of_queries_at_5_and_50_entries(
    client, rules, make_resident, tree, categories
):
    from huiketing.matters import services as matters

    resident = make_resident(username="t_wang")
    client.force_login(resident.account)

    def grow(n):
        for _i in range(n):
            matter = matters.matter_raise(
                by=None,
                title="x",
                description="y",
                category=categories["neighbours"],
                place_code=tree.grids[0].code,
            )
            points_award(holder=resident, rule_code="matter_accepted", source=matter)

    grow(5)
    before = _count(client, "/points/")
    grow(45)
    assert Entry.objects.count() == 50
    assert _count(client, "/points/") == before


# Leaderboards -----------------------------------------------------------------------------------------------


@pytest.fixture
def board(rules, tree, make_resident, make_user):
    """Residents of the first community (grids 0 and 1) and one of another community, with their points."""
    first = make_resident("王小明", username="t_wang")
    earn(first, 2, "project_participation")  # 10
    second = make_resident("李四", grid=tree.grids[0])
    earn(second, 5)  # 5
    third = make_resident("张三", grid=tree.grids[1])
    earn(third, 5)  # 5
    elsewhere = make_resident("赵六", grid=tree.grids[4])
    earn(elsewhere, 100)
    moved = make_resident("钱七", grid=tree.grids[0])
    earn(moved, 50)
    people_services.resident_set_status(by=None, resident=moved, status="moved_out", on=timezone.localdate())
    # Spending and corrections do not move a board.
    points_spend(holder=first, amount=10, reason="shop", key="s1")
    points_adjust(holder=second, amount=40, reason="补录", key="a1", actor=None)
    return {"first": first, "second": second, "third": third}


def _rows(response) -> list[tuple[int, str, int, bool]]:
    return [(row.rank, row.name, row.points, row.is_me) for row in response.context["board"].rows]


def test_the_public_board_ranks_by_points_with_ties_and_masks_names(client, board, tree):
    response = client.get(f"/points/leaderboard/?place={tree.communities[0].code}&lang=en")
    assert response.status_code == 200
    assert _rows(response) == [(1, "王*", 10, False), (2, "李*", 5, False), (2, "张*", 5, False)]
    page = response.content.decode()
    assert "李四" not in page and "王小明" not in page
    assert "People are shown by the first character of their name." in page


def test_a_grid_board_holds_its_grid_only(client, board, tree):
    response = client.get(f"/points/leaderboard/?place={tree.grids[1].code}")
    assert _rows(response) == [(1, "张*", 5, False)]


def test_the_staff_covering_the_place_see_names(client, board, tree, staff):
    client.force_login(staff[Role.COMMUNITY_STAFF])
    response = client.get(f"/points/leaderboard/?place={tree.communities[0].code}")
    assert [row[1] for row in _rows(response)] == ["王小明", "李四", "张三"]
    client.force_login(staff[Role.GRID_LEADER])  # covers grid 0 only
    response = client.get(f"/points/leaderboard/?place={tree.communities[0].code}")
    assert [row[1] for row in _rows(response)] == ["王*", "李*", "张*"]


def test_my_own_row_is_marked_and_my_standing_given(client, board, tree):
    client.force_login(board["first"].account)
    response = client.get("/points/leaderboard/?lang=en")  # defaults to my own community
    assert response.context["board"].place_code == tree.communities[0].code
    assert _rows(response)[0] == (1, "王*", 10, True)
    assert response.context["board"].me.rank == 1
    assert "You are number <bdi>1</bdi> here, with <bdi>10</bdi> points." in response.content.decode()


def test_the_board_without_a_query_shows_the_first_community_to_anyone(client, board, tree):
    response = client.get("/points/leaderboard/")
    assert response.status_code == 200
    assert response.context["board"].place_code == tree.communities[0].code
    assert response.context["form"]["place"].value() == tree.communities[0].code
    assert [row[1] for row in _rows(response)] == ["王*", "李*", "张*"]


def test_the_period_counts_only_its_own_points(client, board, tree):
    Entry.objects.filter(account__resident=board["first"]).update(
        created_at=timezone.now() - timedelta(days=400)
    )
    month = client.get(f"/points/leaderboard/?place={tree.communities[0].code}&period=month")
    assert [row[1] for row in _rows(month)] == ["李*", "张*"]
    every = client.get(f"/points/leaderboard/?place={tree.communities[0].code}&period=all")
    assert [row[1] for row in _rows(every)] == ["王*", "李*", "张*"]


def test_the_units_board_names_the_units(client, rules, tree, units):
    earn(units.community, 2, "unit_satisfied")
    earn(units.property_company, 1, "unit_satisfied")
    response = client.get(f"/points/leaderboard/?place={tree.communities[0].code}&audience=unit&lang=en")
    assert _rows(response) == [(1, "社区1-1", 10, False), (2, "Jinshan Property", 5, False)]


def test_a_board_of_an_unknown_place_is_refused_next_to_the_field(client, board):
    response = client.get("/points/leaderboard/?place=999&lang=en")
    assert response.status_code == 400
    assert response.context["board"] is None
    assert "Choose a community or a grid." in response.content.decode()


def test_the_board_asks_the_same_number_of_queries_at_5_and_50_residents(client, rules, tree, make_resident):
    resident = make_resident("王小明", username="t_wang")
    earn(resident, 1)
    client.force_login(resident.account)
    path = f"/points/leaderboard/?place={tree.communities[0].code}"

    def grow(n):
        for i in range(n):
            earn(make_resident(f"居民{chr(0x4E00 + i)}"), 1 + i % 3)

    grow(5)
    before = _count(client, path)
    anonymous_before = _count(client.__class__(), path)
    grow(45)
    assert _count(client, path) == before
    assert _count(client.__class__(), path) == anonymous_before


# Staff: accounts --------------------------------------------------------------------------------------------


def test_staff_list_the_accounts_of_their_places_only(client, board, staff, tree):
    client.force_login(staff[Role.COMMUNITY_STAFF])
    response = client.get("/staff/points/accounts/?lang=en")
    assert response.status_code == 200
    names = [account.holder_name for account in response.context["accounts"]]
    assert names[0] == "钱七"  # highest balance first (moved out, still an account in the registry's place)
    assert set(names) == {"王小明", "李四", "张三", "钱七"}
    grid = client.get(f"/staff/points/accounts/?place={tree.grids[1].code}")
    assert [a.holder_name for a in grid.context["accounts"]] == ["张三"]
    outside = client.get(f"/staff/points/accounts/?place={tree.grids[4].code}&lang=en")
    assert "Choose one of your places." in outside.content.decode()
    assert list(outside.context["accounts"]) == []


def test_an_account_out_of_scope_is_missing(client, board, staff, tree):
    elsewhere = Account.objects.get(resident__full_name="赵六")
    client.force_login(staff[Role.COMMUNITY_STAFF])
    assert client.get(reverse("points:staff-account", args=[elsewhere.pk])).status_code == 404
    assert client.post(reverse("points:staff-account-adjust", args=[elsewhere.pk]), {}).status_code == 404
    assert client.get(reverse("points:staff-account", args=[999999])).status_code == 404
    client.force_login(staff[Role.GRID_LEADER])  # covers grid 0, not grid 1
    third = Account.objects.get(resident=board["third"])
    assert client.get(reverse("points:staff-account", args=[third.pk])).status_code == 404


def test_a_resident_who_moved_is_seen_by_the_staff_of_the_new_place(client, board, staff, tree, make_user):
    third = board["third"]
    household = people_services.household_create(by=None, grid=tree.grids[4], building="9", room="901")
    people_services.resident_move(by=None, resident=third, household=household, moved_on=timezone.localdate())
    account = Account.objects.get(resident=third)
    client.force_login(staff[Role.COMMUNITY_STAFF])
    assert client.get(reverse("points:staff-account", args=[account.pk])).status_code == 404
    client.force_login(make_user("t_other_community", Role.COMMUNITY_STAFF, tree.communities[2].code))
    assert client.get(reverse("points:staff-account", args=[account.pk])).status_code == 200
    board_there = client.get(f"/points/leaderboard/?place={tree.grids[4].code}")
    assert [row.name for row in board_there.context["board"].rows] == ["赵六", "张三"]


def test_a_grid_leader_reads_a_ledger_but_may_not_correct_it(client, board, staff):
    account = Account.objects.get(resident=board["second"])
    client.force_login(staff[Role.GRID_LEADER])
    response = client.get(reverse("points:staff-account", args=[account.pk]) + "?lang=en")
    assert response.status_code == 200
    assert response.context["form"] is None and "Correct the points" not in response.content.decode()
    refused = client.post(
        reverse("points:staff-account-adjust", args=[account.pk]), {"amount": 5, "reason": "x", "key": "k"}
    )
    assert refused.status_code == 404
    assert Account.objects.get(pk=account.pk).balance == 45


def test_community_staff_correct_an_account_with_a_reason(client, board, staff):
    account = Account.objects.get(resident=board["second"])
    url = reverse("points:staff-account-adjust", args=[account.pk])
    client.force_login(staff[Role.COMMUNITY_STAFF])
    page = client.get(reverse("points:staff-account", args=[account.pk]) + "?lang=en")
    assert "Correct the points" in page.content.decode()
    response = client.post(url, {"amount": -5, "reason": "重复记分", "key": "k-1"})
    assert response.status_code == 302
    client.post(url, {"amount": -5, "reason": "重复记分", "key": "k-1"})  # pressed twice
    assert Account.objects.get(pk=account.pk).balance == 40
    short = client.post(url + "?lang=en", {"amount": -100, "reason": "x", "key": "k-2"})
    assert short.status_code == 400
    assert "Not enough points: the balance is 40, 100 are needed." in short.content.decode()
    missing = client.post(url + "?lang=en", {"amount": 3, "reason": "", "key": "k-3"})
    assert missing.status_code == 400 and missing.context["form"].errors.keys() == {"reason"}
    ledger = client.get(reverse("points:staff-account", args=[account.pk]) + "?lang=en").content.decode()
    assert "Correction by staff" in ledger and "重复记分" in ledger


def test_the_export_holds_the_accounts_in_scope(client, board, staff, tree):
    client.force_login(staff[Role.COMMUNITY_STAFF])
    response = client.get("/staff/points/accounts/export.xlsx?lang=en")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:5] == ("Account", "Holder", "Name", "Place code", "Balance")
    assert {row[2] for row in rows[1:]} == {"王小明", "李四", "张三", "钱七"}
    assert client.get(f"/staff/points/accounts/export.xlsx?place={tree.grids[4].code}").status_code == 302
    client.force_login(staff[Role.GRID_LEADER])
    assert client.get("/staff/points/accounts/export.xlsx").status_code == 403


def test_staff_pages_ask_the_same_number_of_queries_at_5_and_50(client, rules, staff, make_resident):
    resident = make_resident("王小明")
    client.force_login(staff[Role.COMMUNITY_STAFF])

    def grow(n):
        for i in range(n):
            earn(make_resident(f"居民{chr(0x4E00 + i)}"), 1)
            earn(resident, 1)

    grow(5)
    account = Account.objects.get(resident=resident)
    paths = [
        "/staff/points/accounts/",
        reverse("points:staff-account", args=[account.pk]),
        "/staff/points/rules/",
    ]
    client.force_login(staff[Role.CITY_OFFICER])
    before = {path: _count(client, path) for path in paths}
    grow(45)
    assert {path: _count(client, path) for path in paths} == before


# Staff: rules -----------------------------------------------------------------------------------------------


def test_city_officers_change_the_rules_others_may_not(client, rules, staff):
    client.force_login(staff[Role.COMMUNITY_STAFF])
    assert client.get("/staff/points/rules/").status_code == 403
    assert client.post("/staff/points/rules/vote_cast/", {"amount": 3}).status_code == 403
    client.force_login(staff[Role.CITY_OFFICER])
    page = client.get("/staff/points/rules/?lang=en")
    assert page.status_code == 200 and "Signed for a dispatch on time" in page.content.decode()
    saved = client.post("/staff/points/rules/vote_cast/", {"amount": 2, "daily_cap": 6, "is_active": "on"})
    assert saved.status_code == 302
    rules["vote_cast"].refresh_from_db()
    assert (rules["vote_cast"].amount, rules["vote_cast"].daily_cap) == (2, 6)
    refused = client.post(
        "/staff/points/rules/vote_cast/?lang=en", {"amount": 5, "daily_cap": 2, "is_active": "on"}
    )
    assert refused.status_code == 400
    assert "The daily limit must be at least the rule&#x27;s points." in refused.content.decode()
    off = client.post("/staff/points/rules/vote_cast/", {"amount": 2})
    assert off.status_code == 302
    rules["vote_cast"].refresh_from_db()
    assert rules["vote_cast"].is_active is False and rules["vote_cast"].daily_cap is None


def test_a_rule_page_changes_the_names_too(client, rules, staff):
    client.force_login(staff[Role.CITY_OFFICER])
    assert client.get("/staff/points/rules/vote_cast/").status_code == 200
    assert client.get("/staff/points/rules/no-such-rule/").status_code == 404
    data = {
        "amount": 1,
        "is_active": "on",
        "name_zh-hans": "参与投票",
        "name_en": "Voted",
        "name_ug": "",
        "name_kk": "",
    }
    assert client.post("/staff/points/rules/vote_cast/", data).status_code == 302
    rules["vote_cast"].refresh_from_db()
    assert rules["vote_cast"].names == {"zh-hans": "参与投票", "en": "Voted"}
    empty = {**data, "name_zh-hans": "", "name_en": ""}
    assert client.post("/staff/points/rules/vote_cast/", empty).status_code == 400
