"""Supports under concurrent requests, on SQLite and PostgreSQL: one resident pressing "support" twenty times
at once supports once; twenty residents at once are all counted, and the threshold is reached once.

On PostgreSQL the attempts wait for the topic's row lock. The SQLite file of an installation makes writers
wait their turn (busy timeout), but the suite's in-memory SQLite answers "database table is locked" at once
instead: the site turns that into a 503 with Retry-After (urls.handler500), and the client resends. The
attempts here resend in the same way, so that both databases are put to the same test: whatever the order
of arrival, the database holds one support per resident."""

import time

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, close_old_connections

from huiketing.meetings import deliberation_services as services
from huiketing.meetings.models import MeetingEvent, Support, Topic
from tests.attacks.test_races import run_together

pytestmark = pytest.mark.django_db(transaction=True)
ATTEMPTS = 20
NAMES = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"


@pytest.fixture(autouse=True)
def _flushable(audit_log_flushable):
    """The audit log refuses DELETE; let the transactional test's database be emptied afterwards."""


def _resending(function, tries: int = 500):
    """Call `function` as a client would send a request: again after a moment when the database said
    "locked" (the 503 a real client resends), and at most `tries` times."""

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


def test_one_resident_supporting_twenty_times_at_once_supports_once(make_topic, make_resident):
    topic = make_topic(support_threshold=1)
    account = make_resident("王小明", username="wang").account
    results = run_together(
        [_resending(lambda: services.topic_support(by=account, topic=topic)) for _ in range(ATTEMPTS)]
    )
    errors = _errors(results)
    assert len(errors) == ATTEMPTS - 1
    # Each refusal is the clear "you already support this topic", never a database error.
    assert all(set(error.message_dict) == {"support"} for error in errors)
    topic.refresh_from_db()
    assert Support.objects.filter(topic=topic).count() == 1
    assert topic.supports_count == 1
    assert MeetingEvent.objects.filter(topic=topic, kind="threshold_reached").count() == 1


def test_twenty_residents_at_once_are_all_counted_and_reach_the_threshold_once(make_topic, make_resident):
    topic = make_topic(support_threshold=ATTEMPTS // 2)
    accounts = [make_resident(f"居民{c}", username=f"r{n}").account for n, c in enumerate(NAMES[:ATTEMPTS])]
    results = run_together(
        [
            _resending(lambda account=account: services.topic_support(by=account, topic=topic))
            for account in accounts
        ]
    )
    assert not _errors(results)
    topic = Topic.objects.get(pk=topic.pk)
    assert topic.supports_count == Support.objects.filter(topic=topic).count() == ATTEMPTS
    assert topic.threshold_reached_at is not None
    assert MeetingEvent.objects.filter(topic=topic, kind="threshold_reached").count() == 1
