"""The API base every app's api.py builds on: permissions, pagination, one error shape, idempotent writes.

Every 4xx answer has the shape {"error": {"status", "code", "message", "fields"}} where `fields` maps a
field name to its translated messages. A write sent with an `Idempotency-Key` header runs in one transaction
with the stored response, so a resend returns the first answer and creates nothing twice.
"""

import hashlib
import json

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from huiketing.core import notifications, selectors
from huiketing.core.models import AuditEntry, IdempotentResponse

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class IdempotencyReplay(exceptions.APIException):
    def __init__(self, record: IdempotentResponse):
        self.record = record
        super().__init__()


class IdempotencyConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_conflict"


class ApiView(APIView):
    """Base of every API view: adds Idempotency-Key handling to writes."""

    _idempotency_record: IdempotentResponse | None = None

    def dispatch(self, request, *args, **kwargs):
        if request.method in WRITE_METHODS and request.headers.get("Idempotency-Key"):
            with transaction.atomic():
                return super().dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        key = request.headers.get("Idempotency-Key", "")
        if request.method not in WRITE_METHODS or not key:
            return
        if len(key) > 200:
            raise exceptions.ValidationError(
                {"Idempotency-Key": [_("The Idempotency-Key header is too long.")]}
            )
        try:
            body = request._request.body
        except RawPostDataException:
            body = b""
        digest = hashlib.sha256(
            request.method.encode() + b" " + request.path.encode() + b"\n" + (body or b"")
        ).hexdigest()
        user = request.user if request.user.is_authenticated else None
        try:
            with transaction.atomic():
                self._idempotency_record = IdempotentResponse.objects.create(
                    key=key, user=user, method=request.method, path=request.path, request_hash=digest
                )
        except IntegrityError:
            record = IdempotentResponse.objects.get(key=key, user=user)
            if record.request_hash != digest:
                raise IdempotencyConflict(
                    _("This Idempotency-Key was already used for a different request.")
                ) from None
            raise IdempotencyReplay(record) from None

    def finalize_response(self, request, response, *args, **kwargs):
        record = self._idempotency_record
        if record is not None and isinstance(response, Response):
            if response.status_code >= 500:
                transaction.set_rollback(True)
            else:
                record.status_code = response.status_code
                record.body = json.loads(json.dumps(response.data, default=str))
                record.save(update_fields=["status_code", "body"])
        return super().finalize_response(request, response, *args, **kwargs)


def _messages(detail) -> list[str]:
    if isinstance(detail, list):
        out = []
        for item in detail:
            out.extend(_messages(item))
        return out
    if isinstance(detail, dict):
        out = []
        for value in detail.values():
            out.extend(_messages(value))
        return out
    return [str(detail)]


def _fields(detail) -> dict[str, list[str]]:
    if not isinstance(detail, dict):
        return {}
    fields = {}
    for name, value in detail.items():
        if isinstance(value, dict):
            for sub, msgs in _fields(value).items():
                fields[f"{name}.{sub}"] = msgs
        else:
            fields[name] = _messages(value)
    return fields


def error_body(status_code: int, code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"status": status_code, "code": code, "message": message, "fields": fields or {}}}


def exception_handler(exc, context):
    if isinstance(exc, IdempotencyReplay):
        response = Response(exc.record.body, status=exc.record.status_code)
        response["Idempotent-Replayed"] = "true"
        return response
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields(detail) if isinstance(detail, dict) else {"non_field_errors": _messages(detail)}
        message = _("Some of the data you sent is not valid.")
        if set(fields) == {"non_field_errors"}:
            # An error about the request as a whole (e.g. a wrong password) is the message itself.
            message = " ".join(fields["non_field_errors"])
        code = "invalid"
    else:
        fields = {}
        message = " ".join(_messages(detail))
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        if not isinstance(code, str):
            code = "error"
    response.data = error_body(response.status_code, code, message, fields)
    return response


# --- The error shape, for the OpenAPI schema ---------------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField(help_text="A translated, human-readable message.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field name → translated messages (validation errors only).",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


ERROR_DESCRIPTIONS = {
    400: "The request is not valid; `fields` names each field in error.",
    401: "Not signed in: send `Authorization: Token …` or use a session.",
    403: "Signed in, but this account may not do this.",
    404: "Not found, or outside the account's scope (the two look the same).",
    405: "Method not allowed.",
    409: "The Idempotency-Key was already used for a different request.",
    429: "Too many requests; retry later.",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """Schema entries for the error answers an endpoint can give, all in the one error shape."""
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]) for code in codes}


# The header a write may carry so that a client can resend it safely (ApiView), for the schema of each write.
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description="A key unique to this write (e.g. a UUID), up to 200 characters. Sending the same request "
    "again with the same key creates nothing new: the first answer is replayed, with the header "
    "`Idempotent-Replayed: true`. The same key with a different request is a 409. Keys are kept for a day.",
)


# --- Audit log ---------------------------------------------------------------------------------------------


