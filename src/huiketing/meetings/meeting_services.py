"""Every write on meetings (与会决策): kinds, meetings and their workflow, participants, registration,
attendance at the door, the agenda, decisions and their public-notice period (公示期).

Each service is atomic, locks the rows it changes, looks its transition up in `models.MEETING_TRANSITIONS`
(an illegal one is a `MeetingStateError`), writes an audit entry and, for what the public follows, a
`MeetingEvent`; whom it concerns is notified in the same transaction (`core.notifications.notify`).

Topics on the agenda move through the deliberation services (`topic_put_on_agenda`, `topic_reopen`,
`topic_decide`); the result of a vote on an item is read from its `Vote` rows, which the votes services fill
when a vote closes.

The quorum counts the participants on the invitation list (`invited`), observers excepted; residents who
registered or walked in without an invitation attend, and may earn points, but do not count for it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiketing.core import scope
from huiketing.core.audit import audit_record, diff
from huiketing.core.i18n import pick
from huiketing.core.notifications import notification_kind_register, notify
from huiketing.people.models import (
    COMMUNITY_AND_ABOVE,
    REGISTRY_ROLES,
    Organisation,
    Resident,
    ResidentStatus,
    Role,
    User,
)
from huiketing.places.models import Place, ServicePoint

from .models import (
    MEETING_TRANSITIONS,
    TOPIC_TRANSITIONS,
    AgendaItem,
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
    Topic,
    TopicStatus,
    Vote,
    VoteStatus,
)

# Attendance opens this long before the meeting starts (people arrive early) and stays open while it sits.
CHECK_IN_OPENS_BEFORE = timedelta(hours=1)
NOTICE_DAYS_DEFAULT = 7
NOTICE_DAYS_MAX = 60
# One bulk invitation adds at most this many participants: a bigger list is narrowed down first.
BULK_INVITE_MAX = 500
TITLE_MAX = 120

# The standard kinds of meeting, created on every fresh database (apps.py) and by the demo; staff rename
# them or add their own, which `meeting_kinds_ensure` never overwrites.
STANDARD_KINDS: list[tuple[str, dict[str, str]]] = [
    (
        "neighbourhood",
        {
            "zh-hans": "睦邻议事会",
            "en": "Neighbourhood council",
            "ug": "قوشنىلار كېڭەش يىغىنى",
            "kk": "كورشىلەر تالقىلاۋ جينالىسى",
        },
    ),
    (
        "grid",
        {
            "zh-hans": "网格议事会",
            "en": "Grid council",
            "ug": "تور كېڭەش يىغىنى",
            "kk": "تور تالقىلاۋ جينالىسى",
        },
    ),
    (
        "property",
        {
            "zh-hans": "物业联席会",
            "en": "Property joint meeting",
            "ug": "ئۆي-مۈلۈك بىرلەشمە يىغىنى",
            "kk": "مۇلىك باسقارۋ بىرلەسكەن جينالىسى",
        },
    ),
    (
        "representatives",
        {
            "zh-hans": "居民代表会议",
            "en": "Residents' representatives' meeting",
            "ug": "ئاھالە ۋەكىللىرى يىغىنى",
            "kk": "تۇرعىندار وكىلدەرى جينالىسى",
        },
    ),
    (
        "joint_party_committee",
        {
            "zh-hans": "大党委联席会议",
            "en": "Joint party committee meeting",
            "ug": "چوڭ پارتكوم بىرلەشمە يىغىنى",
            "kk": "ۇلكەن پارتكوم بىرلەسكەن جينالىسى",
        },
    ),
]

# What the public timeline of a meeting records (MeetingEvent.kind).
EVENT_SCHEDULED = "meeting_scheduled"
EVENT_CHANGED = "meeting_changed"
EVENT_OPENED = "meeting_opened"
EVENT_CLOSED = "meeting_closed"
EVENT_CANCELLED = "meeting_cancelled"
EVENT_DECIDED = "item_decided"
EVENT_OBJECTION = "objection_raised"
EVENT_EFFECTIVE = "decision_effective"
EVENT_OBJECTED = "decision_objected"
EVENT_RESOLVED = "decision_resolved"

# A participant's kind when the invitation does not say: from the organisation's kind, or the account's role.
ORGANISATION_PARTICIPANT_KIND = {
    Organisation.Kind.DEPARTMENT: ParticipantKind.DEPARTMENT,
    Organisation.Kind.MERCHANT: ParticipantKind.MERCHANT,
    Organisation.Kind.PROPERTY_COMPANY: ParticipantKind.PROPERTY_COMPANY,
    Organisation.Kind.CO_BUILDING_UNIT: ParticipantKind.CO_BUILDING_UNIT,
    Organisation.Kind.INSTITUTION: ParticipantKind.OTHER,
}
# ... and from an account's roles, the first that applies.
ROLE_PARTICIPANT_KIND = [
    (Role.PARTY_MEMBER, ParticipantKind.PARTY_MEMBER),
    (Role.DEPARTMENT_STAFF, ParticipantKind.DEPARTMENT),
    (Role.MERCHANT, ParticipantKind.MERCHANT),
    *((role, ParticipantKind.STAFF) for role in sorted(REGISTRY_ROLES)),
]


class MeetingStateError(ValidationError):
    """An action that the meeting's (or the item's) state does not allow."""


# Notifications, rendered in each recipient's language when they are read or sent.


def _place_text(params) -> str:
    if params.get("online") and not params.get("place_names") and not params.get("location"):
        return _("online")
    return pick(params.get("place_names") or {}) or params.get("location", "")


notification_kind_register(
    "meeting.scheduled",
    title=gettext_lazy("You are invited to a meeting"),
    body=lambda params: (
        _("%(title)s, %(starts)s, %(place)s.")
        % {"title": params.get("title", ""), "starts": params.get("starts", ""), "place": _place_text(params)}
    ),
)
notification_kind_register(
    "meeting.changed",
    title=gettext_lazy("A meeting you take part in has changed"),
    body=lambda params: (
        _("%(title)s is now on %(starts)s, %(place)s.")
        % {"title": params.get("title", ""), "starts": params.get("starts", ""), "place": _place_text(params)}
    ),
)
notification_kind_register(
    "meeting.cancelled",
    title=gettext_lazy("A meeting was cancelled"),
    body=gettext_lazy("%(title)s (%(starts)s) will not take place: %(reason)s"),
)
notification_kind_register(
    "meeting.objection_raised",
    title=gettext_lazy("An objection to a decision"),
    body=gettext_lazy("A resident objects to the decision on “%(item)s” (%(title)s)."),
)
notification_kind_register(
    "meeting.decision_objected",
    title=gettext_lazy("A decision needs your review"),
    body=gettext_lazy(
        "The public-notice period of the decision on “%(item)s” (%(title)s) ended with objections."
    ),
)
notification_kind_register(
    "meeting.objection_answered",
    title=gettext_lazy("Your objection was answered"),
    body=gettext_lazy("The community answered your objection to the decision on “%(item)s”."),
)


# Helpers ------------------------------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _actor(by):
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _lock(meeting: Meeting) -> Meeting:
    """The meeting's row, locked for the rest of the transaction, with its current state."""
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("kind", "service_point")
        .get(pk=meeting.pk)
    )


