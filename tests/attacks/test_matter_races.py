"""Double actions on matters by parallel requests, on PostgreSQL: two evaluations of one round, two signatures
of one dispatch, two dispatches of one matter to one unit. Each time exactly one wins; the other gets a clear
error; the database never holds two."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from huiketing.matters import services
from huiketing.matters.models import Dispatch, Evaluation, MatterEvent
from huiketing.people.models import Role
from tests.matters.conftest import INSIDE_FIRST_GRID, categories, units  # noqa: F401  (fixtures)

from .test_races import run_together

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only(audit_log_flushable):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: two requests cannot write at the same time")


def _done_matter(tree, categories, units, staff, resident):  # noqa: F811
    lat, lng = INSIDE_FIRST_GRID
    matter = services.matter_raise(
        by=resident,
        title="楼道灯坏了",
        description="2单元楼道灯不亮",
        category=categories["public_facilities"],
        latitude=lat,
        longitude=lng,
    )
    community = staff[Role.COMMUNITY_STAFF]
    (dispatch,) = services.matter_dispatch(by=community, matter=matter, units=[units.community])
    services.dispatch_sign(by=community, dispatch=dispatch)
    services.dispatch_complete(by=community, dispatch=dispatch, result="换了灯")
    return matter


def _outcomes(results) -> tuple[int, list]:
    errors = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(e, ValidationError) for e in errors), errors
    return len(results) - len(errors), errors


def test_two_evaluations_of_one_round_at_once_count_once(tree, categories, units, staff, make_user):  # noqa: F811
    resident = make_user("t_race_resident", Role.RESIDENT, tree.grids[0].code)
    for _round in range(3):
        matter = _done_matter(tree, categories, units, staff, resident)
        results = run_together(
            [
                lambda matter=matter: services.matter_evaluate(
                    by=resident, matter=matter, result="satisfied"
                ),
                lambda matter=matter: services.matter_evaluate(
                    by=staff[Role.GRID_LEADER], matter=matter, result="basically", by_phone_follow_up=True
                ),
            ]
        )
        won, errors = _outcomes(results)
        assert won == 1 and len(errors) == 1
        assert Evaluation.objects.filter(matter=matter).count() == 1
        assert matter.events.filter(kind=MatterEvent.Kind.EVALUATED).count() == 1


def test_two_signatures_of_one_dispatch_at_once_sign_once(tree, categories, units, staff, make_user):  # noqa: F811
    resident = make_user("t_race_resident", Role.RESIDENT, tree.grids[0].code)
    community = staff[Role.COMMUNITY_STAFF]
    lat, lng = INSIDE_FIRST_GRID
    for _round in range(3):
        matter = services.matter_raise(
            by=resident,
            title="噪音",
            description="夜里施工",
            category=categories["neighbours"],
            latitude=lat,
            longitude=lng,
        )
        (dispatch,) = services.matter_dispatch(by=community, matter=matter, units=[units.department])
        results = run_together(
            [
                lambda d=dispatch: services.dispatch_sign(by=units.department_staff, dispatch=d)
                for _ in range(2)
            ]
        )
        won, errors = _outcomes(results)
        assert won == 1 and len(errors) == 1
        assert matter.events.filter(kind=MatterEvent.Kind.SIGNED).count() == 1


def test_two_dispatches_to_one_unit_at_once_make_one(tree, categories, units, staff, make_user):  # noqa: F811
    resident = make_user("t_race_resident", Role.RESIDENT, tree.grids[0].code)
    lat, lng = INSIDE_FIRST_GRID
    matter = services.matter_raise(
        by=resident,
        title="井盖缺失",
        description="路口井盖不见了",
        category=categories["public_facilities"],
        latitude=lat,
        longitude=lng,
    )
    community, subdistrict = staff[Role.COMMUNITY_STAFF], staff[Role.SUBDISTRICT_OFFICER]
    results = run_together(
        [
            lambda: services.matter_dispatch(by=community, matter=matter, units=[units.department]),
            lambda: services.matter_dispatch(by=subdistrict, matter=matter, units=[units.department]),
        ]
    )
    won, errors = _outcomes(results)
    assert won == 1 and len(errors) == 1
    assert Dispatch.objects.filter(matter=matter, unit=units.department).count() == 1
