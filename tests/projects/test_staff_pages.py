"""The staff pages of projects: setting one up from a decision, running it from its page, the parties'
staff reporting progress, scope (missing and out of scope are both 404), the export, and query counts."""

import html
import io
import re
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from huiketing.core.models import AuditEntry
from huiketing.matters.models import MatterEvent
from huiketing.matters.models import Status as MatterStatus
from huiketing.people import services as people_services
from huiketing.people.models import Role
from huiketing.points.services import points_rules_ensure
from huiketing.projects import services
from huiketing.projects.models import Milestone, Party, Project, Status

from .conftest import image_upload, make_project, milestones


def _plain(response) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return " ".join(text.split()).replace(" .", ".")


def _url(name: str, project: Project, *args) -> str:
    return reverse(f"projects:{name}", args=[project.pk, *args]) + "?lang=en"


@pytest.fixture
def staff_client(client, community_staff):
    client.force_login(community_staff)
    return client


# Setting a project up ---------------------------------------------------------------------------------------


def test_a_decision_is_chosen_and_becomes_a_project(staff_client, tree, decision, tabled_matter, parties):
    chooser = staff_client.get(reverse("projects:staff-new"), {"lang": "en"})
    assert chooser.status_code == 200
    assert f"?decision={decision.pk}" in chooser.content.decode()
    form = staff_client.get(reverse("projects:staff-new"), {"decision": decision.pk, "lang": "en"})
    assert form.status_code == 200
    assert decision.title in form.content.decode()
    assert "It takes matter" in _plain(form)
    due = date.today() + timedelta(days=30)
    data = {
        "decision": decision.pk,
        "title": decision.title,
        "description": "更换健身器材",
        "place_code": tree.communities[0].code,
        "budget": "15000",
        "funding_source": "community",
        "funding_note": "",
        "starts_on": date.today().isoformat(),
        "due_on": due.isoformat(),
        "milestones-TOTAL_FORMS": "5",
        "milestones-INITIAL_FORMS": "0",
        "parties-TOTAL_FORMS": "3",
        "parties-INITIAL_FORMS": "0",
    }
    for n, (title, weight) in enumerate([("采购", 1), ("安装", 2), ("验收", 1)]):
        data[f"milestones-{n}-title"] = title
        data[f"milestones-{n}-due_on"] = (date.today() + timedelta(days=10 * (n + 1))).isoformat()
        data[f"milestones-{n}-weight"] = str(weight)
    data.update(
        {
            "parties-0-kind": Party.Kind.COMMUNITY,
            "parties-0-role": Party.Role.LEAD,
            "parties-0-unit": str(parties.community_unit.pk),
            "parties-1-kind": Party.Kind.PROPERTY_COMPANY,
            "parties-1-role": Party.Role.SUPPORT,
            "parties-1-organisation": str(parties.company.pk),
        }
    )
    response = staff_client.post(reverse("projects:staff-new") + "?lang=en", data)
    assert response.status_code == 302, _plain(response)
    project = Project.objects.get(agenda_item=decision)
    assert response["Location"] == reverse("projects:staff-detail", args=[project.pk])
    assert project.matter == tabled_matter and project.budget == 15000
    assert list(project.milestones.order_by("position").values_list("title", "weight")) == [
        ("采购", 1),
        ("安装", 2),
        ("验收", 1),
    ]
    assert project.parties.count() == 2
    # The decision is a project now: it is no longer offered, and a second try is refused.
    assert f"?decision={decision.pk}" not in staff_client.get(reverse("projects:staff-new")).content.decode()
    assert staff_client.post(reverse("projects:staff-new"), data).status_code == 404


