"""Staff pages of matters: the list, the triage board, the inbox and a matter's page with every action.

Each action goes through its page (a POST as a browser sends it) and is checked in the database: the status,
the timeline entry and the audit entry. Refused actions come back on the page with the service's message.
"""

import io
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huiketing.core.models import AuditEntry
from huiketing.matters import services
from huiketing.matters.models import (
    Dispatch,
    Evaluation,
    ExtensionRequest,
    Follow,
    MatterEvent,
    MatterPhoto,
    Status,
)
from huiketing.people import services as people_services
from huiketing.people.models import Role
from huiketing.people.validators import id_check_character

from .conftest import INSIDE_FIRST_GRID


@pytest.fixture(autouse=True)
def _english(english, client):
    """Tests read English: the test's own language, and the pages' through the language cookie."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    yield


def _raise(by, categories, *, code="environment", title="垃圾桶满了", grid=None, **extra):
    values = {
        "by": by,
        "title": title,
        "description": f"{title}，请尽快处理。",
        "category": categories[code],
    }
    if grid is None:
        values["latitude"], values["longitude"] = INSIDE_FIRST_GRID
    else:
        values["place_code"] = grid.code
    values.update(extra)
    return services.matter_raise(**values)


def detail(matter) -> str:
    return reverse("matters:staff-detail", kwargs={"pk": matter.pk})


def action(name: str, matter, **extra) -> str:
    return reverse(f"matters:staff-{name}", kwargs={"pk": matter.pk, **extra})


def dispatch_action(name: str, dispatch) -> str:
    return reverse(
        f"matters:staff-dispatch-{name}", kwargs={"pk": dispatch.matter_id, "dispatch_id": dispatch.pk}
    )


def audited(action_name: str, matter) -> int:
    return AuditEntry.objects.filter(action=action_name, object_id=str(matter.pk)).count()


def kinds(matter) -> list[str]:
    return list(
        MatterEvent.objects.filter(matter=matter).order_by("created_at", "id").values_list("kind", flat=True)
    )


def png(color=(200, 30, 30)) -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, format="PNG")
    return SimpleUploadedFile("photo.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def community_staff(staff):
    return staff[Role.COMMUNITY_STAFF]


@pytest.fixture
def other_community_staff(tree, make_user):
    """Community staff of the second subdistrict's first community: nothing of the first grid is theirs."""
    return make_user("t_other_community", Role.COMMUNITY_STAFF, tree.communities[2].code)


@pytest.fixture
def matter(tree, categories, resident_user):
    return _raise(resident_user, categories)


# Triage ---------------------------------------------------------------------------------------------------


def test_accept_through_the_page(client, community_staff, matter):
    client.force_login(community_staff)
    page = client.get(detail(matter))
    assert page.status_code == 200
    assert action("accept", matter) in page.content.decode()
    response = client.post(action("accept", matter))
    assert response.status_code == 302 and response["Location"] == detail(matter)
    matter.refresh_from_db()
    assert matter.status == Status.ACCEPTED
    assert kinds(matter)[-1] == MatterEvent.Kind.ACCEPTED
    assert audited("matters.accept", matter) == 1
    # Accepting again is an illegal transition: the page says so, nothing changes, no server error.
    again = client.post(action("accept", matter))
    assert again.status_code == 400
    assert "This cannot be done to a matter that is “Accepted”." in again.content.decode()
    assert audited("matters.accept", matter) == 1
    # And the page no longer offers it.
    assert action("accept", matter) not in client.get(detail(matter)).content.decode()


def test_reject_needs_its_reason_and_names_whom_to_turn_to(client, community_staff, matter):
    client.force_login(community_staff)
    refused = client.post(action("reject", matter), {"reason_kind": "not_ours", "reason": "不归社区管"})
    assert refused.status_code == 400
    assert "Say who the resident should turn to instead." in refused.content.decode()
    matter.refresh_from_db()
    assert matter.status == Status.NEW
    response = client.post(
        action("reject", matter),
        {"reason_kind": "not_ours", "referred_to": "市供电公司", "reason": "电力线路归供电公司"},
    )
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.status == Status.REJECTED
    event = matter.events.get(kind=MatterEvent.Kind.REJECTED)
    assert event.params == {"reason_kind": "not_ours", "referred_to": "市供电公司"}
    assert audited("matters.reject", matter) == 1
    page = client.get(detail(matter)).content.decode()
    assert "Referred to: 市供电公司" in page


