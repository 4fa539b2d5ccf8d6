"""Meetings through their services: planning, the list, registration, attendance at the door, the quorum, the
agenda, decisions with their votes, and the public-notice period with its objections."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from huiketing.core.models import AuditEntry, Notification
from huiketing.meetings import meeting_services as services
from huiketing.meetings.models import (
    ItemDecision,
    Meeting,
    MeetingEvent,
    MeetingKind,
    MeetingStatus,
    NoticeStatus,
    Objection,
    Participant,
    ParticipantKind,
    QuorumRule,
    TopicStatus,
    Vote,
    VoteStatus,
)
from huiketing.people.models import Organisation, Role
from huiketing.points.models import Entry


def name(i: int) -> str:
    """A resident's name without digits (the registry refuses them): 居民甲, 居民乙, ... 居民一二."""
    return "居民" + "".join("零一二三四五六七八九"[int(d)] for d in str(i))


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


# Kinds and planning -----------------------------------------------------------------------------------------


def test_a_fresh_database_has_the_standard_kinds_of_meeting(db):
    codes = set(MeetingKind.objects.values_list("code", flat=True))
    assert {"neighbourhood", "grid", "property", "representatives", "joint_party_committee"} <= codes
    assert MeetingKind.objects.get(code="joint_party_committee").names["zh-hans"] == "大党委联席会议"
    assert services.meeting_kinds_ensure() == 0


def test_ensuring_the_kinds_keeps_what_staff_renamed(db, community_staff):
    services.meeting_kind_save(by=community_staff, code="grid", names={"zh-hans": "网格恳谈会"}, position=1)
    services.meeting_kinds_ensure()
    assert MeetingKind.objects.get(code="grid").names == {"zh-hans": "网格恳谈会"}
    kind = services.meeting_kind_save(by=community_staff, code="elders", names={"zh-hans": "老人座谈会"})
    assert kind.is_active and AuditEntry.objects.filter(action="meetings.kind_save").count() == 2


def test_a_meeting_is_planned_with_its_place_and_quorum(tree, community_staff, meeting_kinds):
    now = timezone.now()
    meeting = services.meeting_create(
        by=community_staff,
        kind=meeting_kinds["property"],
        title="物业联席会",
        place_code=tree.grids[1].code,
        starts_at=now + timedelta(days=1),
        is_online=True,
        online_link="https://meet.example.org/abc",
        quorum_rule=QuorumRule.COUNT,
        quorum_count=5,
    )
    assert meeting.status == MeetingStatus.PLANNED and meeting.created_by == community_staff
    assert meeting.events.filter(kind=services.EVENT_SCHEDULED).count() == 1
    assert AuditEntry.objects.filter(action="meetings.meeting_create", object_id=str(meeting.pk)).exists()


def test_planning_checks_every_field_and_names_it(tree, community_staff, meeting_kinds, english):
    with pytest.raises(ValidationError) as caught:
        services.meeting_create(
            by=community_staff,
            kind=meeting_kinds["grid"],
            title="",
            place_code=tree.grids[4].code,
            starts_at=timezone.now() - timedelta(hours=1),
            is_online=True,
            quorum_rule=QuorumRule.COUNT,
        )
    errors = caught.value.message_dict
    assert set(errors) == {"title", "place_code", "starts_at", "online_link", "quorum_count"}
    assert errors["place_code"] == ["This place is outside your area."]
    with pytest.raises(ValidationError) as caught:
        services.meeting_create(
            by=community_staff,
            kind=meeting_kinds["grid"],
            title="x",
            place_code=tree.grids[0].code,
            starts_at=timezone.now() + timedelta(days=1),
        )
    assert "location" in caught.value.message_dict


