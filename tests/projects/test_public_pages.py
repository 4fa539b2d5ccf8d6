"""The public pages of projects: the list with progress, the progress page, photos; and the questions they ask
the database, which do not grow with the data."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huiketing.matters import services as matter_services
from huiketing.matters.models import Evaluation
from huiketing.people import services as people_services
from huiketing.projects import services
from huiketing.projects.models import Milestone, Party, Photo, Project

from .conftest import image_upload, make_project, milestones


def _page(client, url: str, **params):
    return client.get(url, {"lang": "en", **params})


def _text(response) -> str:
    return response.content.decode()


def _plain(response) -> str:
    """The page's text without tags, entities resolved and spaces collapsed."""
    import html
    import re

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split()).replace(
        " .", "."
    )


@pytest.fixture
def running(tree, community_staff, parties):
    """A project under way with two parties, two of three milestones done, a budget partly spent, photos
    before and after, and a resident who took part."""
    project = services.project_create(
        by=community_staff,
        title="Replace the fitness equipment",
        description="New equipment in front of building 3.",
        place_code=tree.communities[0].code,
        budget="20000",
        funding_source="government",
        funding_note="Street beautification fund",
        due_on=date.today() + timedelta(days=60),
        milestones=milestones(3, weights=[1, 1, 2]),
        parties=[
            {"kind": Party.Kind.COMMUNITY, "role": Party.Role.LEAD, "unit": parties.community_unit},
            {"kind": Party.Kind.PROPERTY_COMPANY, "organisation": parties.company},
        ],
    )
    services.project_start(by=community_staff, project=project)
    first, second, _third = project.milestones.order_by("position")
    services.milestone_done(by=community_staff, milestone=first, note="Old equipment removed")
    services.milestone_done(by=community_staff, milestone=second)
    services.project_update(by=community_staff, project=project, spent="5000")
    services.photo_add(
        by=community_staff, project=project, stage="before", file=image_upload(), caption="Broken"
    )
    services.photo_add(by=community_staff, project=project, stage="after", file=image_upload(), caption="New")
    household = people_services.household_create(by=None, grid=tree.grids[0], building="3", room="202")
    resident = people_services.resident_create(by=None, household=household, full_name="艾力江")
    services.participation_record(
        by=community_staff, project=project, resident=resident, what="Carried boxes"
    )
    return project


def test_the_list_shows_each_project_with_its_progress(client, tree, running, community_staff):
    other = make_project(community_staff, tree.communities[2].code, title="Paint the fence")
    response = _page(client, reverse("projects:list"))
    assert response.status_code == 200
    text = _text(response)
    assert "Replace the fitness equipment" in text and "Paint the fence" in text
    assert 'aria-valuenow="50"' in text  # 2 of 4 weights done
    assert "2 of 3 milestones done" in _plain(response)
    only_mine = _text(_page(client, reverse("projects:list"), community=tree.communities[0].code))
    assert "Replace the fitness equipment" in only_mine and "Paint the fence" not in only_mine
    planned = _text(_page(client, reverse("projects:list"), status="planned"))
    assert "Paint the fence" in planned and "Replace the fitness equipment" not in planned
    refused = _page(client, reverse("projects:list"), status="nonsense")
    assert refused.status_code == 200 and "Correct the filters" in _text(refused)
    assert other.pk


def test_the_progress_page_shows_everything_computed_from_records(client, running):
    response = _page(client, reverse("projects:detail", args=[running.pk]))
    assert response.status_code == 200
    text = _text(response)
    assert 'aria-valuenow="50"' in text and "<bdi>50%</bdi>" in text
    assert text.count("✓") == 2 and text.count("○") == 1
    assert "Old equipment removed" in text
    assert "20,000.00" in text and "5,000.00" in text and "25%" in text
    assert "Government budget" in text and "Street beautification fund" in text
    assert "Residents&#x27; committee" in text and "Jinshan Property" in text
    assert "Responsible" in text and "Taking part" in text
    assert "1 resident took part in the work." in _plain(response)
    assert "艾力江" not in text  # who took part is counted, never named
    photos = list(running.photos.order_by("id"))
    for photo in photos:
        assert reverse("projects:photo", args=[photo.pk]) in text
    assert text.index(">Before<") < text.index(">After<")
    assert "Milestone reached: <bdi>第1步</bdi>." in text
    assert "Residents&#x27; committee</bdi> is responsible for the work." in text
    assert "Spending so far: <bdi>5,000.00</bdi> yuan of a budget of <bdi>20,000.00</bdi> yuan." in text


