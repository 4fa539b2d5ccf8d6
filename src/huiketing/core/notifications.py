"""Notifications: in the app, and through a pluggable message adapter (SMS) on other channels.

Apps register each kind of notification once, at import time of a module every process imports (their
services.py, which their tasks.py imports, which `CoreConfig.ready` autodiscovers):

    notification_kind_register(
        "matter.updated",
        title=gettext_lazy("Progress on a matter you follow"),
        body=gettext_lazy("Matter %(number)s: %(status)s"),
    )

`title` and `body` are lazy strings with `%(name)s` placeholders filled from the notification's params, or
callables `(params) -> str` for text that needs more than that (a status code shown by its label). Only the
kind and its params are stored; the text is rendered in the reader's language whenever it is shown (the
page's language) or sent (the recipient's preferred language), so a notification raised in Chinese reads
in Uyghur for a Uyghur reader, and a catalogue filled later applies to old notifications too.

`notify(...)` creates one `Notification` per recipient in the caller's transaction and, for each outside
channel, a `NotificationDelivery`; after the commit, a job per 50 deliveries
(`core.tasks.notification_deliver_task`) sends them through the adapter named by the
`HUIKETING_MESSAGE_ADAPTER` setting. The in-app channel is always on: the notification itself is the in-app
message, and the inbox is the history of what was sent elsewhere.

Delivery is at most once. A job claims a pending delivery by moving it to "sending" in one conditional
UPDATE (a second job, or the same job run twice, finds nothing to claim), sends, then marks it sent. A
failure puts it back to pending with a later `next_attempt_at` (5, 15, then 60 minutes), and the periodic
job `notification_deliveries_retry_task` (every 5 minutes) sends what is due; after MAX_ATTEMPTS it is
failed. A delivery left "sending" by a worker that died mid-send may or may not have gone out, so it is
marked failed, never sent again. A recipient without a phone fails at once, without retries.

Adapters: any class with `send(*, to: str, text: str) -> None` that raises on failure, constructed without
arguments. The default, `LoggingAdapter`, writes the message to the log with the phone masked.
"""

import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from huiketing.core.audit import audit_record
from huiketing.core.crypto import mask_phone
from huiketing.core.models import Notification, NotificationDelivery

logger = logging.getLogger(__name__)
messages_logger = logging.getLogger("huiketing.messages")

INAPP = "inapp"
SMS = "sms"
CHANNELS = frozenset({INAPP, SMS})
# Waits after the 1st, 2nd and 3rd failed attempt; the 4th failure is final. The periodic job that sends
# retries runs every 5 minutes, so a retry goes out up to 5 minutes after it is due.
RETRY_DELAYS = (timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=60))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A first attempt whose job has not run after this long (the enqueue was lost) is sent by the periodic job.
LOST_AFTER = timedelta(minutes=5)
# A delivery still "sending" after this long belongs to a worker that died while sending.
STALE_SENDING = timedelta(minutes=15)
RETRY_BATCH = 200
# Deliveries sent by one job: a notice to a whole community is a few jobs, not thousands of queue rows.
ENQUEUE_CHUNK = 50

Template = Promise | str | Callable[[Mapping[str, Any]], str]


@dataclass(frozen=True)
class NotificationKind:
    title: Template
    body: Template


NOTIFICATION_KINDS: dict[str, NotificationKind] = {}


def notification_kind_register(kind: str, *, title: Template, body: Template = "") -> None:
    """Declare a kind of notification with its title and body templates (see the module's docstring)."""
    if not kind or len(kind) > Notification._meta.get_field("kind").max_length:
        raise ValueError(f"A notification kind is a short slug, not {kind!r}")
    NOTIFICATION_KINDS[kind] = NotificationKind(title=title, body=body)


# Rendering -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str

    @property
    def text(self) -> str:
        """Title and body as one message (an SMS)."""
        if self.title and self.body:
            return _("%(title)s: %(body)s") % {"title": self.title, "body": self.body}
        return self.title or self.body


