"""Every write on votes (表决): prepare, open, close, and ballots cast online or recorded in person.

A vote belongs to an agenda item. Who may vote is its electorate (`Electorate`); the result is computed when
it closes, from the ballots (an open vote) or from the tallies (a secret one), and stored with the figures it
came from. Transitions follow `models.VOTE_TRANSITIONS`; an illegal one is a `VoteStateError`.

One vote per resident is held by the database: `Ballot` is unique on (vote, resident), and on (vote,
household) for votes of household heads. A ballot is inserted without asking first whether one exists; the
unique index refuses the second, whichever way it came (online or recorded by an officer), and the refusal
says how the first was cast. There is therefore no window between a check and an insert for two requests to
slip through.

A secret vote never links a choice to a person, not even in the database: its ballot rows have no option,
and in the same transaction the chosen option's `SecretTally` counter goes up. Nothing else records the
choice: the audit entry names the vote, the ballot and the channel; notifications, points and the API's
stored answers (vote_api.py) leave it out too. The tally update rewrites the counters of every option of the
vote (adding 0 to the others), so that on PostgreSQL the row versions of all of them carry the same
transaction id, that of the ballot: the system columns do not tell which counter moved. (Superseded row
versions stay on disk until vacuumed; reading those takes the database superuser and its page-inspection
tools.)
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Count, F, PositiveIntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiketing.core.audit import audit_record
from huiketing.core.db import writer_turn
from huiketing.core.notifications import notification_kind_register, notify
from huiketing.people.models import Relation, Resident, ResidentStatus, User
from huiketing.points.services import points_award

from .models import (
    VOTE_TRANSITIONS,
    AgendaItem,
    Ballot,
    Electorate,
    Majority,
    MeetingEvent,
    MeetingStatus,
    Participant,
    ParticipantKind,
    SecretTally,
    Vote,
    VoteOption,
    VoteStatus,
)

ADULT_AGE = 18
MIN_OPTIONS = 2
MAX_OPTIONS = 10
MAX_QUESTION = 300
MAX_LABEL = 200
# The standard options. Their label is left empty and shown as the meaning's name, so that every reader
# sees them in their own language.
DEFAULT_OPTIONS: tuple[tuple[str, str], ...] = (
    ("", VoteOption.Meaning.YES),
    ("", VoteOption.Meaning.NO),
    ("", VoteOption.Meaning.ABSTAIN),
)
# Meetings on whose items no vote can be prepared or opened any more.
ENDED_MEETINGS = frozenset({MeetingStatus.CLOSED, MeetingStatus.CANCELLED})


class VoteStateError(ValidationError):
    """A transition, or a change, that the vote's state does not allow."""


class BallotRefused(ValidationError):
    """A ballot that may not be cast: voting is not open, the voter is not entitled, or has already voted."""


# Timeline entries (MeetingEvent.kind) of votes, on the meeting's timeline.
class EventKind:
    VOTE_OPENED = "vote_opened"
    VOTE_CLOSED = "vote_closed"


ELECTORATE_RULES = {
    Electorate.ATTENDEES: gettext_lazy("only those attending the meeting, checked in at the door, may vote."),
    Electorate.RESIDENTS: gettext_lazy("only adult residents living in the meeting's area may vote."),
    Electorate.REPRESENTATIVES: gettext_lazy(
        "only the residents' representatives invited to the meeting may vote."
    ),
    Electorate.HOUSEHOLDS: gettext_lazy(
        "only household heads living in the meeting's area may vote, one vote per household."
    ),
}


def _result_body(params) -> str:
    if params.get("passed"):
        return _("“%(question)s” was passed.") % params
    return _("“%(question)s” was not passed.") % params


for _kind, _title, _body in [
    (
        "meetings.vote_open",
        gettext_lazy("A vote is open"),
        gettext_lazy("“%(question)s”: you may vote online."),
    ),
    ("meetings.vote_result", gettext_lazy("The result of a vote"), _result_body),
    (
        "meetings.ballot_recorded",
        gettext_lazy("Your vote was recorded"),
        gettext_lazy(
            "An officer recorded your vote in person on “%(question)s”. "
            "If you did not vote, tell the community."
        ),
    ),
]:
    notification_kind_register(_kind, title=_title, body=_body)