def test_table_and_take_back(client, community_staff, matter):
    client.force_login(community_staff)
    assert client.post(action("table", matter), {"note": "下次居民议事会讨论"}).status_code == 302
    matter.refresh_from_db()
    assert matter.status == Status.TABLED
    assert audited("matters.table", matter) == 1
    assert client.post(action("untable", matter), {"note": ""}).status_code == 302
    matter.refresh_from_db()
    assert matter.status == Status.ACCEPTED
    assert kinds(matter)[-2:] == [MatterEvent.Kind.TABLED, MatterEvent.Kind.UNTABLED]
    assert audited("matters.untable", matter) == 1


def test_merge_offers_similar_matters_nearby_and_refuses_one_out_of_scope(
    client, tree, categories, resident_user, community_staff, make_user
):
    original = _raise(resident_user, categories, title="小区门口垃圾桶满了")
    duplicate = _raise(resident_user, categories, title="小区门口垃圾桶满了没人清")
    far_away = _raise(resident_user, categories, title="别处的事", grid=tree.grids[4])
    client.force_login(community_staff)
    page = client.get(detail(duplicate)).content.decode()
    assert re.search(rf'name="into" value="{original.pk}"', page)
    refused = client.post(action("merge", duplicate), {"into_number": far_away.pk})
    assert refused.status_code == 400
    assert "There is no matter with this number in your area." in refused.content.decode()
    itself = client.post(action("merge", duplicate), {"into": duplicate.pk})
    assert itself.status_code == 400
    assert "A matter cannot be merged into itself." in itself.content.decode()
    assert client.post(action("merge", duplicate), {"into": original.pk}).status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.duplicate_of_id == original.pk
    assert kinds(original)[-1] == MatterEvent.Kind.DUPLICATE_MERGED
    assert audited("matters.merge", duplicate) == 1


def test_dispatch_preselects_the_category_default_and_the_unit_signs(client, community_staff, units, matter):
    client.force_login(community_staff)
    page = client.get(detail(matter)).content.decode()
    # The environment category goes to a government department first: that unit is ticked.
    assert re.search(rf'<input type="checkbox" name="units" value="{units.department.pk}"[^>]*checked', page)
    assert not re.search(
        rf'<input type="checkbox" name="units" value="{units.community.pk}"[^>]*checked', page
    )
    refused = client.post(action("dispatch", matter), {"units": [], "note": ""})
    assert refused.status_code == 400
    response = client.post(
        action("dispatch", matter), {"units": [units.department.pk], "note": "请三天内处理"}
    )
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.status == Status.IN_PROGRESS
    dispatch = matter.dispatches.get()
    assert dispatch.unit == units.department and dispatch.note == "请三天内处理"
    assert audited("matters.dispatch", matter) == 1
    # Community staff are not of the department: its dispatch actions are 404 for them.
    assert client.post(dispatch_action("sign", dispatch)).status_code == 404
    client.force_login(units.department_staff)
    page = client.get(detail(matter))
    assert page.status_code == 200
    assert dispatch_action("sign", dispatch) in page.content.decode()
    assert action("accept", matter) not in page.content.decode()
    assert client.post(dispatch_action("sign", dispatch)).status_code == 302
    dispatch.refresh_from_db()
    assert dispatch.status == Dispatch.Status.SIGNED and dispatch.signed_by == units.department_staff
    assert kinds(matter)[-1] == MatterEvent.Kind.SIGNED
    assert audited("matters.dispatch_sign", matter) == 1
    again = client.post(dispatch_action("sign", dispatch))
    assert again.status_code == 400
    assert "This dispatch is not waiting to be signed for." in again.content.decode()


def test_handle_directly_dispatches_to_the_community_and_its_staff_handle_it(client, community_staff, matter):
    client.force_login(community_staff)
    assert client.post(action("handle-directly", matter), {"note": "社区自己办"}).status_code == 302
    dispatch = Dispatch.objects.get(matter=matter)
    assert dispatch.unit.kind == "community" and dispatch.unit.place_code == matter.place_code[:12]
    page = client.get(detail(matter)).content.decode()
    assert dispatch_action("sign", dispatch) in page
    assert client.post(dispatch_action("sign", dispatch)).status_code == 302
    assert client.post(dispatch_action("done", dispatch), {"result": "已清理"}).status_code == 302
    matter.refresh_from_db()
    assert matter.status == Status.DONE and matter.result == "已清理"
    assert audited("matters.dispatch_complete", matter) == 1


