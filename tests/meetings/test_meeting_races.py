"""The door under concurrent requests, on SQLite and PostgreSQL: one resident scanning the QR code many times
at once checks in once and earns the points once; many residents at once are all counted; the notice-period
job run by several workers at once makes a decision take effect once.

On PostgreSQL the attempts wait for the meeting's row lock. The suite's in-memory SQLite answers "database
table is locked" instead, which the site turns into a 503 that clients resend: the attempts here resend the
same way (as tests/meetings/test_deliberation_races.py does)."""

import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, close_old_connections
from django.utils import timezone

from huiketing.meetings import meeting_services as services
from huiketing.meetings.models import MeetingEvent, NoticeStatus, Participant, QuorumRule
from huiketing.points.models import Entry
from tests.attacks.test_races import run_together

pytestmark = pytest.mark.django_db(transaction=True)
ATTEMPTS = 10
NAMES = "甲乙丙丁戊己庚辛壬癸"


def _resending(function, tries: int = 500):
    """Call `function` as a client sends a request: again after a moment when the database said "locked"."""

    def call():
        for _try in range(tries - 1):
            try:
                return function()
            except OperationalError as error:
                if "locked" not in str(error):
                    raise
                close_old_connections()
                time.sleep(0.005)
        return function()

    return call


def _errors(results) -> list:
    errors = [result for result in results if isinstance(result, Exception)]
    assert all(isinstance(error, ValidationError) for error in errors), errors
    return errors


@pytest.fixture(autouse=True)
def _flushable(audit_log_flushable):
    """The audit log refuses DELETE; let the transactional test's database be emptied afterwards."""


@pytest.fixture
def sitting(make_meeting, community_staff):
    meeting = make_meeting(starts_in=timedelta(minutes=-5), quorum_rule=QuorumRule.NONE)
    return services.meeting_open(by=community_staff, meeting=meeting)


def test_one_resident_scanning_many_times_at_once_checks_in_once(sitting, make_resident, points_rules):
    resident = make_resident("王小明", username="t_wang")
    check_in = _resending(
        lambda: services.attendance_check_in_by_token(user=resident.account, token=sitting.check_in_token)
    )
    results = run_together([check_in] * ATTEMPTS)
    assert not _errors(results)
    assert Participant.objects.filter(meeting=sitting).count() == 1
    assert len({result.pk for result in results}) == 1
    assert Entry.objects.filter(account__resident=resident, rule__code="meeting_attended").count() == 1


def test_many_residents_at_once_are_all_counted(sitting, make_resident, points_rules):
    residents = [make_resident(f"居民{name}", username=f"t_r{n}") for n, name in enumerate(NAMES)]
    results = run_together(
        [
            _resending(
                lambda resident=resident: services.attendance_check_in_by_token(
                    user=resident.account, token=sitting.check_in_token
                )
            )
            for resident in residents
        ]
    )
    assert not _errors(results)
    assert Participant.objects.filter(meeting=sitting, attended_at__isnull=False).count() == len(NAMES)
    assert Entry.objects.filter(rule__code="meeting_attended").count() == len(NAMES)


def test_the_notice_period_job_run_by_several_workers_makes_a_decision_effective_once(
    sitting, community_staff
):
    item = services.agenda_item_add(by=community_staff, meeting=sitting, title="划停车位")
    services.item_decide(by=community_staff, item=item, decision="approved", reasons="同意", notice_days=3)
    later = timezone.now() + timedelta(days=5)
    results = run_together([_resending(lambda: services.notice_period_run(now=later))] * 4)
    assert not _errors(results)
    assert sum(result["effective"] for result in results) == 1
    item.refresh_from_db()
    assert item.notice_status == NoticeStatus.EFFECTIVE
    assert MeetingEvent.objects.filter(kind=services.EVENT_EFFECTIVE).count() == 1
