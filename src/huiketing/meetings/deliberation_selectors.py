"""Reads of the residents' deliberation that depend on who is asking.

Public reads show topics that are open, on an agenda, decided or withdrawn (never a draft, except to staff
covering its place). Comments are shown without personal data: an author is named by the display name they
chose for their account, else by the first character of their name in the registry ("王*"); never by their
account name, phone or ID number. A comment the moderators hid shows to staff with its reason, and to
everyone else as hidden. Staff reads are scoped with `core.scope`; missing and out of scope are both 404.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404

from huiketing.core import scope
from huiketing.core.i18n import pick
from huiketing.people.models import COMMUNITY_AND_ABOVE, REGISTRY_ROLES, User
from huiketing.places.models import Level as PlaceLevel
from huiketing.places.models import Place

from .models import Comment, CommentReport, MeetingEvent, Stance, Support, Topic, TopicOption, TopicStatus

PUBLIC_STATUSES = (TopicStatus.OPEN, TopicStatus.ON_AGENDA, TopicStatus.DECIDED, TopicStatus.WITHDRAWN)
# What the public list shows unless asked for one status: what is being, or was, deliberated.
LISTED_STATUSES = (TopicStatus.OPEN, TopicStatus.ON_AGENDA, TopicStatus.DECIDED)
ORDERS = ("newest", "supported")
MODERATOR_ROLES = COMMUNITY_AND_ABOVE
STAFF_VIEW_ROLES = REGISTRY_ROLES


def _prefixes(code: str) -> list[str]:
    return [code[:n] for n in (6, 9, 12, 15) if len(code) >= n]


def place_q(code: str) -> Q:
    """Topics that concern a place: those inside it, and those of a place around it (a subdistrict's topic
    concerns every community of the subdistrict)."""
    return Q(place_code__startswith=code) | Q(place_code__in=_prefixes(code))


def place_names(codes) -> dict[str, str]:
    """Place code → its name in the reader's language, with the community for a grid, in one query."""
    codes = sorted({code for code in codes if code})
    if not codes:
        return {}
    names = {}
    for place in (
        Place.objects.filter(code__in=codes)
        .select_related("parent")
        .only("code", "names", "level", "parent__names")
    ):
        name = pick(place.names) or place.code
        if place.level == PlaceLevel.GRID and place.parent_id:
            name = f"{name} · {pick(place.parent.names)}"
        names[place.code] = name
    return names


def communities() -> list[tuple[str, str]]:
    """Every community, with its subdistrict, for the public list's filter (one query)."""
    return [
        (
            place.code,
            f"{pick(place.names)} · {pick(place.parent.names)}" if place.parent_id else pick(place.names),
        )
        for place in Place.objects.filter(level=PlaceLevel.COMMUNITY)
        .select_related("parent")
        .only("code", "names", "parent__names")
        .order_by("code")
    ]


def _with_counts(queryset):
    return queryset.annotate(
        comments_visible=Count("comments", filter=Q(comments__hidden_at__isnull=True), distinct=True)
    )


# Public -------------------------------------------------------------------------------------------------


def topics_public(*, filters: dict | None = None):
    """Topics anyone may read: open, on an agenda or decided (one status when asked, withdrawn ones too),
    newest first or most supported first, each with its number of visible comments."""
    filters = filters or {}
    status = filters.get("status")
    qs = (
        Topic.objects.filter(status=status)
        if status in PUBLIC_STATUSES
        else Topic.objects.filter(status__in=LISTED_STATUSES)
    )
    if community := filters.get("community"):
        qs = qs.filter(place_q(community))
    qs = _with_counts(qs)
    if filters.get("order") == "supported":
        return qs.order_by("-supports_count", "-opened_at", "-id")
    return qs.order_by("-opened_at", "-id")


def _public_q(user) -> Q:
    """Public topics, and drafts for the staff who cover their place."""
    query = Q(status__in=PUBLIC_STATUSES)
    if scope.role_codes(user, STAFF_VIEW_ROLES):
        query |= Q(status=TopicStatus.DRAFT) & scope.scope_q(user, roles=STAFF_VIEW_ROLES)
    return query


def topic_get_public(*, user, topic_id: int) -> Topic:
    """One topic with its options and public timeline; a draft is missing (404) except to staff who cover
    it."""
    topic = (
        Topic.objects.filter(_public_q(user), pk=topic_id)
        .select_related("matter")
        .prefetch_related(
            Prefetch("options", queryset=TopicOption.objects.order_by("position", "id")),
            Prefetch(
                "events", queryset=MeetingEvent.objects.order_by("created_at", "id"), to_attr="timeline"
            ),
        )
        .first()
    )
    if topic is None:
        raise Http404
    return topic


def comment_get_public(*, comment_id: int) -> Comment:
    """A comment on a public topic (for reporting it)."""
    comment = (
        Comment.objects.filter(pk=comment_id, topic__status__in=PUBLIC_STATUSES)
        .select_related("topic")
        .first()
    )
    if comment is None:
        raise Http404
    return comment


def stance_counts(*, topic: Topic) -> dict[str, int]:
    """Visible comments (replies included) for, against and neutral."""
    counts = dict.fromkeys(Stance.values, 0)
    rows = (
        Comment.objects.filter(topic=topic, hidden_at__isnull=True)
        .values_list("stance")
        .annotate(n=Count("id"))
        .order_by()
    )
    for stance, n in rows:
        counts[stance] = n
    return counts


