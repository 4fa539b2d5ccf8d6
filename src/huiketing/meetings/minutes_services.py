"""Every write on minutes: generate them from the meeting's records, edit their texts, publish, unpublish.

`Minutes.sections` maps each editable part to its text: "opening", then for each agenda item
"item:<pk>:summary", "item:<pk>:decision" and "item:<pk>:follow_up", then "closing". The reserved key
"_edited" lists the parts staff changed by hand: generating again refreshes every other part from the records
and keeps those, unless staff ask to start again (`reset`). Figures are never part of the texts: the minutes
show them from the records (minutes_selectors), so no edit can change a count.

The workflow is `MINUTES_TRANSITIONS`: a draft is generated and edited, then published, which freezes it; a
correction means unpublishing with a reason. Every write is atomic, locks the minutes row, is audited, and
publishing and unpublishing are entries on the meeting's public timeline.
"""

import re
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiketing.core.audit import audit_record
from huiketing.core.notifications import notification_kind_register, notify
from huiketing.people.models import User

from .minutes_selectors import (
    CLOSING,
    EDITED_KEY,
    OPENING,
    agenda_items,
    edited_keys,
    item_key,
    person_text,
    place_text,
    section_keys,
    section_texts,
)
from .models import ItemDecision, Meeting, MeetingEvent, MeetingStatus, Minutes, MinutesStatus

# action → (states it may start from, state it leads to)
MINUTES_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "generate": (frozenset({MinutesStatus.DRAFT}), MinutesStatus.DRAFT),
    "edit": (frozenset({MinutesStatus.DRAFT}), MinutesStatus.DRAFT),
    "publish": (frozenset({MinutesStatus.DRAFT}), MinutesStatus.PUBLISHED),
    "unpublish": (frozenset({MinutesStatus.PUBLISHED}), MinutesStatus.DRAFT),
}
# Minutes are generated once the meeting has opened (a draft to fill in during the meeting) and published
# once it has closed.
GENERATE_FROM = frozenset({MeetingStatus.IN_SESSION, MeetingStatus.CLOSED})
PUBLISH_FROM = frozenset({MeetingStatus.CLOSED})

# Longest text of each part, in characters (as long as the record each part starts from).
PART_LIMITS = {"opening": 2000, "summary": 8000, "decision": 4000, "follow_up": 2000, "closing": 2000}
REASON_LIMIT = 300
# A tag, a comment or a doctype: the texts are plain text.
HTML_MARKUP = re.compile(r"<\s*[/!?]?\s*[A-Za-z][^>]*>|<!--")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

notification_kind_register(
    "meetings.minutes_published",
    title=gettext_lazy("Minutes published"),
    body=gettext_lazy("The minutes of the meeting “%(title)s” of %(date)s are published."),
)


class MinutesStateError(ValidationError):
    """An action the minutes' state (or the meeting's) does not allow."""


def _check(minutes: Minutes, action: str) -> str:
    allowed_from, target = MINUTES_TRANSITIONS[action]
    if minutes.status not in allowed_from:
        if minutes.status == MinutesStatus.PUBLISHED:
            raise MinutesStateError(
                _("The minutes are published and cannot be changed. To correct them, unpublish them first.")
            )
        raise MinutesStateError(
            _("This cannot be done to minutes that are “%(status)s”.")
            % {"status": minutes.get_status_display()}
        )
    return target


def _lock_meeting(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("kind", "service_point", "chair", "recorder")
        .get(pk=meeting.pk)
    )


def _lock(minutes: Minutes) -> Minutes:
    return Minutes.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=minutes.pk)


def _audit(by, action: str, minutes: Minutes, changes: dict | None = None, reason: str = "") -> None:
    audit_record(
        actor=by,
        action=action,
        obj=minutes,
        changes=changes,
        place_code=minutes.meeting.place_code,
        reason=reason,
    )


def _actor(by) -> User | None:
    return by if by is not None and getattr(by, "is_authenticated", False) else None


# Generating ---------------------------------------------------------------------------------------


def _when(value: datetime) -> tuple[str, str]:
    local = timezone.localtime(value)
    return f"{local:%Y-%m-%d}", f"{local:%H:%M}"