def _lock_item(item: AgendaItem) -> tuple[Meeting, AgendaItem]:
    """The item's meeting and the item, locked in that order (every service locks a meeting first)."""
    meeting = _lock(item.meeting)
    locked = AgendaItem.objects.select_for_update(of=("self",)).select_related("topic").get(pk=item.pk)
    locked.meeting = meeting
    return meeting, locked


def _check(meeting: Meeting, action: str) -> str:
    allowed_from, target = MEETING_TRANSITIONS[action]
    if meeting.status not in allowed_from:
        raise MeetingStateError(
            _("This cannot be done to a meeting that is “%(status)s”.")
            % {"status": meeting.get_status_display()}
        )
    return target


def _require_status(meeting: Meeting, statuses: Iterable[str], message: str) -> None:
    if meeting.status not in set(statuses):
        raise MeetingStateError(message)


def _event(
    meeting: Meeting | None, kind: str, *, by, topic: Topic | None = None, params: dict | None = None
) -> MeetingEvent:
    return MeetingEvent.objects.create(
        meeting=meeting, topic=topic, kind=kind, params=params or {}, actor=_actor(by)
    )


def _audit(by, action: str, obj, changes: dict | None = None, place_code: str = "", reason: str = ""):
    audit_record(
        actor=by,
        action=action,
        obj=obj,
        changes=changes,
        place_code=place_code or getattr(obj, "place_code", ""),
        reason=reason,
    )


def _starts_text(meeting: Meeting) -> str:
    return timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")


def _params(meeting: Meeting, **extra) -> dict:
    place_names = dict(meeting.service_point.names) if meeting.service_point_id else {}
    return {
        "title": meeting.title[:60],
        "starts": _starts_text(meeting),
        "place_names": place_names,
        "location": meeting.location[:60],
        "online": meeting.is_online,
        **extra,
    }


def _public_link(meeting: Meeting) -> str:
    return reverse("meetings:meeting-detail", args=[meeting.pk])


def _staff_link(meeting: Meeting) -> str:
    return reverse("meetings:staff-meeting-detail", args=[meeting.pk])


def _participant_accounts(participants: Iterable[Participant]) -> list[User]:
    """The accounts behind participants: their own, or their resident record's verified account."""
    accounts = []
    for participant in participants:
        if participant.user_id is not None:
            accounts.append(participant.user)
        elif participant.resident_id is not None and participant.resident.account_id is not None:
            accounts.append(participant.resident.account)
    return accounts


def _organisers(meeting: Meeting) -> list[User]:
    """Who is told of objections: the meeting's chair and the staff member who created it."""
    return [user for user in (meeting.chair, meeting.created_by) if user is not None]


def _resident_of(user) -> Resident | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Resident.objects.filter(account_id=user.pk).first()


def _in_scope(resident: Resident | None, meeting: Meeting) -> bool:
    return (
        resident is not None
        and resident.status == ResidentStatus.ACTIVE
        and resident.place_code.startswith(meeting.place_code)
    )


def _topics():
    """The deliberation services (a module of this app, imported when a topic is involved)."""
    from huiketing.meetings import deliberation_services

    return deliberation_services


# Kinds of meeting -----------------------------------------------------------------------------------------


def meeting_kinds_ensure(*, using: str = "default") -> int:
    """Create the standard kinds of meeting that are missing; returns how many were created."""
    created = 0
    for position, (code, names) in enumerate(STANDARD_KINDS):
        _kind, made = MeetingKind.objects.using(using).get_or_create(
            code=code, defaults={"names": names, "position": position}
        )
        created += made
    return created


def meeting_kind_save(
    *, by: User | None, code: str, names: dict, position: int = 0, is_active: bool = True
) -> MeetingKind:
    """Create a kind of meeting, or change the one with this code."""
    names = {language: text.strip() for language, text in (names or {}).items() if (text or "").strip()}
    if not names:
        raise _invalid("names", _("Give the kind of meeting a name."))
    with transaction.atomic():
        kind = MeetingKind.objects.select_for_update().filter(code=code).first() or MeetingKind(code=code)
        before = {"names": kind.names, "position": kind.position, "is_active": kind.is_active}
        kind.names, kind.position, kind.is_active = names, position, is_active
        kind.full_clean()
        kind.save()
        after = {"names": names, "position": position, "is_active": is_active}
        changes = {key: [before[key], value] for key, value in after.items() if before[key] != value}
        audit_record(actor=by, action="meetings.kind_save", obj=kind, changes=changes)
    return kind


# Meetings ---------------------------------------------------------------------------------------------------


MEETING_FIELDS = (
    "kind",
    "title",
    "place_code",
    "starts_at",
    "ends_at",
    "service_point",
    "location",
    "is_online",
    "online_link",
    "language",
    "quorum_rule",
    "quorum_count",
    "chair",
    "recorder",
)


