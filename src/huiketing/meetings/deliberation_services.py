"""Every write of the residents' deliberation (居民议事): topics, their options, comments, reports, supports.

Each service is atomic, locks the rows it changes, writes an audit entry, and looks topic transitions up in
`models.TOPIC_TRANSITIONS` (an illegal one is a `TopicStateError`); every transition is also a public
timeline entry (`MeetingEvent`). Taking part (commenting, supporting) is for registered residents living in
the topic's scope (`rules.lives_in_scope`); anyone else is refused with `TakePartRefused`, which names the
place. `topic_put_on_agenda`, `topic_reopen` and `topic_decide` are called by the meetings when a topic is
added to an agenda item, deferred, or decided.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiketing.core.audit import audit_record
from huiketing.core.i18n import pick
from huiketing.core.notifications import notification_kind_register, notify
from huiketing.people.models import COMMUNITY_AND_ABOVE, Resident, Role, User
from huiketing.places.models import Place

from .models import (
    TOPIC_TRANSITIONS,
    Comment,
    CommentReport,
    MeetingEvent,
    Stance,
    Support,
    Topic,
    TopicOption,
    TopicStatus,
)
from .rules import lives_in_scope

MAX_OPTIONS = 6
MAX_TITLE = 120
MAX_BACKGROUND = 8000
MAX_OPTION_TITLE = 200
MAX_OPTION_DESCRIPTION = 2000
MAX_COMMENT = 2000
MAX_REASON = 200
MAX_NOTE = 4000
MAX_THRESHOLD = 100_000
# Moderators are told when a comment has this many reports not yet dealt with.
REPORTS_TO_NOTIFY = 3
# Statuses in which a topic takes comments (until `closes_at`) and supports.
COMMENTING_STATUSES = frozenset({TopicStatus.OPEN, TopicStatus.ON_AGENDA})
SUPPORTING_STATUSES = frozenset({TopicStatus.OPEN})
# A topic that still runs: a matter has at most one of these.
RUNNING_STATUSES = frozenset({TopicStatus.DRAFT, TopicStatus.OPEN, TopicStatus.ON_AGENDA})


class TopicStateError(ValidationError):
    """A transition, or an action, that the topic's state does not allow."""


class TakePartRefused(PermissionDenied):
    """The account is not a resident of the topic's scope; the message says whose topic it is."""


# Timeline entries of a topic (MeetingEvent.kind).
class EventKind:
    OPENED = "opened"
    THRESHOLD_REACHED = "threshold_reached"
    PUT_ON_AGENDA = "put_on_agenda"
    REOPENED = "reopened"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"


TRANSITION_EVENTS = {
    "open": EventKind.OPENED,
    "put_on_agenda": EventKind.PUT_ON_AGENDA,
    "reopen": EventKind.REOPENED,
    "decide": EventKind.DECIDED,
    "withdraw": EventKind.WITHDRAWN,
}


notification_kind_register(
    "topic.threshold_reached",
    title=gettext_lazy("A topic is ready for a meeting's agenda"),
    body=gettext_lazy(
        "The topic “%(title)s” has %(supports)s supports (%(threshold)s were needed): put it on the agenda "
        "of a meeting."
    ),
)
notification_kind_register(
    "topic.comment_reported",
    title=gettext_lazy("A comment was reported"),
    body=gettext_lazy(
        "A comment on the topic “%(title)s” was reported %(count)s times. Look at it in the moderation queue."
    ),
)


@dataclass(frozen=True)
class OptionInput:
    """One option of a topic as a form or the API sends it."""

    title: str
    description: str = ""


# Helpers ------------------------------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _actor(by) -> User | None:
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _lock(topic: Topic) -> Topic:
    """The topic's row, locked for the rest of the transaction, with its current state."""
    return Topic.objects.select_for_update().get(pk=topic.pk)


def _check(topic: Topic, action: str) -> str:
    allowed_from, target = TOPIC_TRANSITIONS[action]
    if topic.status not in allowed_from:
        raise TopicStateError(
            _("This cannot be done to a topic that is “%(status)s”.") % {"status": topic.get_status_display()}
        )
    return target