def _opening(meeting: Meeting) -> str:
    day, start = _when(meeting.opened_at or meeting.starts_at)
    end_at = meeting.closed_at or meeting.ends_at
    facts = {
        "kind": str(meeting.kind),
        "title": meeting.title,
        "date": day,
        "start": start,
        "end": _when(end_at)[1] if end_at else "",
        "place": place_text(meeting),
        "chair": person_text(meeting.chair),
        "recorder": person_text(meeting.recorder),
    }
    if end_at:
        sentences = [
            _("The %(kind)s “%(title)s” was held on %(date)s from %(start)s to %(end)s at %(place)s.") % facts
        ]
    else:
        sentences = [_("The %(kind)s “%(title)s” was held on %(date)s from %(start)s at %(place)s.") % facts]
    if meeting.chair_id:
        sentences.append(_("It was chaired by %(chair)s.") % facts)
    if meeting.recorder_id:
        sentences.append(_("The minutes were taken by %(recorder)s.") % facts)
    return " ".join(sentences)


def _closing(meeting: Meeting) -> str:
    if meeting.status != MeetingStatus.CLOSED or meeting.closed_at is None:
        return ""
    day, time = _when(meeting.closed_at)
    return _("The meeting closed at %(time)s on %(date)s.") % {"time": time, "date": day}


DECISION_SENTENCES = {
    ItemDecision.APPROVED: lambda: _("The meeting approved this item."),
    ItemDecision.REJECTED: lambda: _("The meeting rejected this item."),
    ItemDecision.DEFERRED: lambda: _("The meeting deferred this item to a later meeting."),
}


def _decision(item) -> str:
    sentence = DECISION_SENTENCES.get(item.decision)
    if sentence is None:
        return ""
    reasons = item.decision_reasons.strip()
    return f"{sentence()}\n{reasons}" if reasons else sentence()


def minutes_texts_generate(meeting: Meeting) -> dict[str, str]:
    """Every editable part, written from the meeting's records in the meeting's language."""
    with translation.override(meeting.language):
        texts = {OPENING: _opening(meeting)}
        for item in agenda_items(meeting):
            texts[item_key(item.pk, "summary")] = item.speakers_summary.strip()
            texts[item_key(item.pk, "decision")] = _decision(item)
            texts[item_key(item.pk, "follow_up")] = item.follow_up.strip()
        texts[CLOSING] = _closing(meeting)
    return texts


@transaction.atomic
def minutes_generate(*, by: User | None, meeting: Meeting, reset: bool = False, now: datetime | None = None):
    """Write (or write again) the draft minutes of an open or closed meeting from its records.

    Parts staff edited are kept unless `reset`; published minutes are refused (unpublish them first)."""
    now = now or timezone.now()
    meeting = _lock_meeting(meeting)
    if meeting.status not in GENERATE_FROM:
        raise MinutesStateError(_("Minutes can be generated once the meeting has opened."))
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    fresh = minutes_texts_generate(meeting)
    if minutes is None:
        minutes = Minutes.objects.create(
            meeting=meeting, language=meeting.language, sections=fresh, generated_at=now
        )
        _audit(by, "meetings.minutes.generated", minutes, changes={"language": [None, minutes.language]})
        return minutes
    _check(minutes, "generate")
    old = section_texts(minutes)
    keep = set() if reset else edited_keys(minutes) & set(fresh)
    sections: dict = {key: old[key] if key in keep and key in old else text for key, text in fresh.items()}
    if keep:
        sections[EDITED_KEY] = sorted(keep)
    before_language = minutes.language
    minutes.sections = sections
    minutes.language = meeting.language
    minutes.generated_at = now
    minutes.save(update_fields=["sections", "language", "generated_at"])
    changed = sorted(key for key in set(old) | set(fresh) if old.get(key) != sections.get(key))
    changes = {"parts": [None, changed]}
    if before_language != minutes.language:
        changes["language"] = [before_language, minutes.language]
    _audit(by, "meetings.minutes.regenerated" if not reset else "meetings.minutes.reset", minutes, changes)
    return minutes


# Editing ------------------------------------------------------------------------------------------


def _part(key: str) -> str:
    return key.rsplit(":", 1)[-1]


def _clean_text(key: str, text) -> tuple[str | None, str | None]:
    """The text as stored (line ends unified, outer blank lines trimmed), or an error message."""
    if not isinstance(text, str):
        return None, _("Write text here.")
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip()
    limit = PART_LIMITS[_part(key)]
    if len(text) > limit:
        return None, _("At most %(limit)s characters; this text has %(count)s.") % {
            "limit": limit,
            "count": len(text),
        }
    if HTML_MARKUP.search(text):
        return None, _("Write plain text: HTML tags such as <b> or <a> are not allowed.")
    if CONTROL_CHARACTERS.search(text):
        return None, _("The text contains control characters; type it again or paste it as plain text.")
    return text, None


