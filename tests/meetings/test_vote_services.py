"""Votes through their services: the majority rules and the quorum at their boundaries, who is entitled under
each electorate, one vote per resident across the two ways of voting, one vote per household, the result
computed at the close, and the states a vote goes through."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from huiketing.core.models import AuditEntry, Notification
from huiketing.meetings import meeting_services
from huiketing.meetings import vote_services as services
from huiketing.meetings.models import (
    AgendaItem,
    Ballot,
    Electorate,
    ItemDecision,
    Majority,
    Meeting,
    MeetingEvent,
    MeetingStatus,
    ParticipantKind,
    SecretTally,
    VoteOption,
    VoteStatus,
)
from huiketing.people.models import Relation, ResidentStatus, Role
from huiketing.points.models import Entry

pytestmark = pytest.mark.usefixtures("english")

YES, NO, ABSTAIN = VoteOption.Meaning.YES, VoteOption.Meaning.NO, VoteOption.Meaning.ABSTAIN
# Names in the registry hold no digits.
NAMES = "甲乙丙丁戊己庚辛壬癸"


def _option(vote, meaning):
    return vote.options.get(meaning=meaning)


def _vote(item, by, **kwargs):
    kwargs.setdefault("electorate", Electorate.RESIDENTS)
    kwargs.setdefault("turnout_quorum", 0)
    vote = services.vote_create(by=by, item=item, question="Replace the street lights?", **kwargs)
    return services.vote_open(by=by, vote=vote)


# The outcome ------------------------------------------------------------------------------------------------


def _outcome(majority, *, entitled=100, cast=10, yes=0, no=0, quorum=0):
    return services.outcome(
        majority=majority, turnout_quorum=quorum, entitled=entitled, cast=cast, yes=yes, no=no
    )


def test_simple_majority_needs_more_for_than_against():
    assert _outcome(Majority.SIMPLE, cast=10, yes=5, no=4).passed
    assert not _outcome(Majority.SIMPLE, cast=10, yes=5, no=5).passed
    assert not _outcome(Majority.SIMPLE, cast=10, yes=4, no=5).passed
    # Abstentions do not count against: 3 for, 2 against, 5 abstaining passes.
    assert _outcome(Majority.SIMPLE, cast=10, yes=3, no=2).passed
    assert not _outcome(Majority.SIMPLE, cast=0).passed


def test_absolute_majority_needs_more_than_half_of_those_entitled():
    assert _outcome(Majority.ABSOLUTE, entitled=60, cast=45, yes=31, no=0).passed
    assert not _outcome(Majority.ABSOLUTE, entitled=60, cast=45, yes=30, no=0).passed
    assert _outcome(Majority.ABSOLUTE, entitled=59, cast=45, yes=30, no=10).passed
    assert not _outcome(Majority.ABSOLUTE, entitled=0, cast=0, yes=0).passed


def test_two_thirds_of_the_votes_cast_abstentions_included():
    assert _outcome(Majority.TWO_THIRDS, cast=45, yes=30).passed  # exactly two thirds
    assert not _outcome(Majority.TWO_THIRDS, cast=45, yes=29).passed
    assert _outcome(Majority.TWO_THIRDS, cast=3, yes=2, no=1).passed
    # 2 for, 0 against, 2 abstaining: two thirds of the votes cast (4) is not reached.
    assert not _outcome(Majority.TWO_THIRDS, cast=4, yes=2, no=0).passed
    assert not _outcome(Majority.TWO_THIRDS, cast=0, yes=0).passed


def test_four_fifths_of_the_votes_cast():
    assert _outcome(Majority.FOUR_FIFTHS, cast=45, yes=36).passed
    assert not _outcome(Majority.FOUR_FIFTHS, cast=45, yes=35).passed
    assert _outcome(Majority.FOUR_FIFTHS, cast=5, yes=4, no=1).passed
    assert not _outcome(Majority.FOUR_FIFTHS, cast=0).passed


def test_quorum_is_more_than_the_share_and_without_it_nothing_passes():
    at = _outcome(Majority.SIMPLE, entitled=60, cast=30, yes=30, quorum=50)
    assert not at.quorum_met and not at.passed  # exactly half is not more than half
    above = _outcome(Majority.SIMPLE, entitled=60, cast=31, yes=31, quorum=50)
    assert above.quorum_met and above.passed
    assert _outcome(Majority.SIMPLE, entitled=3, cast=2, yes=2, quorum=66).quorum_met  # 200 > 198
    assert not _outcome(Majority.SIMPLE, entitled=3, cast=2, yes=2, quorum=67).quorum_met  # 200 > 201
    none = _outcome(Majority.SIMPLE, entitled=60, cast=1, yes=1, quorum=0)
    assert none.quorum_met and none.passed
    assert not _outcome(Majority.SIMPLE, entitled=0, cast=0, quorum=50).quorum_met


# Preparing, opening, closing --------------------------------------------------------------------------------


def test_a_vote_offers_for_against_abstain_by_default_and_is_a_draft(make_vote_item, community_staff):
    item = make_vote_item()
    vote = services.vote_create(by=community_staff, item=item, question="  Replace the street lights?  ")
    assert vote.status == VoteStatus.DRAFT and vote.question == "Replace the street lights?"
    assert [(o.label, o.meaning) for o in vote.options.all()] == [("", YES), ("", NO), ("", ABSTAIN)]
    assert [services.option_label(o) for o in vote.options.all()] == ["For", "Against", "Abstain"]
    assert AuditEntry.objects.filter(action="meetings.vote_create", object_id=str(vote.pk)).exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"question": " "}, "question"),
        ({"question": "x" * 301}, "question"),
        ({"turnout_quorum": 101}, "turnout_quorum"),
        ({"turnout_quorum": -1}, "turnout_quorum"),
        ({"electorate": "everyone"}, "electorate"),
        ({"majority": "most"}, "majority"),
        ({"options": [("Yes", YES)]}, "options"),
        ({"options": [("Plan A", YES), ("Plan B", YES)]}, "options"),
        ({"options": [("Yes", YES), ("Yes", YES), ("No", NO)]}, "options"),
        ({"options": [("Yes", YES), ("No", "maybe")]}, "options"),
        ({"closes_at": timezone.now() - timedelta(minutes=1)}, "closes_at"),
    ],
)
def test_a_vote_with_bad_settings_is_refused_naming_the_field(make_vote_item, community_staff, kwargs, field):
    item = make_vote_item()
    kwargs = {"question": "Replace the street lights?", **kwargs}
    with pytest.raises(ValidationError) as refused:
        services.vote_create(by=community_staff, item=item, **kwargs)
    assert set(refused.value.message_dict) == {field}


def test_custom_options_and_changes_while_prepared_only(make_vote_item, community_staff):
    item = make_vote_item()
    vote = services.vote_create(
        by=community_staff,
        item=item,
        question="Which lights?",
        options=[("LED lights", YES), ("Keep the old ones", NO)],
        is_secret=True,
    )
    assert SecretTally.objects.filter(vote=vote).count() == 2
    vote = services.vote_update(
        by=community_staff,
        vote=vote,
        question="Which lights, then?",
        options=[("LED", YES), ("Old", NO), ("No opinion", ABSTAIN)],
        is_secret=True,
        electorate=Electorate.HOUSEHOLDS,
    )
    assert [o.label for o in vote.options.all()] == ["LED", "Old", "No opinion"]
    assert SecretTally.objects.filter(vote=vote).count() == 3
    assert vote.electorate == Electorate.HOUSEHOLDS
    services.vote_open(by=community_staff, vote=vote)
    with pytest.raises(services.VoteStateError, match="only before it opens"):
        services.vote_update(by=community_staff, vote=vote, question="Too late")


def test_a_vote_of_those_attending_opens_only_in_session(make_vote_item, community_staff):
    item = make_vote_item()
    vote = services.vote_create(by=community_staff, item=item, question="Q?", electorate=Electorate.ATTENDEES)
    with pytest.raises(services.VoteStateError, match="only while the meeting is in session"):
        services.vote_open(by=community_staff, vote=vote)
    # Residents of the area may vote online before the meeting.
    other = services.vote_create(
        by=community_staff, item=item, question="Q?", electorate=Electorate.RESIDENTS
    )
    assert services.vote_open(by=community_staff, vote=other).status == VoteStatus.OPEN
    assert MeetingEvent.objects.filter(meeting=item.meeting, kind="vote_opened").count() == 1


def test_illegal_transitions_are_refused(make_vote_item, community_staff):
    vote = _vote(make_vote_item(), community_staff)
    with pytest.raises(services.VoteStateError):
        services.vote_open(by=community_staff, vote=vote)
    services.vote_close(by=community_staff, vote=vote)
    with pytest.raises(services.VoteStateError):
        services.vote_close(by=community_staff, vote=vote)


def test_no_vote_on_a_decided_item_or_a_closed_meeting(make_vote_item, community_staff):
    item = make_vote_item(in_session=True)
    Meeting.objects.filter(pk=item.meeting_id).update(status=MeetingStatus.CLOSED)
    with pytest.raises(ValidationError) as refused:
        services.vote_create(by=community_staff, item=item, question="Q?")
    assert "item" in refused.value.message_dict
    decided = make_vote_item()
    AgendaItem.objects.filter(pk=decided.pk).update(decision=ItemDecision.DEFERRED)
    with pytest.raises(ValidationError, match="already decided"):
        services.vote_create(by=community_staff, item=decided, question="Q?")


# Entitlement ------------------------------------------------------------------------------------------------


def test_residents_electorate_is_the_adults_living_in_the_area(
    make_vote_item, community_staff, make_resident, tree
):
    vote = _vote(make_vote_item(), community_staff)
    adult = make_resident("成年人")
    child = make_resident("孩子", birth=date(timezone.localdate().year - 10, 1, 1))
    elsewhere = make_resident("外社区", grid=tree.grids[2])
    moved = make_resident("搬走了")
    moved.status = ResidentStatus.MOVED_OUT
    moved.save(update_fields=["status"])
    second_grid = make_resident("二网格", grid=tree.grids[1])
    assert services.entitled(vote, adult) and services.entitled(vote, second_grid)
    assert not any(services.entitled(vote, r) for r in (child, elsewhere, moved))
    assert services.entitled_count(vote) == 2
    assert set(services.entitled_residents(vote)) == {adult, second_grid}


def test_someone_turning_18_today_is_entitled(make_vote_item, community_staff, make_resident):
    vote = _vote(make_vote_item(), community_staff)
    today = timezone.localdate()
    birthday = services._adult_on(today)
    turning = make_resident("今天成年", birth=birthday)
    tomorrow = make_resident("明天成年", birth=birthday + timedelta(days=1))
    assert services.entitled(vote, turning)
    assert not services.entitled(vote, tomorrow)


def test_attendees_electorate_is_those_checked_in(make_vote_item, community_staff, make_resident):
    item = make_vote_item(in_session=True)
    meeting = item.meeting
    present, absent, walked_by = make_resident("到会"), make_resident("缺席"), make_resident("路过")
    rows = {
        r: meeting_services.participant_invite(by=community_staff, meeting=meeting, resident=r)
        for r in (present, absent)
    }
    meeting_services.attendance_record(by=community_staff, participant=rows[present])
    vote = _vote(item, community_staff, electorate=Electorate.ATTENDEES)
    assert services.entitled(vote, present)
    assert not services.entitled(vote, absent) and not services.entitled(vote, walked_by)
    assert services.entitled_count(vote) == 1


def test_representatives_electorate(make_vote_item, community_staff, make_resident):
    item = make_vote_item()
    representative, resident = make_resident("代表"), make_resident("居民")
    meeting_services.participant_invite(
        by=community_staff, meeting=item.meeting, kind=ParticipantKind.REPRESENTATIVE, resident=representative
    )
    meeting_services.participant_invite(by=community_staff, meeting=item.meeting, resident=resident)
    vote = _vote(item, community_staff, electorate=Electorate.REPRESENTATIVES)
    assert services.entitled(vote, representative) and not services.entitled(vote, resident)
    assert services.entitled_count(vote) == 1


def test_households_electorate_counts_households(make_vote_item, community_staff, make_resident):
    vote = _vote(make_vote_item(), community_staff, electorate=Electorate.HOUSEHOLDS)
    head = make_resident("户主")
    spouse = make_resident("配偶", household=head.household, relation=Relation.SPOUSE)
    second_head = make_resident("也说是户主", household=head.household, relation=Relation.HOUSEHOLDER)
    make_resident("另一户户主")
    assert services.entitled(vote, head) and services.entitled(vote, second_head)
    assert not services.entitled(vote, spouse)
    assert services.entitled_count(vote) == 2  # two households


def test_the_rule_for_one_resident_agrees_with_the_count(
    make_vote_item, community_staff, make_resident, tree
):
    people = [
        make_resident("甲"),
        make_resident("乙", grid=tree.grids[1], relation=Relation.CHILD),
        make_resident("丙", birth=date(timezone.localdate().year - 5, 6, 1)),
        make_resident("丁", grid=tree.grids[4]),
    ]
    for electorate in (Electorate.RESIDENTS, Electorate.HOUSEHOLDS):
        vote = _vote(make_vote_item(), community_staff, electorate=electorate)
        by_rule = {r.pk for r in people if services.entitled(vote, r)}
        assert by_rule == set(
            services.entitled_residents(vote)
            .filter(pk__in=[r.pk for r in people])
            .values_list("pk", flat=True)
        )


def test_not_entitled_is_refused_with_the_rule(
    make_vote_item, community_staff, make_resident, tree, make_user
):
    vote = _vote(make_vote_item(), community_staff)
    outsider = make_resident("外社区", grid=tree.grids[4], username="t_outsider")
    with pytest.raises(services.BallotRefused) as refused:
        services.ballot_cast_online(by=outsider.account, vote=vote, option=_option(vote, YES))
    assert "You are not entitled to vote on this question" in refused.value.messages[0]
    assert "adult residents living in the meeting's area" in refused.value.messages[0]
    officer = make_user("t_vote_officer", Role.GRID_LEADER, tree.grids[4].code)
    with pytest.raises(ValidationError) as refused:
        services.ballot_record_in_person(by=officer, vote=vote, resident=outsider, option=_option(vote, YES))
    assert "This resident is not entitled" in refused.value.message_dict["resident"][0]
    stranger = make_user("t_no_resident", Role.RESIDENT, tree.grids[0].code)
    with pytest.raises(services.BallotRefused, match="Only residents in the registry"):
        services.ballot_cast_online(by=stranger, vote=vote, option=_option(vote, YES))
    assert not Ballot.objects.exists()


# One vote per resident, two ways of voting ------------------------------------------------------------------


def test_online_then_in_person_is_refused_saying_it_was_online(
    make_vote_item, community_staff, make_resident, staff
):
    vote = _vote(make_vote_item(), community_staff)
    resident = make_resident("王芳", username="t_wangfang")
    services.ballot_cast_online(by=resident.account, vote=vote, option=_option(vote, YES))
    with pytest.raises(services.BallotRefused) as refused:
        services.ballot_record_in_person(
            by=staff[Role.GRID_LEADER], vote=vote, resident=resident, option=_option(vote, NO)
        )
    assert refused.value.messages == ["This resident has already voted online; a second vote is refused."]
    with pytest.raises(services.BallotRefused) as again:
        services.ballot_cast_online(by=resident.account, vote=vote, option=_option(vote, NO))
    assert again.value.messages == ["You have already voted online; a second vote is refused."]
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_in_person_then_online_is_refused_saying_it_was_in_person(
    make_vote_item, community_staff, make_resident, staff
):
    vote = _vote(make_vote_item(), community_staff)
    resident = make_resident("李强", username="t_liqiang")
    ballot = services.ballot_record_in_person(
        by=staff[Role.GRID_LEADER], vote=vote, resident=resident, option=_option(vote, NO)
    )
    assert ballot.recorded_by == staff[Role.GRID_LEADER] and ballot.channel == Ballot.Channel.IN_PERSON
    assert ballot.cast_minute.second == 0 and ballot.cast_minute.microsecond == 0
    with pytest.raises(services.BallotRefused) as refused:
        services.ballot_cast_online(by=resident.account, vote=vote, option=_option(vote, YES))
    assert refused.value.messages == [
        "You have already voted in person at the meeting; a second vote is refused."
    ]
    with pytest.raises(services.BallotRefused) as again:
        services.ballot_record_in_person(
            by=community_staff, vote=vote, resident=resident, option=_option(vote, YES)
        )
    assert again.value.messages == [
        "This resident has already voted in person at the meeting; a second vote is refused."
    ]
    assert Ballot.objects.filter(vote=vote).get().option == _option(vote, NO)
    # The resident is told a ballot was recorded in their name.
    assert (
        Notification.objects.filter(recipient=resident.account, kind="meetings.ballot_recorded").count() == 1
    )


def test_a_household_votes_once_even_with_two_heads(make_vote_item, community_staff, make_resident, staff):
    vote = _vote(make_vote_item(), community_staff, electorate=Electorate.HOUSEHOLDS)
    head = make_resident("户主", username="t_head")
    second = make_resident(
        "另一户主", household=head.household, relation=Relation.HOUSEHOLDER, username="t_head2"
    )
    services.ballot_cast_online(by=head.account, vote=vote, option=_option(vote, YES))
    with pytest.raises(services.BallotRefused) as refused:
        services.ballot_cast_online(by=second.account, vote=vote, option=_option(vote, NO))
    assert refused.value.messages == [
        "Another member of this household has already voted online; a household has one vote."
    ]
    with pytest.raises(services.BallotRefused, match="already voted online; a household has one vote"):
        services.ballot_record_in_person(
            by=staff[Role.GRID_LEADER], vote=vote, resident=second, option=_option(vote, NO)
        )
    assert Ballot.objects.filter(vote=vote).get().household == head.household


def test_ballots_only_while_open_and_online_only_when_allowed(
    make_vote_item, community_staff, make_resident, staff
):
    item = make_vote_item()
    resident = make_resident("张三", username="t_zhangsan")
    draft = services.vote_create(
        by=community_staff, item=item, question="Q?", electorate=Electorate.RESIDENTS
    )
    with pytest.raises(services.BallotRefused, match="not open"):
        services.ballot_cast_online(by=resident.account, vote=draft, option=_option(draft, YES))
    at_meeting = _vote(item, community_staff, allows_online=False)
    with pytest.raises(services.BallotRefused, match="at the meeting only"):
        services.ballot_cast_online(by=resident.account, vote=at_meeting, option=_option(at_meeting, YES))
    assert services.ballot_record_in_person(
        by=staff[Role.GRID_LEADER], vote=at_meeting, resident=resident, option=_option(at_meeting, YES)
    )
    other = _vote(item, community_staff)
    with pytest.raises(ValidationError) as wrong:
        services.ballot_cast_online(by=resident.account, vote=other, option=_option(at_meeting, YES))
    assert set(wrong.value.message_dict) == {"option"}
    ending = _vote(item, community_staff, closes_at=timezone.now() + timedelta(hours=1))
    with pytest.raises(services.BallotRefused, match="has ended"):
        services.ballot_cast_online(
            by=resident.account,
            vote=ending,
            option=_option(ending, YES),
            now=timezone.now() + timedelta(hours=2),
        )
    services.vote_close(by=community_staff, vote=other)
    with pytest.raises(services.BallotRefused, match="not open"):
        services.ballot_cast_online(by=resident.account, vote=other, option=_option(other, YES))


# The result -------------------------------------------------------------------------------------------------


def _cast(vote, residents, meanings, officer=None):
    for resident, meaning in zip(residents, meanings, strict=True):
        if officer is not None:
            services.ballot_record_in_person(
                by=officer, vote=vote, resident=resident, option=_option(vote, meaning)
            )
        else:
            services.ballot_cast_online(by=resident.account, vote=vote, option=_option(vote, meaning))


@pytest.mark.parametrize("is_secret", [False, True])
def test_closing_computes_the_result_from_the_records(
    make_vote_item, community_staff, make_resident, staff, points_rules, is_secret
):
    item = make_vote_item()
    residents = [make_resident(f"居民{NAMES[n]}", username=f"t_voter{n}") for n in range(6)]
    vote = _vote(item, community_staff, majority=Majority.TWO_THIRDS, turnout_quorum=50, is_secret=is_secret)
    _cast(vote, residents[:3], [YES, YES, NO])
    _cast(vote, residents[3:4], [YES], officer=staff[Role.GRID_LEADER])
    vote = services.vote_close(by=community_staff, vote=vote)
    # 6 entitled, 4 voted (67% > 50%); 3 of 4 for: two thirds reached.
    assert (vote.entitled_count, vote.cast_count, vote.quorum_met, vote.passed) == (6, 4, True, True)
    assert {o.meaning: o.result_count for o in vote.options.all()} == {YES: 3, NO: 1, ABSTAIN: 0}
    assert (
        Entry.objects.filter(
            rule__code="vote_cast", source_type="meetings.vote", source_id=str(vote.pk)
        ).count()
        == 4
    )
    event = MeetingEvent.objects.get(meeting=item.meeting, kind="vote_closed")
    assert (event.params["yes"], event.params["cast"], event.params["passed"]) == (3, 4, True)
    assert (
        Notification.objects.filter(
            kind="meetings.vote_result", recipient__in=[r.account for r in residents[:4]]
        ).count()
        == 4
    )


def test_without_the_quorum_the_vote_does_not_pass(make_vote_item, community_staff, make_resident):
    residents = [make_resident(f"居民{NAMES[n]}", username=f"t_q{n}") for n in range(4)]
    vote = _vote(make_vote_item(), community_staff, turnout_quorum=50)
    _cast(vote, residents[:2], [YES, YES])
    vote = services.vote_close(by=community_staff, vote=vote)
    assert (vote.entitled_count, vote.cast_count, vote.quorum_met, vote.passed) == (4, 2, False, False)


def test_someone_who_voted_then_moved_out_still_counts_as_entitled(
    make_vote_item, community_staff, make_resident
):
    residents = [make_resident(f"居民{NAMES[n]}", username=f"t_m{n}") for n in range(3)]
    vote = _vote(make_vote_item(), community_staff)
    _cast(vote, residents[:1], [YES])
    residents[0].status = ResidentStatus.MOVED_OUT
    residents[0].save(update_fields=["status"])
    vote = services.vote_close(by=community_staff, vote=vote)
    assert (vote.entitled_count, vote.cast_count) == (3, 1)


def test_votes_whose_time_is_up_are_closed_by_the_job(make_vote_item, community_staff):
    item = make_vote_item()
    due = _vote(item, community_staff, closes_at=timezone.now() + timedelta(hours=1))
    later = _vote(item, community_staff, closes_at=timezone.now() + timedelta(days=2))
    assert services.votes_close_due(now=timezone.now() + timedelta(hours=2)) == 1
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == (VoteStatus.CLOSED, VoteStatus.OPEN)
    assert services.votes_close_due(now=timezone.now() + timedelta(hours=2)) == 0
