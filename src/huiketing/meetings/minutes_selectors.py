"""Reads of minutes: who may read which minutes, and the figures the minutes show.

Published minutes are public. A draft is shown only to those who may edit the meeting's minutes; to everyone
else it is a 404, like minutes that do not exist. Every figure of the minutes (attendance, the quorum, each
vote's counts, turnout and result, the decisions and their public-notice dates) is computed here from the
meeting's records each time the minutes are shown: `Minutes.sections` holds text only, so no edit can change
a count (DESIGN.md §6).

`minutes_document` works in the language it is given (the minutes' language): call it, and render its
template, inside `translation.override(language)` or `{% language %}`.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from huiketing.core import scope
from huiketing.people.models import COMMUNITY_AND_ABOVE
from huiketing.places.models import Place

from .meeting_selectors import meeting_quorum
from .models import (
    AgendaItem,
    ItemDecision,
    Meeting,
    Minutes,
    MinutesStatus,
    NoticeStatus,
    Participant,
    ParticipantKind,
    QuorumRule,
    Vote,
    VoteOption,
    VoteStatus,
)
from .vote_selectors import result_statement
from .vote_services import option_label

EDIT_PERMISSION = "meetings.edit_minutes"
# The reserved key of `Minutes.sections` listing the parts staff changed by hand (kept when regenerating).
EDITED_KEY = "_edited"
OPENING, CLOSING = "opening", "closing"
ITEM_PARTS = ("summary", "decision", "follow_up")
COMMUNITY_CODE_LENGTH = 12


# Sections -----------------------------------------------------------------------------------------


def item_key(item_id: int, part: str) -> str:
    return f"item:{item_id}:{part}"


def section_keys(item_ids: list[int]) -> list[str]:
    """The editable parts of the minutes of a meeting with these agenda items, in reading order."""
    return [OPENING, *(item_key(pk, part) for pk in item_ids for part in ITEM_PARTS), CLOSING]


def section_texts(minutes: Minutes | None) -> dict[str, str]:
    """The texts of the minutes, without the bookkeeping key."""
    sections = minutes.sections if minutes is not None and isinstance(minutes.sections, dict) else {}
    return {key: text for key, text in sections.items() if key != EDITED_KEY and isinstance(text, str)}


def edited_keys(minutes: Minutes | None) -> set[str]:
    sections = minutes.sections if minutes is not None and isinstance(minutes.sections, dict) else {}
    edited = sections.get(EDITED_KEY, [])
    return {key for key in edited if isinstance(key, str)} if isinstance(edited, list) else set()


def is_bidi(language: str) -> bool:
    return language.split("-")[0] in settings.LANGUAGES_BIDI or language in settings.LANGUAGES_BIDI


# Fetching, with the reader's rights ---------------------------------------------------------------


def _meetings():
    return Meeting.objects.select_related(
        "kind", "service_point", "chair", "recorder", "minutes", "minutes__published_by"
    )


def minutes_of(meeting: Meeting) -> Minutes | None:
    try:
        return meeting.minutes
    except Minutes.DoesNotExist:
        return None


def minutes_get_for_reader(*, user, meeting_id: int) -> Meeting:
    """The meeting of published minutes (a draft only for those who may edit it); otherwise 404."""
    meeting = _meetings().filter(pk=meeting_id).first()
    minutes = minutes_of(meeting) if meeting is not None else None
    if minutes is None:
        raise Http404
    if minutes.status != MinutesStatus.PUBLISHED and not user.has_perm(EDIT_PERMISSION, meeting):
        raise Http404
    return meeting


def meeting_get_for_minutes(*, user, meeting_id: int) -> Meeting:
    """A meeting whose minutes the user may edit (in their scope as community staff or above); else 404."""
    meeting = _meetings().filter(scope.scope_q(user, roles=COMMUNITY_AND_ABOVE), pk=meeting_id).first()
    if meeting is None:
        raise Http404
    return meeting


# The figures --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    invited: int
    present: int


@dataclass(frozen=True)
class Quorum:
    rule: str
    label: str
    invited: int
    attending: int
    required: int
    met: bool


@dataclass(frozen=True)
class Attendance:
    invited: int
    present: int
    walk_ins: int
    by_kind: list[KindCount]
    organisations: list[str]
    quorum: Quorum


@dataclass(frozen=True)
class OptionResult:
    label: str
    meaning: str
    count: int
    percent: str


@dataclass(frozen=True)
class VoteResult:
    pk: int
    question: str
    is_secret: bool
    is_closed: bool
    closes_at: datetime | None
    options: list[OptionResult]
    entitled: int
    cast: int
    turnout: str
    statement: str
    passed: bool | None


@dataclass
class ItemMinutes:
    pk: int
    number: int
    title: str
    description: str
    decision: str
    decision_label: str
    decided_at: datetime | None
    notice_status: str
    notice_status_label: str
    notice_starts_on: date | None
    notice_ends_on: date | None
    effective_at: datetime | None
    votes: list[VoteResult]
    summary: str = ""
    decision_text: str = ""
    follow_up: str = ""
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def in_notice(self) -> bool:
        return self.decision == ItemDecision.APPROVED and self.notice_starts_on is not None


@dataclass
class MinutesDocument:
    meeting: Meeting
    minutes: Minutes | None
    language: str
    bidi: bool
    community_name: str
    kind_name: str
    opened_at: datetime
    closed_at: datetime | None
    place: str
    chair: str
    recorder: str
    attendance: Attendance
    items: list[ItemMinutes]
    opening: str = ""
    closing: str = ""

    @property
    def is_published(self) -> bool:
        return self.minutes is not None and self.minutes.status == MinutesStatus.PUBLISHED

    @property
    def notices(self) -> list[ItemMinutes]:
        """Approved decisions with their public-notice period (公示期), for the notice board."""
        return [item for item in self.items if item.in_notice]


def _percent(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}" if whole else "0"


def quorum_figures(meeting: Meeting) -> Quorum:
    """The meeting's quorum as the meetings part counts it (invited participants, observers aside)."""
    counted = meeting_quorum(meeting=meeting)
    rule = meeting.quorum_rule
    return Quorum(
        rule=rule,
        label=str(QuorumRule(rule).label) if rule in QuorumRule.values else rule,
        invited=counted.invited,
        attending=counted.attending,
        required=counted.required,
        met=counted.met,
    )