def _event(topic: Topic, kind: str, *, by, params: dict | None = None) -> MeetingEvent:
    return MeetingEvent.objects.create(topic=topic, kind=kind, actor=_actor(by), params=params or {})


def _audit(by, action: str, obj, changes: dict | None = None, *, place_code: str, reason: str = "") -> None:
    audit_record(
        actor=_actor(by), action=action, obj=obj, changes=changes, place_code=place_code, reason=reason
    )


def place_name(code: str) -> str:
    """The name of the place a topic is for, in the active language (its code if unknown)."""
    place = Place.objects.filter(code=code).only("names").first()
    return (pick(place.names) if place is not None else "") or code


def _staff_for(code: str) -> list[User]:
    """Community staff whose place covers `code` (the place or an ancestor); where there are none, the
    cadres above them who cover it."""
    prefixes = [code[:n] for n in (6, 9, 12, 15) if len(code) >= n]
    base = User.objects.filter(is_active=True, roles__place_code__in=prefixes)
    staff = list(base.filter(roles__role=Role.COMMUNITY_STAFF).distinct())
    return staff or list(base.filter(roles__role__in=sorted(COMMUNITY_AND_ABOVE)).distinct())


def _notify(**kwargs) -> None:
    recipients = [user for user in kwargs.pop("recipients") if user is not None]
    if recipients:
        notify(recipients=recipients, **kwargs)


def _topic_link(topic: Topic) -> str:
    return reverse("meetings:topic-detail", args=[topic.pk])


def resident_taking_part(by, topic: Topic) -> Resident:
    """The registry record through which the account takes part in the topic, or TakePartRefused."""
    if not lives_in_scope(by, topic):
        raise TakePartRefused(refusal_message(topic))
    return by.resident


def refusal_message(topic: Topic, *, place: str = "") -> str:
    """What someone who may not take part is told: whose topic it is (`place`: its name, if known)."""
    return _("Only residents of %(place)s may take part in this topic.") % {
        "place": place or place_name(topic.place_code)
    }


def _options_clean(options: Sequence[OptionInput | Mapping]) -> list[OptionInput]:
    cleaned, errors = [], []
    for number, option in enumerate(options, start=1):
        if isinstance(option, Mapping):
            option = OptionInput(str(option.get("title") or ""), str(option.get("description") or ""))
        title, description = option.title.strip(), option.description.strip()
        if not title:
            errors.append(_("Option %(number)s needs a title.") % {"number": number})
        elif len(title) > MAX_OPTION_TITLE:
            errors.append(
                _("The title of option %(number)s may be at most %(count)s characters.")
                % {"number": number, "count": MAX_OPTION_TITLE}
            )
        if len(description) > MAX_OPTION_DESCRIPTION:
            errors.append(
                _("The description of option %(number)s may be at most %(count)s characters.")
                % {"number": number, "count": MAX_OPTION_DESCRIPTION}
            )
        cleaned.append(OptionInput(title, description))
    if len(cleaned) > MAX_OPTIONS:
        errors.append(_("A topic has at most %(count)s options.") % {"count": MAX_OPTIONS})
    if errors:
        raise ValidationError({"options": errors})
    return cleaned


def _fields_clean(
    *, title: str, background: str, support_threshold: int, closes_at: datetime | None, now: datetime
) -> tuple[str, str]:
    title, background = (title or "").strip(), (background or "").strip()
    errors: dict[str, list] = {}
    if not title:
        errors["title"] = [_("Give the topic a short title.")]
    elif len(title) > MAX_TITLE:
        errors["title"] = [_("The title may be at most %(count)s characters.") % {"count": MAX_TITLE}]
    if not background:
        errors["background"] = [_("Set out the background: what is to be decided, and why.")]
    elif len(background) > MAX_BACKGROUND:
        errors["background"] = [
            _("The background may be at most %(count)s characters.") % {"count": f"{MAX_BACKGROUND:,}"}
        ]
    if not isinstance(support_threshold, int) or not 1 <= support_threshold <= MAX_THRESHOLD:
        errors["support_threshold"] = [
            _("The number of supports needed is a whole number from 1 to %(max)s.") % {"max": MAX_THRESHOLD}
        ]
    if closes_at is not None and closes_at <= now:
        errors["closes_at"] = [_("The deliberation must close in the future.")]
    if errors:
        raise ValidationError(errors)
    return title, background