def test_unit_hands_back_and_the_triage_board_shows_it(client, community_staff, units, matter):
    services.matter_dispatch(by=community_staff, matter=matter, units=[units.property_company])
    dispatch = matter.dispatches.get()
    client.force_login(units.property_staff)
    refused = client.post(dispatch_action("return", dispatch), {"reason": ""})
    assert refused.status_code == 400
    assert client.post(dispatch_action("return", dispatch), {"reason": "不在我们的小区"}).status_code == 302
    dispatch.refresh_from_db()
    matter.refresh_from_db()
    assert dispatch.status == Dispatch.Status.RETURNED and matter.status == Status.ACCEPTED
    assert audited("matters.dispatch_return", matter) == 1
    client.force_login(community_staff)
    board = client.get(reverse("matters:staff-triage")).content.decode()
    assert "不在我们的小区" in board
    assert f"{detail(matter)}#dispatch" in board


def test_extension_asked_and_decided_through_the_pages(client, community_staff, units, matter):
    services.matter_dispatch(by=community_staff, matter=matter, units=[units.department])
    dispatch = matter.dispatches.get()
    client.force_login(units.department_staff)
    # Not signed yet: the service refuses, the page says why.
    early = client.post(dispatch_action("extend", dispatch), {"working_days": 3, "reason": "需要采购"})
    assert early.status_code == 400
    assert "More time can be asked for only while the unit is handling the matter." in early.content.decode()
    client.post(dispatch_action("sign", dispatch))
    bad = client.post(dispatch_action("extend", dispatch), {"working_days": 45, "reason": "需要采购"})
    assert bad.status_code == 400
    asked = client.post(dispatch_action("extend", dispatch), {"working_days": 3, "reason": "需要采购"})
    assert asked.status_code == 302
    extension = ExtensionRequest.objects.get(dispatch=dispatch)
    assert extension.working_days == 3 and kinds(matter)[-1] == MatterEvent.Kind.EXTENSION_REQUESTED
    assert audited("matters.extension_request", matter) == 1
    due_before = Dispatch.objects.get(pk=dispatch.pk).resolve_due_at
    decide = action("extension-decide", matter, extension_id=extension.pk)
    # The department may not decide its own request.
    assert client.post(decide, {"decision": "grant"}).status_code == 404
    client.force_login(community_staff)
    board = client.get(reverse("matters:staff-triage")).content.decode()
    assert "需要采购" in board
    assert decide in client.get(detail(matter)).content.decode()
    assert client.post(decide, {"decision": "grant"}).status_code == 302
    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.GRANTED
    assert Dispatch.objects.get(pk=dispatch.pk).resolve_due_at > due_before
    assert kinds(matter)[-1] == MatterEvent.Kind.EXTENSION_GRANTED
    assert audited("matters.extension_decide", matter) == 1
    twice = client.post(decide, {"decision": "refuse"})
    assert twice.status_code == 400
    assert "This request for more time was already decided." in twice.content.decode()


