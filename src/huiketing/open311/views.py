"""Open311 GeoReport v2 endpoints: plain Django views over the matters services and selectors.

Every URL ends in `.xml` or `.json`; without one, or with another, the answer is 404 with the spec's error
body in XML. Errors follow the spec: 403 for a missing or wrong api_key, 404 for what does not exist (a
service code, a request, a token, a jurisdiction), 400 for anything else the request gets wrong, each with a
list of {code, description}. Reads are open to everyone and rate-limited per client address like the anonymous
API; POST needs the api_key of a client registered with `huiketing open311-client NAME` and is rate-limited
per client. A POST sent again with the same `Idempotency-Key` header gets the first answer and creates
nothing.
"""

import hashlib
import math
import uuid
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.http.request import RawPostDataException
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from huiketing.core.models import IdempotentResponse
from huiketing.core.permissions import PUBLIC, PermissionRequiredMixin
from huiketing.matters import selectors as matter_selectors
from huiketing.matters import services as matter_services

from . import serializers
from .formats import FORMATS, errors, render
from .inputs import MAX_RESULTS, Open311Error, request_filters, request_form
from .selectors import jurisdiction_resolve, service_get

IDEMPOTENCY_KEY_MAX = 150


class ClientRateThrottle(SimpleRateThrottle):
    """POSTs of one registered client, at the rate of signed-in API users (`HUIKETING_RATE_USER`)."""

    scope = "user"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": "open311_client", "ident": view.client.pk}


@method_decorator(csrf_exempt, name="dispatch")  # clients authenticate with api_key, never with cookies
class Open311View(PermissionRequiredMixin, View):
    permission_required = PUBLIC
    fmt = "xml"
    not_found = "Not found."  # what a 404 of this resource says

    def dispatch(self, request, *args, fmt: str = "", **kwargs):
        if fmt not in FORMATS:
            return errors("xml", 404, "Add .xml or .json to the URL: GeoReport v2 names the format that way.")
        self.fmt = fmt
        try:
            params = request.POST if request.method == "POST" else request.GET
            self.within = jurisdiction_resolve(
                params.get("jurisdiction_id") or request.GET.get("jurisdiction_id")
            )
            if request.method != "POST" and (refused := self.throttled(request, AnonRateThrottle())):
                return refused
            return super().dispatch(request, *args, **kwargs)
        except Open311Error as exc:
            return errors(self.fmt, exc.status, *exc.descriptions)
        except Http404:
            return errors(self.fmt, 404, self.not_found)

    def throttled(self, request, throttle) -> HttpResponse | None:
        if throttle.allow_request(request, self):
            return None
        wait = max(1, math.ceil(throttle.wait() or 1))
        response = errors(self.fmt, 429, f"Too many requests; retry in {wait} seconds.")
        response["Retry-After"] = str(wait)
        return response

    def http_method_not_allowed(self, request, *args, **kwargs):
        allowed = self._allowed_methods()
        usable = ", ".join(method for method in allowed if method not in ("HEAD", "OPTIONS"))
        response = errors(self.fmt, 405, f"{request.method} is not allowed here; use {usable}.")
        response["Allow"] = ", ".join(allowed)
        return response


class ServiceListView(Open311View):
    """GET services.{fmt}: our active categories."""

    http_method_names = ["get", "head", "options"]

    def get(self, request):
        return render(
            self.fmt, "services", [serializers.service(c) for c in matter_selectors.categories_active()]
        )


class ServiceDefinitionView(Open311View):
    """GET services/{service_code}.{fmt}: the attributes a service takes (the same optional title for all)."""

    http_method_names = ["get", "head", "options"]

    def get(self, request, service_code: str):
        category = service_get(service_code=service_code)
        if category is None:
            raise Open311Error(404, f"service_code {service_code[:50]} was not found (see GET services).")
        return render(self.fmt, "service_definition", serializers.service_definition(category))