# Helpers ------------------------------------------------------------------------------------------------


def _actor(by) -> User | None:
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _link(vote: Vote) -> str:
    return reverse("meetings:vote-detail", args=[vote.pk])


def _check(vote: Vote, action: str) -> str:
    allowed_from, target = VOTE_TRANSITIONS[action]
    if vote.status not in allowed_from:
        raise VoteStateError(
            _("This cannot be done to a vote that is “%(status)s”.") % {"status": vote.get_status_display()}
        )
    return target


def _lock(vote: Vote) -> Vote:
    """The vote's row, locked until the end of the transaction, with its item and meeting."""
    return Vote.objects.select_for_update(of=("self",)).select_related("item__meeting").get(pk=vote.pk)


def _share_lock(vote_id: int) -> Vote:
    """The vote, read under a shared lock on PostgreSQL: ballots do not wait for each other, but closing
    (which takes the row's exclusive lock) waits for the ballots being written, and a ballot arriving after
    the close sees the vote closed. SQLite writes one transaction at a time anyway."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Vote._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR SHARE", [vote_id])  # noqa: S608
    return Vote.objects.select_related("item__meeting").get(pk=vote_id)


def _adult_on(today: date) -> date:
    """The latest birth date of someone who is an adult on `today`."""
    try:
        return today.replace(year=today.year - ADULT_AGE)
    except ValueError:  # 29 February
        return today.replace(year=today.year - ADULT_AGE, day=28)


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def option_label(option: VoteOption) -> str:
    """What an option says, in the reader's language when it is one of the standard options."""
    return option.label or str(option.get_meaning_display())


# Entitlement --------------------------------------------------------------------------------------------


def entitled_residents(vote: Vote, *, today: date | None = None) -> QuerySet[Resident]:
    """The residents who may vote, by the vote's electorate, on `today`'s date.

    Attendees: residents checked in at the meeting. Representatives: residents invited as residents'
    representatives. Residents: adults (18 and over, by the birth date in the registry) living in the
    meeting's place. Households: adults recorded as the householder of a household in the meeting's place;
    a household with two such members still has one vote (`Ballot.household`). Everyone must be living here
    (status active); a resident whose birth date is unknown is not counted as an adult."""
    meeting = vote.item.meeting
    residents = Resident.objects.filter(status=ResidentStatus.ACTIVE)
    if vote.electorate == Electorate.ATTENDEES:
        return residents.filter(
            meeting_participations__meeting=meeting, meeting_participations__attended_at__isnull=False
        )
    if vote.electorate == Electorate.REPRESENTATIVES:
        return residents.filter(
            meeting_participations__meeting=meeting,
            meeting_participations__kind=ParticipantKind.REPRESENTATIVE,
        )
    adults = residents.filter(birth_date__lte=_adult_on(today or timezone.localdate()))
    if vote.electorate == Electorate.HOUSEHOLDS:
        return adults.filter(
            relation=Relation.HOUSEHOLDER, household__place_code__startswith=meeting.place_code
        )
    return adults.filter(place_code__startswith=meeting.place_code)


def _participant(vote: Vote, resident: Resident) -> Participant | None:
    if vote.electorate not in (Electorate.ATTENDEES, Electorate.REPRESENTATIVES):
        return None
    return Participant.objects.filter(meeting_id=vote.item.meeting_id, resident=resident).first()


def qualifies(
    vote: Vote, resident: Resident, participant: Participant | None, *, today: date | None = None
) -> bool:
    """The rule of `entitled_residents` for one resident whose participant row in the meeting (if any) is
    already at hand, so that a page showing several votes asks nothing more per vote."""
    if resident.status != ResidentStatus.ACTIVE:
        return False
    if vote.electorate == Electorate.ATTENDEES:
        return participant is not None and participant.attended_at is not None
    if vote.electorate == Electorate.REPRESENTATIVES:
        return participant is not None and participant.kind == ParticipantKind.REPRESENTATIVE
    if resident.birth_date is None or resident.birth_date > _adult_on(today or timezone.localdate()):
        return False
    code = vote.item.meeting.place_code
    if vote.electorate == Electorate.HOUSEHOLDS:
        return (
            resident.relation == Relation.HOUSEHOLDER
            and resident.household_id is not None
            and resident.household.place_code.startswith(code)
        )
    return resident.place_code.startswith(code)


