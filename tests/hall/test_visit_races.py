"""Parallel scans at the door, on PostgreSQL: one phone scanning twice at once is one visit; many people
scanning the same door at once are all counted, in the visits and in the daily roll-up alike."""

import pytest
from django.db import connection
from django.db.models import Sum

from huiketing.hall import visit_services as services
from huiketing.hall.visit_models import Visit, VisitTally
from tests.attacks.test_races import run_together
from tests.hall.test_visit_services import make_venue

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only(audit_log_flushable):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: two requests cannot write at the same time")


def test_one_phone_scanning_twice_at_once_is_one_visit(tree, make_user):
    venue = make_venue(tree.grids[0])
    user = make_user("v_race")
    results = run_together(
        [
            lambda: services.visit_check_in_by_token(user=user, token=venue.check_in_token, purpose="reading")
            for _n in range(4)
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({r.pk for r in results}) == 1 and sum(r.is_new for r in results) == 1
    assert Visit.objects.count() == 1
    assert VisitTally.objects.aggregate(n=Sum("visits"))["n"] == 1


def test_many_people_at_one_door_at_once_are_all_counted(tree, make_user):
    venue = make_venue(tree.grids[0])
    users = [make_user(f"v_race_{n}") for n in range(8)]
    results = run_together(
        [
            lambda user=user: services.visit_check_in_by_token(
                user=user, token=venue.check_in_token, purpose="rest"
            )
            for user in users
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Visit.objects.count() == 8
    assert VisitTally.objects.get().visits == 8