def _meeting_clean(values: dict, *, by, now: datetime, current: dict | None = None) -> dict:
    """Check a meeting's fields together (against its `current` values when it is changed); returns them
    tidied, or raises every error at once by field."""

    def new(field: str) -> bool:
        return current is None or values.get(field) != current.get(field)

    errors: dict[str, list[str]] = {}
    values = dict(values)
    values["title"] = (values.get("title") or "").strip()
    values["location"] = (values.get("location") or "").strip()
    values["online_link"] = (values.get("online_link") or "").strip()
    values["is_online"] = bool(values.get("is_online"))
    if not values["title"]:
        errors["title"] = [_("Give the meeting a title.")]
    elif len(values["title"]) > TITLE_MAX:
        errors["title"] = [_("The title may be at most 120 characters.")]
    kind = values.get("kind")
    # A kind retired since the meeting was planned stays the meeting's kind.
    if kind is None or (not kind.is_active and new("kind")):
        errors["kind"] = [_("Choose the kind of meeting.")]
    place_code = values.get("place_code") or ""
    if not Place.objects.filter(code=place_code).exists():
        errors["place_code"] = [_("Choose the place whose residents the meeting is for.")]
    elif by is not None and not scope.covers(by, place_code, COMMUNITY_AND_ABOVE):
        errors["place_code"] = [_("This place is outside your area.")]
    starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
    if starts_at is None:
        errors["starts_at"] = [_("Say when the meeting starts.")]
    elif new("starts_at") and starts_at < now:
        errors["starts_at"] = [_("A meeting cannot be planned to start in the past.")]
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = [_("The meeting must end after it starts.")]
    service_point = values.get("service_point")
    if (
        service_point is not None
        and new("service_point")
        and by is not None
        and not scope.covers(by, service_point.place_code)
    ):
        errors["service_point"] = [_("This service point is outside your area.")]
    if len(values["location"]) > 200:
        errors["location"] = [_("The place may be at most 200 characters.")]
    if values["is_online"] and not values["online_link"]:
        errors["online_link"] = [_("An online meeting needs the link participants join with.")]
    if values["online_link"] and not values["online_link"].startswith(("https://", "http://")):
        errors["online_link"] = [_("The link must start with https:// or http://.")]
    if service_point is None and not values["location"] and not values["is_online"]:
        errors["location"] = [_("Say where the meeting takes place: a service point, a place, or online.")]
    if values.get("language") not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose the language of the minutes.")]
    rule = values.get("quorum_rule")
    if rule not in QuorumRule.values:
        errors["quorum_rule"] = [_("Choose the quorum rule.")]
    elif rule == QuorumRule.COUNT:
        if not values.get("quorum_count") or values["quorum_count"] < 1:
            errors["quorum_count"] = [_("Say how many participants must attend.")]
    else:
        values["quorum_count"] = None
    for field in ("chair", "recorder"):
        account = values.get(field)
        if account is not None and not account.is_active:
            errors[field] = [_("This account is not active.")]
    if errors:
        raise ValidationError(errors)
    return values


def meeting_create(
    *,
    by: User | None,
    kind: MeetingKind,
    title: str,
    place_code: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    service_point: ServicePoint | None = None,
    location: str = "",
    is_online: bool = False,
    online_link: str = "",
    language: str = settings.LANGUAGE_CODE,
    quorum_rule: str = QuorumRule.HALF,
    quorum_count: int | None = None,
    chair: User | None = None,
    recorder: User | None = None,
    is_demo: bool = False,
    now: datetime | None = None,
) -> Meeting:
    """Plan a meeting of the residents of a place, with its time, place and quorum rule."""
    now = _now(now)
    values = _meeting_clean(
        {
            "kind": kind,
            "title": title,
            "place_code": place_code,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "service_point": service_point,
            "location": location,
            "is_online": is_online,
            "online_link": online_link,
            "language": language,
            "quorum_rule": quorum_rule,
            "quorum_count": quorum_count,
            "chair": chair,
            "recorder": recorder,
        },
        by=by,
        now=now,
    )
    with transaction.atomic():
        meeting = Meeting.objects.create(**values, created_by=_actor(by), is_demo=is_demo)
        _event(meeting, EVENT_SCHEDULED, by=by, params={"starts": meeting.starts_at.isoformat()})
        _audit(
            by,
            "meetings.meeting_create",
            meeting,
            {"title": [None, meeting.title], "starts_at": [None, meeting.starts_at.isoformat()]},
        )
    return meeting


def meeting_update(*, by: User | None, meeting: Meeting, now: datetime | None = None, **changes) -> Meeting:
    """Change a planned meeting; participants are told when its time or place changes."""
    now = _now(now)
    unknown = set(changes) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"meeting_update() got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        meeting = _lock(meeting)
        _require_status(meeting, {MeetingStatus.PLANNED}, _("Only a planned meeting can be changed."))
        current = {field: getattr(meeting, field) for field in MEETING_FIELDS}
        values = _meeting_clean({**current, **changes}, by=by, now=now, current=current)
        changed = {field for field in MEETING_FIELDS if current[field] != values[field]}
        if not changed:
            return meeting
        for field in changed:
            setattr(meeting, field, values[field])
        meeting.save()
        _audit(
            by,
            "meetings.meeting_update",
            meeting,
            diff({f: current[f] for f in changed}, {f: values[f] for f in changed}),
        )
        moved = {"starts_at", "service_point", "location", "is_online", "online_link"} & set(changed)
        if moved:
            _event(meeting, EVENT_CHANGED, by=by, params={"fields": sorted(moved)})
            participants = meeting.participants.select_related("user", "resident__account")
            notify(
                recipients=_participant_accounts(participants),
                kind="meeting.changed",
                params=_params(meeting),
                link=_public_link(meeting),
                obj=meeting,
                channels=("inapp", "sms"),
            )
    return meeting


def _topics_back_to_deliberation(meeting: Meeting, *, by) -> None:
    """Topics still on the agenda of a meeting that will not decide them go back to deliberation."""
    items = meeting.items.filter(
        topic__isnull=False, topic__status=TopicStatus.ON_AGENDA, decision=ItemDecision.PENDING
    ).select_related("topic")
    for item in items:
        _topics().topic_reopen(topic=item.topic, by=by)


def meeting_open(*, by: User | None, meeting: Meeting, now: datetime | None = None) -> Meeting:
    """The meeting starts: attendance is taken, items are discussed and decided."""
    now = _now(now)
    with transaction.atomic():
        meeting = _lock(meeting)
        meeting.status = _check(meeting, "open")
        meeting.opened_at = now
        meeting.save(update_fields=["status", "opened_at", "updated_at"])
        _event(meeting, EVENT_OPENED, by=by)
        _audit(by, "meetings.meeting_open", meeting, {"status": [MeetingStatus.PLANNED, meeting.status]})
    return meeting


def meeting_close(*, by: User | None, meeting: Meeting, now: datetime | None = None) -> Meeting:
    """The meeting ends. Its items may still be decided afterwards, on the record of who attended.

    Votes open to those attending end with the meeting: they are closed and counted. Votes open to others (all
    residents of the scope, representatives, household heads) may go on online until their closing time."""
    from huiketing.meetings import vote_services
    from huiketing.meetings.models import Electorate, Vote, VoteStatus

    now = _now(now)
    with transaction.atomic():
        meeting = _lock(meeting)
        meeting.status = _check(meeting, "close")
        meeting.closed_at = now
        meeting.save(update_fields=["status", "closed_at", "updated_at"])
        for vote in Vote.objects.filter(
            item__meeting=meeting, status=VoteStatus.OPEN, electorate=Electorate.ATTENDEES
        ).order_by("pk"):
            vote_services.vote_close(by=by, vote=vote, now=now)
        _event(meeting, EVENT_CLOSED, by=by, params=quorum(meeting).as_params())
        _audit(by, "meetings.meeting_close", meeting, {"status": [MeetingStatus.IN_SESSION, meeting.status]})
    return meeting


