"""Reads of votes that depend on who asks: the vote as a page or a box on the meeting's page shows it, the
staff's view with the turnout and who voted, and the officer's search among those entitled.

A vote is public once it is opened (its meeting's agenda is public); a prepared one is seen only by those
who manage the meeting. No partial result of any vote is shown while it is open, to anyone: staff see how
many voted, never how. Who voted is not secret and is shown to staff; what each chose is shown to staff
for open votes once closed (secret ballots do not hold it). Staff reads are scoped to the places the
reader covers: missing and out of scope are the same 404.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from huiketing.core import scope
from huiketing.people.models import REGISTRY_ROLES, Resident, User

from . import vote_services
from .models import (
    AgendaItem,
    Ballot,
    Majority,
    Meeting,
    MeetingEvent,
    Participant,
    Vote,
    VoteOption,
    VoteStatus,
)


def _percent(part: int, whole: int) -> str:
    """A share as people write it: one decimal at most, none when it is whole ("75.6%", "75%")."""
    if not whole:
        return "0%"
    text = f"{part * 100 / whole:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _bar(part: int, whole: int) -> int:
    return round(part * 100 / whole) if whole else 0


# Fetching ---------------------------------------------------------------------------------------------------


def _votes() -> QuerySet[Vote]:
    return Vote.objects.select_related("item__meeting__kind").prefetch_related("options")


def vote_get_public(*, user, vote_id: int) -> Vote:
    """A vote for its public page: any vote once opened; a prepared one only for those who manage its meeting
    (everyone else: 404)."""
    vote = _votes().filter(pk=vote_id).first()
    if vote is None:
        raise Http404
    if vote.status == VoteStatus.DRAFT and not user.has_perm("meetings.manage", vote.item.meeting):
        raise Http404
    return vote


def vote_get_for_staff(*, user, vote_id: int, roles=REGISTRY_ROLES) -> Vote:
    """A vote on a meeting in the user's scope, else 404."""
    vote = _votes().filter(scope.scope_q(user, "item__meeting__place_code", roles), pk=vote_id).first()
    if vote is None:
        raise Http404
    return vote


def item_get_for_staff(*, user, item_id: int, roles=REGISTRY_ROLES) -> AgendaItem:
    """An agenda item of a meeting in the user's scope, else 404."""
    item = (
        AgendaItem.objects.select_related("meeting__kind")
        .filter(scope.scope_q(user, "meeting__place_code", roles), pk=item_id)
        .first()
    )
    if item is None:
        raise Http404
    return item


def resident_of(user) -> Resident | None:
    """The registry record of the signed-in account, with its household, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Resident.objects.select_related("household").filter(account_id=user.pk).first()


# The vote as a box and a page -------------------------------------------------------------------------------


@dataclass
class OptionResult:
    option: VoteOption
    label: str
    count: int | None = None
    percent: str = ""
    bar: int = 0


@dataclass
class MyBallot:
    channel: str
    channel_display: str
    cast_minute: datetime
    option_label: str = ""  # empty for a secret vote, whose ballot holds no choice


@dataclass
class VoteBox:
    """Everything a page shows of one vote to one reader."""

    vote: Vote
    options: list[OptionResult] = field(default_factory=list)
    statement: str = ""
    my_ballot: MyBallot | None = None
    # None: the reader is not a resident in the registry (or not signed in).
    entitled: bool | None = None
    rule: str = ""
    can_cast: bool = False
    has_ended: bool = False
    # Staff only: how many have voted so far (never how).
    turnout: int | None = None
    can_manage: bool = False
    can_record: bool = False
    can_see_staff_page: bool = False

    @property
    def is_open(self) -> bool:
        return self.vote.status == VoteStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.vote.status == VoteStatus.CLOSED


def result_statement(vote: Vote, options: Sequence[VoteOption] | None = None) -> str:
    """The result of a closed vote in words, from its stored figures, e.g. "Passed: 34 of 45 votes for
    (75.6%), two thirds needed. Turnout 45 of 60 (75%); quorum 50% met." Empty while it is not closed."""
    if vote.status != VoteStatus.CLOSED or vote.cast_count is None:
        return ""
    options = list(options if options is not None else vote.options.all())
    totals = dict.fromkeys(VoteOption.Meaning.values, 0)
    for option in options:
        totals[option.meaning] += option.result_count or 0
    yes, no = totals[VoteOption.Meaning.YES], totals[VoteOption.Meaning.NO]
    abstain = totals[VoteOption.Meaning.ABSTAIN]
    cast, entitled = vote.cast_count, vote.entitled_count or 0
    values = {
        "yes": yes,
        "no": no,
        "abstain": abstain,
        "cast": cast,
        "entitled": entitled,
        "percent": _percent(yes, cast),
        "percent_entitled": _percent(yes, entitled),
    }
    if vote.majority == Majority.SIMPLE:
        first = (
            _("Passed: %(yes)s for, %(no)s against, %(abstain)s abstaining; more for than against needed.")
            if vote.passed
            else _(
                "Not passed: %(yes)s for, %(no)s against, %(abstain)s abstaining; "
                "more for than against needed."
            )
        )
    elif vote.majority == Majority.ABSOLUTE:
        first = (
            _(
                "Passed: %(yes)s for, out of %(entitled)s entitled (%(percent_entitled)s); "
                "more than half of those entitled needed."
            )
            if vote.passed
            else _(
                "Not passed: %(yes)s for, out of %(entitled)s entitled (%(percent_entitled)s); "
                "more than half of those entitled needed."
            )
        )
    elif vote.majority == Majority.TWO_THIRDS:
        first = (
            _("Passed: %(yes)s of %(cast)s votes for (%(percent)s), two thirds needed.")
            if vote.passed
            else _("Not passed: %(yes)s of %(cast)s votes for (%(percent)s), two thirds needed.")
        )
    else:
        first = (
            _("Passed: %(yes)s of %(cast)s votes for (%(percent)s), four fifths needed.")
            if vote.passed
            else _("Not passed: %(yes)s of %(cast)s votes for (%(percent)s), four fifths needed.")
        )
    turnout = {
        "cast": cast,
        "entitled": entitled,
        "percent": _percent(cast, entitled),
        "quorum": vote.turnout_quorum,
    }
    if vote.turnout_quorum == 0:
        second = _("Turnout %(cast)s of %(entitled)s (%(percent)s); no quorum required.")
    elif vote.quorum_met:
        second = _("Turnout %(cast)s of %(entitled)s (%(percent)s); quorum %(quorum)s%% met.")
    else:
        second = _(
            "Turnout %(cast)s of %(entitled)s (%(percent)s); "
            "quorum %(quorum)s%% not met, so the vote does not carry."
        )
    return f"{first % values} {second % turnout}"