def test_only_a_planned_meeting_changes_and_participants_hear_of_a_new_time(
    make_meeting, make_resident, community_staff
):
    meeting = make_meeting()
    resident = make_resident("王小明", username="t_wang")
    services.participant_invite(by=community_staff, meeting=meeting, resident=resident)
    later = meeting.starts_at + timedelta(hours=3)
    services.meeting_update(by=community_staff, meeting=meeting, starts_at=later, title="改期的会")
    meeting.refresh_from_db()
    assert meeting.starts_at == later and meeting.title == "改期的会"
    assert Notification.objects.filter(recipient=resident.account, kind="meeting.changed").count() == 1
    # A kind retired since stays the meeting's kind.
    MeetingKind.objects.filter(pk=meeting.kind_id).update(is_active=False)
    services.meeting_update(by=community_staff, meeting=meeting, title="再改")
    services.meeting_open(by=community_staff, meeting=meeting)
    with pytest.raises(services.MeetingStateError):
        services.meeting_update(by=community_staff, meeting=meeting, title="又改")


def test_transitions_follow_the_table(make_meeting, community_staff):
    meeting = make_meeting()
    with pytest.raises(services.MeetingStateError):
        services.meeting_close(by=community_staff, meeting=meeting)
    services.meeting_open(by=community_staff, meeting=meeting)
    with pytest.raises(services.MeetingStateError):
        services.meeting_cancel(by=community_staff, meeting=meeting, reason="下雨")
    services.meeting_close(by=community_staff, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED and meeting.closed_at is not None
    kinds = list(meeting.events.values_list("kind", flat=True))
    assert kinds == [services.EVENT_SCHEDULED, services.EVENT_OPENED, services.EVENT_CLOSED]


def test_cancelling_tells_everyone_on_the_list_and_needs_a_reason(
    make_meeting, make_resident, community_staff
):
    meeting = make_meeting()
    invited = make_resident("王小明", username="t_wang")
    registered = make_resident("李秀英", username="t_li")
    services.participant_invite(by=community_staff, meeting=meeting, resident=invited)
    services.meeting_register(by=registered.account, meeting=meeting)
    with pytest.raises(ValidationError) as caught:
        services.meeting_cancel(by=community_staff, meeting=meeting, reason=" ")
    assert "reason" in caught.value.message_dict
    services.meeting_cancel(by=community_staff, meeting=meeting, reason="会场停电")
    recipients = set(
        Notification.objects.filter(kind="meeting.cancelled").values_list("recipient", flat=True)
    )
    assert recipients == {invited.account_id, registered.account_id}
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.CANCELLED


# The list ---------------------------------------------------------------------------------------------------


def test_inviting_people_of_every_kind(make_meeting, make_resident, make_user, community_staff, tree):
    meeting = make_meeting()
    resident = make_resident("王小明", username="t_wang")
    company = Organisation.objects.create(
        kind=Organisation.Kind.PROPERTY_COMPANY,
        names={"zh-hans": "金山物业"},
        place_code=tree.communities[0].code,
    )
    party = make_user("t_party", Role.PARTY_MEMBER, tree.communities[0].code)
    rows = [
        services.participant_invite(by=community_staff, meeting=meeting, resident=resident),
        services.participant_invite(by=community_staff, meeting=meeting, organisation=company, name="张经理"),
        services.participant_invite(by=community_staff, meeting=meeting, user=party),
        services.participant_invite(
            by=community_staff, meeting=meeting, name="孙老师", kind=ParticipantKind.OTHER
        ),
    ]
    assert [row.kind for row in rows] == ["resident", "property_company", "party_member", "other"]
    # The resident's own account is the same person: inviting it again is refused, not a second row.
    with pytest.raises(ValidationError) as caught:
        services.participant_invite(by=community_staff, meeting=meeting, user=resident.account)
    assert "resident" in caught.value.message_dict
    assert Notification.objects.filter(kind="meeting.scheduled", recipient=resident.account).count() == 1
    assert Notification.objects.filter(kind="meeting.scheduled", recipient=party).count() == 1


def test_a_resident_outside_the_inviters_registry_is_refused(
    make_meeting, make_resident, community_staff, tree
):
    meeting = make_meeting()
    far = make_resident("远方居民", grid=tree.grids[4])
    with pytest.raises(ValidationError) as caught:
        services.participant_invite(by=community_staff, meeting=meeting, resident=far)
    assert "resident" in caught.value.message_dict


def test_bulk_invitations_skip_those_on_the_list_and_upgrade_walk_ins(
    make_meeting, make_resident, community_staff
):
    meeting = make_meeting()
    residents = [make_resident(name(i), username=f"t_r{i}") for i in range(4)]
    services.meeting_register(by=residents[0].account, meeting=meeting)
    services.participant_invite(by=community_staff, meeting=meeting, resident=residents[1])
    added = services.participants_invite(
        by=community_staff, meeting=meeting, residents=residents, kind="representative"
    )
    assert added == 3  # the walk-in is put on the list, two are new, one was invited already
    rows = {row.resident_id: row for row in meeting.participants.all()}
    assert all(row.invited for row in rows.values()) and len(rows) == 4
    assert rows[residents[0].pk].kind == "representative"
    assert services.participants_invite(by=community_staff, meeting=meeting, residents=residents) == 0


def test_participants_are_removed_only_before_the_meeting(make_meeting, make_resident, community_staff):
    meeting = make_meeting()
    row = services.participant_invite(by=community_staff, meeting=meeting, resident=make_resident("王小明"))
    other = services.participant_invite(by=community_staff, meeting=meeting, name="孙老师")
    services.participant_remove(by=community_staff, participant=row)
    assert not Participant.objects.filter(pk=row.pk).exists()
    services.meeting_open(by=community_staff, meeting=meeting)
    with pytest.raises(services.MeetingStateError):
        services.participant_remove(by=community_staff, participant=other)


def test_a_resident_of_the_area_registers_once_and_others_cannot(make_meeting, make_resident, tree):
    meeting = make_meeting()
    resident = make_resident("王小明", username="t_wang")
    row = services.meeting_register(by=resident.account, meeting=meeting)
    again = services.meeting_register(by=resident.account, meeting=meeting)
    assert row.pk == again.pk and not row.invited and row.registered_at is not None
    far = make_resident("远方居民", grid=tree.grids[4], username="t_far")
    with pytest.raises(services.MeetingStateError):
        services.meeting_register(by=far.account, meeting=meeting)


# Attendance -------------------------------------------------------------------------------------------------


@pytest.fixture
def sitting(make_meeting, community_staff):
    """A meeting of the first community that started ten minutes ago and is in session."""
    meeting = make_meeting(starts_in=timedelta(minutes=-10))
    return services.meeting_open(by=community_staff, meeting=meeting)


def test_checking_in_twice_with_the_door_code_is_one_row_and_one_award(
    sitting, make_resident, community_staff, points_rules
):
    resident = make_resident("王小明", username="t_wang")
    services.participant_invite(by=community_staff, meeting=sitting, resident=resident)
    first = services.attendance_check_in_by_token(user=resident.account, token=sitting.check_in_token)
    second = services.attendance_check_in_by_token(user=resident.account, token=sitting.check_in_token)
    assert first.pk == second.pk and first.attended_at == second.attended_at
    assert first.check_in == Participant.CheckIn.QR and first.invited
    assert sitting.participants.count() == 1
    assert Entry.objects.filter(account__resident=resident, rule__code="meeting_attended").count() == 1


def test_a_resident_of_the_area_walks_in_and_others_are_refused(
    sitting, make_resident, make_user, tree, english
):
    walker = make_resident("路人甲", grid=tree.grids[1], username="t_walker")
    row = services.attendance_check_in_by_token(user=walker.account, token=sitting.check_in_token)
    assert not row.invited and row.kind == ParticipantKind.RESIDENT
    far = make_resident("远方居民", grid=tree.grids[4], username="t_far")
    with pytest.raises(services.MeetingStateError) as caught:
        services.attendance_check_in_by_token(user=far.account, token=sitting.check_in_token)
    assert "only residents of its area" in _messages(caught.value)
    volunteer = make_user("t_volunteer", Role.VOLUNTEER, tree.communities[0].code)
    with pytest.raises(services.MeetingStateError):
        services.attendance_check_in_by_token(user=volunteer, token=sitting.check_in_token)
    with pytest.raises(ValidationError) as caught:
        services.attendance_check_in_by_token(user=walker.account, token="not-a-code")
    assert "token" in caught.value.message_dict
    assert sitting.participants.count() == 1


def test_check_in_opens_an_hour_before_the_start_and_ends_with_the_meeting(
    make_meeting, make_resident, community_staff, english
):
    resident = make_resident("王小明", username="t_wang")
    early = make_meeting(starts_in=timedelta(hours=3))
    with pytest.raises(services.MeetingStateError) as caught:
        services.attendance_check_in_by_token(user=resident.account, token=early.check_in_token)
    assert "one hour before" in _messages(caught.value)
    soon = make_meeting(starts_in=timedelta(minutes=40))
    assert services.attendance_check_in_by_token(user=resident.account, token=soon.check_in_token).attended_at
    services.meeting_open(by=community_staff, meeting=soon)
    services.meeting_close(by=community_staff, meeting=soon)
    other = make_resident("李秀英", username="t_li")
    with pytest.raises(services.MeetingStateError):
        services.attendance_check_in_by_token(user=other.account, token=soon.check_in_token)


def test_staff_record_attendance_at_the_door(sitting, make_resident, community_staff, points_rules):
    resident = make_resident("王小明")
    row = services.participant_invite(by=community_staff, meeting=sitting, resident=resident)
    row = services.attendance_record(by=community_staff, participant=row)
    assert row.check_in == Participant.CheckIn.STAFF and row.checked_in_by == community_staff
    assert Entry.objects.filter(account__resident=resident, rule__code="meeting_attended").count() == 1
    row = services.attendance_record(by=community_staff, participant=row, present=False)
    assert row.attended_at is None and row.check_in == ""
    services.attendance_record(by=community_staff, participant=row)
    # A correction and a second mark do not award twice.
    assert Entry.objects.filter(account__resident=resident, rule__code="meeting_attended").count() == 1


# The quorum -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "invited", "attending", "count", "required", "met"),
    [
        (QuorumRule.HALF, 10, 5, None, 6, False),
        (QuorumRule.HALF, 10, 6, None, 6, True),
        (QuorumRule.HALF, 7, 4, None, 4, True),
        (QuorumRule.HALF, 0, 0, None, 1, False),
        (QuorumRule.TWO_THIRDS, 9, 5, None, 6, False),
        (QuorumRule.TWO_THIRDS, 9, 6, None, 6, True),
        (QuorumRule.TWO_THIRDS, 10, 7, None, 7, True),
        (QuorumRule.TWO_THIRDS, 10, 6, None, 7, False),
        (QuorumRule.TWO_THIRDS, 0, 0, None, 1, False),
        (QuorumRule.COUNT, 100, 4, 5, 5, False),
        (QuorumRule.COUNT, 3, 5, 5, 5, True),
        (QuorumRule.NONE, 10, 0, None, 0, True),
    ],
)
def test_quorum_arithmetic(rule, invited, attending, count, required, met):
    figures = services.quorum_for(rule, invited, attending, count)
    assert (figures.required, figures.met) == (required, met)


