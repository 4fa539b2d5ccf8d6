"""The registry's staff pages: scope (404 outside it), masking, the audited reveal, search, forms, queries."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from huiketing.core.models import AuditEntry
from huiketing.people import services
from huiketing.people.models import Consent, Household, Move, Resident, ResidentStatus, Role, Visit
from tests.people.test_registry_services import make_household, make_id, make_phone, make_resident

RESIDENT_URLS = [
    "people:registry-resident",
    "people:registry-resident-reveal",
    "people:registry-resident-tags",
    "people:registry-resident-edit",
    "people:registry-resident-move",
    "people:registry-resident-status",
    "people:registry-consent-new",
]
HOUSEHOLD_URLS = [
    "people:registry-household",
    "people:registry-household-move",
    "people:registry-resident-new",
    "people:registry-visit-new",
]
LIST_URLS = ["people:registry-residents", "people:registry-households"]


@pytest.fixture
def registry(tree):
    """Grid A (the first grid) and grid B (in the second subdistrict): a household and a resident each."""
    home_a, home_b = make_household(tree.grids[0]), make_household(tree.grids[4])
    return {
        "home_a": home_a,
        "home_b": home_b,
        "a": make_resident(home_a, 1, tags=["veteran"]),
        "b": make_resident(home_b, 2),
    }


@pytest.fixture
def leader_client(client, staff):
    client.force_login(staff[Role.GRID_LEADER])
    return client


def _reveal(client, resident, field="id_number", reason="核对低保申请"):
    return client.post(
        reverse("people:registry-resident-reveal", args=[resident.pk]), {"field": field, "reason": reason}
    )


# --- Scope: grid A's leader gets 404 for grid B through every URL ------------------------------------------


@pytest.mark.parametrize("name", RESIDENT_URLS)
def test_grid_leader_gets_404_for_a_resident_of_another_grid(leader_client, registry, name):
    url = reverse(name, args=[registry["b"].pk])
    assert leader_client.get(url).status_code == 404
    assert leader_client.post(url, {"field": "id_number", "reason": "看一看他的号码"}).status_code == 404
    inside = leader_client.get(reverse(name, args=[registry["a"].pk]))
    assert inside.status_code in (200, 405)  # 405: a POST-only action, there for the leader


@pytest.mark.parametrize("name", HOUSEHOLD_URLS)
def test_grid_leader_gets_404_for_a_household_of_another_grid(leader_client, registry, name):
    url = reverse(name, args=[registry["home_b"].pk])
    assert leader_client.get(url).status_code == 404
    assert leader_client.post(url, {"findings": "x", "visited_on": "2024-01-01"}).status_code == 404
    assert leader_client.get(reverse(name, args=[registry["home_a"].pk])).status_code in (200, 405)


def test_nothing_of_grid_b_changed_through_forged_posts(leader_client, registry):
    b = registry["b"]
    leader_client.post(reverse("people:registry-resident-tags", args=[b.pk]), {"tags": ["disabled"]})
    leader_client.post(reverse("people:registry-resident-edit", args=[b.pk]), {"full_name": "改名"})
    leader_client.post(
        reverse("people:registry-visit-new", args=[registry["home_b"].pk]),
        {"visited_on": "2024-01-01", "findings": "伪造"},
    )
    b.refresh_from_db()
    assert b.full_name == "测试二"
    assert not b.tags.exists()
    assert not Visit.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="people.resident.reveal").exists()


def test_lists_show_only_the_grid_in_scope(leader_client, registry):
    page = leader_client.get(reverse("people:registry-residents")).content.decode()
    assert reverse("people:registry-resident", args=[registry["a"].pk]) in page
    assert reverse("people:registry-resident", args=[registry["b"].pk]) not in page
    page = leader_client.get(reverse("people:registry-households")).content.decode()
    assert reverse("people:registry-household", args=[registry["home_a"].pk]) in page
    assert reverse("people:registry-household", args=[registry["home_b"].pk]) not in page


def test_a_forged_grid_of_another_subdistrict_is_404_when_creating_a_household(leader_client, tree, registry):
    url = reverse("people:registry-household-new")
    response = leader_client.post(
        url, {"grid": tree.grids[4].code, "building": "9", "room": "909", "type": "owner"}
    )
    assert response.status_code == 404
    assert not Household.objects.filter(building="9").exists()


def test_moving_a_resident_into_a_household_out_of_scope_is_404(leader_client, registry):
    url = reverse("people:registry-resident-move", args=[registry["a"].pk])
    response = leader_client.post(url, {"household": registry["home_b"].pk, "moved_on": "2024-01-01"})
    assert response.status_code == 404
    registry["a"].refresh_from_db()
    assert registry["a"].household == registry["home_a"]


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.MERCHANT, Role.INSTITUTION_OPERATOR, Role.RESIDENT])
def test_roles_without_the_registry_see_nothing(client, make_user, tree, registry, role):
    client.force_login(make_user(f"u_{role}", role, tree.grids[0].code))
    for name in [*LIST_URLS, "people:registry-household-new"]:
        assert client.get(reverse(name)).status_code == 403, name
    for name in RESIDENT_URLS:
        assert client.get(reverse(name, args=[registry["a"].pk])).status_code == 404, name
    for name in HOUSEHOLD_URLS:
        assert client.get(reverse(name, args=[registry["home_a"].pk])).status_code == 404, name
    assert _reveal(client, registry["a"]).status_code == 404
    assert not AuditEntry.objects.filter(action__startswith="people.resident.reveal").exists()


def test_anonymous_is_sent_to_sign_in(client, registry):
    response = client.get(reverse("people:registry-resident", args=[registry["a"].pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- Masking and the reveal ---------------------------------------------------------------------------------


def test_list_and_detail_pages_never_hold_a_full_number(leader_client, registry):
    a = registry["a"]
    for url in (
        reverse("people:registry-residents"),
        reverse("people:registry-households"),
        reverse("people:registry-resident", args=[a.pk]),
        reverse("people:registry-household", args=[registry["home_a"].pk]),
        reverse("people:registry-resident-edit", args=[a.pk]),
    ):
        page = leader_client.get(url).content.decode()
        assert make_id(1) not in page, url
        assert make_phone(1) not in page, url
    detail = leader_client.get(reverse("people:registry-resident", args=[a.pk])).content.decode()
    assert make_id(1)[:4] + "*" * 10 + make_id(1)[-4:] in detail
    assert "139****0001" in detail
    assert a.id_number_masked in leader_client.get(reverse("people:registry-residents")).content.decode()


def test_reveal_shows_the_full_value_once_after_a_post_with_a_reason(leader_client, registry, staff):
    a = registry["a"]
    detail = leader_client.get(reverse("people:registry-resident", args=[a.pk]))
    assert 'name="reason"' in detail.content.decode()
    response = _reveal(leader_client, a, reason="核对低保申请")
    assert response.status_code == 200
    page = response.content.decode()
    assert make_id(1) in page
    assert make_phone(1) not in page  # only the field asked for
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="people.resident.reveal.id_number")
    assert (entry.actor, entry.reason, entry.object_id) == (
        staff[Role.GRID_LEADER],
        "核对低保申请",
        str(a.pk),
    )
    # The next visit shows it masked again.
    assert (
        make_id(1) not in leader_client.get(reverse("people:registry-resident", args=[a.pk])).content.decode()
    )
    phone = _reveal(leader_client, a, field="phone", reason="联系家属")
    assert make_phone(1) in phone.content.decode()


@pytest.mark.parametrize("reason", ["", "看看"])
def test_reveal_without_a_reason_shows_an_error_and_nothing_else(leader_client, registry, reason):
    response = _reveal(leader_client, registry["a"], reason=reason)
    assert response.status_code == 400
    page = response.content.decode()
    assert make_id(1) not in page
    assert 'class="errorlist' in page
    assert not AuditEntry.objects.filter(action__startswith="people.resident.reveal").exists()


def test_the_full_value_never_goes_into_a_url(leader_client, registry):
    response = _reveal(leader_client, registry["a"])
    assert response.status_code == 200  # an answer, not a redirect to a URL carrying the value
    assert "Location" not in response


def test_a_grid_worker_sees_no_reveal_form_and_a_reveal_post_is_404(client, staff, registry):
    client.force_login(staff[Role.GRID_WORKER])
    page = client.get(reverse("people:registry-resident", args=[registry["a"].pk])).content.decode()
    assert "139****0001" in page
    assert 'name="reason"' not in page
    assert _reveal(client, registry["a"]).status_code == 404
    assert not AuditEntry.objects.filter(action__startswith="people.resident.reveal").exists()


# --- Search and filters -------------------------------------------------------------------------------------


def _search(client, number, query=""):
    return client.post(reverse("people:registry-residents") + query, {"number": number})


def _listed(response, resident) -> bool:
    return reverse("people:registry-resident", args=[resident.pk]) in response.content.decode()


def test_exact_search_by_id_number_and_by_phone(leader_client, registry, tree):
    other = make_resident(make_household(tree.grids[0], room="102"), 3)
    by_id = _search(leader_client, make_id(1).lower().replace("x", "x"))
    assert by_id.status_code == 200
    assert _listed(by_id, registry["a"]) and not _listed(by_id, other)
    assert make_id(1) not in by_id.content.decode()  # the typed number is not echoed back
    assert "no-store" in by_id["Cache-Control"]
    by_phone = _search(leader_client, "+86 139 0000 0003")
    assert _listed(by_phone, other) and not _listed(by_phone, registry["a"])


def test_a_partial_number_finds_nothing_and_says_why(leader_client, registry):
    response = _search(leader_client, make_id(1)[:12])
    assert response.status_code == 200
    assert not _listed(response, registry["a"])
    assert 'class="errorlist' in response.content.decode()


def test_search_stays_in_scope(leader_client, registry):
    response = _search(leader_client, make_id(2))
    assert not _listed(response, registry["b"])


def test_filters_by_grid_tag_status_and_name(leader_client, tree, staff, registry):
    home = registry["home_a"]
    old = make_resident(home, 4, birth="19400101")
    services.resident_set_status(by=None, resident=old, status=ResidentStatus.DECEASED, on=date(2024, 1, 1))
    url = reverse("people:registry-residents")
    aged = leader_client.get(url, {"tag": "aged_80"})
    assert _listed(aged, old) and not _listed(aged, registry["a"])
    assert "80" in aged.content.decode()
    veteran = leader_client.get(url, {"tag": "veteran"})
    assert _listed(veteran, registry["a"]) and not _listed(veteran, old)
    deceased = leader_client.get(url, {"status": "deceased"})
    assert _listed(deceased, old) and not _listed(deceased, registry["a"])
    named = leader_client.get(url, {"name": "测试四"})
    assert _listed(named, old) and not _listed(named, registry["a"])
    # A grid outside the scope is not a choice: an error and no residents.
    forged = leader_client.get(url, {"grid": tree.grids[4].code})
    assert not _listed(forged, registry["a"])
    assert 'class="errorlist' in forged.content.decode()
    community = staff[Role.COMMUNITY_STAFF]
    leader_client.force_login(community)
    second_grid = make_resident(make_household(tree.grids[1]), 5)
    by_grid = leader_client.get(url, {"grid": tree.grids[1].code})
    assert _listed(by_grid, second_grid) and not _listed(by_grid, registry["a"])


def test_the_list_shows_tags_age_household_and_grid(leader_client, registry):
    page = leader_client.get(reverse("people:registry-residents")).content.decode()
    assert "1-101" in page
    assert registry["a"].place_code in page
    assert "badge" in page


# --- Detail pages -------------------------------------------------------------------------------------------


def test_resident_page_flags_a_child_without_guardian_consent(leader_client, registry, staff):
    birth = (timezone.localdate() - timedelta(days=365 * 6)).strftime("%Y%m%d")
    child = make_resident(registry["home_a"], 6, birth=birth, ethnic_group="05", relation="child")
    url = reverse("people:registry-resident", args=[child.pk])
    page = leader_client.get(url).content.decode()
    assert "guardian-consent" in page
    assert "维吾尔族" in page  # the ethnic group's name, not its code
    services.consent_record(
        by=staff[Role.GRID_LEADER],
        resident=child,
        kind=Consent.Kind.GUARDIAN,
        given_by="王芳",
        given_on=date(2024, 1, 1),
    )
    page = leader_client.get(url).content.decode()
    assert "guardian-consent" not in page
    assert "王芳" in page


def test_household_page_lists_members_visits_and_moves(client, registry, staff, tree):
    home = registry["home_a"]
    services.visit_record(
        by=staff[Role.GRID_LEADER], household=home, visited_on=date(2024, 2, 2), findings="暖气不热"
    )
    services.household_move(
        by=None, household=home, grid=tree.grids[1], moved_on=date(2024, 1, 1), reason="调整"
    )
    client.force_login(staff[Role.COMMUNITY_STAFF])
    page = client.get(reverse("people:registry-household", args=[home.pk])).content.decode()
    assert "测试一" in page
    assert "暖气不热" in page
    assert 'name="findings"' in page
    assert "调整" in page and tree.grids[1].code in page


# --- Forms --------------------------------------------------------------------------------------------------


def test_record_a_visit_from_the_household_page(leader_client, registry, staff):
    url = reverse("people:registry-visit-new", args=[registry["home_a"].pk])
    response = leader_client.post(
        url, {"visited_on": "2024-03-03", "findings": "独居老人身体好", "follow_up": ""}
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.visited_by, visit.findings) == (staff[Role.GRID_LEADER], "独居老人身体好")
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = leader_client.post(url, {"visited_on": future, "findings": "x"})
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert Visit.objects.count() == 1


def test_create_a_household_and_a_resident_through_the_forms(leader_client, tree, staff):
    response = leader_client.post(
        reverse("people:registry-household-new"),
        {"grid": tree.grids[0].code, "building": "3", "unit": "2", "room": "301", "type": "tenant"},
    )
    assert response.status_code == 302
    household = Household.objects.get(building="3")
    assert (household.place_code, household.type) == (tree.grids[0].code, "tenant")
    url = reverse("people:registry-resident-new", args=[household.pk])
    response = leader_client.post(
        url,
        {
            "full_name": "新居民",
            "id_number": make_id(7).lower(),
            "phone": "139 0000 0007",
            "ethnic_group": "01",
            "relation": "householder",
            "tags": ["living_alone"],
        },
    )
    assert response.status_code == 302, response.content.decode()
    resident = Resident.objects.get(full_name="新居民")
    assert (resident.id_number, resident.phone) == (make_id(7), make_phone(7))
    assert list(resident.tags.values_list("tag", flat=True)) == ["living_alone"]
    assert AuditEntry.objects.get(action="people.resident.create").actor == staff[Role.GRID_LEADER]


def test_service_errors_appear_next_to_their_field(leader_client, registry):
    url = reverse("people:registry-resident-new", args=[registry["home_a"].pk])
    response = leader_client.post(url, {"full_name": "重复者", "id_number": make_id(1)})
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["id_number"]
    assert "no-store" in response["Cache-Control"]  # what was typed comes back in the form: never cached
    bad = leader_client.post(url, {"full_name": "张3", "id_number": "65430119800101001Y", "phone": "12345"})
    assert {"full_name", "id_number", "phone"} <= set(bad.context["form"].errors)
    assert Resident.objects.count() == 2


def test_edit_keeps_the_numbers_left_empty_and_never_prefills_them(leader_client, registry):
    a = registry["a"]
    url = reverse("people:registry-resident-edit", args=[a.pk])
    page = leader_client.get(url).content.decode()
    assert make_id(1) not in page
    assert a.id_number_masked in page  # in the help text
    response = leader_client.post(
        url, {"full_name": "改了名", "id_number": "", "phone": "", "relation": "spouse"}
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.full_name, a.relation, a.id_number, a.phone) == ("改了名", "spouse", make_id(1), make_phone(1))


def test_tags_move_status_and_consent_forms(leader_client, registry, tree):
    a = registry["a"]
    response = leader_client.post(
        reverse("people:registry-resident-tags", args=[a.pk]), {"tags": ["disabled"]}
    )
    assert response.status_code == 302
    assert list(a.tags.values_list("tag", flat=True)) == ["disabled"]
    second = make_household(tree.grids[1], room="555")
    response = leader_client.post(
        reverse("people:registry-resident-move", args=[a.pk]),
        {"household": second.pk, "moved_on": "2024-04-04", "reason": "搬家"},
    )
    assert response.status_code == 404  # grid 2 is not the grid leader's
    third = make_household(tree.grids[0], room="556")
    response = leader_client.post(
        reverse("people:registry-resident-move", args=[a.pk]),
        {"household": third.pk, "moved_on": "2024-04-04", "reason": "搬家"},
    )
    assert response.status_code == 302
    assert Move.objects.get(resident=a).to_household == third
    response = leader_client.post(
        reverse("people:registry-resident-status", args=[a.pk]), {"status": "moved_out", "on": "2024-05-05"}
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.status, a.moved_out_on) == ("moved_out", date(2024, 5, 5))
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = leader_client.post(
        reverse("people:registry-resident-status", args=[a.pk]), {"status": "deceased", "on": future}
    )
    assert response.status_code == 200
    assert "on" in response.context["form"].errors
    response = leader_client.post(
        reverse("people:registry-consent-new", args=[a.pk]),
        {"kind": "health", "given_by": "本人", "given_on": "2024-01-01"},
    )
    assert response.status_code == 302
    assert a.consents.get().kind == "health"


def test_move_a_household_to_another_grid_in_scope(client, staff, registry, tree):
    client.force_login(staff[Role.COMMUNITY_STAFF])
    home = registry["home_a"]
    url = reverse("people:registry-household-move", args=[home.pk])
    assert client.post(url, {"grid": tree.grids[4].code, "moved_on": "2024-01-01"}).status_code == 404
    response = client.post(url, {"grid": tree.grids[1].code, "moved_on": "2024-01-01", "reason": "划片调整"})
    assert response.status_code == 302
    home.refresh_from_db()
    assert home.place_code == tree.grids[1].code
    registry["a"].refresh_from_db()
    assert registry["a"].place_code == tree.grids[1].code


# --- Query counts -------------------------------------------------------------------------------------------


def _count(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _grow(tree, start: int, n: int) -> None:
    for i in range(n):
        home = make_household(tree.grids[0], building="20", room=str(start + i))
        make_resident(home, start + i, tags=["veteran", "disabled"])


@pytest.mark.parametrize("name", LIST_URLS)
def test_list_pages_ask_the_same_number_of_queries_at_two_sizes(leader_client, tree, registry, name):
    url = reverse(name)
    _grow(tree, 100, 3)
    small = _count(leader_client, url)
    _grow(tree, 200, 40)
    assert _count(leader_client, url) == small
    assert _count(leader_client, url + "?page=2") == small


def test_a_visits_follow_up_is_marked_done_from_the_household_page(client, staff, tree):
    from huiketing.core.models import AuditEntry
    from huiketing.people import services
    from huiketing.people.models import Visit

    leader = staff[Role.GRID_LEADER]
    household = services.household_create(by=leader, grid=tree.grids[0], building="9", room="901")
    today = timezone.localdate()
    visit = services.visit_record(
        by=leader, household=household, visited_on=today, findings="独居老人", follow_up="联系助餐"
    )
    plain = services.visit_record(by=leader, household=household, visited_on=today, findings="一切正常")
    client.force_login(leader)
    url = reverse("people:registry-visit-done", args=[household.pk])
    assert (
        f'name="visit" value="{visit.pk}"'
        in client.get(reverse("people:registry-household", args=[household.pk])).content.decode()
    )

    assert client.post(url, {"visit": visit.pk}).status_code == 302
    assert Visit.objects.get(pk=visit.pk).follow_up_done_on == today
    assert AuditEntry.objects.filter(action="people.visit.follow_up_done", object_id=str(visit.pk)).exists()
    client.post(url, {"visit": plain.pk})  # nothing to follow up: refused, nothing changes
    assert Visit.objects.get(pk=plain.pk).follow_up_done_on is None

    other = services.household_create(by=None, grid=tree.grids[-1], building="1", room="101")
    foreign = services.visit_record(by=leader, household=other, visited_on=today, findings="x", follow_up="y")
    assert client.post(url, {"visit": foreign.pk}).status_code == 404  # not this household's visit
    assert (
        client.post(reverse("people:registry-visit-done", args=[other.pk]), {"visit": foreign.pk}).status_code
        == 404
    )
    assert Visit.objects.get(pk=foreign.pk).follow_up_done_on is None
