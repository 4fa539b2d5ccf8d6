"""Reads of meetings: the public list and page, the decisions board, "my meetings", and the staff's scoped
reads (meetings in the places they cover, with the participants' names).

Public reads never carry a resident's name: participants are counted by kind, and only organisations are
named. Staff reads go through `meeting_get_for_staff`, which answers the same 404 for a meeting that does not
exist and one outside the reader's places. Every list and page asks a fixed number of queries, whatever the
number of participants and items.
"""

from datetime import date, datetime, timedelta

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from huiketing.core import scope
from huiketing.people.models import (
    COMMUNITY_AND_ABOVE,
    REGISTRY_ROLES,
    Organisation,
    Resident,
    ResidentStatus,
    User,
)
from huiketing.places.models import Level, Place, ServicePoint

from .meeting_services import Quorum, quorum
from .models import (
    AgendaItem,
    Meeting,
    MeetingEvent,
    MeetingKind,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    NoticeStatus,
    Objection,
    Participant,
    ParticipantKind,
    Topic,
    TopicStatus,
    Vote,
)

# Decisions that took effect stay on the public board this long.
RECENTLY_EFFECTIVE_DAYS = 30


def meeting_kinds_active():
    return MeetingKind.objects.filter(is_active=True).order_by("position", "id")


def _items_prefetch(public: bool) -> Prefetch:
    items = AgendaItem.objects.select_related("topic").annotate(
        objection_count=Count("objections", distinct=True)
    )
    if not public:
        items = items.prefetch_related(
            Prefetch(
                "objections",
                queryset=Objection.objects.select_related("resident", "author").order_by("created_at", "id"),
            ),
        )
    return Prefetch(
        "items",
        queryset=items.prefetch_related(Prefetch("votes", queryset=Vote.objects.order_by("id"))).order_by(
            "position", "id"
        ),
    )


# Public ------------------------------------------------------------------------------------------------


def meetings_public(*, filters: dict | None = None, now: datetime | None = None):
    """Meetings anyone may see: upcoming ones soonest first, past ones latest first; by kind and place."""
    filters = filters or {}
    now = now or timezone.now()
    qs = Meeting.objects.select_related("kind", "service_point")
    if place := filters.get("place"):
        qs = qs.filter(place_code__startswith=place)
    if kind := filters.get("kind"):
        qs = qs.filter(kind__code=kind)
    when = filters.get("when") or "upcoming"
    # A meeting in session is upcoming until it closes; a cancelled one lists with the past from its date on.
    upcoming = (
        Q(status=MeetingStatus.IN_SESSION)
        | Q(status=MeetingStatus.PLANNED, starts_at__gte=now - timedelta(hours=12))
        | Q(status=MeetingStatus.CANCELLED, starts_at__gte=now)
    )
    if when == "past":
        return qs.exclude(upcoming).order_by("-starts_at", "-id")
    return qs.filter(upcoming).order_by("starts_at", "id")