def test_the_quorum_counts_invited_rows_without_observers_or_walk_ins(
    sitting, make_resident, community_staff, tree
):
    residents = [make_resident(name(i)) for i in range(4)]
    rows = [services.participant_invite(by=community_staff, meeting=sitting, resident=r) for r in residents]
    observer = services.participant_invite(
        by=community_staff, meeting=sitting, name="观察员", role="observer"
    )
    services.attendance_record(by=community_staff, participant=observer)
    services.attendance_record(by=community_staff, participant=rows[0])
    services.attendance_record(by=community_staff, participant=rows[1])
    walker = make_resident("路人甲", grid=tree.grids[1], username="t_walker")
    services.attendance_check_in_by_token(user=walker.account, token=sitting.check_in_token)
    with CaptureQueriesContext(connection) as queries:
        figures = services.quorum(sitting)
    assert len(queries) == 1
    assert (figures.invited, figures.attending, figures.met) == (4, 2, False)
    services.attendance_record(by=community_staff, participant=rows[2])
    assert services.quorum(sitting).met


# The agenda and decisions -----------------------------------------------------------------------------------


def test_the_agenda_is_ordered_changed_and_emptied_before_the_meeting(make_meeting, community_staff):
    meeting = make_meeting()
    items = [
        services.agenda_item_add(by=community_staff, meeting=meeting, title=f"议题{i}") for i in range(3)
    ]
    assert [item.position for item in items] == [1, 2, 3]
    services.agenda_item_reorder(
        by=community_staff, meeting=meeting, item_ids=[items[2].pk, items[0].pk, items[1].pk]
    )
    assert list(meeting.items.order_by("position").values_list("pk", flat=True)) == [
        items[2].pk,
        items[0].pk,
        items[1].pk,
    ]
    with pytest.raises(ValidationError):
        services.agenda_item_reorder(by=community_staff, meeting=meeting, item_ids=[items[0].pk])
    services.agenda_item_update(by=community_staff, item=items[0], title="改过的议题", description="说明")
    services.agenda_item_remove(by=community_staff, item=items[1])
    assert meeting.items.count() == 2
    services.meeting_open(by=community_staff, meeting=meeting)
    with pytest.raises(services.MeetingStateError):
        services.agenda_item_remove(by=community_staff, item=items[0])
    # An item raised on the day may still be added while the meeting sits.
    services.agenda_item_add(by=community_staff, meeting=meeting, title="临时动议")


