"""The demo's year of matters (demo/matters.py): the mix, the rates it gives, and the demo accounts' share.

A year is loaded once, for all the checks of `test_a_year_of_matters`: the registry with 6 households per
grid, then half the default 3,000 matters (the last week's through the services, the months before written
in bulk), which is enough for every proportion checked and takes half the time.
"""

import functools
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from huiketing.core.models import AuditEntry, Notification
from huiketing.demo import loader, registry
from huiketing.demo import matters as demo_matters
from huiketing.demo.data import matters as data
from huiketing.demo.loader import demo_load
from huiketing.matters import selectors
from huiketing.matters.models import (
    Category,
    DeadlineNotice,
    Dispatch,
    Evaluation,
    HandlingUnit,
    Level,
    Matter,
    MatterEvent,
    Status,
)
from huiketing.people.models import Organisation, User
from huiketing.places.models import Level as PlaceLevel
from huiketing.places.models import Place

PER_YEAR = 1500


@pytest.fixture
def year(db, monkeypatch):
    monkeypatch.setattr(
        loader,
        "SCALED_GENERATORS",
        [
            functools.partial(registry.registry_generate, households_per_grid=6),
            functools.partial(demo_matters.matters_generate, per_year=PER_YEAR),
        ],
    )
    demo_load()
    return AuditEntry.objects.get(action="demo.matters.generated").changes


def test_the_demo_registers_the_matters_after_the_registry():
    from django.apps import apps

    apps.get_app_config("demo").ready()  # a second ready() adds nothing twice
    generators = loader.SCALED_GENERATORS
    assert generators.count(demo_matters.matters_generate) == 1
    assert generators.index(registry.registry_generate) < generators.index(demo_matters.matters_generate)


def test_a_year_of_matters(year):
    """One load, four sets of checks (each a function below)."""
    assert demo_matters.MATTERS_PER_YEAR == 3000
    _the_mix(year)
    _the_timelines_agree_with_the_deadline_rules()
    _the_resident_and_the_department_accounts_have_work()
    _notifications_are_dated_when_their_events_happened(year)


def _the_mix(year):
    now = timezone.now()
    matters = Matter.objects.all()
    assert matters.count() == PER_YEAR == year["matters"][1]
    assert matters.filter(is_demo=True).count() == PER_YEAR
    assert year["steps_refused"][1] == 0
    assert 20 <= year["through_services"][1] <= 120
    first = matters.order_by("created_at").first().created_at
    assert now - timedelta(days=366) <= first <= now - timedelta(days=350)

    # The taxonomy of the issue, named in the four languages, each with its unit kind and deadlines.
    categories = Category.objects.all()
    assert {c.code for c in categories} == {spec.code for spec in data.CATEGORIES}
    assert all(set(c.names) == {"zh-hans", "en", "ug", "kk"} and all(c.names.values()) for c in categories)
    by_category = Counter(matters.values_list("category__code", flat=True))
    assert by_category.most_common(1)[0][0] in ("public_facilities", "environment")
    assert min(by_category.values()) > 40

    # Units: each community's own, its volunteers and its property company; the city's departments and
    # co-building units, all standing for Organisation rows.
    units = Counter(HandlingUnit.objects.values_list("kind", flat=True))
    communities = Place.objects.filter(level=PlaceLevel.COMMUNITY).count()
    assert units == {
        "community": communities,
        "volunteers": communities,
        "property_company": communities,
        "department": 5,
        "co_building_unit": 2,
    }
    assert not HandlingUnit.objects.filter(
        kind__in=["department", "property_company"], organisation=None
    ).exists()
    assert Organisation.objects.filter(kind="property_company").count() == communities

    # A realistic mix: mostly closed, some of everything else.
    statuses = Counter(matters.values_list("status", flat=True))
    assert statuses[Status.CLOSED] > 0.85 * PER_YEAR
    for status in (
        Status.REJECTED,
        Status.TABLED,
        Status.IN_PROGRESS,
        Status.DONE,
        Status.NEW,
        Status.MERGED,
    ):
        assert statuses[status] > 0, status
    channels = Counter(matters.values_list("channel", flat=True))
    assert set(channels) == {"walk_in", "talk_point", "patrol", "phone", "open311", "web"}
    languages = Counter(matters.values_list("language", flat=True))
    assert languages["zh-hans"] > 0.7 * PER_YEAR and languages["ug"] > 15 and languages["kk"] > 50
    assert Dispatch.objects.filter(status=Dispatch.Status.RETURNED).exists()
    events = Counter(MatterEvent.objects.values_list("kind", flat=True))
    for kind in (
        "escalated",
        "warned",
        "overdue",
        "rehandle",
        "evaluation_reminded",
        "evaluation_expired",
        "extension_granted",
        "extension_refused",
        "update",
        "merged",
        "untabled",
    ):
        assert events[kind] > 0, kind
    escalated = matters.exclude(level=Level.GRID).count()
    assert 0.04 * PER_YEAR < escalated < 0.25 * PER_YEAR
    results = Counter(Evaluation.objects.values_list("result", flat=True))
    assert results["satisfied"] > results["basically"] > results["not_satisfied"] > 20
    assert Evaluation.objects.filter(by_phone_follow_up=True).count() > 0.6 * PER_YEAR

    # The rates are in the range a well-run city reports, computed from these records.
    rates = selectors.rates_total(start=now - timedelta(days=366), end=now)
    assert 0.85 <= rates.response_rate <= 0.97
    assert 0.95 <= rates.resolution_rate <= 1
    assert 0.85 <= rates.satisfaction_rate <= 0.97
    assert selectors.problems_solved(start=now - timedelta(days=366), end=now) > 0.85 * PER_YEAR
    for row in selectors.rates(start=now - timedelta(days=366), end=now, group_by="community"):
        assert row.due_to_sign > 10 and row.evaluated > 10


