"""Deadline jobs: with the clock moved, warnings, escalations and evaluation reminders happen once each,
never twice, whether the job runs again, runs late, or runs in a worker that was restarted.

The job is `matters.tasks.matters_deadlines_task`, enqueued every five minutes by `huiketing worker`; its
optional `now` argument moves the clock. Deadlines are counted in working days over China's calendar: the
matters here are dispatched on Monday 30 September 2024, the day before the National Day holiday.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from huiketing.core.models import Notification
from huiketing.core.periodic import REGISTRY
from huiketing.matters import selectors, services
from huiketing.matters.models import Level, Matter, MatterEvent, Status
from huiketing.matters.tasks import matters_deadlines_task
from huiketing.people.models import Role

from .conftest import INSIDE_FIRST_GRID

BEIJING = ZoneInfo("Asia/Shanghai")
# Monday 30 September 2024, 09:00: the last working day before the National Day holiday (1–7 October).
RAISED = datetime(2024, 9, 30, 9, 0, tzinfo=BEIJING)
DISPATCHED = RAISED + timedelta(hours=1)
# 7 working days after 30 September: 8, 9, 10, 11 October, Saturday 12 October (an adjusted working day),
# 14 and 15 October. The deadline is the end of Tuesday 15 October.
RESOLVE_DUE = datetime(2024, 10, 15, 23, 59, 59, 999999, tzinfo=BEIJING)

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _english(english):
    yield


def _dispatched(categories, units, staff, resident_user) -> Matter:
    lat, lng = INSIDE_FIRST_GRID
    community = staff[Role.COMMUNITY_STAFF]
    matter = services.matter_raise(
        by=resident_user,
        title="小区门口的井盖松动",
        description="井盖踩上去会晃，晚上有人差点摔倒。",
        category=categories["public_facilities"],
        latitude=lat,
        longitude=lng,
        now=RAISED,
    )
    services.matter_accept(by=community, matter=matter, now=RAISED + timedelta(minutes=30))
    services.matter_dispatch(by=community, matter=matter, units=[units.department], now=DISPATCHED)
    matter.refresh_from_db()
    return matter


def _events(matter: Matter, kind: str) -> list[MatterEvent]:
    return list(matter.events.filter(kind=kind).order_by("created_at", "id"))


def _notified(kind: str, user=None) -> int:
    rows = Notification.objects.filter(kind=kind)
    if user is not None:
        rows = rows.filter(recipient=user)
    return rows.count()


def test_the_deadline_job_is_periodic_every_five_minutes():
    job = REGISTRY[matters_deadlines_task.module_path]
    assert job.every == timedelta(minutes=5)
    assert job.task is matters_deadlines_task


def test_deadlines_count_working_days_over_the_national_day_holiday(
    tree, categories, units, staff, resident_user
):
    matter = _dispatched(categories, units, staff, resident_user)
    (dispatch,) = matter.dispatches.all()
    assert matter.resolve_due_at == RESOLVE_DUE
    assert dispatch.resolve_due_at == RESOLVE_DUE
    # The time to sign is counted in hours, holiday or not.
    assert dispatch.sign_due_at == DISPATCHED + timedelta(hours=24)


class Clock:
    """Runs the job at a moved clock, with the delivery jobs its transactions queue for after the commit."""

    def __init__(self, capture):
        self.capture = capture

    def run(self, when: datetime) -> dict:
        with self.capture(execute=True):
            result = matters_deadlines_task.enqueue(now=when.isoformat())
        assert result.status == "SUCCESSFUL"
        return result.return_value


@pytest.fixture
def clock(django_capture_on_commit_callbacks):
    return Clock(django_capture_on_commit_callbacks)


def test_sign_and_resolve_deadlines_warn_and_escalate_once_each_level(
    tree, categories, units, staff, resident_user, clock
):
    matter = _dispatched(categories, units, staff, resident_user)
    (dispatch,) = matter.dispatches.all()
    unit_staff = units.department_staff
    quiet = {"warned": 0, "escalated": 0, "reminded": 0, "expired": 0}

    # Before the warning time (4 hours before the 24 hours to sign run out): nothing.
    assert clock.run(dispatch.sign_due_at - timedelta(hours=5)) == quiet
    # Inside it: one warning to the unit, however often the job runs.
    assert clock.run(dispatch.sign_due_at - timedelta(hours=3)) == {**quiet, "warned": 1}
    assert clock.run(dispatch.sign_due_at - timedelta(hours=3)) == quiet
    assert clock.run(dispatch.sign_due_at - timedelta(minutes=5)) == quiet
    assert [e.params["what"] for e in _events(matter, MatterEvent.Kind.WARNED)] == ["sign"]
    assert _notified("matter.deadline_warning") == _notified("matter.deadline_warning", unit_staff) == 1

    # The time to sign passes: overdue, and supervision moves from the grid to the community, once.
    assert clock.run(dispatch.sign_due_at + timedelta(minutes=1)) == {**quiet, "escalated": 1}
    assert clock.run(dispatch.sign_due_at + timedelta(hours=2)) == quiet
    matter.refresh_from_db()
    assert matter.level == Level.COMMUNITY
    assert [e.params for e in _events(matter, MatterEvent.Kind.OVERDUE)] == [{"what": "sign"}]
    assert [e.params["level"] for e in _events(matter, MatterEvent.Kind.ESCALATED)] == [Level.COMMUNITY]
    assert _notified("matter.escalated") == _notified("matter.escalated", staff[Role.COMMUNITY_STAFF]) == 1

    # The unit signs late; the resolve deadline is after the holiday. One warning before it.
    services.dispatch_sign(by=unit_staff, dispatch=dispatch, now=dispatch.sign_due_at + timedelta(hours=3))
    assert clock.run(RESOLVE_DUE - timedelta(hours=5)) == quiet
    assert clock.run(RESOLVE_DUE - timedelta(hours=3)) == {**quiet, "warned": 1}
    assert clock.run(RESOLVE_DUE - timedelta(hours=1)) == quiet
    assert [e.params["what"] for e in _events(matter, MatterEvent.Kind.WARNED)] == ["sign", "resolve"]
    assert _notified("matter.deadline_warning", unit_staff) == 2

    # Overdue: escalated from the community to the subdistrict, once, however many days it stays overdue.
    assert clock.run(RESOLVE_DUE + timedelta(minutes=1)) == {**quiet, "escalated": 1}
    for hours in (1, 12, 24):
        assert clock.run(RESOLVE_DUE + timedelta(hours=hours)) == quiet
    matter.refresh_from_db()
    assert matter.level == Level.SUBDISTRICT
    assert _notified("matter.escalated", staff[Role.SUBDISTRICT_OFFICER]) == 1

    # Five more working days are granted (counted from the deadline); when they pass too, the city supervises.
    community = staff[Role.COMMUNITY_STAFF]
    now = RESOLVE_DUE + timedelta(days=1, hours=2)
    extension = services.extension_request(
        by=unit_staff, dispatch=dispatch, working_days=5, reason="需要等待配件到货", now=now
    )
    services.extension_decide(by=community, extension=extension, grant=True, now=now + timedelta(hours=1))
    matter.refresh_from_db()
    new_due = matter.resolve_due_at
    assert new_due == datetime(2024, 10, 22, 23, 59, 59, 999999, tzinfo=BEIJING)
    assert clock.run(new_due + timedelta(minutes=1)) == {**quiet, "escalated": 1}
    assert clock.run(new_due + timedelta(minutes=1)) == quiet
    matter.refresh_from_db()
    assert matter.level == Level.CITY
    assert _notified("matter.escalated", staff[Role.CITY_OFFICER]) == 1

    # Above the city there is nobody: a further overdue deadline is on the timeline, without an escalation.
    extension = services.extension_request(
        by=unit_staff,
        dispatch=dispatch,
        working_days=1,
        reason="施工队延误",
        now=new_due + timedelta(hours=2),
    )
    services.extension_decide(by=community, extension=extension, grant=True, now=new_due + timedelta(hours=3))
    matter.refresh_from_db()
    assert clock.run(matter.resolve_due_at + timedelta(minutes=1)) == quiet
    assert [e.params["what"] for e in _events(matter, MatterEvent.Kind.OVERDUE)] == [
        "sign",
        "resolve",
        "resolve",
        "resolve",
    ]
    assert [e.params["level"] for e in _events(matter, MatterEvent.Kind.ESCALATED)] == [
        Level.COMMUNITY,
        Level.SUBDISTRICT,
        Level.CITY,
    ]
    assert _notified("matter.escalated") == 3
    # Warnings, overdue notes and escalations are for staff: none of them is on the public timeline.
    public = matter.events.filter(is_public=True).values_list("kind", flat=True)
    assert not {MatterEvent.Kind.WARNED, MatterEvent.Kind.OVERDUE} & set(public)


def test_evaluation_is_reminded_once_after_3_days_and_expires_after_7_as_no_evaluation(
    tree, categories, units, staff, resident_user, clock
):
    matter = _dispatched(categories, units, staff, resident_user)
    (dispatch,) = matter.dispatches.all()
    services.dispatch_sign(by=units.department_staff, dispatch=dispatch, now=DISPATCHED + timedelta(hours=2))
    done = datetime(2024, 10, 9, 15, 0, tzinfo=BEIJING)
    with clock.capture(execute=True):
        services.dispatch_complete(
            by=units.department_staff, dispatch=dispatch, result="已更换井盖", now=done
        )
    start, end = RAISED - timedelta(days=1), RAISED + timedelta(days=60)
    before = selectors.rates_total(start=start, end=end, now=done)
    assert (before.resolved, before.taken_on, before.evaluated) == (1, 1, 0)
    assert _notified("matter.evaluate", resident_user) == 1

    quiet = {"warned": 0, "escalated": 0, "reminded": 0, "expired": 0}
    assert clock.run(done + timedelta(days=2, hours=23)) == quiet
    assert clock.run(done + timedelta(days=3, minutes=1)) == {**quiet, "reminded": 1}
    assert clock.run(done + timedelta(days=3, minutes=6)) == quiet
    assert clock.run(done + timedelta(days=6)) == quiet
    assert len(_events(matter, MatterEvent.Kind.EVALUATION_REMINDED)) == 1
    assert _notified("matter.evaluate_reminder") == _notified("matter.evaluate_reminder", resident_user) == 1
    # The reminder goes out as a message too.
    reminder = Notification.objects.get(kind="matter.evaluate_reminder")
    assert list(reminder.deliveries.values_list("channel", flat=True)) == ["sms"]

    assert clock.run(done + timedelta(days=7, minutes=1)) == {**quiet, "expired": 1}
    assert clock.run(done + timedelta(days=8)) == quiet
    matter.refresh_from_db()
    assert matter.status == Status.CLOSED
    assert not matter.evaluations.exists()
    assert len(_events(matter, MatterEvent.Kind.EVALUATION_EXPIRED)) == 1
    # No evaluation is neither a satisfied nor a dissatisfied one: the satisfaction rate has nothing to count.
    after = selectors.rates_total(start=start, end=end, now=done + timedelta(days=8))
    assert (after.resolved, after.taken_on) == (1, 1)
    assert (after.satisfied, after.basically, after.evaluated) == (0, 0, 0)
    assert after.satisfaction_rate is None


def test_a_rehandled_matter_is_reminded_again_for_its_second_round(
    tree, categories, units, staff, resident_user, clock
):
    matter = _dispatched(categories, units, staff, resident_user)
    (dispatch,) = matter.dispatches.all()
    unit_staff = units.department_staff
    services.dispatch_sign(by=unit_staff, dispatch=dispatch, now=DISPATCHED + timedelta(hours=2))
    done = datetime(2024, 10, 9, 15, 0, tzinfo=BEIJING)
    services.dispatch_complete(by=unit_staff, dispatch=dispatch, result="已更换井盖", now=done)
    assert clock.run(done + timedelta(days=3, minutes=1))["reminded"] == 1
    services.matter_evaluate(
        by=resident_user,
        matter=matter,
        result="not_satisfied",
        comment="井盖还是松的",
        now=done + timedelta(days=4),
    )
    matter.refresh_from_db()
    assert matter.status == Status.IN_PROGRESS and matter.rehandle_count == 1
    second = matter.dispatches.get(status="waiting")
    services.dispatch_sign(by=unit_staff, dispatch=second, now=done + timedelta(days=4, hours=2))
    again = done + timedelta(days=6)
    services.dispatch_complete(by=unit_staff, dispatch=second, result="重新固定了井盖", now=again)
    assert clock.run(again + timedelta(days=3, minutes=1))["reminded"] == 1
    assert clock.run(again + timedelta(days=3, minutes=2))["reminded"] == 0
    assert len(_events(matter, MatterEvent.Kind.EVALUATION_REMINDED)) == 2


# Through the real worker --------------------------------------------------------------------------------


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE


def _worker_restart() -> None:
    """One worker process from start to finish: run what is queued, then stop."""
    call_command("worker", "--batch", "--no-startup-delay", "--no-clock", verbosity=0)


# The worker checks its connection between jobs, which closes it inside a test's wrapping transaction: the
# worker's tests commit for real (see tests/core/test_worker.py).
@pytest.mark.django_db(transaction=True)
def test_across_worker_restarts_each_warning_and_escalation_happens_once(
    database_queue, audit_log_flushable, tree, categories, units, staff, resident_user
):
    matter = _dispatched(categories, units, staff, resident_user)
    (dispatch,) = matter.dispatches.all()
    warn_time = (dispatch.sign_due_at - timedelta(hours=2)).isoformat()
    overdue_time = (dispatch.sign_due_at + timedelta(hours=1)).isoformat()

    # The job is enqueued twice for the same moment (two clocks, or a run repeated after a crash), and two
    # workers, one after the other, run the queue.
    for when in (warn_time, overdue_time):
        first = matters_deadlines_task.enqueue(now=when)
        _worker_restart()
        second = matters_deadlines_task.enqueue(now=when)
        _worker_restart()
        for result in (first, second):
            assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"

    stored = [
        DBTaskResult.objects.get(id=r).return_value
        for r in DBTaskResult.objects.filter(task_path=matters_deadlines_task.module_path)
        .order_by("enqueued_at")
        .values_list("id", flat=True)
    ]
    assert [(r["warned"], r["escalated"]) for r in stored] == [(1, 0), (0, 0), (0, 1), (0, 0)]
    assert len(_events(matter, MatterEvent.Kind.WARNED)) == 1
    assert len(_events(matter, MatterEvent.Kind.OVERDUE)) == 1
    assert len(_events(matter, MatterEvent.Kind.ESCALATED)) == 1
    assert Matter.objects.get(pk=matter.pk).level == Level.COMMUNITY
    assert _notified("matter.deadline_warning", units.department_staff) == 1
    assert _notified("matter.escalated", staff[Role.COMMUNITY_STAFF]) == 1
    assert _notified("matter.escalated") == 1

    # A later run moves it up one more level only when the rules say so: the resolve deadline has not passed.
    matters_deadlines_task.enqueue(now=(dispatch.sign_due_at + timedelta(days=1)).isoformat())
    _worker_restart()
    assert Matter.objects.get(pk=matter.pk).level == Level.COMMUNITY
    assert len(_events(matter, MatterEvent.Kind.ESCALATED)) == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_enqueues_the_deadline_job_on_its_clock_and_runs_it(
    database_queue, audit_log_flushable, tree, categories, units, staff, resident_user
):
    matter = _dispatched(categories, units, staff, resident_user)
    # At the real time, the 2024 deadlines are long past: the periodic run escalates the matter.
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)
    run = DBTaskResult.objects.get(task_path=matters_deadlines_task.module_path)
    assert run.status == "SUCCESSFUL"
    assert run.return_value["escalated"] >= 1
    assert Matter.objects.get(pk=matter.pk).level > Level.GRID
