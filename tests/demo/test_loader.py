"""Loading the demo: once, in one go, audited, and through the `demo_seed` command."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from huiketing.core.models import AuditEntry
from huiketing.demo import loader
from huiketing.demo.loader import DemoError, demo_load
from huiketing.demo.selectors import demo_counts, demo_scale
from huiketing.people.models import RoleAssignment, User
from huiketing.places.models import Level, Place, ServicePoint


def snapshot():
    return (
        Place.objects.count(),
        ServicePoint.objects.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
        AuditEntry.objects.count(),
    )


def test_first_load_reports_what_it_created(full_demo):
    demo = full_demo
    assert not demo.already_loaded
    assert demo.scale == 1
    assert demo.counts == {
        "subdistricts": 4,
        "communities": 23,
        "grids": 89,
        "service_points": 41,
        "organisations": 3,
        "accounts": 99,
        "households": 89 * 34,
        "residents": demo.counts["residents"],
    }
    assert 7000 <= demo.counts["residents"] <= 8500
    assert demo.generated > demo.counts["households"] + demo.counts["residents"]


def test_second_load_changes_nothing_and_says_so(demo):
    before = snapshot()
    again = demo_load(scale=5)
    assert again.already_loaded
    assert again.scale == 1
    assert again.counts == demo.counts
    assert snapshot() == before


def test_load_is_audited_once_with_its_scale(db, small_registry):
    demo_load(scale=2)
    demo_load()
    entries = AuditEntry.objects.filter(action="demo.loaded")
    assert entries.count() == 1
    assert entries.get().actor is None
    assert entries.get().object_id == str(Place.objects.get(code="654301").pk)
    assert demo_scale() == 2


def test_scaled_generators_run_with_the_scale(db, monkeypatch):
    calls = []

    def generator(scale: int) -> int:
        calls.append(scale)
        return 7 * scale

    monkeypatch.setattr(loader, "SCALED_GENERATORS", [generator])
    summary = demo_load(scale=3)
    assert calls == [3]
    assert summary.generated == 21


def test_a_failing_generator_leaves_nothing_behind(db, monkeypatch):
    def broken(scale: int) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(loader, "SCALED_GENERATORS", [broken])
    with pytest.raises(RuntimeError):
        demo_load()
    assert demo_counts()["grids"] == 0
    assert not User.objects.exists()


def test_the_demo_is_never_loaded_over_real_data(db):
    Place.objects.create(code="654301", level=Level.CITY, names={"zh-hans": "阿勒泰市"})
    with translation.override("en"), pytest.raises(DemoError, match="not demo data"):
        demo_load()


def test_scale_below_one_is_refused(db):
    with translation.override("en"), pytest.raises(DemoError, match="at least 1"):
        demo_load(scale=0)
    with translation.override("en"), pytest.raises(CommandError, match=r"--scale must be .* at least 1"):
        call_command("demo_seed", "--scale", "0")
    assert not Place.objects.exists()


def test_command_prints_url_logins_password_and_counts(db):
    out = StringIO()
    with translation.override("en"):
        call_command("demo_seed", "--url", "http://demo.example:8123/", stdout=out)
    text = out.getvalue()
    assert "http://demo.example:8123/" in text
    for username in [
        "admin",
        "city",
        "subdistrict",
        "community",
        "gridleader",
        "resident",
        "canteen",
        "department",
        "merchant",
        "partymember",
        "volunteer",
    ]:
        assert f"  {username} " in text
    assert settings.DEMO_PASSWORD in text
    assert "654301001001" in text
    # The 41 grid service points, and the living rooms of the 17 communities that had none.
    assert "4 subdistricts, 23 communities, 89 grids, 58 service points" in text
    assert "99 accounts" in text
    assert "3026 households" in text

    again = StringIO()
    with translation.override("en"):
        call_command("demo_seed", stdout=again)
    assert "already loaded" in again.getvalue()
    assert "http://127.0.0.1:8000/" in again.getvalue()
    assert Place.objects.filter(level=Level.GRID).count() == 89