def test_errors_are_shown_next_to_their_fields(staff_client, tree):
    data = {
        "title": "",
        "description": "x",
        "place_code": tree.communities[0].code,
        "budget": "12.345",
        "funding_source": "community",
        "due_on": (date.today() - timedelta(days=1)).isoformat(),
        "starts_on": date.today().isoformat(),
        "milestones-TOTAL_FORMS": "1",
        "milestones-INITIAL_FORMS": "0",
        "milestones-0-title": "无日期",
        "parties-TOTAL_FORMS": "0",
        "parties-INITIAL_FORMS": "0",
    }
    response = staff_client.post(reverse("projects:staff-new") + "?lang=en&blank=1", data)
    assert response.status_code == 400
    text = _plain(response)
    assert "This field is required." in text
    assert not Project.objects.exists()
    data.update(title="围墙修缮", **{"milestones-0-due_on": date.today().isoformat()})
    response = staff_client.post(reverse("projects:staff-new") + "?lang=en", data)
    assert response.status_code == 400
    assert "An amount has at most two decimals (fen)." in _plain(response)
    data["budget"] = "100"
    response = staff_client.post(reverse("projects:staff-new") + "?lang=en", data)
    assert response.status_code == 400
    assert "The project cannot be due before it starts." in _plain(response)
    # A place outside the user's scope is not among the choices.
    data.update(due_on="", place_code=tree.communities[2].code)
    response = staff_client.post(reverse("projects:staff-new") + "?lang=en", data)
    assert response.status_code == 400 and not Project.objects.exists()
    data["place_code"] = tree.grids[1].code
    assert staff_client.post(reverse("projects:staff-new"), data).status_code == 302
    assert Project.objects.get().place_code == tree.grids[1].code


# Running a project from its page ----------------------------------------------------------------------------


def test_a_project_is_run_from_its_page_to_the_end(
    staff_client, tree, community_staff, decision, tabled_matter
):
    project = services.project_create_from_decision(
        by=community_staff, item=decision, milestones=milestones()
    )
    page = staff_client.get(_url("staff-detail", project))
    assert page.status_code == 200 and "Start the work" in _plain(page)
    assert staff_client.post(_url("staff-start", project)).status_code == 302
    tabled_matter.refresh_from_db()
    assert tabled_matter.status == MatterStatus.IN_PROGRESS
    first, second, third = project.milestones.order_by("position")
    refused = staff_client.post(_url("staff-finish", project), {"note": ""})
    assert refused.status_code == 400
    assert "3 milestones are not done yet" in _plain(refused)
    for milestone in (first, second):
        response = staff_client.post(_url("staff-milestone-done", project, milestone.pk), {"note": "好了"})
        assert response.status_code == 302
    again = staff_client.post(_url("staff-milestone-done", project, first.pk), {"note": ""})
    assert again.status_code == 400 and "This milestone is already done." in _plain(again)
    assert staff_client.post(_url("staff-milestone-undo", project, second.pk)).status_code == 302
    for milestone in (second, third):
        staff_client.post(_url("staff-milestone-done", project, milestone.pk), {"note": ""})
    upload = staff_client.post(
        _url("staff-photo-add", project), {"stage": "after", "caption": "新器材", "image": image_upload()}
    )
    assert upload.status_code == 302
    bad = staff_client.post(
        _url("staff-photo-add", project),
        {"stage": "after", "image": image_upload().__class__("x.jpg", b"no", content_type="image/jpeg")},
    )
    assert bad.status_code == 400 and "This file is not a photo we can read." in _plain(bad)
    done = staff_client.post(_url("staff-finish", project), {"note": "器材已更换"})
    assert done.status_code == 302
    project.refresh_from_db()
    tabled_matter.refresh_from_db()
    assert project.status == Status.DONE and tabled_matter.status == MatterStatus.DONE
    assert tabled_matter.events.filter(kind=MatterEvent.Kind.PROJECT_FINISHED).exists()
    page = staff_client.get(_url("staff-detail", project))
    assert "Finish the project" not in _plain(page) and "Mark done" not in _plain(page)