def _strings(value) -> list[str]:
    """The strings in a notification's parameters, in dicts and lists too."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def _isolated(text: str, params: Mapping[str, Any]) -> str:
    """`text` escaped, with each parameter's value found in it (a title, a place picked from its names) in
    <bdi>. A composing callable is given the values themselves, for it may test them."""
    values = sorted({conditional_escape(v) for v in _strings(dict(params)) if len(v.strip()) > 1}, key=len)
    text = conditional_escape(text)
    if not values:
        return text
    found = re.compile("|".join(re.escape(value) for value in reversed(values)))
    # Escaped above; each match is a run of that escaped text.
    return mark_safe(found.sub(lambda match: f"<bdi>{match.group(0)}</bdi>", text))  # noqa: S308


def _fill(template: Template, params: Mapping[str, Any], kind: str, *, isolate: bool = False) -> str:
    if callable(template) and not isinstance(template, Promise | str):
        text = str(template(params))
        return _isolated(text, params) if isolate else text
    text = str(template)
    if isolate:
        # For a page: the text escaped, and each value (a name, a title, in any script) isolated in <bdi>, so
        # that a Chinese name keeps its direction inside a Uyghur sentence.
        text = conditional_escape(text)
        params = {key: format_html("<bdi>{}</bdi>", value) for key, value in params.items()}
    try:
        filled = text % params if params else text
        return mark_safe(filled) if isolate else filled  # noqa: S308 — escaped above, values by format_html
    except (KeyError, TypeError, ValueError):
        # A parameter the (possibly newer) template wants is missing: show the text rather than fail a page.
        logger.warning("Notification %s: parameters %s do not fit %r", kind, sorted(params), text)
        return text


def notification_render(
    notification: Notification, *, language: str | None = None, isolate: bool = False
) -> Rendered:
    """Title and body in `language`, or in the active language (a page's) when None. With `isolate` (for an
    HTML page), safe HTML with each parameter in <bdi>."""
    kind = NOTIFICATION_KINDS.get(notification.kind)
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        if kind is None:  # the app that registered it is gone: show the slug rather than nothing
            return Rendered(title=notification.kind, body="")
        params = notification.params if isinstance(notification.params, dict) else {}
        return Rendered(
            title=_fill(kind.title, params, notification.kind, isolate=isolate),
            body=_fill(kind.body, params, notification.kind, isolate=isolate),
        )


def recipient_language(user) -> str:
    """The account's preferred language, else its resident record's, else the installation's."""
    if getattr(user, "preferred_language", ""):
        return user.preferred_language
    from huiketing.people.models import Resident

    resident_language = (
        Resident.objects.filter(account_id=user.pk).values_list("preferred_language", flat=True).first()
    )
    return resident_language or settings.LANGUAGE_CODE


def notification_destination(user) -> str:
    """The phone to send a message to: the phone of the resident record linked to the account, if any.

    Accounts carry no phone of their own today; an account model that gains a `phone` attribute is used
    when no resident record has one.
    """
    from huiketing.people.models import Resident

    resident = Resident.objects.filter(account_id=user.pk).only("id", "phone").first()
    if resident is not None and resident.phone:
        return resident.phone
    return str(getattr(user, "phone", "") or "")


# Adapters ------------------------------------------------------------------------------------------------


class LoggingAdapter:
    """For development and demos: writes each message to the log instead of sending it, phone masked."""

    def send(self, *, to: str, text: str) -> None:
        messages_logger.info("Message to %s: %s", mask_phone(to), text)


def message_adapter():
    """An instance of the adapter named by settings.HUIKETING_MESSAGE_ADAPTER."""
    adapter = import_string(settings.HUIKETING_MESSAGE_ADAPTER)
    return adapter() if isinstance(adapter, type) else adapter


# Writing -------------------------------------------------------------------------------------------------


def _object_ref(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    kind: str,
    params: Mapping[str, Any] | None = None,
    link: str = "",
    obj: models.Model | None = None,
    channels: Sequence[str] = (INAPP,),
    now: datetime | None = None,
) -> list[Notification]:
    """Notify each active recipient once (duplicates and inactive accounts are dropped).

    `link` is a path on this site ("/matters/42/"); `obj` is recorded by type and id, as the audit log does.
    Deliveries on outside channels are sent by a job after the surrounding transaction commits, so a
    rolled-back action sends nothing.
    """
    if kind not in NOTIFICATION_KINDS:
        raise ValueError(f"Unknown notification kind {kind!r}: register it with notification_kind_register")
    unknown = set(channels) - CHANNELS
    if unknown:
        raise ValueError(f"Unknown notification channels: {sorted(unknown)}")
    if link and (not link.startswith("/") or link.startswith("//")):
        raise ValueError(f"A notification link is a path on this site, not {link!r}")
    # Stored as JSON: a value that is not JSON (a datetime, a Decimal) is stored as its JSON text.
    stored_params = json.loads(json.dumps(dict(params or {}), cls=DjangoJSONEncoder))
    now = now or timezone.now()
    object_type, object_id = _object_ref(obj)

    users, seen = [], set()
    for user in recipients:
        if user is None or user.pk in seen or not getattr(user, "is_active", False):
            continue
        seen.add(user.pk)
        users.append(user)
    if not users:
        return []

    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=kind,
                params=stored_params,
                link=link,
                object_type=object_type,
                object_id=object_id,
                created_at=now,
            )
            for user in users
        ]
    )
    outside = [channel for channel in dict.fromkeys(channels) if channel != INAPP]
    if outside:
        deliveries = NotificationDelivery.objects.bulk_create(
            [
                NotificationDelivery(notification=n, channel=channel, next_attempt_at=now, created_at=now)
                for n in notifications
                for channel in outside
            ]
        )
        ids = [delivery.pk for delivery in deliveries]
        # robust: a failed enqueue must not fail the caller's action; the periodic job sends it later.
        transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return notifications