def test_updates_with_photos_internal_ones_only_for_staff(
    client, community_staff, other_community_staff, units, matter
):
    services.matter_dispatch(by=community_staff, matter=matter, units=[units.department])
    dispatch = matter.dispatches.get()
    client.force_login(units.department_staff)
    client.post(dispatch_action("sign", dispatch))
    empty = client.post(dispatch_action("update", dispatch), {"text": "", "visibility": "public"})
    assert empty.status_code == 400
    assert "Write what happened, or add a photo." in empty.content.decode()
    not_a_photo = client.post(
        dispatch_action("update", dispatch),
        {"text": "看", "visibility": "internal", "photos": [SimpleUploadedFile("x.jpg", b"<svg/>")]},
    )
    assert not_a_photo.status_code == 400
    assert "This file is not a photo we can read." in not_a_photo.content.decode()
    response = client.post(
        dispatch_action("update", dispatch),
        {"text": "内部说明：已联系环卫", "visibility": "internal", "photos": [png()]},
    )
    assert response.status_code == 302
    event = matter.events.get(kind=MatterEvent.Kind.UPDATE)
    assert not event.is_public and event.dispatch_id == dispatch.pk
    photo = MatterPhoto.objects.get(event=event)
    assert audited("matters.update", matter) == 1
    # Community staff post a public update from the matter's own form.
    client.force_login(community_staff)
    posted = client.post(
        action("update", matter), {"text": "正在处理", "visibility": "public", "photos": [png((0, 90, 0))]}
    )
    assert posted.status_code == 302
    public_event = matter.events.get(kind=MatterEvent.Kind.UPDATE, is_public=True)
    public_photo = MatterPhoto.objects.get(event=public_event)
    page = client.get(detail(matter)).content.decode()
    # The public photo through the public view, the internal one through the staff view only.
    assert f'src="{reverse("matters:photo", kwargs={"pk": public_photo.pk})}"' in page
    assert f'src="{reverse("matters:photo", kwargs={"pk": photo.pk})}"' not in page
    assert "内部说明：已联系环卫" in page and "internal" in page
    photo_url = reverse("matters:staff-photo", kwargs={"pk": photo.pk})
    assert photo_url in page
    served = client.get(photo_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content)[:2] == b"\xff\xd8"
    client.force_login(other_community_staff)
    assert client.get(photo_url).status_code == 404


def test_staff_mark_the_whole_matter_done_and_record_a_phone_follow_up(
    client, staff, community_staff, units, matter
):
    services.matter_dispatch(
        by=community_staff, matter=matter, units=[units.department, units.property_company]
    )
    client.force_login(community_staff)
    missing = client.post(action("complete", matter), {"result": ""})
    assert missing.status_code == 400
    assert client.post(action("complete", matter), {"result": "社区协调已处理"}).status_code == 302
    matter.refresh_from_db()
    assert matter.status == Status.DONE
    assert set(matter.dispatches.values_list("status", flat=True)) == {Dispatch.Status.WITHDRAWN}
    assert audited("matters.complete", matter) == 1
    # The grid leader phones the resident and records the answer, marked as a follow-up by staff.
    leader = staff[Role.GRID_LEADER]
    client.force_login(leader)
    page = client.get(detail(matter)).content.decode()
    assert action("follow-up", matter) in page
    assert action("complete", matter) not in page
    no_comment = client.post(action("follow-up", matter), {"result": "not_satisfied", "comment": ""})
    assert no_comment.status_code == 400
    assert "Tell us what is still wrong" in no_comment.content.decode()
    assert (
        client.post(action("follow-up", matter), {"result": "basically", "solved": "yes"}).status_code == 302
    )
    evaluation = Evaluation.objects.get(matter=matter)
    assert evaluation.by_phone_follow_up and evaluation.by == leader and evaluation.solved is True
    matter.refresh_from_db()
    assert matter.status == Status.CLOSED
    assert (
        AuditEntry.objects.get(action="matters.evaluate", object_id=str(matter.pk)).reason
        == "phone follow-up"
    )
    page = client.get(detail(matter)).content.decode()
    assert "phone follow-up" in page
    assert action("follow-up", matter) not in page
    again = client.post(action("follow-up", matter), {"result": "satisfied"})
    assert again.status_code == 400


def test_grid_leader_may_read_and_follow_but_not_triage(client, staff, matter):
    leader = staff[Role.GRID_LEADER]
    client.force_login(leader)
    page = client.get(detail(matter)).content.decode()
    assert action("accept", matter) not in page and action("reject", matter) not in page
    assert client.post(action("accept", matter)).status_code == 404
    assert client.post(action("follow", matter), {"follow": "on"}).status_code == 302
    assert Follow.objects.filter(matter=matter, user=leader).exists()
    mine = client.get(reverse("matters:staff-list"), {"tab": "mine"}).content.decode()
    assert detail(matter) in mine
    client.post(action("follow", matter), {})
    assert not Follow.objects.filter(matter=matter, user=leader).exists()
    assert detail(matter) not in client.get(reverse("matters:staff-list"), {"tab": "mine"}).content.decode()


