"""Staff pages for spreadsheets: upload a sheet, follow its check and import, download the template and
exports. Thin: the work is in people.imports and its background jobs (people.tasks)."""

import os
from os.path import commonprefix

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from huiketing.core import scope
from huiketing.core.permissions import PermissionRequiredMixin
from huiketing.people import imports, xlsx
from huiketing.people.models import COMMUNITY_AND_ABOVE, RegistryImport, ResidentStatus, Tag
from huiketing.people.selectors import residents_for_user
from huiketing.people.xlsx import XLSX_TYPE
from huiketing.places.models import Place

ERRORS_PER_PAGE = 100
EXPORT_ROLES = COMMUNITY_AND_ABOVE


def _place_choices(user, roles) -> list[tuple[str, str]]:
    codes = scope.role_codes(user, roles)
    if scope.EVERYTHING in codes:
        return [("", _("Everywhere"))]
    names = {place.code: place.name for place in Place.objects.filter(code__in=codes)}
    return [(code, f"{names.get(code, '')} · {code}") for code in codes]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.xlsx)"),
        help_text=gettext_lazy("At most 20 MB. The first sheet is read; its header row names the columns."),
    )
    place = forms.ChoiceField(label=gettext_lazy("Import into"), required=False)

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = places
        if len(places) <= 1:
            self.fields["place"].widget = forms.HiddenInput()
            self.fields["place"].initial = places[0][0] if places else ""


class _Download:
    """A file response that removes its temporary file once sent."""

    @staticmethod
    def response(path: str, filename: str) -> FileResponse:
        handle = open(path, "rb")  # noqa: SIM115 (FileResponse closes it)
        os.unlink(path)  # the open handle keeps the data readable; nothing stays on disk
        response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
        response["Cache-Control"] = "no-store"
        return response