def _enqueue(delivery_ids: list[int]) -> None:
    from huiketing.core.tasks import notification_deliver_task

    for start in range(0, len(delivery_ids), ENQUEUE_CHUNK):
        notification_deliver_task.enqueue(delivery_ids[start : start + ENQUEUE_CHUNK])


def notifications_mark_read(
    *, user, ids: Iterable[int] | None = None, every: bool = False, now: datetime | None = None
) -> int:
    """Mark the user's notifications `ids` (already checked to be theirs), or `every` unread one, as read.

    Returns how many changed. Marking a read notification again changes nothing (its first read time stays).
    Not audited: reading one's own messages changes nobody else's data.
    """
    if every == (ids is not None):
        raise ValueError("Give either ids or every=True")
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if not every:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=now or timezone.now())


# Sending -------------------------------------------------------------------------------------------------


def _in_default_language(message: str) -> str:
    """Our own error texts are kept in the installation's language (they are read in the admin)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message)


def _audit_outcome(delivery: NotificationDelivery, status: str, to: str = "") -> None:
    # A message carrying a resident's phone leaves the system: that is on record, the phone masked.
    audit_record(
        actor=None,
        action=f"core.notification_delivery.{status}",
        obj=delivery,
        changes={"channel": [None, delivery.channel], "to": [None, mask_phone(to) if to else ""]},
        reason=delivery.notification.kind,
    )


def _finish(delivery: NotificationDelivery, status: str, *, error: str = "", now: datetime, to: str = ""):
    delivery.status = status
    delivery.last_error = error[:300]
    fields = ["status", "last_error"]
    if status == NotificationDelivery.Status.SENT:
        delivery.sent_at = now
        fields.append("sent_at")
    delivery.save(update_fields=fields)
    _audit_outcome(delivery, status, to)
    return status


def delivery_send(*, delivery_id: int, now: datetime | None = None) -> str:
    """Send one delivery if it is pending and due; returns its status afterwards.

    Safe to run twice, or in two workers at once: only the run that claims the row sends.
    """
    now = now or timezone.now()
    Status = NotificationDelivery.Status
    claimed = NotificationDelivery.objects.filter(
        pk=delivery_id, status=Status.PENDING, next_attempt_at__lte=now
    ).update(status=Status.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    if not claimed:
        status = NotificationDelivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first()
        return status or "missing"

    delivery = NotificationDelivery.objects.select_related("notification__recipient").get(pk=delivery_id)
    user = delivery.notification.recipient
    if not user.is_active:
        inactive = _in_default_language(_("The account is inactive: not sent."))
        return _finish(delivery, Status.FAILED, error=inactive, now=now)
    to = notification_destination(user)
    if not to:
        return _finish(
            delivery,
            Status.FAILED,
            error=_in_default_language(_("The recipient has no phone number: not sent.")),
            now=now,
        )
    try:
        with translation.override(recipient_language(user)):
            text = notification_render(delivery.notification).text
            message_adapter().send(to=to, text=text)
    except Exception as error:
        # The adapter's message may repeat the number: it is masked before it is stored or logged.
        reason = f"{type(error).__name__}: {error}".replace(to, mask_phone(to))
        logger.warning("Delivery %s (attempt %s) failed: %s", delivery.pk, delivery.attempts, reason)
        if delivery.attempts >= MAX_ATTEMPTS:
            return _finish(delivery, Status.FAILED, error=reason, now=now, to=to)
        delivery.status = Status.PENDING
        delivery.last_error = reason[:300]
        delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
        delivery.save(update_fields=["status", "last_error", "next_attempt_at"])
        return delivery.status
    return _finish(delivery, Status.SENT, now=now, to=to)


def deliveries_retry(*, now: datetime | None = None) -> int:
    """Send the deliveries that are due again, or whose first job never ran; returns how many were tried.

    Deliveries a dead worker left "sending" are failed, not resent: the message may have gone out.
    """
    now = now or timezone.now()
    Status = NotificationDelivery.Status
    stale = NotificationDelivery.objects.filter(status=Status.SENDING, claimed_at__lte=now - STALE_SENDING)
    for delivery in stale.select_related("notification"):
        error = _in_default_language(
            _("The worker stopped while sending; not sent again, so that no message goes out twice.")
        )
        # Conditional: a worker that was only slow may have finished in the meantime.
        if NotificationDelivery.objects.filter(pk=delivery.pk, status=Status.SENDING).update(
            status=Status.FAILED, last_error=error
        ):
            _audit_outcome(delivery, Status.FAILED)
    due = list(
        NotificationDelivery.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(attempts__gt=0) | Q(created_at__lte=now - LOST_AFTER))
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:RETRY_BATCH]
    )
    for delivery_id in due:
        delivery_send(delivery_id=delivery_id, now=now)
    return len(due)
