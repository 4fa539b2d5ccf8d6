"""One resident, a hundred attempts to vote at the same moment, half online from their phone and half
recorded in person by an officer at the door: exactly one ballot is kept, the count holds one vote, and the
99 others get the clear refusal saying how the first vote was cast, never a server error.

It runs on the database in use, SQLite or PostgreSQL. On PostgreSQL the attempts truly run at once and the
unique index on (vote, resident) refuses all but one; the threads start together, and at most as many hold
a connection at a time as the server has free (all of them on a server with room). SQLite takes one writer at
a time, so there the attempts queue for it, and the second and later ones are refused by the same index."""

from collections import Counter

import pytest

from huiketing.core.models import AuditEntry
from huiketing.meetings import vote_services as services
from huiketing.meetings.models import Ballot, Electorate, SecretTally
from huiketing.people.models import Role
from huiketing.points.models import Entry
from tests.attacks.concurrency import run_at_once
from tests.meetings.conftest import (  # noqa: F401  (fixtures)
    community_staff,
    make_meeting,
    make_resident,
    make_vote_item,
    meeting_kinds,
    points_rules,
)

pytestmark = pytest.mark.django_db(transaction=True)

ATTEMPTS = 100
REFUSED_AFTER_ONLINE = {
    "This resident has already voted online; a second vote is refused.",
    "You have already voted online; a second vote is refused.",
}
REFUSED_AFTER_IN_PERSON = {
    "This resident has already voted in person at the meeting; a second vote is refused.",
    "You have already voted in person at the meeting; a second vote is refused.",
}


@pytest.mark.parametrize("is_secret", [True, False], ids=["secret", "open"])
def test_a_hundred_attempts_by_one_resident_make_one_vote(
    audit_log_flushable,
    make_vote_item,  # noqa: F811  (the fixtures imported above)
    community_staff,  # noqa: F811
    make_resident,  # noqa: F811
    staff,
    points_rules,  # noqa: F811
    is_secret,
):
    item = make_vote_item()
    vote = services.vote_create(
        by=community_staff,
        item=item,
        question="Replace the street lights?",
        is_secret=is_secret,
        electorate=Electorate.RESIDENTS,
        turnout_quorum=0,
    )
    vote = services.vote_open(by=community_staff, vote=vote)
    options = list(vote.options.all())
    resident = make_resident("王大妈", username="t_race_voter")
    officer = staff[Role.GRID_LEADER]

    def online(n):
        return lambda: services.ballot_cast_online(by=resident.account, vote=vote, option=options[n % 3])

    def in_person(n):
        return lambda: services.ballot_record_in_person(
            by=officer, vote=vote, resident=resident, option=options[n % 3]
        )

    results = run_at_once([online(n) if n % 2 == 0 else in_person(n) for n in range(ATTEMPTS)])

    unexpected = [r for r in results if not isinstance(r, Ballot | services.BallotRefused)]
    assert not unexpected, unexpected[:3]
    won = [r for r in results if isinstance(r, Ballot)]
    refused = [r for r in results if isinstance(r, services.BallotRefused)]
    assert len(won) == 1 and len(refused) == ATTEMPTS - 1
    ballot = Ballot.objects.get(vote=vote)
    assert ballot.pk == won[0].pk and ballot.resident_id == resident.pk
    messages = Counter(message for error in refused for message in error.messages)
    expected = REFUSED_AFTER_ONLINE if ballot.channel == Ballot.Channel.ONLINE else REFUSED_AFTER_IN_PERSON
    assert set(messages) <= expected, messages
    assert sum(messages.values()) == ATTEMPTS - 1
    if is_secret:
        assert ballot.option_id is None
        assert sum(SecretTally.objects.filter(vote=vote).values_list("count", flat=True)) == 1
    else:
        assert ballot.option_id in {option.pk for option in options}
    assert AuditEntry.objects.filter(action="meetings.ballot_cast").count() == 1
    assert Entry.objects.filter(rule__code="vote_cast", source_id=str(vote.pk)).count() == 1
    vote = services.vote_close(by=community_staff, vote=vote)
    assert vote.cast_count == 1 and sum(o.result_count for o in vote.options.all()) == 1
