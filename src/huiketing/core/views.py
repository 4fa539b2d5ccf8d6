"""Views every installation has: health check, home page, display preferences, audit log, notifications."""

import csv
import json

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from huiketing.core import notifications
from huiketing.core import selectors as core_selectors
from huiketing.core import services as core_services
from huiketing.core.middleware import set_large_text_cookie
from huiketing.core.models import AuditEntry
from huiketing.core.permissions import PUBLIC, PermissionRequiredMixin
from huiketing.places import selectors as place_selectors


class HealthView(PermissionRequiredMixin, View):
    permission_required = PUBLIC

    def get(self, request):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
            database = "ok"
        except Exception:
            database = "unavailable"
        healthy = database == "ok"
        return JsonResponse(
            {"status": "ok" if healthy else "error", "database": database, "vendor": connection.vendor},
            status=200 if healthy else 503,
        )


class HomeView(PermissionRequiredMixin, TemplateView):
    permission_required = PUBLIC
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["city"] = place_selectors.city_get(code=settings.CITY_CODE)
        context["subdistricts"] = place_selectors.subdistricts_with_communities(city_code=settings.CITY_CODE)
        return context


class LargeTextView(PermissionRequiredMixin, View):
    """Switch the large-text elderly mode on or off (a plain form POST: no JavaScript needed).

    Remembered in a cookie for everyone and on the account of a signed-in user, so it survives a new session.
    """

    permission_required = PUBLIC

    def post(self, request):
        from huiketing.people import services as people_services

        on = request.POST.get("large_text") == "1"
        if request.user.is_authenticated:
            people_services.user_set_display(user=request.user, large_text=on)
        target = request.POST.get("next") or "/"
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = "/"
        response = redirect(target)
        set_large_text_cookie(response, on)
        return response


class AuditFilterForm(forms.Form):
    """The audit log's filters, shared by the list page and its CSV export (names as in AUDIT_FILTERS)."""

    action = forms.CharField(label=_("Action starts with"), required=False, max_length=100)
    place = forms.RegexField(
        label=_("Place code starts with"),
        regex=r"^[0-9]{0,15}$",
        required=False,
        max_length=15,
        error_messages={"invalid": _("A place code has up to 15 digits.")},
    )
    actor = forms.CharField(label=_("Username"), required=False, max_length=150)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=100)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


class AuditFilterMixin:
    """Parses the filters from the query string; invalid filters show no entries rather than all of them."""

    def audit_filters(self) -> tuple[AuditFilterForm, dict | None]:
        form = AuditFilterForm(self.request.GET)
        if not form.is_valid():
            return form, None
        return form, {name: value for name, value in form.cleaned_data.items() if value not in (None, "")}


class AuditListView(AuditFilterMixin, PermissionRequiredMixin, TemplateView):
    """The audit log, filtered to the places the reader covers, 50 entries a page."""

    permission_required = "core.view_audit_log"
    template_name = "core/audit_list.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, filters = self.audit_filters()
        entries = (
            core_selectors.audit_list(user=self.request.user, filters=filters)
            if filters is not None
            else AuditEntry.objects.none()
        )
        page = Paginator(entries, self.paginate_by).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("lang", None)
        context.update(
            form=form,
            page=page,
            entries=page.object_list,
            query=query.urlencode(),
            can_export=filters is not None and self.request.user.has_perm("core.export_audit_log"),
        )
        return context


class AuditDetailView(PermissionRequiredMixin, TemplateView):
    """One audit entry with its before/after values, personal fields masked."""

    permission_required = "core.view_audit_log"
    template_name = "core/audit_detail.html"

    def get_permission_object(self):
        if not hasattr(self, "entry"):
            self.entry = core_selectors.audit_get(user=self.request.user, entry_id=self.kwargs["pk"])
        return self.entry

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = self.get_permission_object()
        changes = []
        for field, value in core_selectors.masked_changes(entry.changes).items():
            if isinstance(value, list) and len(value) == 2:
                changes.append((field, value[0], value[1]))
            else:
                changes.append((field, None, value))
        context.update(entry=entry, changes=changes)
        return context


class _Echo:
    """A file-like object whose write() returns what it was given, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """A cell value that spreadsheet programs will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class AuditExportView(AuditFilterMixin, PermissionRequiredMixin, View):
    """The filtered audit log as CSV (UTF-8 with a byte-order mark, so Excel reads Chinese), streamed.

    The export is itself an audit entry, written before the first row; the file holds the entries that
    existed when it was asked for.
    """

    permission_required = "core.export_audit_log"

    def get(self, request):
        _form, filters = self.audit_filters()
        if filters is None:
            return HttpResponseBadRequest(_("The filters are not valid."))
        record = core_services.audit_export_record(by=request.user, filters=filters)
        entries = core_selectors.audit_list(user=request.user, filters=filters).filter(pk__lt=record.pk)
        header = [
            _("When"),
            _("Who"),
            _("Acting for"),
            _("Action"),
            _("Object type"),
            _("Object id"),
            _("Object"),
            _("Place code"),
            _("Changes"),
            _("Reason"),
            _("IP address"),
        ]

        def rows():
            writer = csv.writer(_Echo())
            yield "\ufeff" + writer.writerow([csv_safe(cell) for cell in header])
            for entry in entries.iterator(chunk_size=2000):
                yield writer.writerow(
                    [
                        csv_safe(cell)
                        for cell in (
                            timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
                            entry.actor_label,
                            entry.on_behalf_of_label,
                            entry.action,
                            entry.object_type,
                            entry.object_id,
                            entry.object_repr,
                            entry.place_code,
                            json.dumps(
                                core_selectors.masked_changes(entry.changes), ensure_ascii=False, default=str
                            ),
                            entry.reason,
                            entry.ip or "",
                        )
                    ]
                )

        response = StreamingHttpResponse(
            (chunk.encode("utf-8") for chunk in rows()), content_type="text/csv; charset=utf-8"
        )
        filename = f"audit-{timezone.localdate():%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# Notifications ----------------------------------------------------------------------------------------------


class NotificationListView(PermissionRequiredMixin, TemplateView):
    """The signed-in account's notifications, newest first, in the page's language, 20 a page."""

    permission_required = "core.view_own_notifications"
    template_name = "core/notifications.html"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = core_selectors.notifications_for_user(user=self.request.user)
        page = Paginator(rows, self.paginate_by).get_page(self.request.GET.get("page"))
        items = [(n, notifications.notification_render(n, isolate=True)) for n in page.object_list]
        context.update(page=page, items=items)
        return context


class NotificationReadForm(forms.Form):
    id = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    all = forms.BooleanField(required=False)
    next = forms.CharField(required=False, max_length=500)


class NotificationReadView(PermissionRequiredMixin, View):
    """Mark one notification (`id`) or all (`all=1`) as read, then go to `next` (a path on this site) or back
    to the list. Someone else's notification is not found (404), like a missing one."""

    permission_required = "core.change_own_notifications"

    def post(self, request):
        form = NotificationReadForm(request.POST)
        if not form.is_valid() or (form.cleaned_data["id"] is None) == (not form.cleaned_data["all"]):
            return HttpResponseBadRequest(_("Choose one notification, or all of them."))
        if form.cleaned_data["all"]:
            notifications.notifications_mark_read(user=request.user, every=True)
        else:
            ids = core_selectors.notification_ids_for_user(user=request.user, ids=[form.cleaned_data["id"]])
            notifications.notifications_mark_read(user=request.user, ids=ids)
        target = form.cleaned_data["next"]
        if not target or not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("core:notifications")
        return redirect(target)
