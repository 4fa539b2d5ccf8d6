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
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from huiketing.core import selectors
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