def entitled(vote: Vote, resident: Resident, *, today: date | None = None) -> bool:
    """Whether the resident may vote on this vote today."""
    return qualifies(vote, resident, _participant(vote, resident), today=today)


def entitled_count(vote: Vote, *, today: date | None = None) -> int:
    """How many may vote: residents, or households for a vote of household heads.

    Someone who voted while entitled and is no longer in the electorate (moved out since) still counts, so
    that the turnout never exceeds everyone."""
    electorate = entitled_residents(vote, today=today)
    ballots = Ballot.objects.filter(vote=vote)
    if vote.electorate == Electorate.HOUSEHOLDS:
        households = electorate.values("household_id")
        return households.distinct().count() + ballots.exclude(household_id__in=households).count()
    return electorate.count() + ballots.exclude(resident_id__in=electorate.values("pk")).count()


def electorate_rule(electorate: str) -> str:
    return str(ELECTORATE_RULES.get(electorate, ""))


# The outcome --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    quorum_met: bool
    passed: bool


def outcome(*, majority: str, turnout_quorum: int, entitled: int, cast: int, yes: int, no: int) -> Outcome:
    """Whether the quorum was met and the vote passed, from the figures.

    Quorum: more than `turnout_quorum` per cent of those entitled voted (cast × 100 > entitled × quorum);
    a quorum of 0 means none. Majorities: simple, more for than against; absolute, more than half of those
    entitled (yes × 2 > entitled); two thirds and four fifths of the votes cast, abstentions included in the
    votes cast (yes × 3 ≥ cast × 2, yes × 5 ≥ cast × 4), with at least one vote cast. A vote without its
    quorum does not pass, whatever the counts."""
    quorum_met = turnout_quorum == 0 or cast * 100 > entitled * turnout_quorum
    if majority == Majority.SIMPLE:
        carried = yes > no
    elif majority == Majority.ABSOLUTE:
        carried = yes * 2 > entitled
    elif majority == Majority.TWO_THIRDS:
        carried = cast > 0 and yes * 3 >= cast * 2
    elif majority == Majority.FOUR_FIFTHS:
        carried = cast > 0 and yes * 5 >= cast * 4
    else:
        raise ValueError(f"Unknown majority {majority!r}")
    return Outcome(quorum_met=quorum_met, passed=quorum_met and carried)


# Preparing a vote ---------------------------------------------------------------------------------------


def _clean_options(options: Sequence[tuple[str, str]] | None) -> list[tuple[str, str]]:
    if options is None:
        return list(DEFAULT_OPTIONS)
    cleaned = [((label or "").strip(), meaning) for label, meaning in options]
    if not MIN_OPTIONS <= len(cleaned) <= MAX_OPTIONS:
        raise _invalid(
            "options",
            _("A vote has %(min)d to %(max)d options.") % {"min": MIN_OPTIONS, "max": MAX_OPTIONS},
        )
    meanings = [meaning for _label, meaning in cleaned]
    if any(meaning not in VoteOption.Meaning.values for meaning in meanings):
        raise _invalid("options", _("Say for each option whether it counts as for, against or abstaining."))
    if any(len(label) > MAX_LABEL for label, _meaning in cleaned):
        raise _invalid("options", _("An option has at most %(max)d characters.") % {"max": MAX_LABEL})
    if len(set(cleaned)) != len(cleaned):
        raise _invalid("options", _("Two options are the same."))
    if VoteOption.Meaning.YES not in meanings or VoteOption.Meaning.NO not in meanings:
        raise _invalid(
            "options", _("A vote needs an option that counts as for and one that counts as against.")
        )
    return cleaned