def author_label(comment: Comment) -> str:
    """How a comment's author is named in public: the display name they chose, else the first character of
    their registry name and a star; never the account name (which may be a phone number)."""
    display = (getattr(comment.author, "display_name", "") or "").strip()
    if display:
        return display
    resident = comment.resident
    if resident is not None and resident.anonymised_at is None:
        name = (resident.full_name or "").strip()
        if name:
            return f"{name[0]}*"
    return ""


@dataclass
class CommentView:
    """A comment as a page or the API shows it to one reader."""

    id: int
    stance: str
    stance_display: str
    author: str
    created_at: datetime
    is_hidden: bool
    body: str  # empty when hidden and the reader is not staff
    hidden_reason: str  # staff only
    is_reply: bool
    parent_id: int | None
    replies: list["CommentView"] = field(default_factory=list)


def comment_view(comment: Comment, *, staff: bool) -> CommentView:
    """A comment for a reader; `staff` readers see a hidden comment's text and the reason."""
    hidden = comment.hidden_at is not None
    return CommentView(
        id=comment.pk,
        stance=comment.stance,
        stance_display=str(comment.get_stance_display()),
        author=author_label(comment),
        created_at=comment.created_at,
        is_hidden=hidden,
        body=comment.body if (not hidden or staff) else "",
        hidden_reason=comment.hidden_reason if (hidden and staff) else "",
        is_reply=comment.parent_id is not None,
        parent_id=comment.parent_id,
    )


def comments_first_level(*, topic: Topic):
    """The thread openers of a topic, oldest first (a queryset, to be paged)."""
    return Comment.objects.filter(topic=topic, parent__isnull=True).order_by("created_at", "id")


def comment_tree(*, user, topic: Topic, comments) -> list[CommentView]:
    """The given first-level comments with their replies, as `user` may see them (two queries)."""
    staff = bool(getattr(user, "is_authenticated", False)) and user.has_perm("meetings.view_staff", topic)
    rows = list(
        comments.select_related("author", "resident").prefetch_related(
            Prefetch(
                "replies",
                queryset=Comment.objects.select_related("author", "resident").order_by("created_at", "id"),
            )
        )
    )
    out = []
    for comment in rows:
        item = comment_view(comment, staff=staff)
        item.replies = [comment_view(reply, staff=staff) for reply in comment.replies.all()]
        out.append(item)
    return out


def has_supported(*, user, topic: Topic) -> bool:
    # A missing registry record is an AttributeError (RelatedObjectDoesNotExist): getattr's default.
    resident = getattr(user, "resident", None) if getattr(user, "is_authenticated", False) else None
    if resident is None:
        return False
    return Support.objects.filter(topic=topic, resident=resident).exists()


def reported_ids(*, user, topic: Topic) -> set[int]:
    """The comments of the topic the account has reported."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        CommentReport.objects.filter(reporter=user, comment__topic=topic).values_list("comment_id", flat=True)
    )


# Staff --------------------------------------------------------------------------------------------------


def topics_for_staff(*, user: User, filters: dict | None = None):
    """Every topic in the places the user covers (drafts too), newest first, with counts."""
    filters = filters or {}
    qs = Topic.objects.filter(scope.scope_q(user, roles=STAFF_VIEW_ROLES))
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    qs = _with_counts(qs).annotate(
        reports_waiting=Count(
            "comments__reports", filter=Q(comments__reports__resolved_at__isnull=True), distinct=True
        )
    )
    return qs.select_related("matter").order_by("-created_at", "-id")


def topic_get_for_staff(*, user: User, topic_id: int) -> Topic:
    topic = (
        Topic.objects.filter(scope.scope_q(user, roles=STAFF_VIEW_ROLES), pk=topic_id)
        .select_related("matter")
        .prefetch_related(Prefetch("options", queryset=TopicOption.objects.order_by("position", "id")))
        .first()
    )
    if topic is None:
        raise Http404
    return topic


def topic_running_for_matter(*, matter) -> Topic | None:
    from .deliberation_services import RUNNING_STATUSES

    return Topic.objects.filter(matter=matter, status__in=RUNNING_STATUSES).order_by("-id").first()


def moderation_queue(*, user: User):
    """Comments with reports waiting, on topics in the places the moderator covers, most reported first."""
    waiting = CommentReport.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
    return (
        Comment.objects.filter(scope.scope_q(user, field="topic__place_code", roles=MODERATOR_ROLES))
        .filter(Exists(waiting))
        .annotate(reports_waiting=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        .select_related("topic", "author", "resident")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=CommentReport.objects.filter(resolved_at__isnull=True).order_by("created_at", "id"),
                to_attr="waiting_reports",
            )
        )
        .order_by("-reports_waiting", "created_at", "id")
    )


def hidden_recently(*, user: User, limit: int = 20) -> list[Comment]:
    """The comments last hidden in the moderator's places, to show them again if that was a mistake."""
    return list(
        Comment.objects.filter(scope.scope_q(user, field="topic__place_code", roles=MODERATOR_ROLES))
        .filter(hidden_at__isnull=False)
        .select_related("topic", "author", "resident", "hidden_by")
        .order_by("-hidden_at", "-id")[:limit]
    )


def comment_get_for_moderator(*, user: User, comment_id: int) -> Comment:
    comment = (
        Comment.objects.filter(
            scope.scope_q(user, field="topic__place_code", roles=MODERATOR_ROLES), pk=comment_id
        )
        .select_related("topic")
        .first()
    )
    if comment is None:
        raise Http404
    return comment