class ImportUploadView(PermissionRequiredMixin, TemplateView):
    """Upload a sheet; its check runs in the background and the job page follows it."""

    permission_required = "people.import_registry"
    template_name = "people/imports/upload.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            form=form or UploadForm(places=_place_choices(user, imports.IMPORT_ROLES)),
            jobs=imports.import_jobs_for_user(user=user)[:20],
            columns=xlsx.COLUMNS,
        )
        return context

    def post(self, request, *args, **kwargs):
        form = UploadForm(
            request.POST, request.FILES, places=_place_choices(request.user, imports.IMPORT_ROLES)
        )
        if form.is_valid():
            try:
                job = imports.registry_import_upload(
                    by=request.user,
                    upload=form.cleaned_data["file"],
                    place_code=form.cleaned_data["place"] or None,
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except PermissionDenied:
                form.add_error("place", _("You may not import into this place."))
            else:
                return redirect("people:registry-import-job", pk=job.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ImportTemplateView(PermissionRequiredMixin, View):
    permission_required = "people.import_registry"

    def get(self, request):
        return _Download.response(xlsx.template_write(), "registry-template.xlsx")


class ImportJobMixin(PermissionRequiredMixin):
    permission_required = "people.import_registry"

    def get_permission_object(self):
        if not hasattr(self, "job"):
            self.job = imports.import_job_get_for_user(user=self.request.user, import_id=self.kwargs["pk"])
        return self.job


class ImportJobView(ImportJobMixin, TemplateView):
    """A job's status, progress and error report; the import button appears only on a faultless check."""

    template_name = "people/imports/job.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.get_permission_object()
        done, total = imports.registry_import_live_progress(job)
        running = job.status in (
            RegistryImport.Status.UPLOADED,
            RegistryImport.Status.CHECKING,
            RegistryImport.Status.IMPORTING,
        )
        page = Paginator(job.errors or [], ERRORS_PER_PAGE).get_page(self.request.GET.get("page"))
        context.update(
            job=job,
            done=done,
            total=total,
            running=running,
            page=page,
            errors=page.object_list,
            more_errors=job.error_count - len(job.errors or []),
            can_commit=job.status == RegistryImport.Status.CHECKED and job.error_count == 0,
        )
        return context


class ImportCommitView(ImportJobMixin, View):
    def post(self, request, pk):
        job = self.get_permission_object()
        try:
            imports.registry_import_request_commit(by=request.user, job=job)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("people:registry-import-job", pk=job.pk)


# --- Export -------------------------------------------------------------------------------------------------


class ExportForm(forms.Form):
    grid = forms.RegexField(
        label=gettext_lazy("Place code starts with"),
        regex=r"^[0-9]{6,15}$",
        required=False,
        error_messages={"invalid": gettext_lazy("A place code has 6 to 15 digits.")},
    )
    tag = forms.ChoiceField(label=gettext_lazy("Tag"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any status")), *ResidentStatus.choices],
    )
    full_values = forms.BooleanField(label=gettext_lazy("Full ID numbers and phones"), required=False)
    reason = forms.CharField(label=gettext_lazy("Reason for full values"), required=False, max_length=300)

    def __init__(self, *args, may_reveal=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [
            ("", gettext_lazy("Any tag")),
            *Tag.choices,
            ("aged_60", gettext_lazy("Aged 60 or more")),
            ("aged_70", gettext_lazy("Aged 70 or more")),
            ("aged_80", gettext_lazy("Aged 80 or more")),
            ("child_under_14", gettext_lazy("Child under 14")),
        ]
        if not may_reveal:
            del self.fields["full_values"]
            del self.fields["reason"]

    def filters(self) -> dict:
        data = self.cleaned_data
        filters = {key: data[key] for key in ("tag", "status") if data.get(key)}
        if data.get("grid"):
            filters["place"] = data["grid"]
        return filters


def export_scope(user, grid: str) -> str:
    """The place an export covers: the grid (or place) asked for if the user may export it, else 404; without
    one, the common prefix of the user's export scopes."""
    if grid:
        if not scope.covers(user, grid, EXPORT_ROLES):
            raise Http404
        return grid
    # Character by character, then cut back to a whole place code (6, 9, 12 or 15 digits).
    shared = commonprefix(scope.role_codes(user, EXPORT_ROLES))  # noqa: RUF071
    return shared[: max((n for n in (0, 6, 9, 12, 15) if n <= len(shared)), default=0)]


def export_may_reveal(user, grid: str) -> bool:
    codes = [grid] if grid else scope.role_codes(user, EXPORT_ROLES)
    return bool(codes) and all(imports.export_may_reveal(user=user, place_code=code) for code in codes)


class ExportPageView(PermissionRequiredMixin, TemplateView):
    permission_required = "people.export_registry"
    template_name = "people/imports/export.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        may_reveal = export_may_reveal(self.request.user, "")
        context.update(form=kwargs.get("form") or ExportForm(may_reveal=may_reveal), may_reveal=may_reveal)
        return context


class ExportView(PermissionRequiredMixin, View):
    """The residents the filters select, as .xlsx: GET gives masked values; full values are a POST with a
    reason, allowed only to readers who may reveal over the whole exported scope."""

    permission_required = "people.export_registry"

    def get(self, request):
        return self._export(request, ExportForm(request.GET), full=False)

    def post(self, request):
        form = ExportForm(request.POST, may_reveal=True)
        return self._export(request, form, full=bool(request.POST.get("full_values")))

    def _export(self, request, form, *, full: bool):
        user = request.user
        if not form.is_valid():
            page = ExportPageView(request=request, kwargs={})
            return page.render_to_response(page.get_context_data(form=form), status=400)
        grid = form.cleaned_data.get("grid") or ""
        place_code = export_scope(user, grid)
        if full and not export_may_reveal(user, grid):
            raise PermissionDenied
        residents = residents_for_user(user=user, filters=form.filters()).filter(
            scope.scope_q(user, roles=EXPORT_ROLES)
        )
        try:
            path = imports.registry_export(
                by=user,
                residents=residents,
                place_code=place_code,
                full_values=full,
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as error:
            page = ExportPageView(request=request, kwargs={})
            bound = ExportForm(request.POST, may_reveal=True)
            bound.is_valid()
            for field, errors in error.message_dict.items():
                bound.add_error(field if field in bound.fields else None, errors)
            return page.render_to_response(page.get_context_data(form=bound), status=400)
        return _Download.response(path, f"registry-{timezone.localdate():%Y%m%d}.xlsx")
