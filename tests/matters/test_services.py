"""The matters workflow through its services: raise → triage → dispatch → handle → evaluate, and refusals."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from huiketing.core.models import AuditEntry
from huiketing.matters import selectors, services
from huiketing.matters.models import Dispatch, Evaluation, Follow, Level, Matter, MatterEvent, Status
from huiketing.people.models import Role

from .conftest import INSIDE_FIRST_GRID

BEIJING = ZoneInfo("Asia/Shanghai")
# A Monday with no holiday near it.
MONDAY = datetime(2025, 3, 3, 9, 0, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def _english(english):
    yield


def _raise(user, categories, **extra):
    lat, lng = INSIDE_FIRST_GRID
    values = {
        "by": user,
        "title": "路灯坏了",
        "description": "3号楼前的路灯不亮了，晚上很黑。",
        "category": categories["public_facilities"],
        "latitude": lat,
        "longitude": lng,
        "now": MONDAY,
    }
    values.update(extra)
    return services.matter_raise(**values)


def test_raise_places_the_matter_in_its_grid_and_follows_it(tree, categories, resident_user):
    matter = _raise(resident_user, categories)
    assert matter.place_code == tree.grids[0].code
    assert matter.status == Status.NEW
    assert Follow.objects.filter(matter=matter, user=resident_user).exists()
    assert list(matter.events.values_list("kind", flat=True)) == [MatterEvent.Kind.RAISED]
    assert AuditEntry.objects.filter(action="matters.raise", object_id=str(matter.pk)).count() == 1


def test_raise_converts_gcj02_and_refuses_a_point_outside_every_grid(tree, categories, resident_user):
    from huiketing.places.geo import wgs84_to_gcj02

    lat, lng = wgs84_to_gcj02(*INSIDE_FIRST_GRID)
    matter = _raise(resident_user, categories, latitude=lat, longitude=lng, crs="gcj02")
    assert matter.place_code == tree.grids[0].code
    assert abs(matter.latitude - INSIDE_FIRST_GRID[0]) < 1e-5
    with pytest.raises(ValidationError) as caught:
        _raise(resident_user, categories, latitude=40.0, longitude=116.0)
    assert "location" in caught.value.message_dict


def test_raise_names_each_missing_field(tree, categories, resident_user):
    with pytest.raises(ValidationError) as caught:
        _raise(resident_user, categories, title=" ", description="")
    assert set(caught.value.message_dict) == {"title", "description"}


def test_the_whole_path_with_one_rehandling(tree, categories, units, staff, resident_user):
    community = staff[Role.COMMUNITY_STAFF]
    matter = _raise(resident_user, categories)
    services.matter_accept(by=community, matter=matter, now=MONDAY + timedelta(hours=1))
    (dispatch,) = services.matter_dispatch(
        by=community, matter=matter, units=[units.department], now=MONDAY + timedelta(hours=2)
    )
    matter.refresh_from_db()
    assert matter.status == Status.IN_PROGRESS
    # 7 working days from Monday 3 March 2025: the end of Wednesday 12 March.
    assert matter.resolve_due_at.astimezone(BEIJING).date() == datetime(2025, 3, 12).date()
    assert dispatch.sign_due_at == MONDAY + timedelta(hours=26)

    services.dispatch_sign(by=units.department_staff, dispatch=dispatch, now=MONDAY + timedelta(hours=3))
    services.dispatch_complete(
        by=units.department_staff, dispatch=dispatch, result="已更换灯泡", now=MONDAY + timedelta(days=1)
    )
    matter.refresh_from_db()
    assert matter.status == Status.DONE

    with pytest.raises(ValidationError) as caught:
        services.matter_evaluate(by=resident_user, matter=matter, result="not_satisfied", comment="")
    assert "comment" in caught.value.message_dict
    services.matter_evaluate(
        by=resident_user,
        matter=matter,
        result="not_satisfied",
        comment="还是不亮",
        now=MONDAY + timedelta(days=2),
    )
    matter.refresh_from_db()
    assert matter.status == Status.IN_PROGRESS
    assert matter.rehandle_count == 1
    again = matter.dispatches.get(status=Dispatch.Status.WAITING)
    assert again.unit == units.department

    services.dispatch_sign(by=units.department_staff, dispatch=again, now=MONDAY + timedelta(days=2, hours=1))
    services.dispatch_complete(
        by=units.department_staff, dispatch=again, result="更换了线路", now=MONDAY + timedelta(days=3)
    )
    services.matter_evaluate(
        by=resident_user, matter=matter, result="satisfied", now=MONDAY + timedelta(days=4)
    )
    matter.refresh_from_db()
    assert matter.status == Status.CLOSED
    assert list(matter.evaluations.order_by("round").values_list("round", "result")) == [
        (1, "not_satisfied"),
        (2, "satisfied"),
    ]
    kinds = list(matter.events.values_list("kind", flat=True))
    assert kinds.count(MatterEvent.Kind.REHANDLE) == 1
    assert kinds[-1] == MatterEvent.Kind.CLOSED

    total = selectors.rates_total(start=MONDAY - timedelta(days=1), end=MONDAY + timedelta(days=30))
    assert (total.signed_in_time, total.due_to_sign) == (2, 2)
    assert (total.resolved, total.taken_on) == (1, 1)
    assert (total.satisfied, total.basically, total.evaluated) == (1, 0, 2)
    assert total.satisfaction_rate == 0.5


def test_a_second_not_satisfied_escalates_and_a_third_closes(tree, categories, units, staff, resident_user):
    community = staff[Role.COMMUNITY_STAFF]
    matter = _raise(resident_user, categories)
    for round_ in range(3):
        if round_ == 0:
            services.matter_dispatch(by=community, matter=matter, units=[units.community])
        dispatch = matter.dispatches.get(status=Dispatch.Status.WAITING)
        services.dispatch_sign(by=community, dispatch=dispatch)
        services.dispatch_complete(by=community, dispatch=dispatch, result="处理了")
        services.matter_evaluate(by=resident_user, matter=matter, result="not_satisfied", comment="没解决")
        matter.refresh_from_db()
        if round_ == 0:
            assert (matter.status, matter.level) == (Status.IN_PROGRESS, Level.GRID)
        elif round_ == 1:
            assert (matter.status, matter.level) == (Status.IN_PROGRESS, Level.COMMUNITY)
        else:
            assert matter.status == Status.CLOSED
    assert matter.events.filter(kind=MatterEvent.Kind.ESCALATED).count() == 1


def test_illegal_transitions_are_refused_clearly(tree, categories, units, staff, resident_user):
    community = staff[Role.COMMUNITY_STAFF]
    matter = _raise(resident_user, categories)
    with pytest.raises(services.MatterStateError):
        services.matter_evaluate(by=resident_user, matter=matter, result="satisfied")
    services.matter_reject(by=community, matter=matter, reason_kind="insufficient", reason="请补充地址")
    with pytest.raises(services.MatterStateError) as caught:
        services.matter_accept(by=community, matter=matter)
    assert "Not accepted" in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        services.matter_reject(by=community, matter=_raise(resident_user, categories), reason_kind="not_ours")
    assert "referred_to" in caught.value.message_dict


def test_merge_moves_followers_and_photos_to_the_original(tree, categories, staff, resident_user, make_user):
    community = staff[Role.COMMUNITY_STAFF]
    original = _raise(resident_user, categories)
    neighbour = make_user("t_neighbour", Role.RESIDENT, tree.grids[0].code)
    duplicate = _raise(neighbour, categories, title="路灯不亮")
    services.matter_merge(by=community, matter=duplicate, into=original)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.duplicate_of == original
    assert set(original.follows.values_list("user__username", flat=True)) == {"t_resident", "t_neighbour"}
    assert original.events.filter(kind=MatterEvent.Kind.DUPLICATE_MERGED).count() == 1
    with pytest.raises(ValidationError):
        services.matter_merge(by=community, matter=original, into=original)


def test_returned_dispatch_goes_back_to_triage_and_extension_moves_the_deadline(
    tree, categories, units, staff, resident_user
):
    community = staff[Role.COMMUNITY_STAFF]
    matter = _raise(resident_user, categories)
    (to_company, to_department) = services.matter_dispatch(
        by=community, matter=matter, units=[units.property_company, units.department], now=MONDAY
    )
    services.dispatch_return(by=units.property_staff, dispatch=to_company, reason="不归我们管", now=MONDAY)
    matter.refresh_from_db()
    assert matter.status == Status.IN_PROGRESS  # the department still has it
    services.dispatch_sign(by=units.department_staff, dispatch=to_department, now=MONDAY)
    with pytest.raises(ValidationError) as caught:
        services.extension_request(
            by=units.department_staff, dispatch=to_department, working_days=0, reason="x"
        )
    assert "working_days" in caught.value.message_dict
    extension = services.extension_request(
        by=units.department_staff, dispatch=to_department, working_days=3, reason="需要采购配件", now=MONDAY
    )
    with pytest.raises(services.MatterStateError):
        services.extension_request(
            by=units.department_staff, dispatch=to_department, working_days=2, reason="再等等", now=MONDAY
        )
    services.extension_decide(by=community, extension=extension, grant=True, now=MONDAY)
    after = Dispatch.objects.get(pk=to_department.pk).resolve_due_at
    # Wednesday 12 March plus 3 working days (Thursday, Friday, Monday) is the end of Monday 17 March.
    assert after.astimezone(BEIJING).date() == datetime(2025, 3, 17).date()
    matter.refresh_from_db()
    assert matter.resolve_due_at == after
    services.dispatch_return(by=units.department_staff, dispatch=to_department, reason="需上报", now=MONDAY)
    matter.refresh_from_db()
    assert matter.status == Status.ACCEPTED


def test_deadline_job_warns_and_escalates_once(tree, categories, units, staff, resident_user):
    community = staff[Role.COMMUNITY_STAFF]
    matter = _raise(resident_user, categories)
    (dispatch,) = services.matter_dispatch(by=community, matter=matter, units=[units.department], now=MONDAY)
    warn_time = dispatch.sign_due_at - timedelta(hours=2)
    for _ in range(3):
        services.matters_deadlines_run(now=warn_time)
    assert matter.events.filter(kind=MatterEvent.Kind.WARNED).count() == 1
    late = dispatch.sign_due_at + timedelta(minutes=1)
    for _ in range(3):
        services.matters_deadlines_run(now=late)
    matter.refresh_from_db()
    assert matter.events.filter(kind=MatterEvent.Kind.OVERDUE).count() == 1
    assert matter.events.filter(kind=MatterEvent.Kind.ESCALATED).count() == 1
    assert matter.level == Level.COMMUNITY


def test_evaluation_reminded_once_then_expires_as_no_evaluation(
    tree, categories, units, staff, resident_user
):
    community = staff[Role.COMMUNITY_STAFF]
    matter = _raise(resident_user, categories)
    (dispatch,) = services.matter_dispatch(by=community, matter=matter, units=[units.community], now=MONDAY)
    services.dispatch_sign(by=community, dispatch=dispatch, now=MONDAY)
    services.dispatch_complete(by=community, dispatch=dispatch, result="修好了", now=MONDAY)
    for _ in range(2):
        services.matters_deadlines_run(now=MONDAY + timedelta(days=4))
    assert matter.events.filter(kind=MatterEvent.Kind.EVALUATION_REMINDED).count() == 1
    services.matters_deadlines_run(now=MONDAY + timedelta(days=8))
    matter.refresh_from_db()
    assert matter.status == Status.CLOSED
    assert not Evaluation.objects.filter(matter=matter).exists()
    total = selectors.rates_total(start=MONDAY - timedelta(days=1), end=MONDAY + timedelta(days=30))
    assert total.evaluated == 0 and total.satisfaction_rate is None
    assert (total.resolved, total.taken_on) == (1, 1)


def test_staff_scope_and_unit_inbox(tree, categories, units, staff, resident_user, make_user):
    community = staff[Role.COMMUNITY_STAFF]
    matter = _raise(resident_user, categories)
    other_community = make_user("t_other", Role.COMMUNITY_STAFF, tree.communities[3].code)
    assert matter in selectors.matters_for_staff(user=community)
    assert matter not in selectors.matters_for_staff(user=other_community)
    assert matter not in selectors.matters_for_staff(user=units.department_staff)
    services.matter_dispatch(by=community, matter=matter, units=[units.department])
    assert matter in selectors.matters_for_staff(user=units.department_staff)
    assert matter not in selectors.matters_for_staff(user=units.property_staff)
    assert [d.matter for d in selectors.unit_inbox(user=units.department_staff)] == [matter]
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.matter_get_for_staff(user=other_community, matter_id=matter.pk)
    with pytest.raises(Http404):
        selectors.matter_get_for_staff(user=other_community, matter_id=10**9)


def test_the_raiser_evaluates_nobody_else(tree, categories, units, staff, resident_user, make_user):
    import rules

    community = staff[Role.COMMUNITY_STAFF]
    matter = _raise(resident_user, categories)
    stranger = make_user("t_stranger", Role.RESIDENT, tree.grids[0].code)
    assert rules.has_perm("matters.evaluate", resident_user, matter)
    assert not rules.has_perm("matters.evaluate", stranger, matter)
    assert not rules.has_perm("matters.evaluate", community, matter)
    assert Matter.objects.count() == 1
