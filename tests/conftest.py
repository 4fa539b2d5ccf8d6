"""Shared fixtures: a small place tree with real boundaries, and accounts holding each role in scope."""

import importlib
from dataclasses import dataclass, field

import pytest
from django.db import connection

from huiketing.people.models import Organisation, Role, User
from huiketing.people.services import role_assign
from huiketing.places.models import Level, Place

CITY = "654301"


def square(lng: float, lat: float, size: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [
            [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
        ],
    }


def _place(code, level, parent, zh, boundary=None):
    centroid = {}
    if boundary:
        ring = boundary["coordinates"][0][:-1]
        centroid = {
            "centroid_lng": sum(p[0] for p in ring) / len(ring),
            "centroid_lat": sum(p[1] for p in ring) / len(ring),
        }
    return Place.objects.create(
        code=code,
        level=level,
        parent=parent,
        names={"zh-hans": zh, "en": zh, "ug": zh, "kk": zh},
        boundary=boundary,
        grid_type="integrated" if level == Level.GRID else "",
        **centroid,
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached indexes must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def audit_log_flushable(transactional_db):
    """Let a transactional test's database be emptied although the audit log refuses DELETE.

    PostgreSQL empties tables with TRUNCATE, which the triggers allow; SQLite empties them with DELETE, so the
    triggers are lifted for the flush and put back by the migration's own statements.
    """
    yield
    if connection.vendor == "sqlite":
        triggers = importlib.import_module("huiketing.core.migrations.0003_audit_append_only_triggers")
        with connection.cursor() as cursor:
            for statement in triggers.SQLITE_REVERSE:
                cursor.execute(statement)
            cursor.execute("DELETE FROM core_auditentry")
            for statement in triggers.SQLITE:
                cursor.execute(statement)


@dataclass
class Tree:
    city: Place
    subdistricts: list[Place] = field(default_factory=list)
    communities: list[Place] = field(default_factory=list)
    grids: list[Place] = field(default_factory=list)


@pytest.fixture
def tree(db) -> Tree:
    """City 654301 → subdistricts 001, 002 → 2 communities each → 2 grids each (0.01° squares near Altay).

    Grid 654301001001001 covers lng 88.10–88.11, lat 47.84–47.85; grids of the second subdistrict lie
    further east, so every grid has its own square.
    """
    city = _place(CITY, Level.CITY, None, "阿勒泰市")
    result = Tree(city=city)
    for s in range(2):
        sub = _place(f"{CITY}00{s + 1}", Level.SUBDISTRICT, city, f"街道{s + 1}")
        result.subdistricts.append(sub)
        for c in range(2):
            com = _place(f"{sub.code}00{c + 1}", Level.COMMUNITY, sub, f"社区{s + 1}-{c + 1}")
            result.communities.append(com)
            for g in range(2):
                lng = 88.10 + 0.04 * s + 0.02 * c + 0.01 * g
                grid = _place(
                    f"{com.code}00{g + 1}",
                    Level.GRID,
                    com,
                    f"网格{s + 1}-{c + 1}-{g + 1}",
                    square(lng, 47.84, 0.01),
                )
                result.grids.append(grid)
    return result


ORGANISATION_KIND = {
    Role.DEPARTMENT_STAFF: Organisation.Kind.DEPARTMENT,
    Role.INSTITUTION_OPERATOR: Organisation.Kind.INSTITUTION,
    Role.MERCHANT: Organisation.Kind.MERCHANT,
}


@pytest.fixture
def make_user(db):
    """An account holding `role`. Organisation roles get an organisation sitting at `place_code`."""

    def make(username: str, role: str | None = None, place_code: str = "", organisation=None, **extra):
        user = User.objects.create_user(username=username, password="pass-for-tests-1", **extra)
        if role in ORGANISATION_KIND and organisation is None:
            organisation = Organisation.objects.create(
                kind=ORGANISATION_KIND[role], names={"zh-hans": f"{username}的单位"}, place_code=place_code
            )
        if organisation is not None:
            place_code = ""
        if role:
            role_assign(by=None, user=user, role=role, place_code=place_code, organisation=organisation)
        return user

    return make


@pytest.fixture
def staff(tree, make_user):
    """One account per place-scoped staff role, scoped to the first grid's ancestors."""
    grid = tree.grids[0]
    return {
        Role.GRID_LEADER: make_user("t_gridleader", Role.GRID_LEADER, grid.code),
        Role.GRID_WORKER: make_user("t_gridworker", Role.GRID_WORKER, grid.code),
        Role.COMMUNITY_STAFF: make_user("t_community", Role.COMMUNITY_STAFF, grid.code[:12]),
        Role.SUBDISTRICT_OFFICER: make_user("t_subdistrict", Role.SUBDISTRICT_OFFICER, grid.code[:9]),
        Role.CITY_OFFICER: make_user("t_city", Role.CITY_OFFICER, CITY),
        Role.ADMIN: make_user("t_admin", Role.ADMIN, ""),
    }