def meeting_get_public(*, meeting_id: int) -> Meeting:
    """One meeting with its agenda (items, decisions, notice status, objection counts) and timeline."""
    meeting = (
        Meeting.objects.filter(pk=meeting_id)
        .select_related("kind", "service_point")
        .prefetch_related(
            _items_prefetch(public=True),
            Prefetch("events", queryset=MeetingEvent.objects.order_by("created_at", "id")),
        )
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


def participant_counts(*, meeting: Meeting) -> list[dict]:
    """How many take part of each kind, how many of them registered and attended (one query, no names)."""
    rows = (
        Participant.objects.filter(meeting_id=meeting.pk)
        .values("kind")
        .annotate(
            total=Count("pk"),
            invited_count=Count("pk", filter=Q(invited=True)),
            registered=Count("pk", filter=Q(registered_at__isnull=False)),
            attended=Count("pk", filter=Q(attended_at__isnull=False)),
        )
        .order_by("kind")
    )
    labels = dict(ParticipantKind.choices)
    order = list(labels)
    out = [
        {**row, "invited": row.pop("invited_count"), "label": labels.get(row["kind"], row["kind"])}
        for row in rows
    ]
    return sorted(out, key=lambda row: order.index(row["kind"]) if row["kind"] in order else len(order))


def organisations_taking_part(*, meeting: Meeting) -> list[Organisation]:
    """The organisations on the list, which the public page may name (one query)."""
    return list(
        Organisation.objects.filter(meeting_participations__meeting_id=meeting.pk)
        .distinct()
        .order_by("kind", "id")
    )


def meeting_quorum(*, meeting: Meeting) -> Quorum:
    return quorum(meeting)


def minutes_published(*, meeting: Meeting) -> bool:
    """Whether the meeting's minutes are published (the public page links to them)."""
    return Minutes.objects.filter(meeting_id=meeting.pk, status=MinutesStatus.PUBLISHED).exists()


def participant_of(*, user, meeting: Meeting) -> Participant | None:
    """The signed-in user's own row on the meeting's list (by their resident record, else their account)."""
    if not getattr(user, "is_authenticated", False):
        return None
    query = Q(user_id=user.pk) | Q(resident__account_id=user.pk)
    return Participant.objects.filter(query, meeting_id=meeting.pk).first()


def meeting_get_by_token(*, token: str) -> Meeting:
    """The meeting whose door QR code carries this token (404 otherwise)."""
    meeting = (
        Meeting.objects.select_related("kind", "service_point").filter(check_in_token=token or "").first()
    )
    if meeting is None:
        raise Http404
    return meeting


def meetings_of_account(*, user: User):
    """Meetings the signed-in person is invited to or registered for, the coming ones first."""
    rows = Participant.objects.filter(Q(user_id=user.pk) | Q(resident__account_id=user.pk))
    return (
        Meeting.objects.filter(pk__in=rows.values("meeting_id"))
        .select_related("kind", "service_point")
        .order_by("-starts_at", "-id")
    )


def participations_of_account(*, user: User, meeting_ids) -> dict[int, Participant]:
    """The user's rows for the given meetings, by meeting id (one query)."""
    rows = Participant.objects.filter(
        Q(user_id=user.pk) | Q(resident__account_id=user.pk), meeting_id__in=list(meeting_ids)
    )
    return {row.meeting_id: row for row in rows}


def _notice_items():
    return AgendaItem.objects.select_related("meeting__kind", "meeting__service_point", "topic").annotate(
        objection_count=Count("objections", distinct=True)
    )


def decisions_in_notice(*, filters: dict | None = None, today: date | None = None):
    """Decisions in their public-notice period, the soonest to end first."""
    filters = filters or {}
    today = today or timezone.localdate()
    qs = _notice_items().filter(notice_status=NoticeStatus.IN_NOTICE, notice_ends_on__gte=today)
    if place := filters.get("place"):
        qs = qs.filter(meeting__place_code__startswith=place)
    return qs.order_by("notice_ends_on", "meeting__starts_at", "position", "id")


def decisions_recent(*, filters: dict | None = None, now: datetime | None = None):
    """Decisions that took effect in the last 30 days, and those under review after objections."""
    filters = filters or {}
    now = now or timezone.now()
    since = now - timedelta(days=RECENTLY_EFFECTIVE_DAYS)
    qs = _notice_items().filter(
        Q(notice_status=NoticeStatus.EFFECTIVE, effective_at__gte=since)
        | Q(notice_status=NoticeStatus.OBJECTED)
    )
    if place := filters.get("place"):
        qs = qs.filter(meeting__place_code__startswith=place)
    return qs.order_by("notice_status", "-effective_at", "-id")


def objected_item_ids(*, user, item_ids) -> set[int]:
    """The items among these the signed-in resident has objected to (one query)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Objection.objects.filter(item_id__in=list(item_ids), resident__account_id=user.pk).values_list(
            "item_id", flat=True
        )
    )


def item_get_public(*, item_id: int) -> AgendaItem:
    item = AgendaItem.objects.select_related("meeting__kind", "topic").filter(pk=item_id).first()
    if item is None:
        raise Http404
    return item


def public_places() -> list[tuple[str, str, str]]:
    """Subdistricts and communities, for the public filters: (code, names, level)."""
    return list(
        Place.objects.filter(level__in=[Level.SUBDISTRICT, Level.COMMUNITY])
        .order_by("code")
        .values_list("code", "names", "level")
    )


def place_names(codes) -> dict[str, dict]:
    """Place code → names, for the places meetings are for (one query)."""
    codes = sorted({code for code in codes if code})
    if not codes:
        return {}
    return dict(Place.objects.filter(code__in=codes).values_list("code", "names"))


# Staff -------------------------------------------------------------------------------------------------


def meetings_for_staff(*, user: User, filters: dict | None = None, now: datetime | None = None):
    """Meetings in the places the user covers, by tab (coming, past, all), kind and status."""
    filters = filters or {}
    now = now or timezone.now()
    qs = (
        Meeting.objects.filter(scope.scope_q(user, roles=REGISTRY_ROLES))
        .select_related("kind", "service_point")
        .annotate(
            participant_count=Count("participants", filter=Q(participants__invited=True), distinct=True),
            item_count=Count("items", distinct=True),
        )
    )
    if place := filters.get("place"):
        qs = qs.filter(place_code__startswith=place)
    if kind := filters.get("kind"):
        qs = qs.filter(kind__code=kind)
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    tab = filters.get("tab") or "coming"
    if tab == "coming":
        coming = Q(status=MeetingStatus.IN_SESSION) | Q(status=MeetingStatus.PLANNED)
        return qs.filter(coming).order_by("starts_at", "id")
    if tab == "past":
        return qs.filter(status__in=[MeetingStatus.CLOSED, MeetingStatus.CANCELLED]).order_by(
            "-starts_at", "-id"
        )
    return qs.order_by("-starts_at", "-id")


def meeting_get_for_staff(*, user: User, meeting_id: int) -> Meeting:
    """One meeting for staff with its agenda, objections and votes; missing and out of scope are both 404."""
    meeting = (
        Meeting.objects.filter(scope.scope_q(user, roles=REGISTRY_ROLES), pk=meeting_id)
        .select_related("kind", "service_point", "chair", "recorder", "created_by")
        .prefetch_related(_items_prefetch(public=False))
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


def participants_for_staff(*, meeting: Meeting):
    """The meeting's list with names, for staff of its place: invited first, then by kind."""
    return (
        Participant.objects.filter(meeting_id=meeting.pk)
        .select_related("resident", "user", "organisation", "checked_in_by")
        .order_by("-invited", "kind", "id")
    )


def participant_get_for_staff(*, meeting: Meeting, participant_id: int) -> Participant:
    participant = Participant.objects.filter(meeting_id=meeting.pk, pk=participant_id).first()
    if participant is None:
        raise Http404
    participant.meeting = meeting
    return participant


def item_get_for_staff(*, meeting: Meeting, item_id: int) -> AgendaItem:
    item = AgendaItem.objects.select_related("topic").filter(meeting_id=meeting.pk, pk=item_id).first()
    if item is None:
        raise Http404
    item.meeting = meeting
    return item


def objection_get_for_staff(*, item: AgendaItem, objection_id: int) -> Objection:
    objection = Objection.objects.filter(item_id=item.pk, pk=objection_id).first()
    if objection is None:
        raise Http404
    objection.item = item
    return objection


def staff_places(*, user: User) -> list[tuple[str, dict, str]]:
    """The places whose meetings the user may plan (community staff and above): (code, names, level)."""
    return list(
        Place.objects.filter(scope.scope_q(user, field="code", roles=COMMUNITY_AND_ABOVE))
        .order_by("code")
        .values_list("code", "names", "level")
    )


def service_points_for_staff(*, user: User):
    return ServicePoint.objects.filter(scope.scope_q(user)).order_by("place_code", "kind", "id")


def staff_accounts(*, user: User):
    """Accounts of staff working in the user's places (chair and recorder of a meeting), the user included."""
    covered = scope.scope_q(user, field="roles__place_code", roles=COMMUNITY_AND_ABOVE) & Q(
        roles__role__in=sorted(REGISTRY_ROLES)
    )
    return User.objects.filter(Q(pk=user.pk) | covered, is_active=True).distinct().order_by("username")


def residents_to_invite(*, user: User, meeting: Meeting, filters: dict):
    """Registry residents of the meeting's area that the user covers, living here, by the search given."""
    from huiketing.people.selectors import AGE_TAGS, age_tag_q

    qs = Resident.objects.filter(
        scope.scope_q(user, roles=REGISTRY_ROLES),
        place_code__startswith=meeting.place_code,
        status=ResidentStatus.ACTIVE,
    )
    if place := filters.get("place"):
        qs = qs.filter(place_code__startswith=place)
    if tag := filters.get("tag"):
        qs = qs.filter(age_tag_q(tag)) if tag in AGE_TAGS else qs.filter(tags__tag=tag)
    if filters.get("householders"):
        qs = qs.filter(relation="householder")
    if name := (filters.get("name") or "").strip():
        qs = qs.filter(full_name__icontains=name)
    return qs.distinct().order_by("place_code", "id")


def organisations_to_invite(*, meeting: Meeting, kind: str = ""):
    """Organisations in the meeting's area, or serving it from above (a city department)."""
    code = meeting.place_code
    above = [code[:n] for n in (6, 9, 12, 15) if len(code) >= n]
    qs = Organisation.objects.filter(Q(place_code__startswith=code) | Q(place_code__in=above))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("kind", "id")


def accounts_to_invite(*, meeting: Meeting, role: str):
    """Active accounts holding the role in the meeting's area, or covering it from above."""
    code = meeting.place_code
    above = [code[:n] for n in (6, 9, 12, 15) if len(code) >= n]
    return (
        User.objects.filter(
            Q(roles__place_code__startswith=code) | Q(roles__place_code__in=above),
            roles__role=role,
            is_active=True,
        )
        .distinct()
        .order_by("id")
    )


def topics_for_agenda(*, meeting: Meeting):
    """Topics open for deliberation among the meeting's residents, which the agenda may take up."""
    return Topic.objects.filter(
        place_code__startswith=meeting.place_code, status__in=[TopicStatus.OPEN]
    ).order_by("-supports_count", "-id")