def _place_clean(place_code: str) -> str:
    code = (place_code or "").strip()
    if not Place.objects.filter(code=code).exists():
        raise _invalid("place_code", _("Choose the place whose residents deliberate."))
    return code


def _options_replace(topic: Topic, options: list[OptionInput]) -> None:
    topic.options.all().delete()
    TopicOption.objects.bulk_create(
        TopicOption(topic=topic, position=position, title=option.title, description=option.description)
        for position, option in enumerate(options, start=1)
    )


def _option_titles(topic: Topic) -> list[str]:
    return list(topic.options.order_by("position", "id").values_list("title", flat=True))


# Topics -------------------------------------------------------------------------------------------------


def topic_create(
    *,
    by: User | None,
    title: str,
    background: str,
    place_code: str,
    origin: str = Topic.Origin.STAFF,
    options: Sequence[OptionInput | Mapping] = (),
    support_threshold: int = 10,
    closes_at: datetime | None = None,
    is_demo: bool = False,
    now: datetime | None = None,
) -> Topic:
    """A topic as a draft: staff open it (`topic_open`) when it is ready to be read by everyone."""
    now = _now(now)
    errors: dict[str, list] = {}
    try:
        title, background = _fields_clean(
            title=title,
            background=background,
            support_threshold=support_threshold,
            closes_at=closes_at,
            now=now,
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        place_code = _place_clean(place_code)
    except ValidationError as error:
        errors.update(error.message_dict)
    if origin not in (Topic.Origin.PROPOSAL, Topic.Origin.STAFF):
        # A matter's topic is opened from the matter (topic_open_from_matter), which links the two.
        errors["origin"] = [_("Choose a residents' proposal or a topic of the community's.")]
    try:
        cleaned = _options_clean(options)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        topic = Topic.objects.create(
            title=title,
            background=background,
            place_code=place_code,
            origin=origin,
            support_threshold=support_threshold,
            closes_at=closes_at,
            opened_by=_actor(by),
            is_demo=is_demo,
        )
        _options_replace(topic, cleaned)
        _audit(
            by,
            "meetings.topic_create",
            topic,
            {
                "title": [None, title],
                "place_code": [None, place_code],
                "origin": [None, origin],
                "support_threshold": [None, support_threshold],
                "options": [None, [option.title for option in cleaned]],
            },
            place_code=place_code,
        )
    return topic


def topic_update(
    *,
    by: User | None,
    topic: Topic,
    title: str,
    background: str,
    options: Sequence[OptionInput | Mapping],
    support_threshold: int,
    closes_at: datetime | None = None,
    place_code: str | None = None,
    now: datetime | None = None,
) -> Topic:
    """Change a draft or an open topic. Its place can change only while it is a draft and not a matter's; a
    lower threshold that the supports already reach takes effect at once."""
    now = _now(now)
    title, background = _fields_clean(
        title=title, background=background, support_threshold=support_threshold, closes_at=closes_at, now=now
    )
    cleaned = _options_clean(options)
    with transaction.atomic():
        topic = _lock(topic)
        if topic.status not in (TopicStatus.DRAFT, TopicStatus.OPEN):
            raise TopicStateError(
                _("A topic that is “%(status)s” can no longer be changed.")
                % {"status": topic.get_status_display()}
            )
        before = {
            "title": topic.title,
            "background": topic.background,
            "support_threshold": topic.support_threshold,
            "closes_at": topic.closes_at.isoformat() if topic.closes_at else None,
            "place_code": topic.place_code,
            "options": _option_titles(topic),
        }
        if place_code is not None and place_code != topic.place_code:
            if topic.status != TopicStatus.DRAFT or topic.matter_id is not None:
                raise _invalid("place_code", _("The place of this topic can no longer change."))
            topic.place_code = _place_clean(place_code)
        topic.title, topic.background = title, background
        topic.support_threshold, topic.closes_at = support_threshold, closes_at
        topic.save(
            update_fields=[
                "title",
                "background",
                "support_threshold",
                "closes_at",
                "place_code",
                "updated_at",
            ]
        )
        after_options = [option.title for option in cleaned]
        if [(o.title, o.description) for o in topic.options.all()] != [
            (o.title, o.description) for o in cleaned
        ]:
            _options_replace(topic, cleaned)
        after = {
            "title": title,
            "background": background,
            "support_threshold": support_threshold,
            "closes_at": closes_at.isoformat() if closes_at else None,
            "place_code": topic.place_code,
            "options": after_options,
        }
        changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
        _audit(by, "meetings.topic_update", topic, changes, place_code=topic.place_code)
        if topic.status == TopicStatus.OPEN:
            _threshold_check(topic, by=by)
    return topic


def topic_open(*, by: User | None, topic: Topic, now: datetime | None = None) -> Topic:
    """Publish a draft: everyone may read it, residents of its place may take part."""
    now = _now(now)
    with transaction.atomic():
        topic = _lock(topic)
        target = _check(topic, "open")
        if topic.closes_at is not None and topic.closes_at <= now:
            raise _invalid("closes_at", _("The deliberation must close in the future."))
        topic.status = target
        topic.opened_at = now
        topic.opened_by = _actor(by) or topic.opened_by
        topic.save(update_fields=["status", "opened_at", "opened_by", "updated_at"])
        _event(topic, EventKind.OPENED, by=by)
        _audit(
            by,
            "meetings.topic_open",
            topic,
            {"status": [TopicStatus.DRAFT, target]},
            place_code=topic.place_code,
        )
        _threshold_check(topic, by=by)
    return topic


def topic_open_from_matter(
    *,
    by: User | None,
    matter,
    background: str = "",
    options: Sequence[OptionInput | Mapping] = (),
    threshold: int = 10,
    title: str = "",
    closes_at: datetime | None = None,
    now: datetime | None = None,
) -> Topic:
    """Open the deliberation of a tabled matter (百姓点事 → 居民议事), in public at once.

    The residents of the matter's community take part (a matter lies in a grid, a deliberation concerns the
    community around it). A matter has at most one running topic: a draft, open, or on an agenda."""
    from huiketing.matters.models import Matter
    from huiketing.matters.models import Status as MatterStatus

    now = _now(now)
    title = (title or matter.title).strip()
    background = (background or matter.description).strip()
    title, background = _fields_clean(
        title=title, background=background, support_threshold=threshold, closes_at=closes_at, now=now
    )
    cleaned = _options_clean(options)
    with transaction.atomic():
        # The matter's row serialises two staff opening its deliberation at the same moment.
        matter = Matter.objects.select_for_update().get(pk=matter.pk)
        if matter.status != MatterStatus.TABLED:
            raise TopicStateError(_("Only a matter tabled for deliberation can be deliberated."))
        running = Topic.objects.filter(matter=matter, status__in=RUNNING_STATUSES).first()
        if running is not None:
            raise TopicStateError(
                _("This matter is already being deliberated: topic %(number)s.") % {"number": running.pk}
            )
        place_code = matter.place_code[:12]
        topic = Topic.objects.create(
            title=title,
            background=background,
            place_code=place_code,
            origin=Topic.Origin.MATTER,
            matter=matter,
            status=TopicStatus.OPEN,
            support_threshold=threshold,
            closes_at=closes_at,
            opened_by=_actor(by),
            opened_at=now,
            is_demo=matter.is_demo,
        )
        _options_replace(topic, cleaned)
        _event(topic, EventKind.OPENED, by=by, params={"matter": matter.pk})
        _audit(
            by,
            "meetings.topic_open_from_matter",
            topic,
            {
                "status": [None, TopicStatus.OPEN],
                "matter": [None, matter.pk],
                "place_code": [None, place_code],
                "support_threshold": [None, threshold],
                "options": [None, [option.title for option in cleaned]],
            },
            place_code=place_code,
        )
    return topic


def _transition(
    *, topic: Topic, by, action: str, note: str = "", params: dict | None = None, reason: str = ""
) -> Topic:
    note = (note or "").strip()
    # As long as an agenda item's reasons, which the meetings pass on as the note of a decision.
    if len(note) > MAX_NOTE:
        message = _("The note may be at most %(count)s characters.") % {"count": f"{MAX_NOTE:,}"}
        raise _invalid("note", message)
    with transaction.atomic():
        topic = _lock(topic)
        before = topic.status
        topic.status = _check(topic, action)
        topic.save(update_fields=["status", "updated_at"])
        event_params = dict(params or {})
        if note:
            event_params["note"] = note
        _event(topic, TRANSITION_EVENTS[action], by=by, params=event_params)
        _audit(
            by,
            f"meetings.topic_{action}",
            topic,
            {"status": [before, topic.status]},
            place_code=topic.place_code,
            reason=reason or note,
        )
    return topic


def topic_withdraw(*, by: User | None, topic: Topic, reason: str = "") -> Topic:
    """Take a topic back: it stays readable, and takes no more comments or supports."""
    return _transition(topic=topic, by=by, action="withdraw", note=reason)


def topic_put_on_agenda(*, topic: Topic, by: User | None, meeting=None, note: str = "") -> Topic:
    """The topic was added to a meeting's agenda (again, if it was already on one)."""
    params = {"meeting": meeting.pk, "meeting_title": meeting.title} if meeting is not None else {}
    return _transition(topic=topic, by=by, action="put_on_agenda", note=note, params=params)


def topic_reopen(*, topic: Topic, by: User | None, note: str = "") -> Topic:
    """The meeting deferred the item: the topic goes back to deliberation until the next one."""
    return _transition(topic=topic, by=by, action="reopen", note=note)


def topic_decide(*, topic: Topic, by: User | None, decision: str = "", note: str = "") -> Topic:
    """The meeting decided the item; `decision` is the agenda item's decision (approved, rejected)."""
    return _transition(topic=topic, by=by, action="decide", note=note, params={"decision": decision})


# Supports -----------------------------------------------------------------------------------------------


def _threshold_check(topic: Topic, *, by) -> bool:
    """Record, once, that the supports reached the threshold, and tell the community's staff.

    Called with the topic's row locked and its counter read after the update."""
    if topic.threshold_reached_at is not None or topic.status != TopicStatus.OPEN:
        return False
    if topic.supports_count < topic.support_threshold:
        return False
    now = timezone.now()
    Topic.objects.filter(pk=topic.pk).update(threshold_reached_at=now)
    topic.threshold_reached_at = now
    params = {"supports": topic.supports_count, "threshold": topic.support_threshold}
    _event(topic, EventKind.THRESHOLD_REACHED, by=None, params=params)
    _audit(
        by,
        "meetings.topic_threshold_reached",
        topic,
        {"threshold_reached_at": [None, now.isoformat()]},
        place_code=topic.place_code,
    )
    staff = _staff_for(topic.place_code)
    notification_params = {"title": topic.title[:60], **params}
    link = _topic_link(topic)
    _notify(
        recipients=staff,
        kind="topic.threshold_reached",
        params=notification_params,
        link=link,
        obj=topic,
    )
    return True


def topic_support(*, by: User, topic: Topic) -> Support:
    """A resident of the topic's place supports putting it on a meeting's agenda (once: the database holds
    one support per resident and topic). Reaching the threshold is recorded once and told to the staff."""
    from huiketing.points.services import points_award_quietly

    with transaction.atomic():
        topic = _lock(topic)
        resident = resident_taking_part(by, topic)
        if topic.status not in SUPPORTING_STATUSES or (
            topic.closes_at is not None and topic.closes_at <= timezone.now()
        ):
            raise TopicStateError(_("This topic no longer takes supports."))
        if Support.objects.filter(topic=topic, resident=resident).exists():
            raise _invalid("support", _("You already support this topic."))
        try:
            with transaction.atomic():
                support = Support.objects.create(topic=topic, resident=resident)
        except IntegrityError:
            raise _invalid("support", _("You already support this topic.")) from None
        Topic.objects.filter(pk=topic.pk).update(supports_count=F("supports_count") + 1)
        topic.refresh_from_db(fields=["supports_count", "threshold_reached_at"])
        _audit(
            by,
            "meetings.topic_support",
            topic,
            {"supports_count": [topic.supports_count - 1, topic.supports_count]},
            place_code=topic.place_code,
        )
        _threshold_check(topic, by=by)
        points_award_quietly(holder=resident, rule_code="topic_supported", source=topic, actor=_actor(by))
    return support


def topic_unsupport(*, by: User, topic: Topic) -> Topic:
    """Take one's support back while the topic is open. Points once awarded stay (they are awarded once per
    topic, so supporting again earns nothing more); a threshold once reached stays reached."""
    with transaction.atomic():
        topic = _lock(topic)
        resident = resident_taking_part(by, topic)
        if topic.status not in SUPPORTING_STATUSES:
            raise TopicStateError(_("This topic no longer takes supports."))
        deleted, _rows = Support.objects.filter(topic=topic, resident=resident).delete()
        if not deleted:
            raise _invalid("support", _("You do not support this topic."))
        Topic.objects.filter(pk=topic.pk).update(supports_count=F("supports_count") - 1)
        topic.refresh_from_db(fields=["supports_count", "threshold_reached_at"])
        _audit(
            by,
            "meetings.topic_unsupport",
            topic,
            {"supports_count": [topic.supports_count + 1, topic.supports_count]},
            place_code=topic.place_code,
        )
    return topic


# Comments -----------------------------------------------------------------------------------------------


def topic_takes_comments(topic: Topic, now: datetime | None = None) -> bool:
    return topic.status in COMMENTING_STATUSES and (topic.closes_at is None or topic.closes_at > _now(now))


def comment_post(*, by: User, topic: Topic, stance: str, body: str, parent: Comment | None = None) -> Comment:
    """A resident's comment, for, against or neutral; a reply answers a first-level comment."""
    body = (body or "").strip()
    errors: dict[str, list] = {}
    if stance not in Stance.values:
        errors["stance"] = [_("Say whether you are for, against, or neutral.")]
    if not body:
        errors["body"] = [_("Write your comment.")]
    elif len(body) > MAX_COMMENT:
        errors["body"] = [_("A comment may be at most %(count)s characters.") % {"count": f"{MAX_COMMENT:,}"}]
    if parent is not None:
        if parent.topic_id != topic.pk:
            errors["parent"] = [_("This comment belongs to another topic.")]
        elif parent.parent_id is not None:
            errors["parent"] = [_("Reply to the first comment of the thread.")]
        elif parent.hidden_at is not None:
            errors["parent"] = [_("This comment was hidden by the moderators and takes no replies.")]
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=topic.pk)
        resident = resident_taking_part(by, topic)
        if not topic_takes_comments(topic):
            raise TopicStateError(_("This topic no longer takes comments."))
        if errors:
            raise ValidationError(errors)
        comment = Comment.objects.create(
            topic=topic, parent=parent, author=by, resident=resident, stance=stance, body=body
        )
        _audit(
            by,
            "meetings.comment_post",
            comment,
            {
                "topic": [None, topic.pk],
                "stance": [None, stance],
                "parent": [None, parent.pk if parent else None],
            },
            place_code=topic.place_code,
        )
    return comment


