"""Fixtures of the matters tests: categories, handling units and the people who raise and handle matters."""

from dataclasses import dataclass

import pytest

from huiketing.matters import services
from huiketing.matters.models import Category, HandlingUnit
from huiketing.people.models import Organisation, Role, User
from huiketing.places import geo


@pytest.fixture(autouse=True)
def _fresh_index():
    geo.grid_index.clear()
    yield
    geo.grid_index.clear()


@pytest.fixture
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def categories(db) -> dict[str, Category]:
    made = {}
    for position, (code, zh, en, hours, days, kind) in enumerate(
        [
            ("public_facilities", "公共设施", "Public facilities", 24, 7, HandlingUnit.Kind.COMMUNITY),
            ("environment", "环境卫生", "Environment and sanitation", 24, 5, HandlingUnit.Kind.DEPARTMENT),
            ("property", "物业管理", "Property management", 24, 7, HandlingUnit.Kind.PROPERTY_COMPANY),
            ("neighbours", "邻里纠纷", "Neighbour disputes", 12, 10, HandlingUnit.Kind.COMMUNITY),
        ]
    ):
        made[code] = services.category_save(
            by=None,
            code=code,
            names={"zh-hans": zh, "en": en, "ug": zh, "kk": zh},
            sign_hours=hours,
            resolve_working_days=days,
            default_unit_kind=kind,
            position=position,
        )
    return made


@dataclass
class Units:
    community: HandlingUnit
    department: HandlingUnit
    department_staff: User
    property_company: HandlingUnit
    property_staff: User


@pytest.fixture
def units(tree, make_user) -> Units:
    """The first community's own unit; a city department and a property company, each with a staff account."""
    community = tree.communities[0]
    department = Organisation.objects.create(
        kind=Organisation.Kind.DEPARTMENT,
        names={"zh-hans": "市城管局", "en": "City management"},
        place_code="654301",
    )
    company = Organisation.objects.create(
        kind=Organisation.Kind.PROPERTY_COMPANY,
        names={"zh-hans": "金山物业", "en": "Jinshan Property"},
        place_code=community.code,
    )
    return Units(
        community=services.handling_unit_create(
            by=None, kind=HandlingUnit.Kind.COMMUNITY, names=dict(community.names), place_code=community.code
        ),
        department=services.handling_unit_create(
            by=None,
            kind=HandlingUnit.Kind.DEPARTMENT,
            names=dict(department.names),
            place_code="654301",
            organisation=department,
        ),
        department_staff=make_user("t_citymgmt", Role.DEPARTMENT_STAFF, organisation=department),
        property_company=services.handling_unit_create(
            by=None,
            kind=HandlingUnit.Kind.PROPERTY_COMPANY,
            names=dict(company.names),
            place_code=community.code,
            organisation=company,
        ),
        property_staff=make_user("t_property", Role.DEPARTMENT_STAFF, organisation=company),
    )


@pytest.fixture
def resident_user(make_user):
    return make_user("t_resident", Role.RESIDENT, "654301001001001")


# A point inside grid 654301001001001 (lng 88.10–88.11, lat 47.84–47.85; see tests/conftest.py).
INSIDE_FIRST_GRID = (47.845, 88.105)
