"""Pages of minutes: the public minutes, their print layout for the notice board (公示栏) and their PDF,
and the staff page where minutes are generated, edited beside the figures computed from the records,
published and unpublished.

The three public views show published minutes to everyone; a draft only to those who may edit it (a preview),
and is a 404 to everyone else. They render one template for the minutes' body, in the minutes' language.
Staff actions are small POST forms, each one service call; a refused one comes back on the staff page with
the service's message next to the field it concerns (status 400).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from huiketing.core.permissions import PUBLIC, PermissionRequiredMixin

from . import minutes_pdf, minutes_selectors, minutes_services
from .minutes_selectors import CLOSING, EDIT_PERMISSION, OPENING, MinutesDocument
from .models import MinutesStatus

PART_LABELS = {
    OPENING: gettext_lazy("Opening: date, place, chair and recorder"),
    "summary": gettext_lazy("What the speakers said"),
    "decision": gettext_lazy("Decision and its reasons"),
    "follow_up": gettext_lazy("Follow-up"),
    CLOSING: gettext_lazy("Closing"),
}
TEXTAREA_ROWS = {OPENING: 3, "summary": 6, "decision": 4, "follow_up": 3, CLOSING: 2}


def field_name(key: str) -> str:
    """A form field's name for a part of the minutes ("item:12:summary" → "item-12-summary")."""
    return key.replace(":", "-")


def _part(key: str) -> str:
    return key.rsplit(":", 1)[-1]


# Public pages -------------------------------------------------------------------------------------


class MinutesReaderMixin(PermissionRequiredMixin):
    """The minutes of the URL's meeting: published ones for everyone, a draft for its editors (else 404)."""

    permission_required = PUBLIC

    def get_document(self) -> MinutesDocument:
        if not hasattr(self, "document"):
            meeting = minutes_selectors.minutes_get_for_reader(
                user=self.request.user, meeting_id=self.kwargs["pk"]
            )
            self.document = minutes_selectors.minutes_document(meeting=meeting)
        return self.document

    def finish(self, response):
        if not self.get_document().is_published:
            add_never_cache_headers(response)  # a draft changes under the editors' hands
        return response