def test_the_progress_page_links_the_decision_and_the_matter_with_its_evaluation(
    client, tree, community_staff, resident_user, decision, tabled_matter
):
    project = services.project_create_from_decision(
        by=community_staff, item=decision, milestones=milestones()
    )
    services.project_start(by=community_staff, project=project)
    for milestone in project.milestones.all():
        services.milestone_done(by=community_staff, milestone=milestone)
    services.project_finish(by=community_staff, project=project, note="All replaced")
    matter_services.matter_evaluate(
        by=resident_user, matter=tabled_matter, result=Evaluation.Result.SATISFIED, solved=True
    )
    response = _page(client, reverse("projects:detail", args=[project.pk]))
    text = _text(response)
    assert reverse("matters:detail", args=[tabled_matter.pk]) in text
    assert "The resident's evaluation: Satisfied" in _plain(response)
    assert "decided at the meeting" in text and decision.title in text
    assert "All replaced" in text
    # The matter's page says where it went, with a link back.
    matter_page = _text(_page(client, reverse("matters:detail", args=[tabled_matter.pk])))
    assert reverse("projects:detail", args=[project.pk]) in matter_page
    assert "Taken on as project" in matter_page and "was finished" in matter_page
    # A matter hidden from the public is not linked.
    tabled_matter.is_hidden = True
    tabled_matter.save(update_fields=["is_hidden"])
    assert reverse("matters:detail", args=[tabled_matter.pk]) not in _text(
        _page(client, reverse("projects:detail", args=[project.pk]))
    )


def test_photos_are_served_through_a_view(client, running):
    photo = running.photos.first()
    response = client.get(reverse("projects:photo", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(reverse("projects:photo", args=[photo.pk + 1000])).status_code == 404


def test_a_missing_project_is_a_404(client, db):
    assert client.get(reverse("projects:detail", args=[999])).status_code == 404


# Queries do not grow with the data --------------------------------------------------------------------------


def _count(client, path: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def _grow(project: Project, by, *, milestone_count: int, photo_count: int, party_count: int, done: int):
    """Bring a project to this many milestones (some done), photos and named parties."""
    from django.utils import timezone

    start = date.today()
    Milestone.objects.bulk_create(
        Milestone(
            project=project,
            position=10 + n,
            title=f"步骤{n}",
            due_on=start + timedelta(days=n),
            weight=1 + n % 3,
            done_at=timezone.now() if n < done else None,
        )
        for n in range(milestone_count - project.milestones.count())
    )
    for n in range(photo_count - project.photos.count()):
        services.photo_add(
            by=by, project=project, stage=("before", "during", "after")[n % 3], file=image_upload()
        )
    for n in range(party_count - project.parties.count()):
        services.party_add(by=by, project=project, kind=Party.Kind.VOLUNTEERS, name=f"志愿队{n}")


def test_the_progress_page_asks_as_much_with_30_milestones_as_with_3(client, tree, community_staff):
    code = tree.communities[0].code
    small = make_project(community_staff, code, title="small")
    large = make_project(community_staff, code, title="large")
    for project in (small, large):
        services.project_start(by=community_staff, project=project)
    _grow(small, community_staff, milestone_count=3, photo_count=2, party_count=2, done=1)
    _grow(large, community_staff, milestone_count=30, photo_count=20, party_count=10, done=12)
    small_count = _count(client, reverse("projects:detail", args=[small.pk]))
    assert _count(client, reverse("projects:detail", args=[large.pk])) == small_count
    assert Photo.objects.filter(project=large).count() == 20


def test_the_list_asks_as_much_for_50_projects_as_for_5(client, tree, community_staff):
    code = tree.communities[0].code
    for n in range(5):
        project = make_project(community_staff, code, title=f"p{n}")
        _grow(project, community_staff, milestone_count=3, photo_count=0, party_count=2, done=1)
    before = _count(client, reverse("projects:list"))
    for n in range(45):
        project = make_project(community_staff, tree.communities[n % 4].code, title=f"q{n}")
        _grow(project, community_staff, milestone_count=30, photo_count=0, party_count=10, done=n % 30)
    assert Project.objects.count() == 50
    assert _count(client, reverse("projects:list")) == before
    assert _count(client, reverse("projects:list") + "?page=2") == before
