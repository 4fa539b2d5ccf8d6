"""The demo's year of deliberation and meetings (demo/meetings.py): one consistent world.

The world is loaded once, for all the checks of `test_a_year_of_meetings`: the registry with 6 households per
grid and half the matters (as tests/demo/test_matters_demo.py does), then the meetings exactly as the demo
loads them (the 281 of a year, the last weeks through the services). Every figure is checked against the
records it must come from.
"""

import functools
from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import Count, Q, Sum
from django.utils import timezone

from huiketing.core.models import AuditEntry, Notification
from huiketing.demo import loader, registry
from huiketing.demo import matters as demo_matters
from huiketing.demo import meetings as demo_meetings
from huiketing.demo.loader import demo_load
from huiketing.matters.models import Matter
from huiketing.matters.models import Status as MatterStatus
from huiketing.meetings import meeting_selectors, vote_services
from huiketing.meetings.models import (
    AgendaItem,
    Ballot,
    Comment,
    CommentReport,
    ItemDecision,
    Meeting,
    MeetingEvent,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    NoticeStatus,
    Participant,
    SecretTally,
    Support,
    Topic,
    TopicStatus,
    Vote,
    VoteStatus,
)
from huiketing.people.models import Resident, User
from huiketing.points.models import Entry
from huiketing.points.selectors import my_account
from huiketing.projects.models import Milestone, Photo, Project, ProjectEvent
from huiketing.projects.models import Status as ProjectStatus

HELD = sum(demo_meetings.MEETINGS_PER_YEAR.values())


@pytest.fixture
def year(db, monkeypatch):
    monkeypatch.setattr(
        loader,
        "SCALED_GENERATORS",
        [
            functools.partial(registry.registry_generate, households_per_grid=6),
            functools.partial(demo_matters.matters_generate, per_year=1500),
            demo_meetings.meetings_generate,
        ],
    )
    demo_load()
    return AuditEntry.objects.get(action="demo.meetings.generated").changes


def test_the_demo_registers_the_meetings_after_the_matters():
    from django.apps import apps

    apps.get_app_config("demo").ready()  # a second ready() adds nothing twice
    generators = loader.SCALED_GENERATORS
    assert generators.count(demo_meetings.meetings_generate) == 1
    assert generators.index(demo_matters.matters_generate) < generators.index(demo_meetings.meetings_generate)


def test_a_year_of_meetings(year):
    """One load, the checks below in turn."""
    assert HELD == 281
    assert year["steps_refused"][1] == 0
    _the_year_holds_281_meetings_of_each_kind()
    _every_closed_vote_agrees_with_its_ballots()
    _decisions_had_their_notice_period()
    _minutes_are_published_for_closed_meetings_only()
    _topics_keep_their_matters_and_projects_carry_them()
    _attendance_and_participants()
    _the_resident_account_has_its_part()
    _timelines_are_dated_when_things_happened()
    _loading_again_changes_nothing()


def _the_year_holds_281_meetings_of_each_kind():
    now = timezone.now()
    held = Meeting.objects.filter(status=MeetingStatus.CLOSED, is_demo=True)
    assert held.count() == HELD
    assert held.filter(starts_at__gte=now - timedelta(days=366), starts_at__lt=now).count() == HELD
    by_kind = Counter(held.values_list("kind__code", flat=True))
    assert by_kind == demo_meetings.MEETINGS_PER_YEAR
    months = {timezone.localtime(m).strftime("%Y-%m") for m in held.values_list("starts_at", flat=True)}
    assert len(months) >= 12  # spread over the year
    planned = Meeting.objects.filter(status=MeetingStatus.PLANNED)
    assert 3 <= planned.count() <= 8
    assert all(now < m.starts_at <= now + timedelta(days=14) for m in planned)
    assert Meeting.objects.filter(status=MeetingStatus.IN_SESSION).count() == 1
    # Most meetings meet their quorum; a few fall short and only defer.
    short = [m for m in held if not meeting_selectors.meeting_quorum(meeting=m).met]
    assert 1 <= len(short) <= HELD // 10
    for meeting in short:
        decisions = set(meeting.items.exclude(decision="").values_list("decision", flat=True))
        assert decisions <= {ItemDecision.DEFERRED}
    languages = Counter(held.values_list("language", flat=True))
    assert languages["zh-hans"] > HELD * 0.7 and languages["kk"] and languages["ug"]