def test_milestones_and_parties_are_edited_on_the_page(staff_client, tree, community_staff, parties):
    project = make_project(community_staff, tree.communities[0].code)
    due = (date.today() + timedelta(days=40)).isoformat()
    added = staff_client.post(
        _url("staff-milestone-add", project), {"title": "验收", "due_on": due, "weight": 3}
    )
    assert added.status_code == 302
    milestone = project.milestones.get(title="验收")
    refused = staff_client.post(
        _url("staff-milestone-add", project), {"title": "x", "due_on": due, "weight": 0}
    )
    assert refused.status_code == 400
    edit = staff_client.post(
        _url("staff-milestone-edit", project, milestone.pk), {"title": "竣工验收", "due_on": due, "weight": 2}
    )
    assert edit.status_code == 302
    assert (
        staff_client.post(
            _url("staff-milestone-move", project, milestone.pk), {"direction": "up"}
        ).status_code
        == 302
    )
    assert list(project.milestones.order_by("position").values_list("title", flat=True))[2] == "竣工验收"
    assert staff_client.post(_url("staff-milestone-remove", project, milestone.pk)).status_code == 302
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
    party = staff_client.post(
        _url("staff-party-add", project),
        {"kind": Party.Kind.PROPERTY_COMPANY, "role": Party.Role.SUPPORT, "organisation": parties.company.pk},
    )
    assert party.status_code == 302
    # An organisation far from the project's place is not offered.
    far = staff_client.post(
        _url("staff-party-add", project),
        {
            "kind": Party.Kind.PROPERTY_COMPANY,
            "role": Party.Role.SUPPORT,
            "organisation": parties.far_company.pk,
        },
    )
    assert far.status_code == 400
    nothing = staff_client.post(
        _url("staff-party-add", project), {"kind": Party.Kind.VOLUNTEERS, "role": Party.Role.SUPPORT}
    )
    assert nothing.status_code == 400 and "one of the three" in _plain(nothing)
    party_id = project.parties.get().pk
    assert staff_client.post(_url("staff-party-remove", project, party_id)).status_code == 302
    assert not project.parties.exists()
    # Another project's milestone is not this one's.
    other = make_project(community_staff, tree.communities[0].code, title="其他")
    foreign = other.milestones.first()
    assert staff_client.post(_url("staff-milestone-remove", project, foreign.pk)).status_code == 404


def test_spending_is_edited_within_the_budget(staff_client, tree, community_staff):
    project = make_project(community_staff, tree.communities[0].code, budget="1000")
    data = {
        "title": project.title,
        "description": project.description,
        "place_code": project.place_code,
        "budget": "1000",
        "spent": "1200",
        "funding_source": "community",
    }
    response = staff_client.post(_url("staff-edit", project), data)
    assert response.status_code == 400
    assert 'id="id_spent"' in response.content.decode()
    assert "more than the budget" in _plain(response)
    data["spent"] = "999.99"
    assert staff_client.post(_url("staff-edit", project), data).status_code == 302
    project.refresh_from_db()
    assert str(project.spent) == "999.99"


def test_residents_taking_part_are_found_and_recorded(staff_client, tree, community_staff):
    points_rules_ensure()
    household = people_services.household_create(by=None, grid=tree.grids[0], building="3", room="101")
    resident = people_services.resident_create(by=None, household=household, full_name="阿依古丽")
    far_household = people_services.household_create(by=None, grid=tree.grids[4], building="1", room="1")
    people_services.resident_create(by=None, household=far_household, full_name="阿依古丽")
    project = make_project(community_staff, tree.communities[0].code)
    services.project_start(by=community_staff, project=project)
    found = staff_client.get(_url("staff-participants", project), {"name": "阿依"})
    assert found.status_code == 200
    assert found.content.decode().count('name="resident"') == 1  # the namesake out of scope is not offered
    response = staff_client.post(
        _url("staff-participants", project), {"name": "阿依", "resident": resident.pk, "what": "清理场地"}
    )
    assert response.status_code == 302
    assert project.participations.get().resident == resident
    page = staff_client.get(_url("staff-detail", project))
    assert "阿***" in page.content.decode() and "阿依古丽" not in page.content.decode()


# Scope ------------------------------------------------------------------------------------------------------


def test_out_of_scope_is_missing(client, tree, community_staff, other_community_staff):
    project = make_project(community_staff, tree.communities[0].code)
    client.force_login(other_community_staff)
    milestone = project.milestones.first()
    assert client.get(_url("staff-detail", project)).status_code == 404
    assert client.get(_url("staff-edit", project)).status_code == 404
    assert client.post(_url("staff-start", project)).status_code == 404
    assert client.post(_url("staff-milestone-done", project, milestone.pk), {"note": ""}).status_code == 404
    assert client.get(reverse("projects:staff-detail", args=[project.pk + 99])).status_code == 404
    assert project.pk not in [p.pk for p in client.get(reverse("projects:staff-list")).context["projects"]]
    project.refresh_from_db()
    assert project.status == Status.PLANNED