def _clean_fields(
    *, question: str, electorate: str, majority: str, turnout_quorum: int, closes_at: datetime | None, now
) -> str:
    question = (question or "").strip()
    if not question:
        raise _invalid("question", _("Write the question put to the vote."))
    if len(question) > MAX_QUESTION:
        raise _invalid("question", _("The question has at most %(max)d characters.") % {"max": MAX_QUESTION})
    if electorate not in Electorate.values:
        raise _invalid("electorate", _("Choose who may vote."))
    if majority not in Majority.values:
        raise _invalid("majority", _("Choose the majority needed."))
    if not isinstance(turnout_quorum, int) or not 0 <= turnout_quorum <= 100:
        raise _invalid("turnout_quorum", _("The turnout needed is a percentage from 0 to 100."))
    if closes_at is not None and closes_at <= now:
        raise _invalid("closes_at", _("The closing time must be in the future."))
    return question


def _check_item(item: AgendaItem) -> None:
    if item.meeting.status in ENDED_MEETINGS:
        raise _invalid("item", _("The meeting is over: no vote can be held on its items any more."))
    if item.decision:
        raise _invalid("item", _("This item is already decided."))


def _options_create(vote: Vote, options: list[tuple[str, str]]) -> None:
    created = VoteOption.objects.bulk_create(
        [
            VoteOption(vote=vote, position=position, label=label, meaning=meaning)
            for position, (label, meaning) in enumerate(options)
        ]
    )
    if vote.is_secret:
        _tallies_ensure(vote, created)


def _tallies_ensure(vote: Vote, options: Sequence[VoteOption] | None = None) -> None:
    """A tally row for every option of a secret vote, made before any ballot so that casting only updates
    (no get-or-create race)."""
    options = list(options if options is not None else vote.options.all())
    SecretTally.objects.bulk_create(
        [SecretTally(vote=vote, option=option) for option in options], ignore_conflicts=True
    )


def _summary(vote: Vote) -> dict:
    return {
        "question": vote.question,
        "is_secret": vote.is_secret,
        "electorate": vote.electorate,
        "majority": vote.majority,
        "turnout_quorum": vote.turnout_quorum,
        "allows_online": vote.allows_online,
        "closes_at": vote.closes_at.isoformat() if vote.closes_at else None,
    }


@transaction.atomic
def vote_create(
    *,
    by: User | None,
    item: AgendaItem,
    question: str,
    options: Sequence[tuple[str, str]] | None = None,
    is_secret: bool = False,
    electorate: str = Electorate.ATTENDEES,
    majority: str = Majority.SIMPLE,
    turnout_quorum: int = 50,
    allows_online: bool = True,
    closes_at: datetime | None = None,
    now: datetime | None = None,
) -> Vote:
    """Prepare a vote on an agenda item (a draft until it is opened). `options` are (label, meaning) pairs;
    without them the vote offers For, Against and Abstain."""
    now = now or timezone.now()
    item = AgendaItem.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=item.pk)
    _check_item(item)
    question = _clean_fields(
        question=question,
        electorate=electorate,
        majority=majority,
        turnout_quorum=turnout_quorum,
        closes_at=closes_at,
        now=now,
    )
    cleaned = _clean_options(options)
    vote = Vote.objects.create(
        item=item,
        question=question,
        is_secret=is_secret,
        electorate=electorate,
        majority=majority,
        turnout_quorum=turnout_quorum,
        allows_online=allows_online,
        closes_at=closes_at,
    )
    _options_create(vote, cleaned)
    audit_record(
        actor=_actor(by),
        action="meetings.vote_create",
        obj=vote,
        place_code=item.meeting.place_code,
        changes={name: [None, value] for name, value in _summary(vote).items()},
    )
    return vote