def _every_closed_vote_agrees_with_its_ballots():
    votes = Vote.objects.filter(item__meeting__is_demo=True)
    assert set(votes.values_list("electorate", flat=True)) == {
        "attendees",
        "residents",
        "representatives",
        "households",
    }
    assert set(votes.values_list("majority", flat=True)) == {
        "simple",
        "absolute",
        "two_thirds",
        "four_fifths",
    }
    assert votes.filter(is_secret=True).exists()
    assert not Ballot.objects.filter(vote__is_secret=True, option__isnull=False).exists()
    assert set(Ballot.objects.values_list("channel", flat=True)) == {"online", "in_person"}
    closed = votes.filter(status=VoteStatus.CLOSED).prefetch_related("options")
    assert closed.count() > 100
    ballots = dict(Ballot.objects.values_list("vote").annotate(n=Count("id")).values_list("vote", "n"))
    by_option = dict(
        Ballot.objects.filter(option__isnull=False)
        .values_list("option")
        .annotate(n=Count("id"))
        .values_list("option", "n")
    )
    tallies = dict(SecretTally.objects.values_list("option", "count"))
    for vote in closed:
        options = list(vote.options.all())
        assert vote.cast_count == ballots.get(vote.pk, 0)
        assert sum(o.result_count for o in options) == vote.cast_count
        for option in options:
            expected = tallies.get(option.pk, 0) if vote.is_secret else by_option.get(option.pk, 0)
            assert option.result_count == expected
        assert vote.entitled_count >= vote.cast_count
        count = {
            meaning: sum(o.result_count for o in options if o.meaning == meaning) for meaning in ["yes", "no"]
        }
        result = vote_services.outcome(
            majority=vote.majority,
            turnout_quorum=vote.turnout_quorum,
            entitled=vote.entitled_count,
            cast=vote.cast_count,
            yes=count["yes"],
            no=count["no"],
        )
        assert (vote.quorum_met, vote.passed) == (result.quorum_met, result.passed)
        assert MeetingEvent.objects.filter(kind="vote_closed", params__vote=vote.pk).count() == 1
    # An item approved after a vote was approved on a vote that passed.
    for item in AgendaItem.objects.filter(decision=ItemDecision.APPROVED).prefetch_related("votes"):
        closed_votes = [v for v in item.votes.all() if v.status == VoteStatus.CLOSED]
        assert not closed_votes or closed_votes[-1].passed


def _decisions_had_their_notice_period():
    today = timezone.localdate()
    decided = Counter(AgendaItem.objects.exclude(decision="").values_list("decision", flat=True))
    assert all(decided[d] for d in (ItemDecision.APPROVED, ItemDecision.REJECTED, ItemDecision.DEFERRED))
    effective = AgendaItem.objects.filter(notice_status=NoticeStatus.EFFECTIVE)
    assert effective.count() > 50
    events = set(
        MeetingEvent.objects.filter(kind="decision_effective").values_list("params__item", flat=True)
    )
    for item in effective:
        assert item.decision == ItemDecision.APPROVED
        assert item.notice_ends_on == item.notice_starts_on + timedelta(days=demo_meetings.NOTICE_DAYS)
        assert timezone.localtime(item.effective_at).date() > item.notice_ends_on
        assert item.effective_at > item.decided_at
        assert item.pk in events
    for item in AgendaItem.objects.filter(notice_status=NoticeStatus.IN_NOTICE):
        assert item.notice_ends_on >= today - timedelta(days=1)
    objected = AgendaItem.objects.filter(notice_status=NoticeStatus.OBJECTED)
    assert 1 <= objected.count() <= 2
    assert all(item.objections.filter(answered_at__isnull=True).exists() for item in objected)
    assert not AgendaItem.objects.filter(decision=ItemDecision.APPROVED, notice_status="").exists()
    assert not AgendaItem.objects.exclude(decision=ItemDecision.APPROVED).exclude(notice_status="").exists()


def _minutes_are_published_for_closed_meetings_only():
    published = Minutes.objects.filter(status=MinutesStatus.PUBLISHED)
    assert published.count() > HELD * 0.7
    assert not published.exclude(meeting__status=MeetingStatus.CLOSED).exists()
    assert Minutes.objects.filter(status=MinutesStatus.DRAFT).exists()
    assert not Minutes.objects.filter(meeting__status=MeetingStatus.PLANNED).exists()
    for minutes in Minutes.objects.select_related("meeting"):
        assert minutes.language == minutes.meeting.language
        assert minutes.sections.get("opening")
        if minutes.status == MinutesStatus.PUBLISHED:
            assert minutes.published_at > minutes.meeting.closed_at
    assert {"ug", "kk"} <= set(published.values_list("language", flat=True))