def _lock_comment(comment: Comment) -> Comment:
    return Comment.objects.select_for_update().select_related("topic").get(pk=comment.pk)


def comment_hide(*, by: User, comment: Comment, reason: str, now: datetime | None = None) -> Comment:
    """Moderators hide a comment, with a reason: staff still see it and the reason, everyone else sees
    that it was hidden. Its open reports are dealt with."""
    now = _now(now)
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("Say why the comment is hidden."))
    if len(reason) > MAX_REASON:
        raise _invalid("reason", _("The reason may be at most %(count)s characters.") % {"count": MAX_REASON})
    with transaction.atomic():
        comment = _lock_comment(comment)
        if comment.hidden_at is not None:
            raise TopicStateError(_("This comment is already hidden."))
        comment.hidden_at, comment.hidden_by, comment.hidden_reason = now, _actor(by), reason
        comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        resolved = comment.reports.filter(resolved_at__isnull=True).update(resolved_at=now)
        _audit(
            by,
            "meetings.comment_hide",
            comment,
            {"hidden": [False, True], "reports_resolved": [None, resolved]},
            place_code=comment.topic.place_code,
            reason=reason,
        )
    return comment


def comment_unhide(*, by: User, comment: Comment, reason: str = "") -> Comment:
    """Show a hidden comment again (it was hidden by mistake)."""
    with transaction.atomic():
        comment = _lock_comment(comment)
        if comment.hidden_at is None:
            raise TopicStateError(_("This comment is not hidden."))
        before = comment.hidden_reason
        comment.hidden_at, comment.hidden_by, comment.hidden_reason = None, None, ""
        comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        _audit(
            by,
            "meetings.comment_unhide",
            comment,
            {"hidden": [True, False], "hidden_reason": [before, ""]},
            place_code=comment.topic.place_code,
            reason=(reason or "").strip()[:MAX_REASON],
        )
    return comment


