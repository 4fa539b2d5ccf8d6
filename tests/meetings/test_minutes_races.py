"""Minutes written by two members of staff at once, on PostgreSQL: one row of minutes per meeting, one
publication, and no edit slipped into minutes that were published meanwhile."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from huiketing.meetings import minutes_services
from huiketing.meetings.models import MeetingEvent, Minutes, MinutesStatus
from tests.attacks.test_races import run_together

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only(audit_log_flushable):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: two requests cannot write at the same time")


def test_two_generations_at_once_make_one_minutes(make_held_meeting):
    held = make_held_meeting(language="en")
    results = run_together(
        [
            lambda: minutes_services.minutes_generate(by=held.chair, meeting=held.meeting),
            lambda: minutes_services.minutes_generate(by=held.recorder, meeting=held.meeting),
        ]
    )
    assert all(isinstance(result, Minutes) for result in results), results
    assert Minutes.objects.filter(meeting=held.meeting).count() == 1


def test_publishing_and_editing_at_once_never_change_published_minutes(make_held_meeting):
    held = make_held_meeting(language="en")
    for _round in range(3):
        minutes = minutes_services.minutes_generate(by=held.chair, meeting=held.meeting)
        results = run_together(
            [
                lambda minutes=minutes: minutes_services.minutes_publish(by=held.chair, minutes=minutes),
                lambda minutes=minutes: minutes_services.minutes_publish(by=held.recorder, minutes=minutes),
                lambda minutes=minutes, text=f"Edited in round {_round}.": minutes_services.minutes_update(
                    by=held.recorder, minutes=minutes, sections={"closing": text}
                ),
            ]
        )
        errors = [result for result in results if isinstance(result, Exception)]
        assert all(isinstance(error, ValidationError) for error in errors), errors
        published = [result for result in results[:2] if not isinstance(result, Exception)]
        assert len(published) == 1
        minutes.refresh_from_db()
        assert minutes.status == MinutesStatus.PUBLISHED
        # The edit either came first (and is in the published text) or was refused.
        edited = not isinstance(results[2], Exception)
        assert (minutes.sections["closing"] == f"Edited in round {_round}.") is edited
        assert (
            MeetingEvent.objects.filter(meeting=held.meeting, kind="minutes_published").count() == _round + 1
        )
        minutes_services.minutes_unpublish(by=held.chair, minutes=minutes, reason="Another round.")
