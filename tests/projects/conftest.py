"""Fixtures of the projects tests: a tabled matter raised by a resident, an approved decision on it in effect,
handling units and organisations to name as parties, and staff of the first community."""

import io
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from huiketing.matters import services as matter_services
from huiketing.matters.models import Category, HandlingUnit, Matter
from huiketing.meetings.models import (
    AgendaItem,
    ItemDecision,
    Meeting,
    MeetingKind,
    MeetingStatus,
    NoticeStatus,
    Topic,
    TopicStatus,
)
from huiketing.people.models import Organisation, Role, User
from huiketing.places import geo
from huiketing.projects import services


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
def category(db) -> Category:
    return matter_services.category_save(
        by=None,
        code="public_facilities",
        names={"zh-hans": "公共设施", "en": "Public facilities"},
    )


@pytest.fixture
def community_staff(tree, make_user) -> User:
    return make_user("t_p_community", Role.COMMUNITY_STAFF, tree.communities[0].code)


@pytest.fixture
def other_community_staff(tree, make_user) -> User:
    """Community staff of a community of the second subdistrict: everything here is out of their scope."""
    return make_user("t_p_community_far", Role.COMMUNITY_STAFF, tree.communities[2].code)


@pytest.fixture
def resident_user(tree, make_user) -> User:
    return make_user("t_p_resident", Role.RESIDENT, tree.grids[0].code)


@pytest.fixture
def tabled_matter(tree, category, resident_user, community_staff) -> Matter:
    matter = matter_services.matter_raise(
        by=resident_user,
        title="小区健身器材损坏",
        description="3号楼前的健身器材坏了，需要更换",
        category=category,
        place_code=tree.grids[0].code,
    )
    return matter_services.matter_table(by=community_staff, matter=matter, note="提交居民议事")


def make_decision(
    *,
    place_code: str,
    matter: Matter | None = None,
    decision: str = ItemDecision.APPROVED,
    notice: str = NoticeStatus.EFFECTIVE,
    title: str = "更换3号楼前的健身器材",
) -> AgendaItem:
    """An agenda item of a closed meeting, decided. Meetings are run by their own services (tests/meetings);
    here only the outcome a project starts from is written."""
    kind, _created = MeetingKind.objects.get_or_create(
        code="test-residents", defaults={"names": {"en": "Test"}}
    )
    now = timezone.now()
    meeting = Meeting.objects.create(
        kind=kind,
        title="居民议事会",
        place_code=place_code,
        starts_at=now - timedelta(days=10),
        status=MeetingStatus.CLOSED,
    )
    topic = None
    if matter is not None:
        topic = Topic.objects.create(
            title=matter.title,
            background=matter.description,
            place_code=place_code,
            origin=Topic.Origin.MATTER,
            matter=matter,
            status=TopicStatus.DECIDED,
        )
    return AgendaItem.objects.create(
        meeting=meeting,
        topic=topic,
        title=title,
        description="由社区出资更换",
        decision=decision,
        decision_reasons="到会居民一致同意",
        decided_at=now - timedelta(days=9),
        notice_status=notice,
        effective_at=now - timedelta(days=2) if notice == NoticeStatus.EFFECTIVE else None,
    )


@pytest.fixture
def decision(tree, tabled_matter) -> AgendaItem:
    return make_decision(place_code=tree.communities[0].code, matter=tabled_matter)


@dataclass
class Parties:
    community_unit: HandlingUnit
    company: Organisation
    company_staff: User
    far_company: Organisation
    far_company_staff: User


@pytest.fixture
def parties(tree, make_user) -> Parties:
    community = tree.communities[0]
    company = Organisation.objects.create(
        kind=Organisation.Kind.PROPERTY_COMPANY,
        names={"zh-hans": "金山物业", "en": "Jinshan Property"},
        place_code=community.code,
    )
    far_company = Organisation.objects.create(
        kind=Organisation.Kind.PROPERTY_COMPANY,
        names={"zh-hans": "银河物业", "en": "Galaxy Property"},
        place_code=tree.communities[2].code,
    )
    return Parties(
        community_unit=matter_services.handling_unit_create(
            by=None,
            kind=HandlingUnit.Kind.COMMUNITY,
            names={"zh-hans": "社区居委会", "en": "Residents' committee"},
            place_code=community.code,
        ),
        company=company,
        company_staff=make_user("t_p_property", Role.DEPARTMENT_STAFF, organisation=company),
        far_company=far_company,
        far_company_staff=make_user("t_p_property_far", Role.DEPARTMENT_STAFF, organisation=far_company),
    )


def milestones(count: int = 3, weights=None) -> list[dict]:
    start = date.today() + timedelta(days=7)
    weights = weights or [1] * count
    return [
        {"title": f"第{n + 1}步", "due_on": start + timedelta(days=7 * n), "weight": weights[n]}
        for n in range(count)
    ]


def make_project(by, place_code: str, *, milestone_count: int = 3, parties=(), **extra):
    return services.project_create(
        by=by,
        title=extra.pop("title", "社区自己的项目"),
        description=extra.pop("description", "修缮小区围墙"),
        place_code=place_code,
        milestones=milestones(milestone_count),
        parties=parties,
        **extra,
    )


def image_upload(name: str = "photo.jpg", *, with_gps: bool = False, size=(64, 48)) -> SimpleUploadedFile:
    """A JPEG; with GPS data in its EXIF (as a phone writes where it was taken) when asked."""
    from PIL import Image

    image = Image.new("RGB", size, (200, 80, 40))
    out = io.BytesIO()
    if with_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        gps = exif.get_ifd(0x8825)
        gps[1] = "N"
        gps[2] = (47.0, 50.0, 42.0)
        gps[3] = "E"
        gps[4] = (88.0, 8.0, 24.0)
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")