def test_the_raiser_is_masked_and_the_phone_never_revealed(client, tree, categories, staff, community_staff):
    household = people_services.household_create(by=None, grid=tree.grids[0], building="3", room="201")
    first_17 = "65430119800101003"
    resident = people_services.resident_create(
        by=None,
        household=household,
        full_name="王小明",
        id_number=first_17 + id_check_character(first_17),
        phone="13912345678",
    )
    matter = _raise(staff[Role.GRID_LEADER], categories, resident=resident, channel="patrol")
    other = _raise(None, categories, contact_name="李大山", contact_phone="13811112222", channel="phone")
    client.force_login(community_staff)
    page = client.get(detail(matter)).content.decode()
    assert "王**" in page and "王小明" not in page
    assert "139****5678" in page and "13912345678" not in page
    page = client.get(detail(other)).content.decode()
    assert "李**" in page and "李大山" not in page
    assert "138****2222" in page and "13811112222" not in page


# Scope ------------------------------------------------------------------------------------------------------


def test_another_community_sees_nothing(client, other_community_staff, matter):
    client.force_login(other_community_staff)
    assert client.get(detail(matter)).status_code == 404
    assert client.post(action("accept", matter)).status_code == 404
    assert (
        client.get(reverse("matters:staff-list"), {"tab": "all"}).content.decode().count(detail(matter)) == 0
    )
    assert detail(matter) not in client.get(reverse("matters:staff-triage")).content.decode()
    assert client.get(reverse("matters:staff-detail", kwargs={"pk": 999999})).status_code == 404


def test_a_department_sees_only_what_was_dispatched_to_its_unit(
    client, categories, resident_user, community_staff, units
):
    mine = _raise(resident_user, categories, title="路面塌陷")
    not_mine = _raise(resident_user, categories, title="邻居吵闹")
    to_property = _raise(resident_user, categories, title="电梯坏了")
    client.force_login(units.department_staff)
    assert client.get(detail(mine)).status_code == 404
    services.matter_dispatch(by=community_staff, matter=mine, units=[units.department])
    services.matter_dispatch(by=community_staff, matter=to_property, units=[units.property_company])
    assert client.get(detail(mine)).status_code == 200
    assert client.get(detail(not_mine)).status_code == 404
    assert client.get(detail(to_property)).status_code == 404
    property_dispatch = to_property.dispatches.get()
    # A dispatch of another unit, even under the right matter number, is not theirs.
    assert client.post(dispatch_action("sign", property_dispatch)).status_code == 404
    wrong_matter = reverse(
        "matters:staff-dispatch-sign", kwargs={"pk": mine.pk, "dispatch_id": property_dispatch.pk}
    )
    assert client.post(wrong_matter).status_code == 404
    listing = client.get(reverse("matters:staff-list"), {"tab": "all"}).content.decode()
    assert detail(mine) in listing and detail(not_mine) not in listing and detail(to_property) not in listing
    inbox = client.get(reverse("matters:staff-inbox")).content.decode()
    assert "路面塌陷" in inbox and "电梯坏了" not in inbox
    assert client.get(reverse("matters:staff-triage")).status_code == 403
    assert client.get(reverse("matters:staff-export")).status_code == 403


def test_residents_and_anonymous_are_kept_out(client, resident_user, matter):
    assert client.get(reverse("matters:staff-list")).status_code == 302
    client.force_login(resident_user)
    assert client.get(reverse("matters:staff-list")).status_code == 403
    assert client.get(detail(matter)).status_code == 404
    assert client.get(reverse("matters:staff-inbox")).status_code == 403


# The list -------------------------------------------------------------------------------------------------


def test_list_tabs_and_filters(client, tree, categories, resident_user, community_staff, units):
    fresh = _raise(resident_user, categories, title="井盖丢失", code="public_facilities")
    handled = _raise(resident_user, categories, title="树枝挡路")
    services.matter_dispatch(by=community_staff, matter=handled, units=[units.department])
    second_grid = _raise(resident_user, categories, title="楼道堆物", grid=tree.grids[1])
    client.force_login(community_staff)
    url = reverse("matters:staff-list")

    def shown(**query) -> set[int]:
        response = client.get(url, query)
        assert response.status_code == 200
        return {int(pk) for pk in re.findall(r'href="/staff/matters/(\d+)/"', response.content.decode())}

    assert shown() == {fresh.pk, handled.pk, second_grid.pk}
    assert shown(tab="new") == {fresh.pk, second_grid.pk}
    assert shown(tab="overdue") == set()
    assert shown(category="public_facilities", tab="all") == {fresh.pk}
    assert shown(place=tree.grids[1].code, tab="all") == {second_grid.pk}
    assert shown(q=str(handled.pk), tab="all") == {handled.pk}
    assert shown(q="井盖", tab="all") == {fresh.pk}
    assert shown(tab="done") == set()
    # A place outside the user's scope is not a choice: the form refuses it and the list is empty.
    response = client.get(url, {"place": tree.grids[4].code, "tab": "all"})
    assert "Correct the filters to see matters." in response.content.decode()
    response = client.get(url, {"since": "2030-01-02", "until": "2030-01-01"})
    assert "The end of the range is before its start." in response.content.decode()