def _option_results(vote: Vote) -> list[OptionResult]:
    options = list(vote.options.all())
    closed = vote.status == VoteStatus.CLOSED
    cast = vote.cast_count or 0
    results = []
    for option in options:
        result = OptionResult(option=option, label=vote_services.option_label(option))
        if closed:
            count = option.result_count or 0
            result.count, result.percent, result.bar = count, _percent(count, cast), _bar(count, cast)
        results.append(result)
    return results


def vote_boxes(*, votes: Sequence[Vote], user, now: datetime | None = None) -> list[VoteBox]:
    """The votes of one meeting as `user` sees them, in a fixed number of queries however many votes,
    options and ballots there are. The votes come with their item, meeting and options (`_votes()`)."""
    votes = list(votes)
    if not votes:
        return []
    now = now or timezone.now()
    today = timezone.localdate(now)
    meeting_ids = {vote.item.meeting_id for vote in votes}
    vote_ids = [vote.pk for vote in votes]
    resident = resident_of(user)
    participants: dict[int, Participant] = {}
    mine: dict[int, Ballot] = {}
    if resident is not None:
        participants = {
            p.meeting_id: p for p in Participant.objects.filter(meeting_id__in=meeting_ids, resident=resident)
        }
        mine = {
            b.vote_id: b
            for b in Ballot.objects.filter(vote_id__in=vote_ids, resident=resident).select_related("option")
        }
    meetings = {vote.item.meeting_id: vote.item.meeting for vote in votes}
    staff_meetings = {pk for pk, meeting in meetings.items() if user.has_perm("meetings.view_staff", meeting)}
    turnout: dict[int, int] = {}
    open_staff = [v.pk for v in votes if v.status == VoteStatus.OPEN and v.item.meeting_id in staff_meetings]
    if open_staff:
        turnout = dict(
            Ballot.objects.filter(vote_id__in=open_staff)
            .values("vote_id")
            .annotate(n=Count("id"))
            .values_list("vote_id", "n")
        )
    boxes = []
    for vote in votes:
        meeting = meetings[vote.item.meeting_id]
        box = VoteBox(
            vote=vote, options=_option_results(vote), rule=vote_services.electorate_rule(vote.electorate)
        )
        box.statement = result_statement(vote)
        box.has_ended = vote.closes_at is not None and vote.closes_at <= now
        ballot = mine.get(vote.pk)
        if ballot is not None:
            box.my_ballot = MyBallot(
                channel=ballot.channel,
                channel_display=str(ballot.get_channel_display()),
                cast_minute=ballot.cast_minute,
                option_label=vote_services.option_label(ballot.option) if ballot.option_id else "",
            )
        if resident is not None:
            box.entitled = vote_services.qualifies(vote, resident, participants.get(meeting.pk), today=today)
        box.can_cast = bool(
            box.is_open and vote.allows_online and box.entitled and ballot is None and not box.has_ended
        )
        if meeting.pk in staff_meetings:
            box.can_see_staff_page = True
            box.can_manage = user.has_perm("meetings.manage", meeting)
            box.can_record = user.has_perm("meetings.record_ballot", meeting) and box.is_open
            if box.is_open:
                box.turnout = turnout.get(vote.pk, 0)
        boxes.append(box)
    return boxes