def test_deciding_without_the_quorum_can_only_defer(sitting, make_resident, community_staff, english):
    rows = [
        services.participant_invite(by=community_staff, meeting=sitting, resident=make_resident(name(i)))
        for i in range(3)
    ]
    services.attendance_record(by=community_staff, participant=rows[0])
    item = services.agenda_item_add(by=community_staff, meeting=sitting, title="划停车位")
    for decision in (ItemDecision.APPROVED, ItemDecision.REJECTED):
        with pytest.raises(ValidationError) as caught:
            services.item_decide(by=community_staff, item=item, decision=decision, reasons="因为")
        assert "quorum is not met" in caught.value.message_dict["decision"][0]
    item = services.item_decide(
        by=community_staff, item=item, decision=ItemDecision.DEFERRED, reasons="人不够"
    )
    assert item.decision == ItemDecision.DEFERRED and item.notice_status == NoticeStatus.NONE
    with pytest.raises(services.MeetingStateError):
        services.item_decide(by=community_staff, item=item, decision=ItemDecision.DEFERRED, reasons="再议")


def test_items_are_decided_only_once_the_meeting_started(make_meeting, community_staff):
    meeting = make_meeting(quorum_rule=QuorumRule.NONE)
    item = services.agenda_item_add(by=community_staff, meeting=meeting, title="划停车位")
    with pytest.raises(services.MeetingStateError):
        services.item_decide(by=community_staff, item=item, decision=ItemDecision.APPROVED, reasons="好")
    with pytest.raises(ValidationError) as caught:
        services.item_decide(by=community_staff, item=item, decision="maybe", reasons="")
    assert {"decision", "reasons"} <= set(caught.value.message_dict)