@transaction.atomic
def vote_update(
    *,
    by: User | None,
    vote: Vote,
    question: str,
    options: Sequence[tuple[str, str]] | None = None,
    is_secret: bool = False,
    electorate: str = Electorate.ATTENDEES,
    majority: str = Majority.SIMPLE,
    turnout_quorum: int = 50,
    allows_online: bool = True,
    closes_at: datetime | None = None,
    now: datetime | None = None,
) -> Vote:
    """Change a vote while it is prepared, options included (they are replaced)."""
    now = now or timezone.now()
    vote = _lock(vote)
    if vote.status != VoteStatus.DRAFT:
        raise VoteStateError(_("A vote can be changed only before it opens."))
    _check_item(vote.item)
    question = _clean_fields(
        question=question,
        electorate=electorate,
        majority=majority,
        turnout_quorum=turnout_quorum,
        closes_at=closes_at,
        now=now,
    )
    cleaned = _clean_options(options)
    before = _summary(vote)
    before["options"] = [[o.label, o.meaning] for o in vote.options.all()]
    vote.question = question
    vote.is_secret = is_secret
    vote.electorate = electorate
    vote.majority = majority
    vote.turnout_quorum = turnout_quorum
    vote.allows_online = allows_online
    vote.closes_at = closes_at
    vote.save()
    vote.options.all().delete()  # a draft has no ballots; its tallies go with the options
    _options_create(vote, cleaned)
    after = {**_summary(vote), "options": [list(pair) for pair in cleaned]}
    audit_record(
        actor=_actor(by),
        action="meetings.vote_update",
        obj=vote,
        place_code=vote.item.meeting.place_code,
        changes={name: [before.get(name), after[name]] for name in after if before.get(name) != after[name]},
    )
    return vote


# Opening and closing ------------------------------------------------------------------------------------


def _event(vote: Vote, kind: str, *, by, params: dict) -> MeetingEvent:
    return MeetingEvent.objects.create(
        meeting=vote.item.meeting,
        topic_id=vote.item.topic_id,
        kind=kind,
        actor=_actor(by),
        params={"vote": vote.pk, "item": vote.item_id, "question": vote.question, **params},
    )


def vote_open(*, by: User | None, vote: Vote, now: datetime | None = None) -> Vote:
    """Open a prepared vote. A vote of those attending opens only while its meeting is in session; the others
    may open before the meeting, for online voting over several days."""
    now = now or timezone.now()
    with writer_turn(), transaction.atomic():
        vote = _lock(vote)
        target = _check(vote, "open")
        meeting = vote.item.meeting
        if meeting.status in ENDED_MEETINGS:
            raise VoteStateError(_("The meeting is over: the vote cannot be opened."))
        if vote.electorate == Electorate.ATTENDEES and meeting.status != MeetingStatus.IN_SESSION:
            raise VoteStateError(
                _("A vote of those attending can be opened only while the meeting is in session.")
            )
        if vote.closes_at is not None and vote.closes_at <= now:
            raise _invalid("closes_at", _("The closing time has passed: change it before opening the vote."))
        if vote.is_secret:
            _tallies_ensure(vote)
        vote.status = target
        vote.opened_at = now
        vote.save(update_fields=["status", "opened_at"])
        _event(vote, EventKind.VOTE_OPENED, by=by, params={})
        audit_record(
            actor=_actor(by),
            action="meetings.vote_open",
            obj=vote,
            place_code=meeting.place_code,
            changes={"status": [VoteStatus.DRAFT, target]},
        )
        if vote.allows_online and vote.electorate != Electorate.ATTENDEES:
            voters = User.objects.filter(resident__in=entitled_residents(vote, today=timezone.localdate(now)))
            notify(
                recipients=voters,
                kind="meetings.vote_open",
                params={"question": vote.question[:80]},
                link=_link(vote),
                obj=vote,
                now=now,
            )
    return vote


def _counts(vote: Vote) -> dict[int, int]:
    """Votes per option: from the ballots of an open vote, from the tallies of a secret one."""
    if vote.is_secret:
        return dict(SecretTally.objects.filter(vote=vote).values_list("option_id", "count"))
    return dict(
        Ballot.objects.filter(vote=vote, option__isnull=False)
        .values("option_id")
        .annotate(n=Count("id"))
        .values_list("option_id", "n")
    )