def meeting_cancel(*, by: User | None, meeting: Meeting, reason: str, now: datetime | None = None) -> Meeting:
    """Call a planned meeting off, with the reason; everyone on its list is told, and its topics go back to
    deliberation."""
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("Say why the meeting is cancelled."))
    if len(reason) > 300:
        raise _invalid("reason", _("The reason may be at most 300 characters."))
    with transaction.atomic():
        meeting = _lock(meeting)
        meeting.status = _check(meeting, "cancel")
        meeting.save(update_fields=["status", "updated_at"])
        _topics_back_to_deliberation(meeting, by=by)
        _event(meeting, EVENT_CANCELLED, by=by, params={"reason": reason})
        _audit(
            by,
            "meetings.meeting_cancel",
            meeting,
            {"status": [MeetingStatus.PLANNED, meeting.status]},
            reason=reason,
        )
        participants = meeting.participants.select_related("user", "resident__account")
        notify(
            recipients=_participant_accounts(participants),
            kind="meeting.cancelled",
            params=_params(meeting, reason=reason[:120]),
            link=_public_link(meeting),
            obj=meeting,
            channels=("inapp", "sms"),
        )
    return meeting


# Participants -----------------------------------------------------------------------------------------------

INVITING_STATUSES = {MeetingStatus.PLANNED, MeetingStatus.IN_SESSION}


def _kind_for(*, kind: str, resident, user, organisation) -> str:
    if kind:
        if kind not in ParticipantKind.values:
            raise _invalid("kind", _("Choose how the participant takes part."))
        return kind
    if organisation is not None:
        return ORGANISATION_PARTICIPANT_KIND.get(organisation.kind, ParticipantKind.OTHER)
    if resident is not None:
        return ParticipantKind.RESIDENT
    if user is not None:
        roles = scope.role_set(user)
        for role, participant_kind in ROLE_PARTICIPANT_KIND:
            if role in roles:
                return participant_kind
    return ParticipantKind.OTHER


def _normalise_person(resident: Resident | None, user: User | None) -> tuple[Resident | None, User | None]:
    """An account that belongs to a registry record takes part as that resident: one row per person."""
    if resident is None and user is not None:
        linked = Resident.objects.filter(account_id=user.pk).first()
        if linked is not None:
            return linked, None
    return resident, user


def _invite_notify(meeting: Meeting, participants: list[Participant]) -> None:
    accounts = _participant_accounts(participants)
    if accounts:
        notify(
            recipients=accounts,
            kind="meeting.scheduled",
            params=_params(meeting),
            link=_public_link(meeting),
            obj=meeting,
            channels=("inapp", "sms"),
        )


def participant_invite(
    *,
    by: User | None,
    meeting: Meeting,
    kind: str = "",
    resident: Resident | None = None,
    user: User | None = None,
    organisation: Organisation | None = None,
    name: str = "",
    role: str = Participant.Role.MEMBER,
) -> Participant:
    """Put one participant on the meeting's list: a resident from the registry, an account, an organisation
    (with its delegate's name, if known), or a named guest. Someone who registered without an invitation is
    put on the list by inviting them."""
    name = (name or "").strip()
    resident, user = _normalise_person(resident, user)
    if sum(x is not None for x in (resident, user, organisation)) > 1:
        raise _invalid("kind", _("Invite one resident, one account or one organisation at a time."))
    if resident is None and user is None and organisation is None and not name:
        raise _invalid("name", _("Say whom to invite: a resident, an organisation, or a guest's name."))
    if len(name) > 100:
        raise _invalid("name", _("The name may be at most 100 characters."))
    if role not in Participant.Role.values:
        raise _invalid("role", _("Choose the participant's role."))
    kind = _kind_for(kind=kind, resident=resident, user=user, organisation=organisation)
    if resident is not None:
        if resident.status != ResidentStatus.ACTIVE:
            raise _invalid("resident", _("This resident no longer lives here."))
        if by is not None and not scope.covers(by, resident.place_code, REGISTRY_ROLES):
            raise _invalid("resident", _("This resident is outside your area."))
    if user is not None and not user.is_active:
        raise _invalid("user", _("This account is not active."))
    with transaction.atomic():
        meeting = _lock(meeting)
        _require_status(
            meeting, INVITING_STATUSES, _("Participants are invited before the meeting or while it sits.")
        )
        existing = None
        if resident is not None:
            existing = meeting.participants.filter(resident=resident).first()
        elif user is not None:
            existing = meeting.participants.filter(user=user).first()
        elif (
            organisation is not None
            and meeting.participants.filter(organisation=organisation, name=name).exists()
        ):
            raise _invalid("organisation", _("This organisation is already on the list."))
        if existing is not None:
            if existing.invited:
                field = "resident" if resident is not None else "user"
                raise _invalid(field, _("This person is already on the list."))
            existing.invited, existing.kind, existing.role = True, kind, role
            existing.save(update_fields=["invited", "kind", "role"])
            participant = existing
        else:
            participant = Participant.objects.create(
                meeting=meeting,
                kind=kind,
                role=role,
                resident=resident,
                user=user,
                organisation=organisation,
                name=name,
                invited=True,
            )
        _audit(
            by,
            "meetings.participant_invite",
            meeting,
            {"participant": [None, participant.pk], "kind": [None, kind]},
        )
        if resident is not None:
            participant.resident = resident
        _invite_notify(meeting, [participant])
    return participant