def attendance_figures(meeting: Meeting) -> Attendance:
    """Invited and present participants, by kind, the organisations present and the quorum: three queries."""
    kind_order = {kind: position for position, kind in enumerate(ParticipantKind.values)}
    # Annotations named apart from the model's fields (`invited`), which an aggregate may not shadow.
    rows = (
        Participant.objects.filter(meeting=meeting)
        .values("kind")
        .annotate(
            n_invited=Count("id", filter=Q(invited=True)),
            n_present=Count("id", filter=Q(attended_at__isnull=False)),
            n_walk_ins=Count("id", filter=Q(invited=False, attended_at__isnull=False)),
        )
        .order_by()
    )
    rows = sorted(rows, key=lambda row: kind_order.get(row["kind"], len(kind_order)))
    by_kind = [
        KindCount(
            kind=row["kind"],
            label=str(ParticipantKind(row["kind"]).label) if row["kind"] in kind_order else row["kind"],
            invited=row["n_invited"],
            present=row["n_present"],
        )
        for row in rows
        if row["n_invited"] or row["n_present"]
    ]
    invited = sum(row["n_invited"] for row in rows)
    present = sum(row["n_present"] for row in rows)
    organisations = {}
    for participant in (
        Participant.objects.filter(meeting=meeting, attended_at__isnull=False, organisation__isnull=False)
        .select_related("organisation")
        .order_by("organisation__kind", "organisation_id")
    ):
        organisations.setdefault(participant.organisation_id, str(participant.organisation))
    return Attendance(
        invited=invited,
        present=present,
        walk_ins=sum(row["n_walk_ins"] for row in rows),
        by_kind=by_kind,
        organisations=[name for name in organisations.values() if name],
        quorum=quorum_figures(meeting),
    )