@transaction.atomic
def minutes_update(
    *, by: User | None, minutes: Minutes, sections: dict[str, str], now: datetime | None = None
):
    """Change the texts of draft minutes; `sections` maps parts to their new text (parts left out are kept).

    Texts are plain text within each part's limit; a part that is not one of the meeting's is refused. A
    ValidationError names each refused part."""
    now = now or timezone.now()
    minutes = _lock(minutes)
    _check(minutes, "edit")
    allowed = set(section_keys([item.pk for item in minutes.meeting.items.order_by("position", "id")]))
    if not isinstance(sections, dict):
        raise ValidationError({"sections": [_("Send the texts as an object of parts and texts.")]})
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for key, text in sections.items():
        if key not in allowed:
            errors[str(key)] = [_("These minutes have no part “%(part)s”.") % {"part": str(key)[:40]}]
            continue
        value, error = _clean_text(key, text)
        if error:
            errors[key] = [error]
        else:
            cleaned[key] = value
    if errors:
        raise ValidationError(errors)
    old = section_texts(minutes)
    changed = sorted(key for key, text in cleaned.items() if old.get(key, "") != text)
    if not changed:
        return minutes
    new_sections = {**old, **cleaned}
    edited = edited_keys(minutes) | set(changed)
    new_sections[EDITED_KEY] = sorted(edited)
    minutes.sections = new_sections
    minutes.edited_at = now
    minutes.edited_by = _actor(by)
    minutes.save(update_fields=["sections", "edited_at", "edited_by"])
    _audit(by, "meetings.minutes.edited", minutes, changes={"parts": [None, changed]})
    return minutes


# Publishing ---------------------------------------------------------------------------------------


def _participant_accounts(meeting: Meeting) -> list[User]:
    """The accounts of the meeting's participants: their own, or their resident record's."""
    return list(
        User.objects.filter(
            Q(meeting_participations__meeting=meeting) | Q(resident__meeting_participations__meeting=meeting),
            is_active=True,
        ).distinct()
    )


@transaction.atomic
def minutes_publish(*, by: User | None, minutes: Minutes, now: datetime | None = None) -> Minutes:
    """Publish the draft minutes of a closed meeting: they become public and frozen; participants are told."""
    now = now or timezone.now()
    minutes = _lock(minutes)
    target = _check(minutes, "publish")
    meeting = minutes.meeting
    if meeting.status not in PUBLISH_FROM:
        raise MinutesStateError(_("Minutes are published once the meeting has closed."))
    if not any(text.strip() for text in section_texts(minutes).values()):
        raise MinutesStateError(_("The minutes are empty: generate them from the records first."))
    minutes.status = target
    minutes.published_at = now
    minutes.published_by = _actor(by)
    minutes.save(update_fields=["status", "published_at", "published_by"])
    MeetingEvent.objects.create(
        meeting=meeting, kind="minutes_published", params={"language": minutes.language}, actor=_actor(by)
    )
    _audit(by, "meetings.minutes.published", minutes, changes={"status": [MinutesStatus.DRAFT, target]})
    day = f"{timezone.localtime(meeting.opened_at or meeting.starts_at):%Y-%m-%d}"
    notify(
        recipients=_participant_accounts(meeting),
        kind="meetings.minutes_published",
        params={"title": meeting.title[:60], "date": day},
        link=reverse("meetings:minutes", kwargs={"pk": meeting.pk}),
        obj=meeting,
        now=now,
    )
    return minutes


@transaction.atomic
def minutes_unpublish(*, by: User | None, minutes: Minutes, reason: str, now: datetime | None = None):
    """Take published minutes back to a draft to correct them; the reason is audited and on the timeline."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the minutes are taken back.")]})
    if len(reason) > REASON_LIMIT:
        raise ValidationError({"reason": [_("At most %(limit)s characters.") % {"limit": REASON_LIMIT}]})
    minutes = _lock(minutes)
    target = _check(minutes, "unpublish")
    published_at = minutes.published_at
    minutes.status = target
    minutes.published_at = None
    minutes.published_by = None
    minutes.save(update_fields=["status", "published_at", "published_by"])
    MeetingEvent.objects.create(
        meeting=minutes.meeting, kind="minutes_unpublished", params={"reason": reason}, actor=_actor(by)
    )
    _audit(
        by,
        "meetings.minutes.unpublished",
        minutes,
        changes={
            "status": [MinutesStatus.PUBLISHED, target],
            "published_at": [published_at.isoformat() if published_at else None, None],
        },
        reason=reason,
    )
    return minutes