def test_a_partys_staff_report_progress_but_do_not_run_the_project(client, tree, community_staff, parties):
    project = make_project(
        community_staff,
        tree.communities[0].code,
        parties=[{"kind": Party.Kind.PROPERTY_COMPANY, "organisation": parties.company}],
    )
    services.project_start(by=community_staff, project=project)
    milestone = project.milestones.order_by("position").first()
    client.force_login(parties.company_staff)
    assert [p.pk for p in client.get(reverse("projects:staff-list")).context["projects"]] == [project.pk]
    page = client.get(_url("staff-detail", project))
    assert page.status_code == 200 and "Mark done" in _plain(page) and "Suspend the work" not in _plain(page)
    assert (
        client.post(_url("staff-milestone-done", project, milestone.pk), {"note": "已安装"}).status_code
        == 302
    )
    assert (
        client.post(
            _url("staff-photo-add", project), {"stage": "during", "image": image_upload()}
        ).status_code
        == 302
    )
    assert client.post(_url("staff-suspend", project), {"reason": "x"}).status_code == 404
    assert client.post(_url("staff-milestone-add", project), {"title": "x"}).status_code == 404
    assert client.get(reverse("projects:staff-new")).status_code == 403
    client.force_login(parties.far_company_staff)
    assert client.get(_url("staff-detail", project)).status_code == 404


def test_residents_have_no_staff_pages(client, resident_user, tree, community_staff):
    project = make_project(community_staff, tree.communities[0].code)
    client.force_login(resident_user)
    assert client.get(reverse("projects:staff-list")).status_code == 403
    assert client.get(_url("staff-detail", project)).status_code == 404


# Export -----------------------------------------------------------------------------------------------------


def test_the_export_holds_the_projects_in_scope_with_progress_and_money(
    staff_client, tree, community_staff, other_community_staff
):
    mine = make_project(community_staff, tree.communities[0].code, title="=cmd|' /C calc'!A0", budget="5000")
    services.project_start(by=community_staff, project=mine)
    services.milestone_done(by=community_staff, milestone=mine.milestones.order_by("position").first())
    make_project(other_community_staff, tree.communities[2].code, title="far away")
    response = staff_client.get(reverse("projects:staff-export"), {"lang": "en"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook["Projects"].iter_rows(values_only=True))
    assert rows[0][:7] == ("Number", "Title", "Place code", "Place", "Status", "Late", "Progress (%)")
    assert len(rows) == 2
    row = rows[1]
    assert row[1] == "'=cmd|' /C calc'!A0"  # never a formula
    assert row[6] == 33 and row[7] == 1 and row[8] == 3 and row[9] == 5000
    milestone_rows = list(workbook["Milestones"].iter_rows(values_only=True))
    assert len(milestone_rows) == 4
    assert AuditEntry.objects.filter(action="projects.export", actor=community_staff).exists()


def test_grid_staff_read_but_do_not_export(client, tree, make_user, community_staff):
    leader = make_user("t_p_leader", Role.GRID_LEADER, tree.grids[0].code)
    project = make_project(community_staff, tree.grids[0].code)
    client.force_login(leader)
    assert client.get(_url("staff-detail", project)).status_code == 200
    assert client.get(reverse("projects:staff-export")).status_code == 403
    assert client.post(_url("staff-start", project)).status_code == 404


# Queries do not grow with the data --------------------------------------------------------------------------


def _count(client, path: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def test_staff_pages_ask_as_much_whatever_the_data(staff_client, tree, community_staff, parties):
    from .test_public_pages import _grow

    code = tree.communities[0].code
    small = make_project(community_staff, code, title="small")
    large = make_project(community_staff, code, title="large")
    for project in (small, large):
        services.project_start(by=community_staff, project=project)
    _grow(small, community_staff, milestone_count=3, photo_count=2, party_count=2, done=1)
    _grow(large, community_staff, milestone_count=30, photo_count=20, party_count=10, done=12)
    for project, count in ((small, 1), (large, 10)):
        for n in range(count):
            household = people_services.household_create(
                by=None, grid=tree.grids[0], building=project.title, room=str(n)
            )
            resident = people_services.resident_create(
                by=None, household=household, full_name="居民" + "甲乙丙丁戊己庚辛壬癸"[n]
            )
            services.participation_record(by=community_staff, project=project, resident=resident, what="帮忙")
    small_count = _count(staff_client, reverse("projects:staff-detail", args=[small.pk]))
    assert _count(staff_client, reverse("projects:staff-detail", args=[large.pk])) == small_count
    before = _count(staff_client, reverse("projects:staff-list"))
    for n in range(30):
        make_project(community_staff, code, title=f"more {n}", due_on=date.today() - timedelta(days=n))
    assert _count(staff_client, reverse("projects:staff-list")) == before