def vote_close(*, by: User | None, vote: Vote, now: datetime | None = None) -> Vote:
    """Close the vote and compute its result from the records: those entitled now, the votes cast, each
    option's count, the quorum and the majority. The result goes on the meeting's timeline and to the
    voters."""
    now = now or timezone.now()
    with writer_turn(), transaction.atomic():
        vote = _lock(vote)
        target = _check(vote, "close")
        options = list(vote.options.all())
        counts = _counts(vote)
        cast = Ballot.objects.filter(vote=vote).count()
        entitled_n = entitled_count(vote, today=timezone.localdate(now))
        for option in options:
            option.result_count = counts.get(option.pk, 0)
        VoteOption.objects.bulk_update(options, ["result_count"])
        by_meaning = dict.fromkeys(VoteOption.Meaning.values, 0)
        for option in options:
            by_meaning[option.meaning] += option.result_count
        result = outcome(
            majority=vote.majority,
            turnout_quorum=vote.turnout_quorum,
            entitled=entitled_n,
            cast=cast,
            yes=by_meaning[VoteOption.Meaning.YES],
            no=by_meaning[VoteOption.Meaning.NO],
        )
        vote.status = target
        vote.closed_at = now
        vote.entitled_count = entitled_n
        vote.cast_count = cast
        vote.quorum_met = result.quorum_met
        vote.passed = result.passed
        vote.save(
            update_fields=["status", "closed_at", "entitled_count", "cast_count", "quorum_met", "passed"]
        )
        figures = {
            "entitled": entitled_n,
            "cast": cast,
            "yes": by_meaning[VoteOption.Meaning.YES],
            "no": by_meaning[VoteOption.Meaning.NO],
            "abstain": by_meaning[VoteOption.Meaning.ABSTAIN],
            "quorum_met": result.quorum_met,
            "passed": result.passed,
            "counts": [{"option": option.pk, "count": option.result_count} for option in options],
        }
        _event(vote, EventKind.VOTE_CLOSED, by=by, params=figures)
        audit_record(
            actor=_actor(by),
            action="meetings.vote_close",
            obj=vote,
            place_code=vote.item.meeting.place_code,
            changes={"status": [VoteStatus.OPEN, target], "result": [None, figures]},
        )
        notify(
            recipients=User.objects.filter(resident__ballots__vote=vote),
            kind="meetings.vote_result",
            params={"question": vote.question[:80], "passed": result.passed},
            link=_link(vote),
            obj=vote,
            now=now,
        )
    return vote


def votes_close_due(*, now: datetime | None = None) -> int:
    """Close the open votes whose closing time has passed (a periodic job); returns how many. Each is closed
    in its own transaction; one closed meanwhile by staff is left alone."""
    now = now or timezone.now()
    closed = 0
    for vote in Vote.objects.filter(status=VoteStatus.OPEN, closes_at__lte=now).order_by("closes_at", "pk"):
        try:
            vote_close(by=None, vote=vote, now=now)
        except VoteStateError:
            continue
        closed += 1
    return closed


# Ballots ------------------------------------------------------------------------------------------------


def _already_voted(
    vote: Vote, resident: Resident, household_id: int | None, *, by_officer: bool
) -> BallotRefused:
    """The refusal of a second ballot, saying how the first one was cast."""
    channel = Ballot.objects.filter(vote=vote, resident=resident).values_list("channel", flat=True).first()
    if channel is not None:
        if channel == Ballot.Channel.ONLINE:
            message = (
                _("This resident has already voted online; a second vote is refused.")
                if by_officer
                else _("You have already voted online; a second vote is refused.")
            )
        else:
            message = (
                _("This resident has already voted in person at the meeting; a second vote is refused.")
                if by_officer
                else _("You have already voted in person at the meeting; a second vote is refused.")
            )
        return BallotRefused(message, code="already_voted")
    if household_id is not None:
        channel = (
            Ballot.objects.filter(vote=vote, household_id=household_id)
            .values_list("channel", flat=True)
            .first()
        )
        if channel == Ballot.Channel.ONLINE:
            return BallotRefused(
                _("Another member of this household has already voted online; a household has one vote."),
                code="household_voted",
            )
        if channel == Ballot.Channel.IN_PERSON:
            return BallotRefused(
                _(
                    "Another member of this household has already voted in person at the meeting; "
                    "a household has one vote."
                ),
                code="household_voted",
            )
    return BallotRefused(
        _("This resident has already voted; a second vote is refused."), code="already_voted"
    )


def _option_of(vote: Vote, option: VoteOption | int | None) -> VoteOption:
    option_id = option.pk if isinstance(option, VoteOption) else option
    found = VoteOption.objects.filter(vote=vote, pk=option_id).first() if option_id else None
    if found is None:
        raise _invalid("option", _("Choose one of this vote's options."))
    return found


