"""The REST API of projects: the public list with progress, a project as data, marking a milestone done."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from huiketing.matters import services as matter_services
from huiketing.matters.models import Evaluation
from huiketing.projects import services
from huiketing.projects.models import Party

from .conftest import image_upload, make_project, milestones


@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def _done_url(project, milestone) -> str:
    return reverse("api-project-milestone-done", args=[project.pk, milestone.pk])


def test_the_list_carries_each_projects_progress(api, tree, community_staff):
    project = make_project(community_staff, tree.communities[0].code, title="路灯")
    services.project_start(by=community_staff, project=project)
    services.milestone_done(by=community_staff, milestone=project.milestones.order_by("position").first())
    far = make_project(community_staff, tree.communities[2].code, title="远处")
    response = api.get(reverse("api-projects"))
    assert response.status_code == 200
    by_id = {item["id"]: item for item in response.json()["results"]}
    assert by_id[project.pk]["progress"] == 33
    assert (by_id[project.pk]["milestones"], by_id[project.pk]["milestones_done"]) == (3, 1)
    assert by_id[project.pk]["status"] == "in_progress" and by_id[far.pk]["progress"] == 0
    assert by_id[project.pk]["url"].endswith(reverse("projects:detail", args=[project.pk]))
    mine = api.get(reverse("api-projects"), {"community": tree.communities[0].code}).json()["results"]
    assert [item["id"] for item in mine] == [project.pk]
    bad = api.get(reverse("api-projects"), {"community": "12"})
    assert bad.status_code == 400 and "community" in bad.json()["error"]["fields"]


def test_a_project_as_data(api, tree, community_staff, resident_user, decision, tabled_matter, parties):
    project = services.project_create_from_decision(
        by=community_staff,
        item=decision,
        budget="8000",
        milestones=milestones(),
        parties=[
            {"kind": Party.Kind.PROPERTY_COMPANY, "role": Party.Role.LEAD, "organisation": parties.company}
        ],
    )
    services.project_start(by=community_staff, project=project)
    for milestone in project.milestones.all():
        services.milestone_done(by=community_staff, milestone=milestone)
    services.photo_add(by=community_staff, project=project, stage="after", file=image_upload())
    services.project_finish(by=community_staff, project=project)
    matter_services.matter_evaluate(
        by=resident_user, matter=tabled_matter, result=Evaluation.Result.BASICALLY, solved=True
    )
    data = api.get(reverse("api-project", args=[project.pk])).json()
    assert data["progress"] == 100 and data["status"] == "done"
    assert [m["done"] for m in data["milestone_list"]] == [True, True, True]
    assert data["parties"] == [
        {
            "name": "Jinshan Property",
            "kind": "property_company",
            "kind_display": "Property company",
            "role": "lead",
            "role_display": "Responsible",
        }
    ]
    assert data["photos"][0]["stage"] == "after" and "/projects/photos/" in data["photos"][0]["url"]
    assert data["budget"] == "8000.00"
    assert data["decision"]["title"] == decision.title
    assert data["matter"]["id"] == tabled_matter.pk
    assert data["matter"]["evaluation"]["result"] == "basically"
    sentences = [entry["sentence"] for entry in data["timeline"]]
    assert "Jinshan Property is responsible for the work." in sentences
    assert "The project was finished: every milestone is done." in sentences
    assert api.get(reverse("api-project", args=[project.pk + 100])).status_code == 404


def test_staff_mark_a_milestone_done(
    api, tree, community_staff, other_community_staff, resident_user, parties
):
    project = make_project(
        community_staff,
        tree.communities[0].code,
        parties=[{"kind": Party.Kind.PROPERTY_COMPANY, "organisation": parties.company}],
    )
    services.project_start(by=community_staff, project=project)
    first, second, _third = project.milestones.order_by("position")
    assert api.post(_done_url(project, first), {"note": "x"}, format="json").status_code == 401
    api.force_authenticate(resident_user)
    assert api.post(_done_url(project, first), {}, format="json").status_code == 403
    api.force_authenticate(other_community_staff)
    assert api.post(_done_url(project, first), {}, format="json").status_code == 404
    api.force_authenticate(community_staff)
    response = api.post(
        _done_url(project, first), {"note": "采购完成"}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert response.status_code == 200
    assert response.json()["progress"] == 33 and response.json()["milestone"]["note"] == "采购完成"
    replay = api.post(
        _done_url(project, first), {"note": "采购完成"}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert replay.status_code == 200 and replay["Idempotent-Replayed"] == "true"
    again = api.post(_done_url(project, first), {}, format="json")
    assert again.status_code == 400
    assert again.json()["error"]["message"] == "This milestone is already done."
    api.force_authenticate(parties.company_staff)
    response = api.post(_done_url(project, second), {}, format="json")
    assert response.status_code == 200 and response.json()["progress"] == 66
    other = make_project(community_staff, tree.communities[0].code, title="其他")
    assert api.post(_done_url(project, other.milestones.first()), {}, format="json").status_code == 404
    assert api.get(_done_url(project, second)).status_code == 405
