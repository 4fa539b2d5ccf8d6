"""The services of the residents' deliberation: topics and their transitions, comments, supports, reports,
moderation; each write audited, each transition on the topic's timeline."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from huiketing.core.models import AuditEntry, Notification
from huiketing.matters import services as matter_services
from huiketing.meetings import deliberation_services as services
from huiketing.meetings.models import Comment, MeetingEvent, Stance, Support, Topic, TopicStatus
from huiketing.people.models import ResidentStatus, Role

pytestmark = pytest.mark.django_db


def _audited(action: str, obj) -> int:
    return AuditEntry.objects.filter(action=action, object_id=str(obj.pk)).count()


def _kinds(topic) -> list[str]:
    return list(MeetingEvent.objects.filter(topic=topic).order_by("id").values_list("kind", flat=True))


# Topics ---------------------------------------------------------------------------------------------------


def test_a_topic_is_created_as_a_draft_with_its_options_and_audited(tree, community_staff, make_topic):
    topic = make_topic(open=False)
    assert topic.status == TopicStatus.DRAFT
    assert [option.title for option in topic.options.all()] == ["划线停车", "建立体车库"]
    assert [option.position for option in topic.options.all()] == [1, 2]
    assert _audited("meetings.topic_create", topic) == 1
    assert _kinds(topic) == []


def test_bad_input_names_each_field(tree, community_staff, english):
    with pytest.raises(ValidationError) as caught:
        services.topic_create(
            by=community_staff,
            title=" ",
            background="",
            place_code="999",
            options=[{"title": ""}, *({"title": f"o{n}"} for n in range(6))],
            support_threshold=0,
            closes_at=timezone.now() - timedelta(hours=1),
        )
    errors = caught.value.message_dict
    assert set(errors) == {"title", "background", "place_code", "options", "support_threshold", "closes_at"}
    assert "Option 1 needs a title." in errors["options"]
    assert "A topic has at most 6 options." in errors["options"]
    assert not Topic.objects.exists()


def test_opening_a_topic_is_a_transition_on_its_timeline(make_topic, community_staff):
    topic = make_topic(open=False)
    topic = services.topic_open(by=community_staff, topic=topic)
    assert topic.status == TopicStatus.OPEN and topic.opened_at is not None
    assert _kinds(topic) == ["opened"]
    assert _audited("meetings.topic_open", topic) == 1


def test_the_meetings_part_moves_a_topic_through_the_agenda(make_topic, community_staff):
    topic = make_topic()
    services.topic_put_on_agenda(topic=topic, by=community_staff)
    services.topic_reopen(topic=topic, by=community_staff, note="下次会议再议")
    services.topic_put_on_agenda(topic=topic, by=community_staff)
    topic = services.topic_decide(topic=topic, by=community_staff, decision="approved")
    assert topic.status == TopicStatus.DECIDED
    assert _kinds(topic) == ["opened", "put_on_agenda", "reopened", "put_on_agenda", "decided"]
    assert MeetingEvent.objects.get(topic=topic, kind="reopened").params == {"note": "下次会议再议"}
    for action in ("put_on_agenda", "reopen", "decide"):
        assert AuditEntry.objects.filter(action=f"meetings.topic_{action}", object_id=str(topic.pk)).exists()


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("draft", "decide"),
        ("draft", "put_on_agenda"),
        ("open", "open"),
        ("open", "reopen"),
        ("open", "decide"),
        ("decided", "withdraw"),
        ("decided", "put_on_agenda"),
        ("withdrawn", "open"),
        ("withdrawn", "reopen"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(
    make_topic, community_staff, english, state, action
):
    topic = make_topic(open=state != "draft")
    if state == "decided":
        services.topic_put_on_agenda(topic=topic, by=community_staff)
        services.topic_decide(topic=topic, by=community_staff)
    elif state == "withdrawn":
        services.topic_withdraw(by=community_staff, topic=topic, reason="重复")
    events_before = _kinds(topic)
    call = {
        "open": lambda: services.topic_open(by=community_staff, topic=topic),
        "decide": lambda: services.topic_decide(topic=topic, by=community_staff),
        "put_on_agenda": lambda: services.topic_put_on_agenda(topic=topic, by=community_staff),
        "reopen": lambda: services.topic_reopen(topic=topic, by=community_staff),
        "withdraw": lambda: services.topic_withdraw(by=community_staff, topic=topic),
    }[action]
    with pytest.raises(services.TopicStateError) as caught:
        call()
    assert "This cannot be done to a topic that is" in caught.value.messages[0]
    topic.refresh_from_db()
    assert topic.status == state
    assert _kinds(topic) == events_before


def test_an_update_of_a_decided_topic_is_refused(make_topic, community_staff):
    topic = make_topic()
    services.topic_withdraw(by=community_staff, topic=topic)
    with pytest.raises(services.TopicStateError):
        services.topic_update(
            by=community_staff, topic=topic, title="新", background="新", options=[], support_threshold=5
        )


def test_an_update_changes_the_options_and_is_audited(make_topic, community_staff):
    topic = make_topic(open=False)
    services.topic_update(
        by=community_staff,
        topic=topic,
        title="停车位",
        background="背景",
        options=[services.OptionInput("划线停车", "在空地划线"), services.OptionInput("错峰停车")],
        support_threshold=5,
    )
    topic.refresh_from_db()
    assert (topic.title, topic.support_threshold) == ("停车位", 5)
    assert [(o.title, o.description) for o in topic.options.all()] == [
        ("划线停车", "在空地划线"),
        ("错峰停车", ""),
    ]
    entry = AuditEntry.objects.get(action="meetings.topic_update", object_id=str(topic.pk))
    assert entry.changes["options"] == [["划线停车", "建立体车库"], ["划线停车", "错峰停车"]]


# A tabled matter's deliberation -------------------------------------------------------------------------


@pytest.fixture
def tabled_matter(tree, community_staff):
    category = matter_services.category_save(by=None, code="parking", names={"zh-hans": "停车"})
    matter = matter_services.matter_raise(
        by=None,
        title="车位不够",
        description="晚上车停在消防通道上",
        category=category,
        place_code=tree.grids[0].code,
    )
    return matter_services.matter_table(by=community_staff, matter=matter)


def test_a_tabled_matter_is_deliberated_by_its_community_once(tree, community_staff, tabled_matter, english):
    topic = services.topic_open_from_matter(
        by=community_staff, matter=tabled_matter, options=[{"title": "划线"}], threshold=20
    )
    assert topic.status == TopicStatus.OPEN and topic.origin == Topic.Origin.MATTER
    assert topic.place_code == tree.communities[0].code
    assert (topic.title, topic.background) == ("车位不够", "晚上车停在消防通道上")
    assert MeetingEvent.objects.get(topic=topic).params == {"matter": tabled_matter.pk}
    with pytest.raises(services.TopicStateError) as caught:
        services.topic_open_from_matter(by=community_staff, matter=tabled_matter)
    assert f"topic {topic.pk}" in caught.value.messages[0]
    # Withdrawn, it no longer stands in the way of a new deliberation.
    services.topic_withdraw(by=community_staff, topic=topic)
    again = services.topic_open_from_matter(by=community_staff, matter=tabled_matter)
    assert Topic.objects.filter(matter=tabled_matter).count() == 2 and again.status == TopicStatus.OPEN


def test_a_matter_that_is_not_tabled_is_not_deliberated(community_staff, tabled_matter, english):
    matter_services.matter_untable(by=community_staff, matter=tabled_matter)
    with pytest.raises(services.TopicStateError, match="Only a matter tabled for deliberation"):
        services.topic_open_from_matter(by=community_staff, matter=tabled_matter)
    assert not Topic.objects.exists()


# Comments -------------------------------------------------------------------------------------------------


def test_a_resident_of_the_place_comments_and_replies(tree, make_topic, make_resident):
    topic = make_topic()
    wang = make_resident("王小明", username="wang")
    li = make_resident("李华", grid=tree.grids[1], username="li")
    comment = services.comment_post(by=wang.account, topic=topic, stance=Stance.FOR, body="  赞成划线  ")
    reply = services.comment_post(
        by=li.account, topic=topic, stance=Stance.AGAINST, body="车位还是不够", parent=comment
    )
    assert (comment.body, comment.resident, comment.author) == ("赞成划线", wang, wang.account)
    assert reply.parent == comment
    assert _audited("meetings.comment_post", comment) == 1


def test_others_may_not_take_part_and_are_told_whose_topic_it_is(
    tree, make_topic, make_resident, make_user, community_staff, english
):
    topic = make_topic()
    elsewhere = make_resident("赵六", grid=tree.grids[2], username="zhao")  # the next community
    moved = make_resident("钱七", username="qian")
    moved.status = ResidentStatus.MOVED_OUT
    moved.save(update_fields=["status"])
    no_registry = make_user("visitor", Role.RESIDENT, tree.grids[0].code)
    for account in (elsewhere.account, moved.account, no_registry, community_staff):
        with pytest.raises(services.TakePartRefused) as caught:
            services.comment_post(by=account, topic=topic, stance=Stance.FOR, body="我也说一句")
        assert str(caught.value) == "Only residents of 社区1-1 may take part in this topic."
        with pytest.raises(services.TakePartRefused):
            services.topic_support(by=account, topic=topic)
    assert not Comment.objects.exists() and not Support.objects.exists()


def test_a_subdistrict_topic_takes_residents_of_all_its_communities(tree, make_topic, make_resident):
    topic = make_topic(place_code=tree.subdistricts[0].code)
    neighbour = make_resident("孙八", grid=tree.grids[3], username="sun")
    services.comment_post(by=neighbour.account, topic=topic, stance=Stance.NEUTRAL, body="都可以")
    far = make_resident("周九", grid=tree.grids[4], username="zhou")
    with pytest.raises(services.TakePartRefused):
        services.comment_post(by=far.account, topic=topic, stance=Stance.NEUTRAL, body="都可以")


def test_bad_comments_are_refused_with_the_field_named(make_topic, make_resident, english):
    topic = make_topic()
    account = make_resident("王小明", username="wang").account
    first = services.comment_post(by=account, topic=topic, stance=Stance.FOR, body="好")
    reply = services.comment_post(by=account, topic=topic, stance=Stance.FOR, body="好", parent=first)
    cases = [
        ({"stance": "maybe", "body": "好"}, "stance"),
        ({"stance": Stance.FOR, "body": "   "}, "body"),
        ({"stance": Stance.FOR, "body": "长" * 2001}, "body"),
        ({"stance": Stance.FOR, "body": "好", "parent": reply}, "parent"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as caught:
            services.comment_post(by=account, topic=topic, **kwargs)
        assert set(caught.value.message_dict) == {field}
    assert Comment.objects.count() == 2


@pytest.mark.parametrize("end", ["withdrawn", "decided", "closed"])
def test_a_topic_that_ended_refuses_comments(make_topic, make_resident, community_staff, english, end):
    topic = make_topic()
    account = make_resident("王小明", username="wang").account
    if end == "withdrawn":
        services.topic_withdraw(by=community_staff, topic=topic)
    elif end == "decided":
        services.topic_put_on_agenda(topic=topic, by=community_staff)
        services.topic_decide(topic=topic, by=community_staff)
    else:
        Topic.objects.filter(pk=topic.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(services.TopicStateError, match="This topic no longer takes comments"):
        services.comment_post(by=account, topic=topic, stance=Stance.FOR, body="好")
    assert not Comment.objects.exists()


def test_a_topic_on_an_agenda_still_takes_comments_but_not_supports(
    make_topic, make_resident, community_staff
):
    topic = make_topic()
    account = make_resident("王小明", username="wang").account
    services.topic_put_on_agenda(topic=topic, by=community_staff)
    services.comment_post(by=account, topic=topic, stance=Stance.FOR, body="好")
    with pytest.raises(services.TopicStateError):
        services.topic_support(by=account, topic=topic)


# Supports -------------------------------------------------------------------------------------------------


def test_one_support_per_resident_counted_in_step(make_topic, make_resident, english):
    topic = make_topic(support_threshold=5)
    account = make_resident("王小明", username="wang").account
    services.topic_support(by=account, topic=topic)
    with pytest.raises(ValidationError) as caught:
        services.topic_support(by=account, topic=topic)
    assert caught.value.message_dict == {"support": ["You already support this topic."]}
    topic.refresh_from_db()
    assert topic.supports_count == Support.objects.filter(topic=topic).count() == 1
    services.topic_unsupport(by=account, topic=topic)
    topic.refresh_from_db()
    assert topic.supports_count == 0 and not Support.objects.exists()
    with pytest.raises(ValidationError, match="You do not support this topic"):
        services.topic_unsupport(by=account, topic=topic)
    assert _audited("meetings.topic_support", topic) == 1
    assert _audited("meetings.topic_unsupport", topic) == 1


def test_the_threshold_is_recorded_once_and_told_to_the_community_staff(
    tree, make_topic, make_resident, make_user, community_staff
):
    # The notice is written in the support's own transaction (this test's never commits): an action and its
    # notices are kept or lost together, and nothing can fail after the commit.
    other_community = make_user("t_other_staff", Role.COMMUNITY_STAFF, tree.communities[2].code)
    topic = make_topic(support_threshold=3)
    accounts = [make_resident(f"居民{c}", username=f"r{c}").account for c in "甲乙丙丁"]
    for account in accounts[:2]:
        services.topic_support(by=account, topic=topic)
    assert Topic.objects.get(pk=topic.pk).threshold_reached_at is None
    services.topic_support(by=accounts[2], topic=topic)
    reached_at = Topic.objects.get(pk=topic.pk).threshold_reached_at
    assert reached_at is not None
    # Below the threshold and back above it: still one entry, one notice, the first moment kept.
    services.topic_unsupport(by=accounts[0], topic=topic)
    services.topic_support(by=accounts[3], topic=topic)
    services.topic_support(by=accounts[0], topic=topic)
    topic.refresh_from_db()
    assert topic.supports_count == 4 and topic.threshold_reached_at == reached_at
    assert _kinds(topic).count("threshold_reached") == 1
    assert MeetingEvent.objects.get(topic=topic, kind="threshold_reached").params == {
        "supports": 3,
        "threshold": 3,
    }
    notices = Notification.objects.filter(kind="topic.threshold_reached")
    assert [n.recipient for n in notices] == [community_staff]
    assert notices[0].link == f"/deliberation/{topic.pk}/"
    assert not Notification.objects.filter(recipient=other_community).exists()


def test_a_supporter_earns_the_points_of_the_rule_once(make_topic, make_resident):
    from huiketing.points.models import Entry

    topic = make_topic(support_threshold=10)
    resident = make_resident("王小明", username="wang")
    services.topic_support(by=resident.account, topic=topic)
    services.topic_unsupport(by=resident.account, topic=topic)
    services.topic_support(by=resident.account, topic=topic)
    entries = Entry.objects.filter(account__resident=resident, rule__code="topic_supported")
    assert entries.count() == 1 and entries.get().amount > 0


def test_lowering_the_threshold_under_the_supports_reaches_it(make_topic, make_resident, community_staff):
    topic = make_topic(support_threshold=5)
    services.topic_support(by=make_resident("王小明", username="wang").account, topic=topic)
    services.topic_update(
        by=community_staff,
        topic=topic,
        title=topic.title,
        background=topic.background,
        options=[],
        support_threshold=1,
    )
    assert Topic.objects.get(pk=topic.pk).threshold_reached_at is not None
    assert _kinds(topic).count("threshold_reached") == 1


# Reports and moderation -----------------------------------------------------------------------------------


def test_a_report_is_once_per_account_and_the_third_tells_the_staff(
    make_topic, make_resident, make_user, community_staff, english
):
    topic = make_topic()
    comment = services.comment_post(
        by=make_resident("王小明", username="wang").account,
        topic=topic,
        stance=Stance.AGAINST,
        body="骂人的话",
    )
    reporters = [make_user(f"reporter{n}") for n in range(4)]
    services.comment_report(by=reporters[0], comment=comment, reason="侮辱")
    with pytest.raises(ValidationError) as caught:
        services.comment_report(by=reporters[0], comment=comment, reason="again")
    assert caught.value.message_dict == {"reason": ["You have already reported this comment."]}
    services.comment_report(by=reporters[1], comment=comment, reason="侮辱")
    assert not Notification.objects.filter(kind="topic.comment_reported").exists()
    services.comment_report(by=reporters[2], comment=comment, reason="侮辱")
    services.comment_report(by=reporters[3], comment=comment, reason="侮辱")
    notices = Notification.objects.filter(kind="topic.comment_reported")
    assert [n.recipient for n in notices] == [community_staff]
    assert notices[0].params["count"] == 3
    assert comment.reports.count() == 4
    with pytest.raises(ValidationError, match="Say what is wrong"):
        services.comment_report(by=make_user("reporter9"), comment=comment, reason=" ")


def test_hiding_keeps_the_reason_deals_with_the_reports_and_is_undone(
    make_topic, make_resident, make_user, community_staff, english
):
    topic = make_topic()
    comment = services.comment_post(
        by=make_resident("王小明", username="wang").account,
        topic=topic,
        stance=Stance.AGAINST,
        body="电话13912345678",
    )
    services.comment_report(by=make_user("reporter"), comment=comment, reason="个人信息")
    with pytest.raises(ValidationError) as caught:
        services.comment_hide(by=community_staff, comment=comment, reason="")
    assert set(caught.value.message_dict) == {"reason"}
    services.comment_hide(by=community_staff, comment=comment, reason="含有个人电话")
    comment.refresh_from_db()
    assert comment.hidden_at is not None and comment.hidden_by == community_staff
    assert comment.hidden_reason == "含有个人电话"
    assert not comment.reports.filter(resolved_at__isnull=True).exists()
    with pytest.raises(services.TopicStateError, match="already hidden"):
        services.comment_hide(by=community_staff, comment=comment, reason="again")
    with pytest.raises(services.TopicStateError, match="already hidden"):
        services.comment_report(by=make_user("late"), comment=comment, reason="x")
    services.comment_unhide(by=community_staff, comment=comment)
    comment.refresh_from_db()
    assert (comment.hidden_at, comment.hidden_reason) == (None, "")
    assert _audited("meetings.comment_hide", comment) == _audited("meetings.comment_unhide", comment) == 1


def test_keeping_a_reported_comment_deals_with_its_reports(
    make_topic, make_resident, make_user, community_staff
):
    topic = make_topic()
    comment = services.comment_post(
        by=make_resident("王小明", username="wang").account, topic=topic, stance=Stance.FOR, body="好"
    )
    services.comment_report(by=make_user("reporter"), comment=comment, reason="不喜欢")
    assert services.comment_reports_dismiss(by=community_staff, comment=comment) == 1
    with pytest.raises(services.TopicStateError):
        services.comment_reports_dismiss(by=community_staff, comment=comment)