def participants_invite(
    *,
    by: User | None,
    meeting: Meeting,
    residents: Iterable[Resident] = (),
    users: Iterable[User] = (),
    organisations: Iterable[Organisation] = (),
    kind: str = "",
    role: str = Participant.Role.MEMBER,
) -> int:
    """Invite many at once (a registry search, the organisations or accounts of a kind in the area). Those
    already on the list are left as they are; returns how many were added."""
    residents, users, organisations = list(residents), list(users), list(organisations)
    if kind and kind not in ParticipantKind.values:
        raise _invalid("kind", _("Choose how the participants take part."))
    if role not in Participant.Role.values:
        raise _invalid("role", _("Choose the participants' role."))
    # Accounts that belong to a registry record take part as residents.
    linked = {r.account_id: r for r in Resident.objects.filter(account_id__in=[u.pk for u in users])}
    residents += [linked[u.pk] for u in users if u.pk in linked]
    users = [u for u in users if u.pk not in linked and u.is_active]
    residents = [r for r in residents if r.status == ResidentStatus.ACTIVE]
    if by is not None and any(not scope.covers(by, r.place_code, REGISTRY_ROLES) for r in residents):
        raise _invalid("residents", _("Some of these residents are outside your area."))
    total = len({r.pk for r in residents}) + len({u.pk for u in users}) + len({o.pk for o in organisations})
    if total > BULK_INVITE_MAX:
        raise _invalid(
            "residents",
            _("%(count)s would be invited: narrow the search down to at most %(max)s at a time.")
            % {"count": total, "max": BULK_INVITE_MAX},
        )
    with transaction.atomic():
        meeting = _lock(meeting)
        _require_status(
            meeting, INVITING_STATUSES, _("Participants are invited before the meeting or while it sits.")
        )
        rows = list(meeting.participants.all())
        by_resident = {p.resident_id: p for p in rows if p.resident_id}
        by_user = {p.user_id: p for p in rows if p.user_id}
        organisations_listed = {p.organisation_id for p in rows if p.organisation_id and not p.name}
        new, upgraded = [], []
        for resident in {r.pk: r for r in residents}.values():
            row = by_resident.get(resident.pk)
            if row is None:
                new.append(
                    Participant(
                        meeting=meeting,
                        kind=kind or ParticipantKind.RESIDENT,
                        role=role,
                        resident=resident,
                        invited=True,
                    )
                )
            elif not row.invited:
                upgraded.append(row)
        for account in {u.pk: u for u in users}.values():
            row = by_user.get(account.pk)
            if row is None:
                new.append(
                    Participant(
                        meeting=meeting,
                        kind=_kind_for(kind=kind, resident=None, user=account, organisation=None),
                        role=role,
                        user=account,
                        invited=True,
                    )
                )
            elif not row.invited:
                upgraded.append(row)
        for organisation in {o.pk: o for o in organisations}.values():
            if organisation.pk not in organisations_listed:
                new.append(
                    Participant(
                        meeting=meeting,
                        kind=_kind_for(kind=kind, resident=None, user=None, organisation=organisation),
                        role=role,
                        organisation=organisation,
                        invited=True,
                    )
                )
        # Both databases return the new rows' ids from a bulk insert (SQLite 3.35+, PostgreSQL).
        Participant.objects.bulk_create(new)
        for row in upgraded:
            row.invited = True
            if kind:
                row.kind = kind
        Participant.objects.bulk_update(upgraded, ["invited", "kind"])
        added = len(new) + len(upgraded)
        if added:
            _audit(by, "meetings.participants_invite", meeting, {"invited": [None, added]})
            rows = Participant.objects.filter(pk__in=[p.pk for p in [*new, *upgraded]]).select_related(
                "user", "resident__account"
            )
            _invite_notify(meeting, list(rows))
    return added


def participant_remove(*, by: User | None, participant: Participant) -> None:
    """Take someone off the list before the meeting starts."""
    with transaction.atomic():
        meeting = _lock(participant.meeting)
        _require_status(
            meeting, {MeetingStatus.PLANNED}, _("Participants can be removed only before the meeting.")
        )
        removed = Participant.objects.filter(pk=participant.pk, meeting=meeting).delete()[0]
        if removed:
            _audit(by, "meetings.participant_remove", meeting, {"participant": [participant.pk, None]})


def meeting_register(*, by: User, meeting: Meeting, now: datetime | None = None) -> Participant:
    """A resident of the meeting's area says they will come. One not invited is added as a participant who
    does not count for the quorum."""
    now = _now(now)
    resident = _resident_of(by)
    with transaction.atomic():
        meeting = _lock(meeting)
        if not _in_scope(resident, meeting):
            raise MeetingStateError(_("Only residents of the meeting's area can register for it."))
        _require_status(
            meeting, {MeetingStatus.PLANNED}, _("Registration is open only until the meeting starts.")
        )
        participant = meeting.participants.filter(resident=resident).first()
        if participant is None:
            participant = Participant.objects.create(
                meeting=meeting,
                kind=ParticipantKind.RESIDENT,
                resident=resident,
                invited=False,
                registered_at=now,
            )
        elif participant.registered_at is None:
            participant.registered_at = now
            participant.save(update_fields=["registered_at"])
        else:
            return participant
        _audit(by, "meetings.register", meeting, {"participant": [None, participant.pk]})
    return participant


# Attendance -------------------------------------------------------------------------------------------------


def _attendance_open(meeting: Meeting, now: datetime) -> None:
    if meeting.status == MeetingStatus.IN_SESSION:
        return
    if meeting.status == MeetingStatus.PLANNED:
        opens = meeting.starts_at - CHECK_IN_OPENS_BEFORE
        if now >= opens:
            return
        raise MeetingStateError(
            _("Check-in opens one hour before the meeting starts, at %(time)s.")
            % {"time": timezone.localtime(opens).strftime("%Y-%m-%d %H:%M")}
        )
    raise MeetingStateError(
        _("Attendance is taken only while the meeting is in session; this meeting is “%(status)s”.")
        % {"status": meeting.get_status_display()}
    )


def _attended(participant: Participant, *, how: str, by, now: datetime) -> None:
    participant.attended_at = now
    participant.check_in = how
    participant.checked_in_by = _actor(by)
    participant.save(update_fields=["attended_at", "check_in", "checked_in_by"])
    if participant.resident_id is not None:
        from huiketing.points.services import points_award

        points_award(
            holder=participant.resident,
            rule_code="meeting_attended",
            source=participant.meeting,
            actor=_actor(by),
        )


def attendance_check_in_by_token(*, user: User, token: str, now: datetime | None = None) -> Participant:
    """The signed-in user scanned the QR code at the door: their row is marked as attending. A resident of the
    area who is not on the list walks in (not invited); anyone else is refused. Scanning twice changes
    nothing."""
    now = _now(now)
    if not getattr(user, "is_authenticated", False):
        raise _invalid("token", _("Sign in to check in."))
    meeting_id = Meeting.objects.filter(check_in_token=token or "").values_list("pk", flat=True).first()
    if meeting_id is None:
        raise _invalid("token", _("This check-in code is not valid."))
    resident = _resident_of(user)
    with transaction.atomic():
        meeting = _lock(Meeting(pk=meeting_id))
        if resident is not None:
            participant = meeting.participants.filter(resident=resident).first()
        else:
            participant = meeting.participants.filter(user=user).first()
        _attendance_open(meeting, now)
        if participant is None:
            if not _in_scope(resident, meeting):
                raise MeetingStateError(
                    _("You are not on this meeting's list, and only residents of its area may join it.")
                )
            participant = Participant.objects.create(
                meeting=meeting, kind=ParticipantKind.RESIDENT, resident=resident, invited=False
            )
        if participant.attended_at is not None:
            return participant
        participant.meeting = meeting
        _attended(participant, how=Participant.CheckIn.QR, by=user, now=now)
        _audit(
            user,
            "meetings.check_in",
            meeting,
            {"participant": [None, participant.pk], "check_in": [None, "qr"]},
        )
    return participant