def _vote(item, status, **figures):
    return Vote.objects.create(
        item=item, question="同意吗？", status=status, closed_at=timezone.now(), **figures
    )


def test_the_vote_on_an_item_governs_its_decision(make_meeting, community_staff, english):
    meeting = services.meeting_open(by=community_staff, meeting=make_meeting(quorum_rule=QuorumRule.NONE))
    item = services.agenda_item_add(by=community_staff, meeting=meeting, title="划停车位")
    vote = _vote(item, VoteStatus.OPEN)
    with pytest.raises(ValidationError) as caught:
        services.item_decide(by=community_staff, item=item, decision=ItemDecision.REJECTED, reasons="x")
    assert "still open" in caught.value.message_dict["decision"][0]
    Vote.objects.filter(pk=vote.pk).update(status=VoteStatus.CLOSED, quorum_met=True, passed=False)
    with pytest.raises(ValidationError) as caught:
        services.item_decide(by=community_staff, item=item, decision=ItemDecision.APPROVED, reasons="x")
    assert "did not pass" in caught.value.message_dict["decision"][0]
    Vote.objects.filter(pk=vote.pk).update(quorum_met=False)
    with pytest.raises(ValidationError) as caught:
        services.item_decide(by=community_staff, item=item, decision=ItemDecision.APPROVED, reasons="x")
    assert "turnout" in caught.value.message_dict["decision"][0]
    item = services.item_decide(
        by=community_staff, item=item, decision=ItemDecision.REJECTED, reasons="票数不够"
    )
    assert item.decision == ItemDecision.REJECTED
    passed = services.agenda_item_add(by=community_staff, meeting=meeting, title="装路灯")
    _vote(passed, VoteStatus.CLOSED, quorum_met=True, passed=True)
    assert (
        services.item_decide(by=community_staff, item=passed, decision="approved", reasons="通过").decision
        == "approved"
    )