class RequestsView(Open311View):
    """GET requests.{fmt}: service requests by id or by filters; POST requests.{fmt}: a new one."""

    http_method_names = ["get", "head", "post", "options"]

    def get(self, request):
        filters = request_filters(request.GET, now=timezone.now())
        matters = matter_selectors.open311_requests(
            ids=filters.ids,
            service_codes=filters.service_codes,
            start=filters.start,
            end=filters.end,
            end_inclusive=filters.end_inclusive,
            status=filters.status,
            within=self.within,
            limit=MAX_RESULTS,
        )
        return render(self.fmt, "service_requests", serializers.service_requests(matters, request))

    def post(self, request):
        key = (request.POST.get("api_key") or request.GET.get("api_key") or "").strip()
        self.client = matter_services.open311_client_for_key(key)
        if self.client is None:
            # Wrong keys count against the sender's address, so that keys cannot be guessed at speed.
            if refused := self.throttled(request, AnonRateThrottle()):
                return refused
            raise Open311Error(403, "api_key is missing." if not key else "api_key is not valid.")
        if refused := self.throttled(request, ClientRateThrottle()):
            return refused
        idempotency_key = request.headers.get("Idempotency-Key", "")
        if not idempotency_key:
            return self.create(request)
        if len(idempotency_key) > IDEMPOTENCY_KEY_MAX:
            raise Open311Error(
                400, f"The Idempotency-Key header may be at most {IDEMPOTENCY_KEY_MAX} characters."
            )
        return self.create_once(request, idempotency_key)

    def create_once(self, request, idempotency_key: str) -> HttpResponse:
        """`create`, with the answer kept under the client's key: a resend of the same request replays it,
        a different request under the same key is refused (409). One transaction holds the record and the
        matter, so that two resends at once wait for each other and still create one matter."""
        try:
            body = request.body
        except RawPostDataException:  # a multipart body, already read as a stream
            body = urlencode(sorted(request.POST.lists()), doseq=True).encode()
        digest = hashlib.sha256(
            request.method.encode() + b" " + request.path.encode() + b"\n" + body
        ).hexdigest()
        stored_key = f"open311:{self.client.pk}:{idempotency_key}"
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotentResponse.objects.create(
                        key=stored_key, user=None, method="POST", path=request.path, request_hash=digest
                    )
            except IntegrityError:
                record = IdempotentResponse.objects.get(key=stored_key, user=None)
                if record.request_hash != digest or record.status_code is None:
                    raise Open311Error(
                        409, "This Idempotency-Key was already used for a different request."
                    ) from None
                response = HttpResponse(
                    record.body["content"].encode("utf-8"),
                    status=record.status_code,
                    content_type=record.body["content_type"],
                )
                response["Idempotent-Replayed"] = "true"
                return response
            try:
                response = self.create(request)
            except Open311Error as exc:
                response = errors(self.fmt, exc.status, *exc.descriptions)
            record.status_code = response.status_code
            record.body = {
                "content_type": response["Content-Type"],
                "content": response.content.decode("utf-8"),
            }
            record.save(update_fields=["status_code", "body"])
            return response

    def create(self, request) -> HttpResponse:
        service_code = (request.POST.get("service_code") or "").strip()
        category = service_get(service_code=service_code) if service_code else None
        if service_code and category is None:
            raise Open311Error(404, f"service_code {service_code[:50]} was not found (see GET services).")
        form = request_form(request.POST)
        language = translation.get_language() or ""
        try:
            # The service's messages become the error descriptions, which are in English.
            with translation.override("en"):
                matter = matter_services.open311_request_create(
                    client=self.client,
                    category=category,
                    title=form.title,
                    description=form.description,
                    latitude=form.latitude,
                    longitude=form.longitude,
                    address=form.address,
                    place_code=form.place_code,
                    contact_name=form.contact_name,
                    contact_phone=form.contact_phone,
                    contact_email=form.contact_email,
                    media_url=form.media_url,
                    language=language,
                )
        except ValidationError as exc:
            with translation.override("en"):
                messages = (
                    [f"{field}: {message}" for field, items in exc.message_dict.items() for message in items]
                    if hasattr(exc, "error_dict")
                    else list(exc.messages)
                )
            raise Open311Error(400, *messages) from None
        return render(self.fmt, "service_requests", [serializers.created(matter)])


class RequestView(Open311View):
    """GET requests/{service_request_id}.{fmt}: one request, as a list of one."""

    http_method_names = ["get", "head", "options"]
    not_found = "service_request_id was not found."

    def get(self, request, service_request_id: str):
        if not (service_request_id.isdigit() and len(service_request_id) <= 18):
            raise Http404
        matter = matter_selectors.open311_request_get(matter_id=int(service_request_id), within=self.within)
        return render(self.fmt, "service_requests", [serializers.service_request(matter, request)])


class TokenView(Open311View):
    """GET tokens/{token}.{fmt}: the request a token stands for."""

    http_method_names = ["get", "head", "options"]
    not_found = "token was not found."

    def get(self, request, token: str):
        try:
            value = uuid.UUID(token)
        except ValueError:
            raise Http404 from None
        matter = matter_selectors.open311_request_by_token(token=value, within=self.within)
        return render(self.fmt, "service_requests", [serializers.token(matter)])