def _grow(resident_user, categories, community_staff, units, n: int) -> None:
    """n matters: a third new, a third dispatched to the department, a third handed back with an extension."""
    for i in range(n):
        matter = _raise(resident_user, categories, title=f"第{i}件事")
        if i % 3 == 1:
            services.matter_dispatch(by=community_staff, matter=matter, units=[units.department])
        elif i % 3 == 2:
            [dispatch] = services.matter_dispatch(by=community_staff, matter=matter, units=[units.department])
            services.dispatch_sign(by=units.department_staff, dispatch=dispatch)
            services.extension_request(
                by=units.department_staff, dispatch=dispatch, working_days=2, reason="等"
            )
            services.dispatch_complete(by=units.department_staff, dispatch=dispatch, result="好")


def _count(client, path: str, query: dict | None = None) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, query or {})
    assert response.status_code == 200, path
    return len(queries)


PAGES = [
    ("community", "matters:staff-list", {"tab": "all"}),
    ("community", "matters:staff-list", {"tab": "all", "page": 2}),
    ("community", "matters:staff-list", {"tab": "mine"}),
    ("community", "matters:staff-triage", {}),
    ("department", "matters:staff-inbox", {}),
    ("department", "matters:staff-list", {"tab": "all"}),
]


def test_lists_ask_the_same_number_of_queries_at_5_and_50_matters(
    client, categories, resident_user, community_staff, units
):
    accounts = {"community": community_staff, "department": units.department_staff}

    def counts() -> list[int]:
        found = []
        for who, name, query in PAGES:
            client.force_login(accounts[who])
            found.append(_count(client, reverse(name), query))
        return found

    _grow(resident_user, categories, community_staff, units, 5)
    small = counts()
    _grow(resident_user, categories, community_staff, units, 45)
    assert counts() == small


def test_pages_render_in_every_language(client, community_staff, units, matter):
    services.matter_dispatch(by=community_staff, matter=matter, units=[units.department])
    client.force_login(community_staff)
    for lang in ("zh-hans", "ug", "kk", "en"):
        for url in (reverse("matters:staff-list"), reverse("matters:staff-triage"), detail(matter)):
            response = client.get(url, {"lang": lang})
            assert response.status_code == 200, (lang, url)
            assert f'lang="{lang}"' in response.content.decode()


def test_nav_entry_leads_staff_to_the_list_and_units_to_their_inbox(client, staff, units, resident_user):
    client.force_login(staff[Role.GRID_LEADER])
    assert f'href="{reverse("matters:staff-list")}"' in client.get("/").content.decode()
    client.force_login(units.department_staff)
    assert f'href="{reverse("matters:staff-inbox")}"' in client.get("/").content.decode()
    client.force_login(resident_user)
    page = client.get("/").content.decode()
    assert reverse("matters:staff-list") not in page and reverse("matters:staff-inbox") not in page


def test_deciding_more_time_for_a_unit_that_has_finished_is_refused_not_a_server_error(
    client, community_staff, units, matter
):
    [dispatch] = services.matter_dispatch(by=community_staff, matter=matter, units=[units.department])
    services.dispatch_sign(by=units.department_staff, dispatch=dispatch)
    extension = services.extension_request(
        by=units.department_staff, dispatch=dispatch, working_days=2, reason="等零件"
    )
    # The unit finishes while the community's page is still open, then the community grants the time.
    services.dispatch_complete(by=units.department_staff, dispatch=dispatch, result="修好了")
    client.force_login(community_staff)
    decide = action("extension-decide", matter, extension_id=extension.pk)
    response = client.post(decide, {"decision": "grant"})
    assert response.status_code == 400
    # Finishing closed the request: granting it now is refused with the reason, and nothing moves.
    assert "This request for more time was already decided." in response.content.decode()
    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.REFUSED
    assert "等零件" not in client.get(reverse("matters:staff-triage")).content.decode()