def comment_reports_dismiss(*, by: User, comment: Comment, now: datetime | None = None) -> int:
    """The moderators looked at a reported comment and keep it: its open reports are dealt with."""
    now = _now(now)
    with transaction.atomic():
        comment = _lock_comment(comment)
        resolved = comment.reports.filter(resolved_at__isnull=True).update(resolved_at=now)
        if not resolved:
            raise TopicStateError(_("This comment has no reports waiting."))
        _audit(
            by,
            "meetings.comment_reports_dismiss",
            comment,
            {"reports_resolved": [None, resolved]},
            place_code=comment.topic.place_code,
        )
    return resolved


def comment_report(*, by: User, comment: Comment, reason: str) -> CommentReport:
    """Any signed-in account reports a comment to the moderators, once. When a comment has
    `REPORTS_TO_NOTIFY` reports waiting, the community's staff are told."""
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("Say what is wrong with this comment."))
    if len(reason) > MAX_REASON:
        raise _invalid("reason", _("The reason may be at most %(count)s characters.") % {"count": MAX_REASON})
    with transaction.atomic():
        # The comment's row serialises reports, so that the third one is counted as the third exactly once.
        comment = _lock_comment(comment)
        if comment.topic.status == TopicStatus.DRAFT:
            raise TopicStateError(_("This topic is not public."))
        if comment.hidden_at is not None:
            raise TopicStateError(_("This comment is already hidden by the moderators."))
        try:
            with transaction.atomic():
                report = CommentReport.objects.create(comment=comment, reporter=by, reason=reason)
        except IntegrityError:
            raise _invalid("reason", _("You have already reported this comment.")) from None
        waiting = comment.reports.filter(resolved_at__isnull=True).count()
        topic = comment.topic
        _audit(
            by,
            "meetings.comment_report",
            comment,
            {"reports_waiting": [waiting - 1, waiting]},
            place_code=topic.place_code,
            reason=reason,
        )
        if waiting == REPORTS_TO_NOTIFY:
            staff = _staff_for(topic.place_code)
            params = {"title": topic.title[:60], "count": waiting}
            link = reverse("meetings:staff-reports")
            _notify(recipients=staff, kind="topic.comment_reported", params=params, link=link, obj=comment)
    return report