def vote_box(*, vote: Vote, user, now: datetime | None = None) -> VoteBox:
    return vote_boxes(votes=[vote], user=user, now=now)[0]


def votes_for_items(*, items: Iterable[AgendaItem], user, now: datetime | None = None) -> list[AgendaItem]:
    """Attach to each agenda item its votes as `user` may see them (`item.vote_list`, each vote with its
    `box`), for the meeting's page; prepared votes only for those who manage the meeting. A fixed number of
    queries whatever the number of items and votes."""
    items = list(items)
    by_item: dict[int, list[Vote]] = {item.pk: [] for item in items}
    votes = list(_votes().filter(item_id__in=list(by_item)).order_by("item_id", "id"))
    managed: dict[int, bool] = {}
    visible = []
    for vote in votes:
        meeting = vote.item.meeting
        if meeting.pk not in managed:
            managed[meeting.pk] = user.has_perm("meetings.manage", meeting)
        if vote.status != VoteStatus.DRAFT or managed[meeting.pk]:
            visible.append(vote)
    for box in vote_boxes(votes=visible, user=user, now=now):
        box.vote.box = box
        by_item[box.vote.item_id].append(box.vote)
    for item in items:
        item.vote_list = by_item[item.pk]
    return items


def votes_for_meeting(*, meeting: Meeting, user) -> list[Vote]:
    """Every vote of a meeting that `user` may see, in agenda order, each with its `box`."""
    items = list(meeting.items.all())
    votes_for_items(items=items, user=user)
    return [vote for item in items for vote in item.vote_list]


# Staff ------------------------------------------------------------------------------------------------------


def ballots_for_staff(*, vote: Vote) -> QuerySet[Ballot]:
    """Who voted, how and when, for the staff page (the caller has fetched the vote through the scoped
    selector). The option is joined for an open vote once closed; a secret ballot has none to join."""
    ballots = Ballot.objects.filter(vote=vote).select_related("resident", "recorded_by")
    if not vote.is_secret and vote.status == VoteStatus.CLOSED:
        ballots = ballots.select_related("option")
    return ballots.order_by("-cast_minute", "resident__full_name", "resident_id")


def live_turnout(*, vote: Vote) -> tuple[int, int]:
    """(votes cast so far, entitled now) while the vote is open: how many, never how."""
    return Ballot.objects.filter(vote=vote).count(), vote_services.entitled_count(vote)


def entitled_for_officer(
    *, user: User, vote: Vote, name: str = "", limit: int = 20, resident_id: int | None = None
) -> list[Resident]:
    """Residents entitled to vote, inside the officer's registry scope, whose name contains `name` (or the
    one resident `resident_id`); each with `ballot_channel` (how they voted, or None)."""
    residents = (
        vote_services.entitled_residents(vote)
        .filter(scope.scope_q(user, roles=REGISTRY_ROLES))
        .select_related("household")
    )
    if resident_id is not None:
        residents = residents.filter(pk=resident_id)
    if name:
        residents = residents.filter(full_name__icontains=name)
    found = list(residents.order_by("full_name", "pk")[:limit])
    channels = dict(
        Ballot.objects.filter(vote=vote, resident_id__in=[r.pk for r in found]).values_list(
            "resident_id", "channel"
        )
    )
    for resident in found:
        resident.ballot_channel = channels.get(resident.pk)
    return found


def resident_for_officer(*, user: User, resident_id: int) -> Resident | None:
    """A resident in the officer's registry scope (whether entitled is the service's question), or None."""
    return (
        Resident.objects.filter(scope.scope_q(user, roles=REGISTRY_ROLES), pk=resident_id)
        .select_related("household")
        .first()
    )


def vote_event_sentence(event: MeetingEvent) -> str:
    """A vote's entry on the meeting's timeline (`vote_opened`, `vote_closed`) as one sentence in the reader's
    language; empty for other kinds."""
    params = dict(event.params or {})
    params.setdefault("question", "")
    if event.kind == vote_services.EventKind.VOTE_OPENED:
        return _("Voting opened on “%(question)s”.") % params
    if event.kind != vote_services.EventKind.VOTE_CLOSED:
        return ""
    figures = {
        "question": params["question"],
        **{key: params.get(key, 0) for key in ("yes", "no", "abstain", "cast", "entitled")},
    }
    if params.get("passed"):
        return (
            _(
                "Voting closed on “%(question)s”: passed, with %(yes)s for, %(no)s against and %(abstain)s "
                "abstaining; %(cast)s of %(entitled)s voted."
            )
            % figures
        )
    if not params.get("quorum_met"):
        return (
            _(
                "Voting closed on “%(question)s”: not passed, the quorum was not met; "
                "%(cast)s of %(entitled)s voted."
            )
            % figures
        )
    return (
        _(
            "Voting closed on “%(question)s”: not passed, with %(yes)s for, %(no)s against and %(abstain)s "
            "abstaining; %(cast)s of %(entitled)s voted."
        )
        % figures
    )
