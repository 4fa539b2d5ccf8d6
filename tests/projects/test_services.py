"""Services of projects: progress from weighted milestones, the workflow, decisions that may become projects,
the matter carried along, spending, parties, photos and participation."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from PIL import Image

from huiketing.core.models import AuditEntry
from huiketing.matters import selectors as matter_selectors
from huiketing.matters import services as matter_services
from huiketing.matters.models import Evaluation, MatterEvent
from huiketing.matters.models import Status as MatterStatus
from huiketing.meetings.models import ItemDecision, NoticeStatus
from huiketing.people import services as people_services
from huiketing.points.models import Entry
from huiketing.points.services import points_rules_ensure
from huiketing.projects import selectors, services
from huiketing.projects.models import EventKind, Milestone, Party, Photo, Project, Status

from .conftest import image_upload, make_decision, make_project, milestones


def _done(project, by, count=None):
    for milestone in list(project.milestones.filter(done_at__isnull=True).order_by("position"))[:count]:
        services.milestone_done(by=by, milestone=milestone)


def _kinds(project) -> list[str]:
    return list(project.events.order_by("id").values_list("kind", flat=True))


# Progress ---------------------------------------------------------------------------------------------------


def test_progress_rolls_up_from_the_weights_of_the_milestones_done(tree, community_staff):
    project = services.project_create(
        by=community_staff,
        title="路灯改造",
        description="更换小区路灯",
        place_code=tree.communities[0].code,
        milestones=milestones(3, weights=[1, 2, 5]),
    )
    services.project_start(by=community_staff, project=project)
    assert selectors.progress(project) == 0
    first, second, third = project.milestones.order_by("position")
    services.milestone_done(by=community_staff, milestone=second)
    assert selectors.progress(project) == 25  # 2 of 8
    services.milestone_done(by=community_staff, milestone=first)
    assert selectors.progress(project) == 37  # 3 of 8, rounded down
    # The list computes the same figure in its own query.
    listed = selectors.projects_public().get(pk=project.pk)
    assert (listed.weight_done, listed.weight_total, listed.milestone_done_count) == (3, 8, 2)
    assert selectors.progress(listed) == 37
    services.milestone_done(by=community_staff, milestone=third)
    assert selectors.progress(selectors.projects_public().get(pk=project.pk)) == 100
    services.milestone_undo(by=community_staff, milestone=third)
    assert selectors.progress(project) == 37


def test_a_project_without_milestones_shows_no_progress(tree, community_staff):
    project = make_project(community_staff, tree.communities[0].code, milestone_count=0)
    assert selectors.progress(selectors.projects_public().get(pk=project.pk)) == 0


def test_milestones_are_ticked_off_only_while_the_work_is_under_way(tree, community_staff):
    project = make_project(community_staff, tree.communities[0].code)
    milestone = project.milestones.first()
    with pytest.raises(services.ProjectStateError):
        services.milestone_done(by=community_staff, milestone=milestone)
    services.project_start(by=community_staff, project=project)
    services.milestone_done(by=community_staff, milestone=milestone, note="已完成采购")
    with pytest.raises(services.ProjectStateError):
        services.milestone_done(by=community_staff, milestone=milestone)
    milestone.refresh_from_db()
    assert milestone.note == "已完成采购" and milestone.done_by == community_staff


# The workflow -----------------------------------------------------------------------------------------------


def test_finishing_is_refused_while_milestones_are_open(tree, community_staff, english):
    project = make_project(community_staff, tree.communities[0].code)
    services.project_start(by=community_staff, project=project)
    _done(project, community_staff, count=2)
    with pytest.raises(services.ProjectStateError) as refused:
        services.project_finish(by=community_staff, project=project)
    assert "1 milestones are not done yet" in refused.value.messages[0]
    assert "第3步" in refused.value.messages[0]
    project.refresh_from_db()
    assert project.status == Status.IN_PROGRESS
    _done(project, community_staff)
    services.project_finish(by=community_staff, project=project, note="全部完成")
    project.refresh_from_db()
    assert project.status == Status.DONE and project.finished_at is not None


def test_finishing_is_refused_without_milestones(tree, community_staff):
    project = make_project(community_staff, tree.communities[0].code, milestone_count=0)
    services.project_start(by=community_staff, project=project)
    with pytest.raises(services.ProjectStateError):
        services.project_finish(by=community_staff, project=project)


def test_transitions_follow_the_table_and_refuse_the_rest(tree, community_staff, english):
    project = make_project(community_staff, tree.communities[0].code)
    with pytest.raises(services.ProjectStateError) as refused:
        services.project_resume(by=community_staff, project=project)
    assert "Planned" in refused.value.messages[0]
    services.project_start(by=community_staff, project=project)
    with pytest.raises(ValidationError) as no_reason:
        services.project_suspend(by=community_staff, project=project, reason=" ")
    assert "reason" in no_reason.value.message_dict
    services.project_suspend(by=community_staff, project=project, reason="冬季停工")
    services.project_resume(by=community_staff, project=project)
    services.project_cancel(by=community_staff, project=project, reason="资金未落实")
    project.refresh_from_db()
    assert project.status == Status.CANCELLED
    with pytest.raises(services.ProjectStateError):
        services.project_start(by=community_staff, project=project)
    with pytest.raises(services.ProjectStateError):
        services.milestone_add(by=community_staff, project=project, title="x", due_on=date.today())
    assert _kinds(project) == [
        EventKind.CREATED,
        EventKind.STARTED,
        EventKind.SUSPENDED,
        EventKind.RESUMED,
        EventKind.CANCELLED,
    ]
    actions = set(AuditEntry.objects.filter(object_id=str(project.pk)).values_list("action", flat=True))
    assert {
        "projects.create",
        "projects.start",
        "projects.suspend",
        "projects.resume",
        "projects.cancel",
    } <= (actions)


# Decisions --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "notice"),
    [
        (ItemDecision.PENDING, NoticeStatus.NONE),
        (ItemDecision.REJECTED, NoticeStatus.NONE),
        (ItemDecision.DEFERRED, NoticeStatus.NONE),
        (ItemDecision.APPROVED, NoticeStatus.IN_NOTICE),
        (ItemDecision.APPROVED, NoticeStatus.OBJECTED),
    ],
)
def test_only_an_approved_decision_in_effect_becomes_a_project(tree, community_staff, decision, notice):
    item = make_decision(place_code=tree.communities[0].code, decision=decision, notice=notice)
    with pytest.raises(ValidationError) as refused:
        services.project_create_from_decision(by=community_staff, item=item, milestones=milestones())
    assert "agenda_item" in refused.value.message_dict
    assert not Project.objects.exists()


def test_a_decision_becomes_one_project_with_its_matter(
    tree, community_staff, decision, tabled_matter, english
):
    project = services.project_create_from_decision(
        by=community_staff, item=decision, milestones=milestones()
    )
    assert project.agenda_item == decision and project.matter == tabled_matter
    assert project.title == decision.title and project.place_code == tree.communities[0].code
    assert "到会居民一致同意" in project.description
    with pytest.raises(ValidationError) as again:
        services.project_create_from_decision(by=community_staff, item=decision)
    assert again.value.message_dict["agenda_item"] == ["This decision is already a project."]
    # The database holds the rule too, whoever writes.
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.create(
            title="x", description="x", place_code=project.place_code, agenda_item=decision
        )
    assert Project.objects.filter(agenda_item=decision).count() == 1
    assert selectors.decisions_without_project(user=community_staff).count() == 0


def test_decisions_to_choose_from_are_those_in_scope(tree, community_staff, other_community_staff, decision):
    assert list(selectors.decisions_without_project(user=community_staff)) == [decision]
    assert list(selectors.decisions_without_project(user=other_community_staff)) == []


# The matter follows the project -----------------------------------------------------------------------------


def test_the_matter_follows_the_project_to_its_evaluation(
    tree, community_staff, resident_user, decision, tabled_matter, english
):
    from django.utils import timezone

    from huiketing.core.models import Notification

    project = services.project_create_from_decision(
        by=community_staff, item=decision, milestones=milestones()
    )
    tabled_matter.refresh_from_db()
    assert tabled_matter.status == MatterStatus.TABLED
    services.project_start(by=community_staff, project=project)
    tabled_matter.refresh_from_db()
    assert tabled_matter.status == MatterStatus.IN_PROGRESS
    assert not tabled_matter.dispatches.exists()
    started = tabled_matter.events.get(kind=MatterEvent.Kind.PROJECT_STARTED)
    assert started.params == {"project": project.pk, "project_title": project.title}
    _done(project, community_staff)
    services.project_finish(by=community_staff, project=project, note="器材已更换")
    tabled_matter.refresh_from_db()
    assert tabled_matter.status == MatterStatus.DONE and tabled_matter.result == "器材已更换"
    kinds = list(tabled_matter.events.order_by("id").values_list("kind", flat=True))
    assert kinds[-2:] == [MatterEvent.Kind.PROJECT_FINISHED, MatterEvent.Kind.DONE]
    assert Notification.objects.filter(recipient=resident_user, kind="matter.evaluate").exists()
    # The resident evaluates it as any other matter (公众评事).
    matter_services.matter_evaluate(
        by=resident_user, matter=tabled_matter, result=Evaluation.Result.SATISFIED, solved=True
    )
    tabled_matter.refresh_from_db()
    assert tabled_matter.status == MatterStatus.CLOSED
    # The three rates still compute: taken on and resolved, evaluated satisfied, no dispatch to respond to.
    now = timezone.now()
    rates = matter_selectors.rates_total(
        start=now - timedelta(days=1), end=now + timedelta(days=1), within=tree.city.code
    )
    assert (rates.taken_on, rates.resolved, rates.evaluated, rates.satisfied) == (1, 1, 1, 1)
    assert rates.resolution_rate == 1.0 and rates.satisfaction_rate == 1.0
    assert rates.response_rate is None
    # The project's page shows the outcome.
    outcome = selectors.matter_outcome(selectors.project_get_public(project_id=project.pk))
    assert outcome.status == MatterStatus.CLOSED and outcome.evaluation.result == Evaluation.Result.SATISFIED


def test_a_cancelled_project_gives_its_matter_back_to_the_community(
    tree, community_staff, decision, tabled_matter
):
    project = services.project_create_from_decision(
        by=community_staff, item=decision, milestones=milestones()
    )
    services.project_start(by=community_staff, project=project)
    services.project_cancel(by=community_staff, project=project, reason="资金未落实")
    tabled_matter.refresh_from_db()
    assert tabled_matter.status == MatterStatus.ACCEPTED
    assert tabled_matter.events.filter(kind=MatterEvent.Kind.PROJECT_CANCELLED).exists()


def test_a_matter_handled_otherwise_keeps_its_own_course(tree, community_staff, decision, tabled_matter):
    matter_services.matter_untable(by=community_staff, matter=tabled_matter)
    matter_services.matter_reject(
        by=community_staff, matter=tabled_matter, reason_kind="insufficient", reason="信息不全"
    )
    project = services.project_create_from_decision(
        by=community_staff, item=decision, milestones=milestones()
    )
    services.project_start(by=community_staff, project=project)
    _done(project, community_staff)
    services.project_finish(by=community_staff, project=project)
    tabled_matter.refresh_from_db()
    assert tabled_matter.status == MatterStatus.REJECTED
    assert not tabled_matter.events.filter(kind=MatterEvent.Kind.PROJECT_STARTED).exists()


def test_the_meeting_may_reject_a_tabled_matter(tabled_matter, community_staff):
    matter_services.matter_reject(
        by=community_staff, matter=tabled_matter, reason_kind="decided_against", reason="到会居民多数反对"
    )
    tabled_matter.refresh_from_db()
    assert tabled_matter.status == MatterStatus.REJECTED


def test_the_matter_transitions_refuse_what_the_table_does_not_allow(tabled_matter, community_staff):
    project = make_project(community_staff, tabled_matter.place_code[:12])
    with pytest.raises(matter_services.MatterStateError):
        matter_services.matter_complete_by_project(by=community_staff, matter=tabled_matter, project=project)
    with pytest.raises(matter_services.MatterStateError):
        matter_services.matter_release_by_project(by=community_staff, matter=tabled_matter, project=project)


# Spending ---------------------------------------------------------------------------------------------------


def test_spending_stays_within_the_budget(tree, community_staff, english):
    project = make_project(community_staff, tree.communities[0].code, budget="12000")
    services.project_update(by=community_staff, project=project, spent="3000.50")
    project.refresh_from_db()
    assert project.spent == Decimal("3000.50")
    with pytest.raises(ValidationError) as over:
        services.project_update(by=community_staff, project=project, spent="12000.01")
    assert "more than the budget" in over.value.message_dict["spent"][0]
    for bad, field in (("-1", "spent"), ("12.345", "spent"), ("abc", "spent"), ("1e400", "budget")):
        with pytest.raises(ValidationError) as refused:
            services.project_update(by=community_staff, project=project, **{field: bad})
        assert field in refused.value.message_dict
    # Without a fixed budget, spending is recorded as it comes.
    free = make_project(community_staff, tree.communities[0].code, title="义务劳动")
    services.project_update(by=community_staff, project=free, spent="800")
    assert _kinds(project).count(EventKind.SPENT) == 1
    spent_event = project.events.get(kind=EventKind.SPENT)
    assert spent_event.params == {"spent": "3000.50", "budget": "12000.00"}


def test_dates_and_fields_are_checked_by_name(tree, community_staff):
    with pytest.raises(ValidationError) as refused:
        services.project_create(
            by=community_staff, title="", description="", place_code=tree.communities[0].code
        )
    assert {"title", "description"} <= set(refused.value.message_dict)
    with pytest.raises(ValidationError) as bad_place:
        services.project_create(by=community_staff, title="x", description="x", place_code="999999")
    assert "place_code" in bad_place.value.message_dict
    with pytest.raises(ValidationError) as bad_dates:
        make_project(
            community_staff,
            tree.communities[0].code,
            starts_on=date.today(),
            due_on=date.today() - timedelta(days=1),
        )
    assert "due_on" in bad_dates.value.message_dict
    with pytest.raises(ValidationError) as bad_milestone:
        services.project_create(
            by=community_staff,
            title="x",
            description="x",
            place_code=tree.communities[0].code,
            milestones=[{"title": "", "due_on": None, "weight": 0}],
        )
    assert len(bad_milestone.value.message_dict["milestones"]) == 3


# Milestones and parties -------------------------------------------------------------------------------------


def test_milestones_are_added_changed_reordered_and_removed(tree, community_staff):
    project = make_project(community_staff, tree.communities[0].code)
    added = services.milestone_add(
        by=community_staff, project=project, title="验收", due_on=date.today() + timedelta(days=60), weight=2
    )
    assert added.position == 3
    services.milestone_update(
        by=community_staff, milestone=added, title="竣工验收", due_on=added.due_on, weight=4
    )
    services.milestone_move(by=community_staff, milestone=added, up=True)
    titles = list(project.milestones.order_by("position").values_list("title", flat=True))
    assert titles == ["第1步", "第2步", "竣工验收", "第3步"]
    ids = list(project.milestones.order_by("position").values_list("pk", flat=True))
    services.milestone_reorder(by=community_staff, project=project, order=list(reversed(ids)))
    assert list(project.milestones.order_by("position").values_list("pk", flat=True)) == list(reversed(ids))
    with pytest.raises(ValidationError) as incomplete:
        services.milestone_reorder(by=community_staff, project=project, order=ids[:2])
    assert "order" in incomplete.value.message_dict
    services.milestone_remove(by=community_staff, milestone=added)
    assert not Milestone.objects.filter(pk=added.pk).exists()


def test_parties_are_units_organisations_or_named_groups(tree, community_staff, parties):
    project = make_project(
        community_staff,
        tree.communities[0].code,
        parties=[
            {"kind": Party.Kind.COMMUNITY, "role": Party.Role.LEAD, "unit": parties.community_unit},
            {"kind": Party.Kind.PROPERTY_COMPANY, "organisation": parties.company},
        ],
    )
    services.party_add(by=community_staff, project=project, kind=Party.Kind.VOLUNTEERS, name="慈孝志愿队")
    with pytest.raises(ValidationError) as twice:
        services.party_add(
            by=community_staff,
            project=project,
            kind=Party.Kind.PROPERTY_COMPANY,
            organisation=parties.company,
        )
    assert "name" in twice.value.message_dict
    with pytest.raises(ValidationError) as two_things:
        services.party_add(
            by=community_staff,
            project=project,
            kind=Party.Kind.MERCHANT,
            organisation=parties.far_company,
            name="某商户",
        )
    assert "name" in two_things.value.message_dict
    with translation.override("en"):
        names = [selectors.party_name(party) for party in project.parties.order_by("id")]
    assert names == ["Residents' committee", "Jinshan Property", "慈孝志愿队"]
    # The property company's staff are told, and may now report progress on this project.
    from huiketing.core.models import Notification

    assert Notification.objects.filter(recipient=parties.company_staff, kind="project.party").exists()
    assert parties.company_staff.has_perm("projects.report_progress", project)
    assert not parties.far_company_staff.has_perm("projects.report_progress", project)
    assert not parties.company_staff.has_perm("projects.manage", project)
    services.party_remove(by=community_staff, party=project.parties.get(name="慈孝志愿队"))
    assert project.parties.count() == 2


# Photos -----------------------------------------------------------------------------------------------------


def test_photos_are_stored_without_their_location(tree, community_staff, english):
    upload = image_upload(with_gps=True)
    with Image.open(upload) as original:
        assert original.getexif().get_ifd(0x8825)  # the phone's GPS position is in the upload
    upload.seek(0)
    project = make_project(community_staff, tree.communities[0].code)
    photo = services.photo_add(
        by=community_staff, project=project, stage="before", file=upload, caption="改造前"
    )
    with photo.image.open("rb") as handle, Image.open(handle) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()
        assert "exif" not in stored.info
    assert (photo.width, photo.height) == (64, 48)
    with pytest.raises(ValidationError) as not_a_photo:
        services.photo_add(
            by=community_staff,
            project=project,
            stage="after",
            file=image_upload().__class__("x.jpg", b"not an image", content_type="image/jpeg"),
        )
    assert not_a_photo.value.message_dict["image"] == ["This file is not a photo we can read."]
    with pytest.raises(ValidationError) as bad_stage:
        services.photo_add(by=community_staff, project=project, stage="later", file=image_upload())
    assert "stage" in bad_stage.value.message_dict
    services.photo_remove(by=community_staff, photo=photo)
    assert not Photo.objects.filter(pk=photo.pk).exists()


# Participation and points -----------------------------------------------------------------------------------


def test_taking_part_earns_points_once(tree, community_staff):
    points_rules_ensure()
    household = people_services.household_create(by=None, grid=tree.grids[0], building="3", room="101")
    resident = people_services.resident_create(by=None, household=household, full_name="王小明")
    project = make_project(community_staff, tree.communities[0].code)
    with pytest.raises(services.ProjectStateError):
        services.participation_record(by=community_staff, project=project, resident=resident, what="搬运器材")
    services.project_start(by=community_staff, project=project)
    services.participation_record(by=community_staff, project=project, resident=resident, what="搬运器材")
    with pytest.raises(ValidationError) as twice:
        services.participation_record(by=community_staff, project=project, resident=resident, what="再次")
    assert "resident" in twice.value.message_dict
    entries = Entry.objects.filter(account__resident=resident, rule__code="project_participation")
    assert entries.count() == 1
    assert (entries.get().source_type, entries.get().source_id) == ("projects.project", str(project.pk))
    assert selectors.project_get_public(project_id=project.pk).participant_count == 1


# Late projects ----------------------------------------------------------------------------------------------


def test_late_projects_come_first_for_staff(tree, community_staff, other_community_staff):
    code = tree.communities[0].code
    on_time = make_project(community_staff, code, title="按期", due_on=date.today() + timedelta(days=30))
    late = make_project(
        community_staff,
        code,
        title="逾期",
        starts_on=date.today() - timedelta(days=60),
        due_on=date.today() - timedelta(days=1),
    )
    done_late = make_project(community_staff, code, title="完成", due_on=date.today() - timedelta(days=5))
    services.project_start(by=community_staff, project=done_late)
    _done(done_late, community_staff)
    services.project_finish(by=community_staff, project=done_late)
    listed = list(selectors.projects_for_staff(user=community_staff))
    assert listed[0] == late
    assert {p.pk for p in selectors.projects_late(user=community_staff)} == {late.pk}
    assert selectors.is_late(late) and not selectors.is_late(on_time)
    assert not selectors.is_late(Project.objects.get(pk=done_late.pk))
    assert list(selectors.projects_for_staff(user=other_community_staff)) == []