def _topics_keep_their_matters_and_projects_carry_them():
    topics = Topic.objects.filter(origin=Topic.Origin.MATTER)
    assert topics.count() >= 10
    # Every matter tabled for deliberation is deliberated.
    assert not Matter.objects.filter(status=MatterStatus.TABLED, topics__isnull=True).exists()
    assert Topic.objects.filter(origin=Topic.Origin.STAFF).count() > topics.count()
    for topic in topics.select_related("matter"):
        matter = topic.matter
        if topic.status in (TopicStatus.OPEN, TopicStatus.ON_AGENDA):
            assert matter.status == MatterStatus.TABLED
        decision = (
            topic.agenda_items.exclude(decision__in=("", ItemDecision.DEFERRED))
            .values_list("decision", flat=True)
            .first()
        )
        if decision == ItemDecision.REJECTED:
            assert matter.status == MatterStatus.REJECTED
    projects = Project.objects.filter(is_demo=True).select_related("matter", "agenda_item")
    assert set(projects.values_list("status", flat=True)) == set(ProjectStatus.values)
    follows = {
        ProjectStatus.PLANNED: {MatterStatus.TABLED},
        ProjectStatus.IN_PROGRESS: {MatterStatus.IN_PROGRESS},
        ProjectStatus.SUSPENDED: {MatterStatus.IN_PROGRESS},
        ProjectStatus.DONE: {MatterStatus.DONE, MatterStatus.CLOSED},
        ProjectStatus.CANCELLED: {MatterStatus.TABLED, MatterStatus.ACCEPTED},
    }
    with_matter = [p for p in projects if p.matter_id is not None]
    assert len(with_matter) >= 5
    for project in with_matter:
        assert project.matter.status in follows[project.status], (project.status, project.matter.status)
        assert project.agenda_item.topic.matter_id == project.matter_id
    for project in projects:
        item = project.agenda_item
        assert item.decision == ItemDecision.APPROVED and item.notice_status == NoticeStatus.EFFECTIVE
        assert project.created_at > item.effective_at
        milestones = list(project.milestones.all())
        assert 3 <= len(milestones) <= 5 and all(m.weight >= 1 for m in milestones)
        assert project.parties.filter(role="lead").count() == 1
        if project.status == ProjectStatus.DONE:
            assert all(m.done_at is not None for m in milestones)
            assert project.spent <= project.budget
        if project.status == ProjectStatus.IN_PROGRESS:
            assert any(m.done_at is None for m in milestones)
    done = [p for p in with_matter if p.status == ProjectStatus.DONE]
    evaluations = Counter(p.matter.evaluations.values_list("result", flat=True).last() for p in done)
    assert evaluations["satisfied"] > len(done) / 2
    assert Milestone.objects.filter(done_at__isnull=False).exists()
    assert set(Photo.objects.values_list("stage", flat=True)) == {"before", "after"}
    assert projects.aggregate(n=Sum("budget"))["n"] > 0
    assert len(set(projects.values_list("funding_source", flat=True))) >= 3


def _attendance_and_participants():
    rows = Participant.objects.filter(meeting__is_demo=True)
    assert set(rows.values_list("kind", flat=True)) >= {
        "resident",
        "representative",
        "party_member",
        "property_company",
        "co_building_unit",
        "department",
        "staff",
    }
    checked = Counter(rows.exclude(check_in="").values_list("check_in", flat=True))
    assert checked["staff"] > checked["qr"] > 0
    # A QR code is scanned by someone signed in: an account, or a resident with one.
    qr = rows.filter(check_in="qr")
    assert not qr.filter(user__isnull=True, resident__account__isnull=True).exists()
    assert not rows.filter(check_in="staff", checked_in_by__isnull=True).exists()
    for meeting in Meeting.objects.filter(status=MeetingStatus.CLOSED).annotate(n=Count("participants"))[:50]:
        assert 5 <= meeting.n <= 40