def attendance_record(
    *, by: User | None, participant: Participant, present: bool = True, now: datetime | None = None
) -> Participant:
    """Staff at the door mark a participant present (or correct a mistake). Points once awarded stay in the
    ledger: a correction there is a points adjustment."""
    now = _now(now)
    with transaction.atomic():
        meeting = _lock(participant.meeting)
        _attendance_open(meeting, now)
        row = (
            Participant.objects.select_for_update(of=("self",))
            .select_related("resident")
            .filter(pk=participant.pk, meeting=meeting)
            .first()
        )
        if row is None:
            raise _invalid("participant", _("This participant is not on the meeting's list."))
        row.meeting = meeting
        if present:
            if row.attended_at is not None:
                return row
            _attended(row, how=Participant.CheckIn.STAFF, by=by, now=now)
        else:
            if row.attended_at is None:
                return row
            row.attended_at, row.check_in, row.checked_in_by = None, "", None
            row.save(update_fields=["attended_at", "check_in", "checked_in_by"])
        _audit(
            by, "meetings.attendance", meeting, {"participant": [None, row.pk], "present": [None, present]}
        )
    return row


@dataclass(frozen=True)
class Quorum:
    """The quorum as the records say: how many are invited (observers aside), how many of them attend,
    how many must, and whether they do."""

    rule: str
    invited: int
    attending: int
    required: int
    met: bool

    def as_params(self) -> dict:
        return {
            "invited": self.invited,
            "attending": self.attending,
            "required": self.required,
            "met": self.met,
        }