def test_an_approved_item_starts_its_public_notice(make_meeting, community_staff):
    meeting = services.meeting_open(by=community_staff, meeting=make_meeting(quorum_rule=QuorumRule.NONE))
    item = services.agenda_item_add(by=community_staff, meeting=meeting, title="划停车位")
    with pytest.raises(ValidationError) as caught:
        services.item_decide(by=community_staff, item=item, decision="approved", reasons="好", notice_days=0)
    assert "notice_days" in caught.value.message_dict
    item = services.item_decide(
        by=community_staff,
        item=item,
        decision="approved",
        reasons="好",
        follow_up="物业一月内划线",
        notice_days=5,
    )
    today = timezone.localdate()
    assert item.notice_status == NoticeStatus.IN_NOTICE
    assert (item.notice_starts_on, item.notice_ends_on) == (today, today + timedelta(days=5))
    assert meeting.events.filter(kind=services.EVENT_DECIDED, params__decision="approved").count() == 1


def test_a_deferred_topic_goes_back_to_deliberation_and_a_decided_one_is_decided(
    make_meeting, make_topic, community_staff
):
    meeting = make_meeting(quorum_rule=QuorumRule.NONE)
    deferred_topic, approved_topic = make_topic("停车位"), make_topic("路灯")
    deferred = services.agenda_item_add(by=community_staff, meeting=meeting, topic=deferred_topic)
    approved = services.agenda_item_add(by=community_staff, meeting=meeting, topic=approved_topic)
    assert deferred.title == "停车位"
    deferred_topic.refresh_from_db()
    assert deferred_topic.status == TopicStatus.ON_AGENDA
    with pytest.raises(ValidationError):
        services.agenda_item_add(by=community_staff, meeting=meeting, topic=deferred_topic)
    services.meeting_open(by=community_staff, meeting=meeting)
    services.item_decide(by=community_staff, item=deferred, decision="deferred", reasons="需要再商量")
    services.item_decide(by=community_staff, item=approved, decision="approved", reasons="同意")
    deferred_topic.refresh_from_db()
    approved_topic.refresh_from_db()
    assert deferred_topic.status == TopicStatus.OPEN
    assert approved_topic.status == TopicStatus.DECIDED
    # Deferred, it can be put on the next meeting.
    following = make_meeting("下次会议", quorum_rule=QuorumRule.NONE)
    services.agenda_item_add(by=community_staff, meeting=following, topic=deferred_topic)


def test_removing_a_topic_or_cancelling_the_meeting_returns_it_to_deliberation(
    make_meeting, make_topic, community_staff
):
    meeting = make_meeting()
    first, second = make_topic("停车位"), make_topic("路灯")
    item = services.agenda_item_add(by=community_staff, meeting=meeting, topic=first)
    services.agenda_item_add(by=community_staff, meeting=meeting, topic=second)
    services.agenda_item_remove(by=community_staff, item=item)
    services.meeting_cancel(by=community_staff, meeting=meeting, reason="改期")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == TopicStatus.OPEN


def test_a_rejected_topic_from_a_matter_leaves_an_entry_for_the_matter(
    make_meeting, make_topic, community_staff
):
    from huiketing.meetings.models import Topic

    meeting = make_meeting(quorum_rule=QuorumRule.NONE)
    topic = make_topic("噪音")
    matter_id = _matter_for(topic, community_staff)
    item = services.agenda_item_add(by=community_staff, meeting=meeting, topic=topic)
    services.meeting_open(by=community_staff, meeting=meeting)
    services.item_decide(by=community_staff, item=item, decision="rejected", reasons="不归社区管")
    event = MeetingEvent.objects.get(meeting=meeting, kind=services.EVENT_DECIDED)
    assert event.params["matter"] == matter_id and event.topic_id == topic.pk
    assert Topic.objects.get(pk=topic.pk).status == TopicStatus.DECIDED