def _the_resident_account_has_its_part():
    account = User.objects.get(username="resident")
    resident = Resident.objects.get(account=account)
    now = timezone.now()
    coming = [
        m
        for m in meeting_selectors.meetings_of_account(user=account)
        if m.status == MeetingStatus.PLANNED and m.starts_at > now
    ]
    assert coming
    assert Notification.objects.filter(recipient=account, kind="meeting.scheduled", read_at=None).exists()
    open_votes = Vote.objects.filter(status=VoteStatus.OPEN, closes_at__gt=now).select_related(
        "item__meeting"
    )
    mine = [v for v in open_votes if vote_services.entitled(v, resident)]
    assert mine and not Ballot.objects.filter(vote__in=mine, resident=resident).exists()
    assert mine[0].item.meeting.status == MeetingStatus.IN_SESSION
    assert Ballot.objects.filter(vote__in=mine).exists()  # others voted at the meeting already
    account_points = my_account(account)
    assert account_points is not None and account_points.balance > 0
    rules = set(Entry.objects.filter(account=account_points).values_list("rule__code", flat=True))
    assert {"meeting_attended", "vote_cast", "topic_supported"} <= rules
    assert Participant.objects.filter(resident=resident, check_in="qr").exists()
    assert Ballot.objects.filter(resident=resident, channel="online").exists()
    assert Support.objects.filter(resident=resident).exists()
    comments = Comment.objects.filter(author=account)
    assert comments.filter(hidden_at__isnull=True).exists()
    hidden = comments.filter(hidden_at__isnull=False)
    assert hidden.count() == 1 and hidden.get().hidden_reason
    assert CommentReport.objects.filter(resolved_at__isnull=True).exists()
    assert CommentReport.objects.filter(resolved_at__isnull=False).exists()
    assert AgendaItem.objects.filter(
        notice_status=NoticeStatus.OBJECTED, objections__resident=resident
    ).exists()


def _timelines_are_dated_when_things_happened():
    now = timezone.now()
    for model, name in (
        (MeetingEvent, "created_at"),
        (Entry, "created_at"),
        (ProjectEvent, "created_at"),
        (Comment, "created_at"),
        (Topic, "created_at"),
        (Meeting, "created_at"),
    ):
        moments = list(model.objects.values_list(name, flat=True))
        assert moments and max(moments) <= now, model
        days = {timezone.localtime(moment).date() for moment in moments}
        assert len(days) >= (3 if model is Comment else 30), model
    first = MeetingEvent.objects.order_by("created_at").first().created_at
    assert first < now - timedelta(days=300)
    # The meetings' events follow the meetings' own times.
    for meeting in Meeting.objects.filter(status=MeetingStatus.CLOSED)[:40]:
        opened = meeting.events.get(kind="meeting_opened").created_at
        closed = meeting.events.get(kind="meeting_closed").created_at
        assert meeting.created_at <= opened == meeting.opened_at < closed == meeting.closed_at
    # Matters carried out by projects moved when their projects did.
    for matter in Matter.objects.filter(projects__status=ProjectStatus.DONE)[:10]:
        project = matter.projects.get()
        assert matter.events.filter(kind="project_finished", created_at=project.finished_at).exists()


def _loading_again_changes_nothing():
    def snapshot():
        return (
            Meeting.objects.count(),
            Vote.objects.count(),
            Ballot.objects.count(),
            Project.objects.count(),
            Topic.objects.count(),
            Entry.objects.count(),
            AuditEntry.objects.filter(
                Q(action__startswith="meetings.") | Q(action__startswith="demo.")
            ).count(),
        )

    before = snapshot()
    assert demo_load().already_loaded
    assert snapshot() == before


def test_the_scale_multiplies_the_meetings(db, monkeypatch, small_registry):
    per_year = {
        "neighbourhood": 3,
        "grid": 3,
        "property": 2,
        "representatives": 1,
        "joint_party_committee": 4,
    }
    loader.SCALED_GENERATORS.append(
        functools.partial(demo_matters.matters_generate, per_year=40, live_days=2)
    )
    loader.SCALED_GENERATORS.append(
        functools.partial(demo_meetings.meetings_generate, per_year=per_year, live_days=7)
    )
    demo_load(scale=3)
    held = Meeting.objects.filter(status=MeetingStatus.CLOSED)
    assert held.count() == 3 * sum(per_year.values())
    changes = AuditEntry.objects.get(action="demo.meetings.generated").changes
    assert changes["steps_refused"][1] == 0
    # The extra copies are recorded in bulk: the services' share does not grow with the scale.
    assert changes["bulk_written"][1]["meetings"] >= 2 * sum(per_year.values())
    assert not Ballot.objects.filter(vote__is_secret=True, option__isnull=False).exists()