class MinutesView(MinutesReaderMixin, TemplateView):
    """The minutes on the site: the body in the minutes' language inside the reader's page."""

    template_name = "meetings/minutes_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document = self.get_document()
        context.update(
            doc=document,
            can_edit=self.request.user.has_perm(EDIT_PERMISSION, document.meeting),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        return self.finish(super().render_to_response(context, **response_kwargs))


class MinutesPrintView(MinutesReaderMixin, View):
    """The print layout: A4, large type, no navigation, wholly in the minutes' language."""

    def get(self, request, pk: int):
        html = minutes_pdf.minutes_print_html(document=self.get_document())
        return self.finish(HttpResponse(html, content_type="text/html; charset=utf-8"))


class MinutesPdfView(MinutesReaderMixin, View):
    """The print layout as a PDF, drawn on request."""

    def get(self, request, pk: int):
        document = self.get_document()
        response = HttpResponse(minutes_pdf.minutes_pdf(document=document), content_type="application/pdf")
        response["Content-Disposition"] = minutes_pdf.content_disposition(document)
        return self.finish(response)


# Staff page ---------------------------------------------------------------------------------------


class GenerateForm(forms.Form):
    reset = forms.BooleanField(
        label=gettext_lazy("Start again from the records, discarding the changes made by hand"),
        required=False,
    )


class SectionsForm(forms.Form):
    """One text area per part of the minutes, written in the minutes' language and direction."""

    def __init__(self, *args, keys: list[str], language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = keys
        direction = "rtl" if minutes_selectors.is_bidi(language) else "ltr"
        for key in keys:
            part = _part(key)
            self.fields[field_name(key)] = forms.CharField(
                label=PART_LABELS[part],
                required=False,
                strip=False,  # the service trims and checks, and says what it refused
                widget=forms.Textarea(
                    attrs={"rows": TEXTAREA_ROWS[part], "lang": language, "dir": direction}
                ),
            )

    def sections(self) -> dict[str, str]:
        """The texts sent; a part left out of the request is left as it is."""
        return {key: self.cleaned_data[field_name(key)] for key in self.keys if field_name(key) in self.data}


class UnpublishForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why are the minutes taken back?"),
        max_length=minutes_services.REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Shown on the meeting's timeline and kept in the audit log."),
    )


class MeetingMinutesMixin(PermissionRequiredMixin):
    """The meeting of the URL, through the scoped selector, before the permission is checked."""

    permission_required = EDIT_PERMISSION

    def get_meeting(self):
        if not hasattr(self, "meeting"):
            self.meeting = minutes_selectors.meeting_get_for_minutes(
                user=self.request.user, meeting_id=self.kwargs["pk"]
            )
        return self.meeting

    def get_permission_object(self):
        return self.get_meeting()


class StaffMinutesView(MeetingMinutesMixin, TemplateView):
    """Generate, edit, publish and unpublish a meeting's minutes; each text beside the figures of its part."""

    template_name = "meetings/minutes_staff.html"

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        add_never_cache_headers(response)
        return response

    def get_context_data(self, bound: dict | None = None, failed: str = "", **kwargs):
        context = super().get_context_data(**kwargs)
        bound = bound or {}
        meeting = self.get_meeting()
        minutes = minutes_selectors.minutes_of(meeting)
        # The figures in the reader's language, beside the texts in the minutes' language.
        document = minutes_selectors.minutes_document(meeting=meeting, language=translation.get_language())
        language = minutes.language if minutes is not None else meeting.language
        keys = minutes_selectors.section_keys([item.pk for item in document.items])
        texts = minutes_selectors.section_texts(minutes)
        is_draft = minutes is not None and minutes.status == MinutesStatus.DRAFT
        sections_form = bound.get("save") or SectionsForm(
            keys=keys,
            language=language,
            initial={field_name(key): texts.get(key, "") for key in keys},
            auto_id="minutes_%s",
        )
        edited = minutes_selectors.edited_keys(minutes)

        def part(key: str, figures: str = "", item=None, heading: bool = False) -> dict:
            return {
                "field": sections_form[field_name(key)],
                "edited": key in edited,
                "figures": figures,
                "item": item,
                "heading": heading,
            }

        parts = [part(OPENING, "facts"), {"figures": "attendance"}]
        for item in document.items:
            parts.append(part(item.keys["summary"], "votes", item, heading=True))
            parts.append(part(item.keys["decision"], "decision", item))
            parts.append(part(item.keys["follow_up"], item=item))
        parts.append(part(CLOSING))
        failed_form = bound.get(failed)
        context.update(
            meeting=meeting,
            minutes=minutes,
            doc=document,
            language=language,
            language_name=translation.get_language_info(language)["name_translated"],
            is_draft=is_draft,
            is_published=minutes is not None and minutes.status == MinutesStatus.PUBLISHED,
            parts=parts,
            can_generate=meeting.status in minutes_services.GENERATE_FROM and (minutes is None or is_draft),
            can_publish=is_draft and meeting.status in minutes_services.PUBLISH_FROM,
            forms={
                "generate": bound.get("generate") or GenerateForm(auto_id="generate_%s"),
                "save": sections_form,
                "unpublish": bound.get("unpublish") or UnpublishForm(auto_id="unpublish_%s"),
            },
            failed=failed,
            failed_errors=[str(m) for errors in failed_form.errors.values() for m in errors]
            if failed_form is not None
            else [],
        )
        return context


def _add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """The service's error next to the field it names, or above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.message_dict.items():
        name = field_name(key)
        form.add_error(name if name in form.fields else None, errors)


class MinutesActionView(StaffMinutesView):
    """One action on the minutes: validate the form, call one service, go back to the staff page."""

    http_method_names = ["post"]
    name = ""
    success_message = gettext_lazy("Done.")

    def make_form(self, data):
        return forms.Form(data)

    def perform(self, form) -> None:
        raise NotImplementedError

    def minutes(self):
        minutes = minutes_selectors.minutes_of(self.get_meeting())
        if minutes is None:
            raise ValidationError(_("There are no minutes yet: generate them from the records first."))
        return minutes

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                self.perform(form)
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, str(self.success_message))
                return redirect(reverse("meetings:staff-minutes", kwargs={"pk": self.get_meeting().pk}))
        # The page as it is now (the failed service rolled back), with the form as it was sent.
        if hasattr(self, "meeting"):
            del self.meeting
        return self.render_to_response(
            self.get_context_data(bound={self.name: form}, failed=self.name), status=400
        )


class MinutesGenerateView(MinutesActionView):
    name = "generate"
    success_message = gettext_lazy("The minutes were written from the meeting's records.")

    def make_form(self, data):
        return GenerateForm(data, auto_id="generate_%s")

    def perform(self, form):
        minutes_services.minutes_generate(
            by=self.request.user, meeting=self.get_meeting(), reset=form.cleaned_data["reset"]
        )


class MinutesSaveView(MinutesActionView):
    name = "save"
    success_message = gettext_lazy("The minutes are saved.")

    def make_form(self, data):
        meeting = self.get_meeting()
        minutes = minutes_selectors.minutes_of(meeting)
        item_ids = list(meeting.items.order_by("position", "id").values_list("pk", flat=True))
        return SectionsForm(
            data,
            keys=minutes_selectors.section_keys(item_ids),
            language=minutes.language if minutes is not None else meeting.language,
            auto_id="minutes_%s",
        )

    def perform(self, form):
        minutes_services.minutes_update(
            by=self.request.user, minutes=self.minutes(), sections=form.sections()
        )


class MinutesPublishView(MinutesActionView):
    name = "publish"
    success_message = gettext_lazy("The minutes are published; the participants were told.")

    def perform(self, form):
        minutes_services.minutes_publish(by=self.request.user, minutes=self.minutes())


class MinutesUnpublishView(MinutesActionView):
    name = "unpublish"
    success_message = gettext_lazy("The minutes are a draft again: correct them, then publish them again.")

    def make_form(self, data):
        return UnpublishForm(data, auto_id="unpublish_%s")

    def perform(self, form):
        minutes_services.minutes_unpublish(
            by=self.request.user, minutes=self.minutes(), reason=form.cleaned_data["reason"]
        )