def vote_result(vote: Vote) -> VoteResult:
    options = list(vote.options.all())
    closed = vote.status == VoteStatus.CLOSED
    cast = vote.cast_count or 0
    entitled = vote.entitled_count or 0
    return VoteResult(
        pk=vote.pk,
        question=vote.question,
        is_secret=vote.is_secret,
        is_closed=closed,
        closes_at=vote.closes_at,
        # No partial results while a vote is open.
        options=[
            OptionResult(
                label=option_label(option),
                meaning=option.meaning,
                count=option.result_count or 0,
                percent=_percent(option.result_count or 0, cast),
            )
            for option in options
        ]
        if closed
        else [],
        entitled=entitled,
        cast=cast,
        turnout=_percent(cast, entitled),
        # The same words as the vote's own page.
        statement=result_statement(vote, options) if closed else "",
        passed=vote.passed if closed else None,
    )


def agenda_items(meeting: Meeting) -> list[AgendaItem]:
    """The agenda with its votes (those not merely prepared) and their options: three queries."""
    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .order_by("position", "id")
        .prefetch_related(
            Prefetch(
                "votes",
                queryset=Vote.objects.exclude(status=VoteStatus.DRAFT)
                .order_by("id")
                .prefetch_related(
                    Prefetch("options", queryset=VoteOption.objects.order_by("position", "id"))
                ),
            )
        )
    )


def community_name(meeting: Meeting) -> str:
    """The name of the meeting's community (or of its wider place, for a meeting above a community)."""
    code = meeting.place_code[:COMMUNITY_CODE_LENGTH]
    place = Place.objects.filter(code=code).only("names").first()
    return place.name if place is not None else ""


def place_text(meeting: Meeting) -> str:
    point = meeting.service_point.name if meeting.service_point_id else ""
    where = point or meeting.location
    if point and meeting.location:
        where = _("%(point)s, %(room)s") % {"point": point, "room": meeting.location}
    if meeting.is_online:
        return _("%(place)s, and online") % {"place": where} if where else _("online")
    return where or _("a place not recorded")


def person_text(user) -> str:
    """The chair or the recorder as the minutes name them: the account's display name (staff)."""
    return str(user) if user is not None else ""


def minutes_document(*, meeting: Meeting, language: str | None = None) -> MinutesDocument:
    """The minutes of a meeting as they are shown: the texts of its Minutes row (if any) with the figures
    computed from the records. Use the meeting from one of the selectors above (its relations are loaded)."""
    minutes = minutes_of(meeting)
    language = language or (minutes.language if minutes is not None else "") or meeting.language
    texts = section_texts(minutes)
    with translation.override(language):
        items = []
        for number, item in enumerate(agenda_items(meeting), start=1):
            keys = {part: item_key(item.pk, part) for part in ITEM_PARTS}
            items.append(
                ItemMinutes(
                    pk=item.pk,
                    number=number,
                    title=item.title,
                    description=item.description,
                    decision=item.decision,
                    decision_label=item.get_decision_display(),
                    decided_at=item.decided_at,
                    notice_status=item.notice_status,
                    notice_status_label=item.get_notice_status_display()
                    if item.notice_status != NoticeStatus.NONE
                    else "",
                    notice_starts_on=item.notice_starts_on,
                    notice_ends_on=item.notice_ends_on,
                    effective_at=item.effective_at,
                    votes=[vote_result(vote) for vote in item.votes.all()],
                    summary=texts.get(keys["summary"], ""),
                    decision_text=texts.get(keys["decision"], ""),
                    follow_up=texts.get(keys["follow_up"], ""),
                    keys=keys,
                )
            )
        return MinutesDocument(
            meeting=meeting,
            minutes=minutes,
            language=language,
            bidi=is_bidi(language),
            community_name=community_name(meeting),
            kind_name=str(meeting.kind),
            opened_at=timezone.localtime(meeting.opened_at or meeting.starts_at),
            closed_at=timezone.localtime(meeting.closed_at or meeting.ends_at)
            if (meeting.closed_at or meeting.ends_at)
            else None,
            place=place_text(meeting),
            chair=person_text(meeting.chair),
            recorder=person_text(meeting.recorder),
            attendance=attendance_figures(meeting),
            items=items,
            opening=texts.get(OPENING, ""),
            closing=texts.get(CLOSING, ""),
        )