class AuditFilterSerializer(serializers.Serializer):
    action = serializers.CharField(required=False, allow_blank=True, max_length=100)
    place = serializers.RegexField(
        r"^[0-9]{0,15}$",
        required=False,
        allow_blank=True,
        max_length=15,
        error_messages={"invalid": _lazy("A place code has up to 15 digits.")},
    )
    actor = serializers.CharField(required=False, allow_blank=True, max_length=150)
    object_type = serializers.CharField(required=False, allow_blank=True, max_length=100)
    date_from = serializers.DateField(required=False, allow_null=True)
    date_to = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs):
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError({"date_to": [_("The end date is before the start date.")]})
        return attrs


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_label", read_only=True)
    changes = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "actor",
            "on_behalf_of",
            "on_behalf_of_label",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "place_code",
            "changes",
            "reason",
            "ip",
        ]
        read_only_fields = fields

    def get_changes(self, entry) -> dict:
        return selectors.masked_changes(entry.changes)


@extend_schema(
    tags=["audit"],
    summary="List audit entries",
    description="Entries about places in the account's staff scope, newest first; administrators see all.",
    parameters=[AuditFilterSerializer],
    responses={200: AuditEntrySerializer(many=True), **error_responses(400, 401, 403, 429)},
)
class AuditListApi(ApiView, generics.ListAPIView):
    permission_required = "core.view_audit_log"
    serializer_class = AuditEntrySerializer

    def get_queryset(self):
        filters = AuditFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.audit_list(user=self.request.user, filters=filters.validated_data)


@extend_schema(
    tags=["audit"],
    summary="One audit entry",
    responses={200: AuditEntrySerializer, **error_responses(401, 403, 404, 429)},
)
class AuditDetailApi(ApiView, generics.RetrieveAPIView):
    permission_required = "core.view_audit_log"
    serializer_class = AuditEntrySerializer

    def get_object(self):
        entry = selectors.audit_get(user=self.request.user, entry_id=self.kwargs["pk"])
        self.check_object_permissions(self.request, entry)
        return entry


# --- Notifications -----------------------------------------------------------------------------------------


class NotificationFilterSerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False, help_text="Only unread notifications.")


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="What happened, as a stable slug (e.g. `matter.progress`).")
    title = serializers.SerializerMethodField(help_text="In the language of the request.")
    body = serializers.SerializerMethodField(help_text="In the language of the request.")
    params = serializers.JSONField(help_text="The values the title and body are written from.")
    link = serializers.CharField(help_text="A path on this site to what the notification is about, or empty.")
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)

    def _rendered(self, notification):
        cache = self.context.setdefault("_rendered", {})
        if notification.pk not in cache:
            cache[notification.pk] = notifications.notification_render(notification)
        return cache[notification.pk]

    def get_title(self, notification) -> str:
        return self._rendered(notification).title

    def get_body(self, notification) -> str:
        return self._rendered(notification).body


class NotificationReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        min_length=1,
        max_length=200,
        help_text="The notifications to mark as read (up to 200).",
    )
    all = serializers.BooleanField(required=False, default=False, help_text="Mark every notification read.")

    def validate(self, attrs):
        if bool(attrs.get("ids")) == bool(attrs.get("all")):
            raise serializers.ValidationError(_("Send either ids or all, not both and not neither."))
        return attrs


class NotificationReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread and are now read.")
    unread = serializers.IntegerField(help_text="How many unread notifications are left.")


@extend_schema(
    tags=["notifications"],
    summary="My notifications",
    description="The signed-in account's notifications, newest first, written in the request's language "
    "(`?lang=`, `Accept-Language`, or the account's preferred language). `?unread=true` lists the unread "
    "ones only; its `count` is the number shown on the site's header.",
    parameters=[NotificationFilterSerializer],
    responses={200: NotificationSerializer(many=True), **error_responses(400, 401, 429)},
)
class NotificationListApi(ApiView, generics.ListAPIView):
    permission_required = "core.view_own_notifications"
    serializer_class = NotificationSerializer

    def get_queryset(self):
        filters = NotificationFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        unread = filters.validated_data["unread"]
        return selectors.notifications_for_user(user=self.request.user, unread=unread)


class NotificationReadApi(ApiView):
    """Mark some of my notifications, or all of them, as read."""

    permission_required = "core.change_own_notifications"

    @extend_schema(
        tags=["notifications"],
        summary="Mark notifications as read",
        description="Send `ids` (the account's own notifications; any other id is a 404 and nothing is "
        "marked) or `all: true`. Marking a read notification again changes nothing.",
        request=NotificationReadSerializer,
        responses={200: NotificationReadResultSerializer, **error_responses(400, 401, 404, 409, 429)},
    )
    def post(self, request):
        data = NotificationReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data.get("all"):
            marked = notifications.notifications_mark_read(user=request.user, every=True)
        else:
            ids = selectors.notification_ids_for_user(user=request.user, ids=data.validated_data["ids"])
            marked = notifications.notifications_mark_read(user=request.user, ids=ids)
        unread = selectors.notifications_unread_count(user=request.user)
        return Response(NotificationReadResultSerializer({"marked": marked, "unread": unread}).data)