def quorum_for(rule: str, invited: int, attending: int, count: int | None = None) -> Quorum:
    """The arithmetic of each rule. More than half: attending > invited / 2. Two thirds: attending × 3 ≥
    invited × 2 (and somebody invited). A set number: attending ≥ that number. No quorum: always met."""
    if rule == QuorumRule.HALF:
        required = invited // 2 + 1
        met = attending * 2 > invited
    elif rule == QuorumRule.TWO_THIRDS:
        required = max(-(-invited * 2 // 3), 1)
        met = invited > 0 and attending * 3 >= invited * 2
    elif rule == QuorumRule.COUNT:
        required = count or 0
        met = attending >= required
    else:
        required, met = 0, True
    return Quorum(rule=rule, invited=invited, attending=attending, required=required, met=met)


def quorum(meeting: Meeting) -> Quorum:
    """The meeting's quorum, counted from its participants' rows (one query)."""
    counted = Q(invited=True) & ~Q(role=Participant.Role.OBSERVER)
    figures = Participant.objects.filter(meeting_id=meeting.pk).aggregate(
        invited_count=Count("pk", filter=counted),
        attending_count=Count("pk", filter=counted & Q(attended_at__isnull=False)),
    )
    return quorum_for(
        meeting.quorum_rule, figures["invited_count"], figures["attending_count"], meeting.quorum_count
    )


# The agenda -------------------------------------------------------------------------------------------------


def _item_text(title: str, description: str) -> tuple[str, str]:
    title, description = (title or "").strip(), (description or "").strip()
    errors = {}
    if not title:
        errors["title"] = [_("Give the item a title.")]
    elif len(title) > 200:
        errors["title"] = [_("The title may be at most 200 characters.")]
    if len(description) > 4000:
        errors["description"] = [_("The description may be at most 4,000 characters.")]
    if errors:
        raise ValidationError(errors)
    return title, description


def agenda_item_add(
    *,
    by: User | None,
    meeting: Meeting,
    topic: Topic | None = None,
    title: str = "",
    description: str = "",
) -> AgendaItem:
    """Add an item at the end of the agenda: a deliberated topic (put on the agenda through deliberation), or
    a free item. Items are added before the meeting, or while it sits (a matter raised on the day)."""
    if topic is not None:
        title = title or topic.title
    title, description = _item_text(title, description)
    with transaction.atomic():
        meeting = _lock(meeting)
        _require_status(meeting, INVITING_STATUSES, _("Items are added before the meeting or while it sits."))
        if topic is not None:
            if not topic.place_code.startswith(meeting.place_code):
                raise _invalid("topic", _("This topic concerns residents outside the meeting's area."))
            if meeting.items.filter(topic=topic).exists():
                raise _invalid("topic", _("This topic is already on the agenda."))
            _topics().topic_put_on_agenda(topic=topic, by=by, meeting=meeting)
        position = (meeting.items.aggregate(last=Max("position"))["last"] or 0) + 1
        item = AgendaItem.objects.create(
            meeting=meeting, position=position, topic=topic, title=title, description=description
        )
        _audit(
            by,
            "meetings.item_add",
            item,
            {"title": [None, title], "topic": [None, topic.pk if topic else None]},
            place_code=meeting.place_code,
        )
    return item


def _planned_item(item: AgendaItem) -> tuple[Meeting, AgendaItem]:
    meeting, item = _lock_item(item)
    _require_status(meeting, {MeetingStatus.PLANNED}, _("The agenda can be changed only before the meeting."))
    return meeting, item


def agenda_item_update(*, by: User | None, item: AgendaItem, title: str, description: str = "") -> AgendaItem:
    title, description = _item_text(title, description)
    with transaction.atomic():
        meeting, item = _planned_item(item)
        before = {"title": item.title, "description": item.description}
        item.title, item.description = title, description
        item.save(update_fields=["title", "description"])
        changes = {
            key: [value, getattr(item, key)] for key, value in before.items() if value != getattr(item, key)
        }
        _audit(by, "meetings.item_update", item, changes, place_code=meeting.place_code)
    return item


def agenda_item_reorder(*, by: User | None, meeting: Meeting, item_ids: list[int]) -> list[AgendaItem]:
    """Put the agenda in the order given: every item of the meeting, each once."""
    with transaction.atomic():
        meeting = _lock(meeting)
        _require_status(
            meeting, {MeetingStatus.PLANNED}, _("The agenda can be changed only before the meeting.")
        )
        items = {item.pk: item for item in meeting.items.select_for_update()}
        if sorted(item_ids) != sorted(items) or len(set(item_ids)) != len(item_ids):
            raise _invalid("items", _("Give every item of the agenda once."))
        ordered = []
        for position, item_id in enumerate(item_ids, start=1):
            item = items[item_id]
            item.position = position
            ordered.append(item)
        AgendaItem.objects.bulk_update(ordered, ["position"])
        _audit(by, "meetings.agenda_reorder", meeting, {"order": [None, list(item_ids)]})
    return ordered


def agenda_item_remove(*, by: User | None, item: AgendaItem) -> None:
    """Take an item off the agenda before the meeting; its topic goes back to deliberation."""
    with transaction.atomic():
        meeting, item = _planned_item(item)
        if Vote.objects.filter(item=item).exists():
            raise MeetingStateError(_("A vote is prepared on this item: remove the vote first."))
        if item.topic_id is not None and item.topic.status == TopicStatus.ON_AGENDA:
            _topics().topic_reopen(topic=item.topic, by=by)
        _audit(by, "meetings.item_remove", item, {"title": [item.title, None]}, place_code=meeting.place_code)
        item.delete()


def item_summary_record(*, by: User | None, item: AgendaItem, speakers_summary: str) -> AgendaItem:
    """What the speakers said on the item, recorded during or after the meeting (the minutes take it up)."""
    summary = (speakers_summary or "").strip()
    if len(summary) > 8000:
        raise _invalid("speakers_summary", _("The summary may be at most 8,000 characters."))
    with transaction.atomic():
        meeting, item = _lock_item(item)
        _require_status(
            meeting,
            {MeetingStatus.IN_SESSION, MeetingStatus.CLOSED},
            _("What the speakers said is recorded once the meeting has started."),
        )
        before = item.speakers_summary
        item.speakers_summary = summary
        item.save(update_fields=["speakers_summary"])
        if before != summary:
            _audit(
                by,
                "meetings.item_summary",
                item,
                {"speakers_summary": [before[:80], summary[:80]]},
                place_code=meeting.place_code,
            )
    return item


# Decisions and the public-notice period ---------------------------------------------------------------------


def _vote_check(item: AgendaItem, decision: str) -> None:
    """An item put to a vote is decided on its result: never while the vote is open, and never approved
    when the vote did not pass."""
    votes = list(Vote.objects.filter(item=item).order_by("id"))
    if any(vote.status == VoteStatus.OPEN for vote in votes):
        raise _invalid("decision", _("The vote on this item is still open: close it before deciding."))
    closed = [vote for vote in votes if vote.status == VoteStatus.CLOSED]
    if decision != ItemDecision.APPROVED or not closed:
        return
    last = max(closed, key=lambda vote: (vote.closed_at or vote.opened_at or timezone.now(), vote.pk))
    if last.quorum_met is False:
        raise _invalid(
            "decision",
            _(
                "The vote on this item did not reach its turnout: it cannot be approved. "
                "Defer it or reject it."
            ),
        )
    if last.passed is not True:
        raise _invalid(
            "decision", _("The vote on this item did not pass: it cannot be approved. Defer it or reject it.")
        )


def item_decide(
    *,
    by: User | None,
    item: AgendaItem,
    decision: str,
    reasons: str,
    follow_up: str = "",
    notice_days: int = NOTICE_DAYS_DEFAULT,
    now: datetime | None = None,
) -> AgendaItem:
    """The meeting decides an item: approved, rejected or deferred, with the reasons.

    Only while the meeting sits or after it closed; approving or rejecting needs the quorum (without it the
    meeting can only defer). An approved item is published for `notice_days` calendar days (公示期) before
    it takes effect; a deferred topic goes back to deliberation for a later meeting."""
    now = _now(now)
    reasons, follow_up = (reasons or "").strip(), (follow_up or "").strip()
    errors = {}
    if decision not in (ItemDecision.APPROVED, ItemDecision.REJECTED, ItemDecision.DEFERRED):
        errors["decision"] = [_("Choose approved, rejected or deferred.")]
    if not reasons:
        errors["reasons"] = [_("Give the reasons for the decision.")]
    elif len(reasons) > 4000:
        errors["reasons"] = [_("The reasons may be at most 4,000 characters.")]
    if len(follow_up) > 2000:
        errors["follow_up"] = [_("The follow-up may be at most 2,000 characters.")]
    if decision == ItemDecision.APPROVED and (
        not isinstance(notice_days, int) or not 1 <= notice_days <= NOTICE_DAYS_MAX
    ):
        errors["notice_days"] = [
            _("The public-notice period is 1 to %(max)s days.") % {"max": NOTICE_DAYS_MAX}
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting, item = _lock_item(item)
        _require_status(
            meeting,
            {MeetingStatus.IN_SESSION, MeetingStatus.CLOSED},
            _("Items are decided while the meeting is in session, or after it closed."),
        )
        if item.decision != ItemDecision.PENDING:
            raise MeetingStateError(_("This item has been decided already."))
        if decision != ItemDecision.DEFERRED:
            figures = quorum(meeting)
            if not figures.met:
                raise _invalid(
                    "decision",
                    _(
                        "The quorum is not met (%(attending)s attending, %(required)s needed): the meeting "
                        "can only defer this item."
                    )
                    % {"attending": figures.attending, "required": figures.required},
                )
        _vote_check(item, decision)
        item.decision = decision
        item.decision_reasons = reasons
        item.follow_up = follow_up
        item.decided_at = now
        item.decided_by = _actor(by)
        if decision == ItemDecision.APPROVED:
            today = timezone.localdate(now)
            item.notice_status = NoticeStatus.IN_NOTICE
            item.notice_starts_on = today
            item.notice_ends_on = today + timedelta(days=notice_days)
        item.save()
        topic = item.topic
        if topic is not None:
            if decision == ItemDecision.DEFERRED:
                _topics().topic_reopen(topic=topic, by=by, note=reasons)
            else:
                _topics().topic_decide(topic=topic, by=by, decision=decision, note=reasons)
        params = {"item": item.pk, "title": item.title[:80], "decision": decision}
        if item.notice_ends_on:
            params["notice_ends_on"] = item.notice_ends_on.isoformat()
        if topic is not None and topic.matter_id is not None:
            # The tabled matter's own workflow follows from this entry (projects take approved ones up).
            params["matter"] = topic.matter_id
        _event(meeting, EVENT_DECIDED, by=by, topic=topic, params=params)
        _audit(
            by,
            "meetings.item_decide",
            item,
            {
                "decision": [ItemDecision.PENDING, decision],
                "notice_status": [None, item.notice_status or None],
            },
            place_code=meeting.place_code,
        )
    return item


def objection_raise(*, by: User, item: AgendaItem, body: str, now: datetime | None = None) -> Objection:
    """A resident of the meeting's area objects to a decision during its public-notice period (once)."""
    now = _now(now)
    body = (body or "").strip()
    if not body:
        raise _invalid("body", _("Write your objection."))
    if len(body) > 2000:
        raise _invalid("body", _("The objection may be at most 2,000 characters."))
    resident = _resident_of(by)
    with transaction.atomic():
        meeting, item = _lock_item(item)
        if not _in_scope(resident, meeting):
            raise MeetingStateError(_("Only residents of the meeting's area can object to its decisions."))
        today = timezone.localdate(now)
        if (
            item.notice_status != NoticeStatus.IN_NOTICE
            or item.notice_starts_on is None
            or not item.notice_starts_on <= today <= item.notice_ends_on
        ):
            raise MeetingStateError(
                _("Objections are taken only during the decision's public-notice period.")
            )
        if Objection.objects.filter(item=item, resident=resident).exists():
            raise _invalid("body", _("You have already objected to this decision."))
        try:
            with transaction.atomic():
                objection = Objection.objects.create(item=item, resident=resident, author=by, body=body)
        except IntegrityError:
            raise _invalid("body", _("You have already objected to this decision.")) from None
        _event(meeting, EVENT_OBJECTION, by=None, topic=item.topic, params={"item": item.pk})
        _audit(
            by,
            "meetings.objection_raise",
            objection,
            {"item": [None, item.pk]},
            place_code=meeting.place_code,
        )
        notify(
            recipients=_organisers(meeting),
            kind="meeting.objection_raised",
            params={"item": item.title[:60], "title": meeting.title[:60]},
            link=_staff_link(meeting),
            obj=item,
        )
    return objection


def objection_answer(
    *, by: User | None, objection: Objection, answer: str, now: datetime | None = None
) -> Objection:
    """Staff answer an objection; the resident who raised it is told."""
    now = _now(now)
    answer = (answer or "").strip()
    if not answer:
        raise _invalid("answer", _("Write the answer."))
    if len(answer) > 2000:
        raise _invalid("answer", _("The answer may be at most 2,000 characters."))
    with transaction.atomic():
        meeting, item = _lock_item(objection.item)
        objection = (
            Objection.objects.select_for_update(of=("self",)).select_related("author").get(pk=objection.pk)
        )
        if objection.answered_at is not None:
            raise MeetingStateError(_("This objection has been answered already."))
        objection.answer, objection.answered_at = answer, now
        objection.save(update_fields=["answer", "answered_at"])
        _audit(
            by,
            "meetings.objection_answer",
            objection,
            {"answered": [False, True]},
            place_code=meeting.place_code,
        )
        if objection.author is not None:
            notify(
                recipients=[objection.author],
                kind="meeting.objection_answered",
                params={"item": item.title[:60], "title": meeting.title[:60]},
                link=reverse("meetings:decisions"),
                obj=item,
                channels=("inapp", "sms"),
            )
    return objection


def notice_period_run(*, now: datetime | None = None) -> dict[str, int]:
    """Decisions whose public-notice period has ended take effect, or, with objections not yet answered, wait
    for the community's review. Each item changes once however often this runs, and by whichever worker."""
    now = _now(now)
    today = timezone.localdate(now)
    counts = {"effective": 0, "objected": 0}
    due = AgendaItem.objects.filter(notice_status=NoticeStatus.IN_NOTICE, notice_ends_on__lt=today)
    for item_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            item = AgendaItem.objects.select_related("meeting").filter(pk=item_id).first()
            if item is None:
                continue
            meeting, item = _lock_item(item)
            if item.notice_status != NoticeStatus.IN_NOTICE or item.notice_ends_on >= today:
                continue
            open_objections = item.objections.filter(answered_at__isnull=True).count()
            if open_objections:
                item.notice_status = NoticeStatus.OBJECTED
                item.save(update_fields=["notice_status"])
                _event(meeting, EVENT_OBJECTED, by=None, topic=item.topic, params={"item": item.pk})
                notify(
                    recipients=_organisers(meeting),
                    kind="meeting.decision_objected",
                    params={"item": item.title[:60], "title": meeting.title[:60]},
                    link=_staff_link(meeting),
                    obj=item,
                )
                counts["objected"] += 1
            else:
                item.notice_status = NoticeStatus.EFFECTIVE
                item.effective_at = now
                item.save(update_fields=["notice_status", "effective_at"])
                _event(meeting, EVENT_EFFECTIVE, by=None, topic=item.topic, params={"item": item.pk})
                counts["effective"] += 1
            _audit(
                None,
                "meetings.notice_end",
                item,
                {"notice_status": [NoticeStatus.IN_NOTICE, item.notice_status]},
                place_code=meeting.place_code,
            )
    return counts


def item_notice_resolve(
    *, by: User | None, item: AgendaItem, uphold: bool, note: str = "", now: datetime | None = None
) -> AgendaItem:
    """After reviewing the objections (each answered), staff uphold the decision, which takes effect, or
    withdraw it: the item is deferred and its topic goes back to deliberation."""
    now = _now(now)
    note = (note or "").strip()
    if len(note) > 2000:
        raise _invalid("note", _("The note may be at most 2,000 characters."))
    with transaction.atomic():
        meeting, item = _lock_item(item)
        if item.notice_status != NoticeStatus.OBJECTED:
            raise MeetingStateError(_("Only a decision that drew objections is reviewed."))
        if item.objections.filter(answered_at__isnull=True).exists():
            raise MeetingStateError(_("Answer every objection before concluding the review."))
        before = item.notice_status
        if uphold:
            item.notice_status = NoticeStatus.EFFECTIVE
            item.effective_at = now
            item.save(update_fields=["notice_status", "effective_at"])
        else:
            item.decision = ItemDecision.DEFERRED
            item.notice_status = NoticeStatus.NONE
            item.save(update_fields=["decision", "notice_status"])
            topic = item.topic
            # A decided topic goes back to deliberation as far as the topic workflow allows it.
            if topic is not None and topic.status in TOPIC_TRANSITIONS["reopen"][0]:
                _topics().topic_reopen(topic=topic, by=by, note=note)
        _event(
            meeting,
            EVENT_RESOLVED,
            by=by,
            topic=item.topic,
            params={"item": item.pk, "upheld": bool(uphold), "note": note[:300]},
        )
        _audit(
            by,
            "meetings.notice_resolve",
            item,
            {
                "notice_status": [before, item.notice_status],
                "decision": [ItemDecision.APPROVED, item.decision],
            },
            place_code=meeting.place_code,
            reason=note,
        )
    return item
