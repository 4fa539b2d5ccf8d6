"""Cross-cutting records: the append-only audit log, stored responses for idempotent writes, periodic jobs,
signed-in sessions, the working-day calendar, notifications and the heartbeats of running workers."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditEntry(models.Model):
    """Who did what to which object, for whom, when and from where. Never updated, never deleted.

    Database triggers (migration 0002) refuse UPDATE and DELETE as well, so that not even raw SQL from the
    application can rewrite history.
    """

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=150, blank=True)
    on_behalf_of = models.CharField(
        _("acting for"), max_length=100, blank=True, help_text=_("A reference such as people.resident:42.")
    )
    on_behalf_of_label = models.CharField(_("acting for (as recorded)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    place_code = models.CharField(_("place code"), max_length=15, blank=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")


class IdempotentResponse(models.Model):
    """The response to a write sent with an Idempotency-Key, replayed when the same key is sent again."""

    key = models.CharField(max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        # Two constraints rather than one with nulls_distinct=False: SQLite (and PostgreSQL before 15) would
        # silently skip that one, and the same key could then create twice.
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="core_idempotent_user_key"),
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(user__isnull=True), name="core_idempotent_anonymous_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"


class PeriodicJob(models.Model):
    """When a periodic background job is next due. Workers claim a run by moving `next_run_at` forward in
    one conditional UPDATE, so however many workers run, each run is enqueued once."""

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class UserSession(models.Model):
    """A signed-in session of an account, written at sign-in and removed at sign-out.

    The session data stays in the session store; this index lets deactivating an account end all of its
    sessions with one query by account instead of decoding every stored session.
    """

    session_key = models.CharField(_("session key"), max_length=40, primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("account")
    )
    created_at = models.DateTimeField(_("signed in at"), auto_now_add=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class CalendarDay(models.Model):
    """An exception to the Monday–Friday working week: a public holiday on a weekday, or an adjusted
    working day (调休) on a Saturday or Sunday. Every other day is a working day when it is Monday to Friday.

    Seeded from the `chinese-calendar` package (`huiketing workdays_load`); administrators add the coming
    year in the admin when the State Council publishes it. `core.workdays` reads these rows.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"),
        help_text=_(
            "Ticked for an adjusted working day on a weekend; not ticked for a holiday on a weekday."
        ),
    )
    name = models.CharField(
        _("holiday"),
        max_length=100,
        help_text=_("The holiday, e.g. 国庆节 (for an adjusted working day too)."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"

    def clean(self) -> None:
        if self.date is None or self.is_working_day is None:
            return
        weekday = self.date.weekday() < 5
        if weekday and self.is_working_day:
            raise ValidationError(
                {"is_working_day": _("Monday to Friday is a working day anyway: only exceptions are stored.")}
            )
        if not weekday and not self.is_working_day:
            raise ValidationError(
                {"is_working_day": _("Saturday and Sunday are days off anyway: only exceptions are stored.")}
            )


class Notification(models.Model):
    """A message to one account, shown in the app and, through its deliveries, sent on other channels.

    Only the kind and its parameters are stored: the text is rendered in the reader's language whenever it
    is shown or sent (`core.notifications`).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # the (recipient, created_at) index serves lookups by recipient
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=60)
    params = models.JSONField(_("parameters"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    link = models.CharField(_("link"), max_length=300, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="core_notification_inbox_idx"),
            # The unread count in every page's header.
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="core_notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class NotificationDelivery(models.Model):
    """One notification sent on one outside channel (e.g. "sms"), retried on failure, never sent twice.

    A job claims a pending delivery by moving it to "sending" in one conditional UPDATE, sends, then marks
    it sent; failures go back to pending with a later `next_attempt_at`, until the attempts run out.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("notification")
    )
    channel = models.CharField(_("channel"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("notification delivery")
        verbose_name_plural = _("notification deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="core_delivery_once_per_channel")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="core_delivery_due_idx")]

    def __str__(self) -> str:
        return f"{self.channel} {self.get_status_display()} ({self.notification_id})"


class WorkerHeartbeat(models.Model):
    """A running `huiketing worker` as it last reported itself (core.liveness).

    Each worker writes its row every few seconds from a thread and removes it when it stops gracefully; a row
    not refreshed for HUIKETING_WORKER_STALE_SECONDS belongs to a worker that died, and the jobs it left
    RUNNING are put back in the queue.
    """

    worker_id = models.CharField(_("worker id"), max_length=64, unique=True)
    host = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started at"))
    last_seen = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}, pid {self.pid})"
