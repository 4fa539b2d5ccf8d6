"""Two staff turning the same decision into a project at the same moment make one project, on SQLite and
PostgreSQL alike; the other gets a clear error.

On SQLite the test database is shared in memory, where a second writer is told "locked" at once instead of
waiting as it does on the database file (busy timeout): the helper waits and tries again, as a file does."""

import time

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError

from huiketing.people.models import Role
from huiketing.projects import services
from huiketing.projects.models import Project
from tests.attacks.test_races import run_together

from .conftest import make_decision, milestones

pytestmark = pytest.mark.django_db(transaction=True)


def _waiting_for_the_writer(function):
    def run():
        for _attempt in range(200):
            try:
                return function()
            except OperationalError as error:
                if "locked" not in str(error):
                    raise
                time.sleep(0.05)
        raise AssertionError("the other writer never finished")

    return run


def test_one_decision_makes_one_project_under_concurrent_requests(audit_log_flushable, tree, make_user):
    staff = [make_user(f"t_p_race_{n}", Role.COMMUNITY_STAFF, tree.communities[0].code) for n in range(2)]
    for _round in range(3):
        item = make_decision(place_code=tree.communities[0].code)

        def create(user, item=item):
            return _waiting_for_the_writer(
                lambda: services.project_create_from_decision(by=user, item=item, milestones=milestones())
            )

        results = run_together([create(user) for user in staff])
        made = [r for r in results if isinstance(r, Project)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert len(made) == 1 and len(refused) == 1, results
        assert list(refused[0].message_dict) == ["agenda_item"]
        assert Project.objects.filter(agenda_item=item).count() == 1