def _cast(
    *,
    by: User | None,
    vote: Vote,
    resident: Resident,
    option: VoteOption | int | None,
    channel: str,
    now: datetime | None,
) -> Ballot:
    now = now or timezone.now()
    by_officer = channel == Ballot.Channel.IN_PERSON
    with transaction.atomic():
        vote = _share_lock(vote.pk)
        if vote.status != VoteStatus.OPEN:
            raise BallotRefused(_("This vote is not open."), code="not_open")
        if vote.closes_at is not None and vote.closes_at <= now:
            raise BallotRefused(_("Voting on this question has ended."), code="not_open")
        chosen = _option_of(vote, option)
        if not by_officer and not vote.allows_online:
            raise BallotRefused(
                _("This vote is taken at the meeting only: there is no online voting."), code="not_online"
            )
        resident = Resident.objects.select_related("household").get(pk=resident.pk)
        if not qualifies(vote, resident, _participant(vote, resident), today=timezone.localdate(now)):
            rule = electorate_rule(vote.electorate)
            if by_officer:
                message = _("This resident is not entitled to vote on this question: %(rule)s") % {
                    "rule": rule
                }
                raise BallotRefused({"resident": [ValidationError(message, code="not_entitled")]})
            raise BallotRefused(
                _("You are not entitled to vote on this question: %(rule)s") % {"rule": rule},
                code="not_entitled",
            )
        household_id = resident.household_id if vote.electorate == Electorate.HOUSEHOLDS else None
        try:
            with transaction.atomic():
                ballot = Ballot.objects.create(
                    vote=vote,
                    resident=resident,
                    household_id=household_id,
                    option=None if vote.is_secret else chosen,
                    channel=channel,
                    recorded_by=_actor(by) if by_officer else None,
                    cast_minute=_minute(now),
                )
        except IntegrityError:
            raise _already_voted(vote, resident, household_id, by_officer=by_officer) from None
        if vote.is_secret:
            # Every counter of the vote is rewritten: the chosen one +1, the others +0 (see the docstring).
            SecretTally.objects.filter(vote=vote).update(
                count=F("count")
                + Case(
                    When(option_id=chosen.pk, then=Value(1)),
                    default=Value(0),
                    output_field=PositiveIntegerField(),
                )
            )
        meeting = vote.item.meeting
        audit_record(
            actor=_actor(by),
            action="meetings.ballot_cast",
            obj=ballot,
            place_code=meeting.place_code,
            changes={"vote": [None, vote.pk], "channel": [None, channel]},
        )
        points_award(holder=resident, rule_code="vote_cast", source=vote, actor=_actor(by))
        if by_officer and resident.account_id is not None:
            notify(
                recipients=User.objects.filter(pk=resident.account_id),
                kind="meetings.ballot_recorded",
                params={"question": vote.question[:80]},
                link=_link(vote),
                obj=vote,
                now=now,
            )
    return ballot


def ballot_cast_online(
    *, by: User, vote: Vote, option: VoteOption | int | None, now: datetime | None = None
) -> Ballot:
    """The signed-in resident votes online. Refused (`BallotRefused`, or a field error on `option`) when the
    vote is not open, the option is not the vote's, online voting is off, the account's resident is not
    entitled, or the resident (or, for household heads, the household) has already voted in either way."""
    with writer_turn():
        resident = Resident.objects.filter(account_id=getattr(by, "pk", None)).first()
        if resident is None:
            raise BallotRefused(
                _("Only residents in the registry, with a verified account, can vote online."),
                code="not_resident",
            )
        return _cast(
            by=by, vote=vote, resident=resident, option=option, channel=Ballot.Channel.ONLINE, now=now
        )


def ballot_record_in_person(
    *, by: User, vote: Vote, resident: Resident, option: VoteOption | int | None, now: datetime | None = None
) -> Ballot:
    """An officer records the ballot of a resident voting in person at the meeting. The same checks as
    online voting, except that online voting need not be allowed; the officer is kept on the ballot
    (`recorded_by`) and in the audit log, and the resident is told, so that a vote recorded in their name
    without them does not go unnoticed."""
    with writer_turn():
        return _cast(
            by=by, vote=vote, resident=resident, option=option, channel=Ballot.Channel.IN_PERSON, now=now
        )
