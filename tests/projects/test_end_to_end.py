"""From a resident's matter to its evaluation, through the pages: raised → tabled → decided at a meeting →
a project with three milestones → done → evaluated "satisfied" → closed; the rates count it."""

from datetime import date, timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from huiketing.matters import selectors as matter_selectors
from huiketing.matters.models import Matter, MatterEvent
from huiketing.matters.models import Status as MatterStatus
from huiketing.projects.models import Project, Status

from .conftest import make_decision


def test_a_matter_becomes_a_project_and_is_evaluated_when_done(
    tree, category, community_staff, resident_user, parties
):
    resident, staff = Client(), Client()
    resident.force_login(resident_user)
    staff.force_login(community_staff)
    raised = resident.post(
        reverse("matters:new") + "?lang=en",
        {
            "title": "小区健身器材损坏",
            "description": "3号楼前的健身器材坏了",
            "category": category.code,
            "grid": tree.grids[0].code,
            "confirmed": "1",
        },
    )
    assert raised.status_code == 302
    matter = Matter.objects.get()
    assert staff.post(reverse("matters:staff-table", args=[matter.pk]), {"note": "议事"}).status_code == 302
    # The residents' meeting approves it, and the decision takes effect after its notice period.
    decision = make_decision(place_code=tree.communities[0].code, matter=matter)

    data = {
        "decision": decision.pk,
        "title": "更换健身器材",
        "description": "社区出资更换3号楼前的健身器材",
        "place_code": tree.communities[0].code,
        "budget": "9000",
        "funding_source": "community",
        "due_on": (date.today() + timedelta(days=40)).isoformat(),
        "milestones-TOTAL_FORMS": "3",
        "milestones-INITIAL_FORMS": "0",
        "parties-TOTAL_FORMS": "1",
        "parties-INITIAL_FORMS": "0",
        "parties-0-kind": "community",
        "parties-0-role": "lead",
        "parties-0-unit": str(parties.community_unit.pk),
    }
    for n, title in enumerate(["采购", "安装", "验收"]):
        data[f"milestones-{n}-title"] = title
        data[f"milestones-{n}-due_on"] = (date.today() + timedelta(days=10 * (n + 1))).isoformat()
        data[f"milestones-{n}-weight"] = "1"
    assert staff.post(reverse("projects:staff-new"), data).status_code == 302
    project = Project.objects.get()
    assert staff.post(reverse("projects:staff-start", args=[project.pk])).status_code == 302
    for milestone in project.milestones.order_by("position"):
        url = reverse("projects:staff-milestone-done", args=[project.pk, milestone.pk])
        assert staff.post(url, {"note": ""}).status_code == 302
    finished = staff.post(reverse("projects:staff-finish", args=[project.pk]), {"note": "器材已全部更换"})
    assert finished.status_code == 302
    project.refresh_from_db()
    matter.refresh_from_db()
    assert project.status == Status.DONE and matter.status == MatterStatus.DONE

    page = resident.get(reverse("matters:detail", args=[matter.pk]), {"lang": "en"})
    text = page.content.decode()
    assert "Was it solved?" in text and reverse("projects:detail", args=[project.pk]) in text
    evaluated = resident.post(
        reverse("matters:evaluate", args=[matter.pk]), {"solved": "yes", "result": "satisfied", "comment": ""}
    )
    assert evaluated.status_code == 302
    matter.refresh_from_db()
    assert matter.status == MatterStatus.CLOSED
    kinds = list(matter.events.order_by("id").values_list("kind", flat=True))
    assert kinds == [
        MatterEvent.Kind.RAISED,
        MatterEvent.Kind.TABLED,
        MatterEvent.Kind.PROJECT_STARTED,
        MatterEvent.Kind.PROJECT_FINISHED,
        MatterEvent.Kind.DONE,
        MatterEvent.Kind.EVALUATED,
        MatterEvent.Kind.CLOSED,
    ]
    progress_page = (
        Client().get(reverse("projects:detail", args=[project.pk]), {"lang": "en"}).content.decode()
    )
    assert "Satisfied" in progress_page and "100%" in progress_page
    now = timezone.now()
    rates = matter_selectors.rates_total(start=now - timedelta(hours=1), end=now + timedelta(hours=1))
    assert (rates.resolution_rate, rates.satisfaction_rate) == (1.0, 1.0)