def _matter_for(topic, by) -> int:
    """Link a matter to the topic, as a tabled matter's topic is."""
    from huiketing.matters import services as matter_services
    from huiketing.matters.models import Category

    category, _created = Category.objects.get_or_create(code="meeting-tests", defaults={"names": {"en": "x"}})
    matter = matter_services.matter_raise(
        by=None, title="噪音", description="夜里施工", category=category, place_code=topic.place_code + "001"
    )
    type(topic).objects.filter(pk=topic.pk).update(matter=matter, origin="matter")
    return matter.pk


# The public-notice period -----------------------------------------------------------------------------------


@pytest.fixture
def approved(make_meeting, community_staff):
    """An item of a closed meeting of the first community, approved today with a 7-day notice period."""
    meeting = services.meeting_open(by=community_staff, meeting=make_meeting(quorum_rule=QuorumRule.NONE))
    item = services.agenda_item_add(by=community_staff, meeting=meeting, title="划停车位")
    item = services.item_decide(
        by=community_staff, item=item, decision="approved", reasons="同意", notice_days=7
    )
    services.meeting_close(by=community_staff, meeting=meeting)
    item.refresh_from_db()
    return item


def _after_notice(item, days: int = 1):
    return timezone.now() + timedelta(days=(item.notice_ends_on - timezone.localdate()).days + days)


def test_the_notice_period_job_makes_a_decision_effective_once(approved):
    assert services.notice_period_run() == {"effective": 0, "objected": 0}
    last_day = _after_notice(approved, days=0)
    assert services.notice_period_run(now=last_day) == {"effective": 0, "objected": 0}
    after = _after_notice(approved)
    assert services.notice_period_run(now=after) == {"effective": 1, "objected": 0}
    assert services.notice_period_run(now=after + timedelta(days=1)) == {"effective": 0, "objected": 0}
    approved.refresh_from_db()
    assert approved.notice_status == NoticeStatus.EFFECTIVE and approved.effective_at == after
    assert MeetingEvent.objects.filter(kind=services.EVENT_EFFECTIVE).count() == 1


def test_the_periodic_task_runs_the_job(approved):
    from huiketing.core.periodic import REGISTRY
    from huiketing.meetings.meeting_tasks import meetings_notice_period_task

    assert any(job.task is meetings_notice_period_task for job in REGISTRY.values())
    result = meetings_notice_period_task.enqueue(now=_after_notice(approved).isoformat())
    assert result.return_value == {"effective": 1, "objected": 0}


def test_objections_hold_the_decision_for_review(approved, make_resident, community_staff):
    objector = make_resident("王小明", username="t_wang")
    objection = services.objection_raise(by=objector.account, item=approved, body="划线后消防车进不来")
    assert Notification.objects.filter(kind="meeting.objection_raised", recipient=community_staff).exists()
    assert services.notice_period_run(now=_after_notice(approved)) == {"effective": 0, "objected": 1}
    approved.refresh_from_db()
    assert approved.notice_status == NoticeStatus.OBJECTED
    with pytest.raises(services.MeetingStateError):
        services.item_notice_resolve(by=community_staff, item=approved, uphold=True)
    services.objection_answer(by=community_staff, objection=objection, answer="留出了4米消防通道")
    assert (
        Notification.objects.filter(kind="meeting.objection_answered", recipient=objector.account).count()
        == 1
    )
    with pytest.raises(services.MeetingStateError):
        services.objection_answer(by=community_staff, objection=objection, answer="再答")
    item = services.item_notice_resolve(by=community_staff, item=approved, uphold=True, note="答复后维持")
    assert item.notice_status == NoticeStatus.EFFECTIVE and item.effective_at is not None


def test_answered_objections_let_the_decision_take_effect(approved, make_resident, community_staff):
    objection = services.objection_raise(
        by=make_resident("王", username="t_wang").account, item=approved, body="不同意"
    )
    services.objection_answer(by=community_staff, objection=objection, answer="已解释")
    assert services.notice_period_run(now=_after_notice(approved)) == {"effective": 1, "objected": 0}


