"""Votes ending: with the meeting for those attending, at their closing time for the others."""

from datetime import timedelta

from django.utils import timezone

from huiketing.meetings import meeting_services, vote_services
from huiketing.meetings.models import Electorate, Majority, VoteStatus
from huiketing.meetings.vote_tasks import votes_close_due_task


def test_closing_the_meeting_counts_the_votes_of_those_attending_and_leaves_the_others_open(
    make_vote_item, community_staff, points_rules
):
    item = make_vote_item(in_session=True)
    attending = vote_services.vote_create(
        by=community_staff, item=item, question="到会表决", electorate=Electorate.ATTENDEES
    )
    everyone = vote_services.vote_create(
        by=community_staff,
        item=item,
        question="全体居民表决",
        electorate=Electorate.RESIDENTS,
        majority=Majority.SIMPLE,
        closes_at=timezone.now() + timedelta(days=3),
    )
    for vote in (attending, everyone):
        vote_services.vote_open(by=community_staff, vote=vote)

    meeting_services.meeting_close(by=community_staff, meeting=item.meeting)

    attending.refresh_from_db()
    everyone.refresh_from_db()
    assert attending.status == VoteStatus.CLOSED
    assert attending.cast_count == 0 and attending.passed is False
    assert everyone.status == VoteStatus.OPEN


def test_the_periodic_job_closes_votes_past_their_closing_time_once(make_vote_item, community_staff):
    item = make_vote_item()
    now = timezone.now()
    due = vote_services.vote_create(
        by=community_staff,
        item=item,
        question="三天内表决",
        electorate=Electorate.RESIDENTS,
        closes_at=now + timedelta(days=3),
    )
    later = vote_services.vote_create(
        by=community_staff,
        item=item,
        question="一周内表决",
        electorate=Electorate.RESIDENTS,
        closes_at=now + timedelta(days=7),
    )
    for vote in (due, later):
        vote_services.vote_open(by=community_staff, vote=vote)

    moment = (now + timedelta(days=4)).isoformat()
    assert votes_close_due_task.call(now=moment) == 1
    assert votes_close_due_task.call(now=moment) == 0

    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == VoteStatus.CLOSED and due.closed_at is not None
    assert later.status == VoteStatus.OPEN