def _the_timelines_agree_with_the_deadline_rules():
    now = timezone.now()
    matters = list(Matter.objects.prefetch_related("events"))
    for matter in matters:
        events = list(matter.events.all())
        assert events[0].kind == MatterEvent.Kind.RAISED and events[0].created_at == matter.created_at
        assert all(e.created_at >= matter.created_at for e in events)
        levels = [e.params["level"] for e in events if e.kind == MatterEvent.Kind.ESCALATED]
        assert levels == list(range(1, matter.level + 1)), matter.pk  # one level at a time, once each
        if matter.status in (Status.CLOSED, Status.REJECTED, Status.MERGED):
            assert matter.closed_at is not None
    # What the deadline job would still act on has been acted on, at most four hours late.
    overdue = [
        m for m in matters if m.status == Status.IN_PROGRESS and m.resolve_due_at < now - timedelta(hours=4)
    ]
    assert all(m.level > Level.GRID for m in overdue)
    done = [m for m in matters if m.status == Status.DONE]
    assert done and all(m.done_at > now - timedelta(days=7, hours=4) for m in done)
    # Each notice once, whoever gave it: the deadline job run now by the real worker repeats nothing that was
    # recorded in bulk or given through the services.
    from huiketing.matters import services

    services.matters_deadlines_run(now=now)
    assert DeadlineNotice.objects.count() == len(set(DeadlineNotice.objects.values_list("matter_id", "key")))
    per_dispatch = Counter(
        (e.dispatch_id, e.kind)
        for e in MatterEvent.objects.filter(kind__in=["warned", "overdue"], params__what="sign")
    )
    assert per_dispatch and max(per_dispatch.values()) == 1
    reminded = Counter(
        MatterEvent.objects.filter(kind="evaluation_reminded").values_list("matter_id", flat=True)
    )
    rounds = dict(Matter.objects.values_list("pk", "rehandle_count"))
    assert all(count <= rounds[pk] + 1 for pk, count in reminded.items())
    for matter in Matter.objects.exclude(level=Level.GRID).prefetch_related("events"):
        levels = [e.params["level"] for e in matter.events.all() if e.kind == MatterEvent.Kind.ESCALATED]
        assert levels == list(range(1, matter.level + 1))


def _the_resident_and_the_department_accounts_have_work():
    resident = User.objects.get(username="resident")
    own = [m for m in selectors.matters_of_account(user=resident) if m.raised_by_id == resident.pk]
    assert len(own) == 6
    assert Counter(m.status for m in own) == {
        Status.CLOSED: 3,
        Status.IN_PROGRESS: 1,
        Status.DONE: 1,
        Status.NEW: 1,
    }
    (awaiting,) = selectors.matters_awaiting_evaluation(user=resident)
    assert awaiting.status == Status.DONE and not awaiting.evaluations.exists()
    assert Notification.objects.filter(recipient=resident, kind="matter.evaluate", read_at=None).exists()
    rehandled = next(m for m in own if m.rehandle_count)
    assert list(rehandled.evaluations.order_by("round").values_list("result", flat=True)) == [
        "not_satisfied",
        "basically",
    ]
    # The resident follows a neighbour's matter as well.
    assert any(m.raised_by_id != resident.pk for m in selectors.matters_of_account(user=resident))

    department = User.objects.get(username="department")
    inbox = list(selectors.unit_inbox(user=department))
    assert {d.status for d in inbox} == {Dispatch.Status.WAITING, Dispatch.Status.SIGNED}
    assert all(d.unit.organisation.kind == "department" for d in inbox)
    assert Notification.objects.filter(recipient=department, kind="matter.dispatched", read_at=None).exists()


def _notifications_are_dated_when_their_events_happened(year):
    now = timezone.now()
    notifications = Notification.objects.all()
    assert notifications.count() > 50
    assert not notifications.filter(created_at__gt=now).exists()
    assert not notifications.filter(
        created_at__lt=now - timedelta(days=demo_matters.LIVE_DAYS, hours=1)
    ).exists()
    days = {
        timezone.localtime(moment).date() for moment in notifications.values_list("created_at", flat=True)
    }
    assert len(days) >= demo_matters.LIVE_DAYS - 1  # spread over the week, not all made at the end
    # The months written in bulk carry one summary audit entry, not one per step.
    assert AuditEntry.objects.filter(action="matters.raise").count() == year["through_services"][1]


def test_the_simulation_is_the_same_every_time(db, monkeypatch, demo):
    """Two in-memory runs over the same plans give the same timelines, event for event."""
    world = demo_matters._world()
    end = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(days=60)

    def run():
        import random

        specs = demo_matters._random_specs(world, 150, start, end, random.Random("same"))
        simulation = demo_matters.Simulation(world, demo_matters.History(world), start, end)
        simulation.run(specs, ticks_from=start)
        return [
            (simulation.api.matters.index(e.matter), e.kind, e.created_at, e.text)
            for e in simulation.api.events
        ]

    first = run()
    assert len(first) > 600
    assert run() == first


def test_the_scale_multiplies_the_matters(db, monkeypatch, small_registry):
    loader.SCALED_GENERATORS.append(
        functools.partial(demo_matters.matters_generate, per_year=40, live_days=2)
    )
    demo_load(scale=3)
    assert Matter.objects.count() == 120
    # The services take the last week of one year's matters only; the scaled ones are recorded in bulk.
    changes = AuditEntry.objects.get(action="demo.matters.generated").changes
    assert changes["through_services"][1] <= 40
    assert changes["bulk_written"][1]["matters"] >= 80