def test_a_withdrawn_decision_is_deferred(approved, make_resident, community_staff):
    objection = services.objection_raise(
        by=make_resident("王", username="t_wang").account, item=approved, body="不同意"
    )
    services.notice_period_run(now=_after_notice(approved))
    services.objection_answer(by=community_staff, objection=objection, answer="接受意见")
    item = services.item_notice_resolve(by=community_staff, item=approved, uphold=False)
    assert (item.decision, item.notice_status) == (ItemDecision.DEFERRED, NoticeStatus.NONE)
    assert MeetingEvent.objects.filter(kind=services.EVENT_RESOLVED, params__upheld=False).count() == 1


def test_objections_only_during_the_period_by_residents_of_the_area_once(
    approved, make_resident, make_user, tree, english
):
    resident = make_resident("王小明", username="t_wang")
    with pytest.raises(ValidationError) as caught:
        services.objection_raise(by=resident.account, item=approved, body=" ")
    assert "body" in caught.value.message_dict
    services.objection_raise(by=resident.account, item=approved, body="不同意")
    with pytest.raises(ValidationError) as caught:
        services.objection_raise(by=resident.account, item=approved, body="还是不同意")
    assert "already objected" in caught.value.message_dict["body"][0]
    far = make_resident("远方居民", grid=tree.grids[4], username="t_far")
    with pytest.raises(services.MeetingStateError):
        services.objection_raise(by=far.account, item=approved, body="不同意")
    staff_account = make_user("t_gridworker", Role.GRID_WORKER, tree.grids[0].code)
    with pytest.raises(services.MeetingStateError):
        services.objection_raise(by=staff_account, item=approved, body="不同意")
    other = make_resident("李秀英", username="t_li")
    with pytest.raises(services.MeetingStateError) as caught:
        services.objection_raise(by=other.account, item=approved, body="晚了", now=_after_notice(approved))
    assert "public-notice period" in _messages(caught.value)
    services.notice_period_run(now=_after_notice(approved))
    with pytest.raises(services.MeetingStateError):
        services.objection_raise(by=other.account, item=approved, body="晚了")
    assert Objection.objects.filter(item=approved).count() == 1


def test_every_write_is_audited(approved):
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "meetings.meeting_create",
        "meetings.meeting_open",
        "meetings.item_add",
        "meetings.item_decide",
        "meetings.meeting_close",
    } <= actions


def test_notifications_read_in_the_recipients_language(make_meeting, make_resident, community_staff):
    from huiketing.core.notifications import notification_render

    meeting = make_meeting("Parking", service_point=None, location="Room 2")
    resident = make_resident("王小明", username="t_wang")
    services.participant_invite(by=community_staff, meeting=meeting, resident=resident)
    notification = Notification.objects.get(kind="meeting.scheduled")
    with translation.override("en"):
        rendered = notification_render(notification)
    assert rendered.title == "You are invited to a meeting"
    assert rendered.body.startswith("Parking, ") and rendered.body.endswith("Room 2.")


def test_a_decision_withdrawn_after_objections_sends_its_topic_back_to_deliberation(
    make_meeting, make_topic, make_resident, community_staff
):
    from huiketing.meetings.models import TopicStatus

    topic = make_topic()
    meeting = services.meeting_open(by=community_staff, meeting=make_meeting(quorum_rule=QuorumRule.NONE))
    item = services.agenda_item_add(by=community_staff, meeting=meeting, topic=topic)
    item = services.item_decide(
        by=community_staff, item=item, decision="approved", reasons="同意", notice_days=7
    )
    topic.refresh_from_db()
    assert topic.status == TopicStatus.DECIDED
    objection = services.objection_raise(
        by=make_resident("王", username="t_wang").account, item=item, body="不同意"
    )
    services.notice_period_run(now=_after_notice(item))
    services.objection_answer(by=community_staff, objection=objection, answer="接受意见，重新议事")
    services.item_notice_resolve(by=community_staff, item=item, uphold=False)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.OPEN
