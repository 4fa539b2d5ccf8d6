"""Pages of visits: the door page a phone opens by scanning the venue's QR code (choose the purpose, one
tap), the visitor's one-tap rating, the staff's door page (the QR code, walk-in and head-count buttons,
today's count) and the visits statistics with their spreadsheet export.

Venues and visits are fetched through `visit_selectors` (another place's venue, or someone else's visit,
looks missing). Every write is one service call; a refused one comes back on its page with the service's
translated message next to its field (status 400).
"""

import tempfile

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.generic import TemplateView

from huiketing.core.forms import add_service_errors
from huiketing.core.permissions import PermissionRequiredMixin
from huiketing.people import selectors as people_selectors
from huiketing.people.models import ResidentStatus
from huiketing.people.verification import masked_name
from huiketing.people.xlsx import xlsx_cells, xlsx_download, xlsx_sheet

from . import visit_selectors as selectors
from . import visit_services as services
from .visit_models import Satisfaction, VisitPurpose


def _no_cache(response):
    add_never_cache_headers(response)
    return response


def qr_svg(url: str, *, scale: int) -> str:
    """The door's check-in address as an inline SVG QR code, drawn here (no outside service)."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=scale, border=2, title=_("QR code to check in"))


class PurposeForm(forms.Form):
    """Why the person came; a service or an event of this venue when that is the purpose."""

    purpose = forms.ChoiceField(
        label=gettext_lazy("I came for"), choices=VisitPurpose.choices, widget=forms.RadioSelect
    )
    item = forms.TypedChoiceField(label=gettext_lazy("Service"), coerce=int, required=False, empty_value=None)
    event = forms.TypedChoiceField(label=gettext_lazy("Event"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, venue, **kwargs):
        super().__init__(*args, **kwargs)
        self.items, self.events = selectors.venue_purposes_today(venue=venue)
        self.fields["item"].choices = [("", "—")] + [(pk, str(i)) for pk, i in self.items.items()]
        self.fields["event"].choices = [("", "—")] + [(pk, str(e)) for pk, e in self.events.items()]
        self.fields["purpose"].error_messages["required"] = _("Choose the purpose of the visit.")

    def chosen(self) -> dict:
        data = self.cleaned_data
        return {
            "purpose": data["purpose"],
            "item": self.items.get(data.get("item")) if data.get("item") else None,
            "event": self.events.get(data.get("event")) if data.get("event") else None,
        }


# The door, on the visitor's phone ---------------------------------------------------------------------------


class CheckInView(PermissionRequiredMixin, TemplateView):
    """Opened by scanning the QR code at the door: the visitor (signed in) chooses why they came, one tap."""

    permission_required = "hall.book"
    template_name = "hall/visit_check_in.html"

    def get_venue(self):
        if not hasattr(self, "venue"):
            try:
                self.venue = services.venue_for_token(self.kwargs["token"])
            except ValidationError:
                self.venue = None
        return self.venue

    def get(self, request, *args, **kwargs):
        venue = self.get_venue()
        if venue is None:
            return _no_cache(self.render_to_response({"unknown": True}, status=404))
        return _no_cache(self.render_to_response({"venue": venue, "form": PurposeForm(venue=venue)}))

    def post(self, request, *args, **kwargs):
        venue = self.get_venue()
        if venue is None:
            return _no_cache(self.render_to_response({"unknown": True}, status=404))
        form = PurposeForm(request.POST, venue=venue)
        if form.is_valid():
            try:
                visit = services.visit_check_in_by_token(
                    user=request.user, token=self.kwargs["token"], **form.chosen()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if visit.is_new:
                    messages.success(request, _("Welcome! Your visit is recorded."))
                else:
                    messages.info(request, _("You checked in here a moment ago; your visit is counted once."))
                return redirect("hall:visit-rate", pk=visit.pk)
        return _no_cache(self.render_to_response({"venue": venue, "form": form}, status=400))


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(choices=Satisfaction.choices)


class RateView(PermissionRequiredMixin, TemplateView):
    """The visitor's own visit, with three big buttons: good, fair, poor (once, within 24 hours)."""

    permission_required = "hall.rate_visit"
    template_name = "hall/visit_rate.html"

    def get_visit(self):
        if not hasattr(self, "visit"):
            self.visit = selectors.visit_get_for_visitor(user=self.request.user, visit_id=self.kwargs["pk"])
        return self.visit

    def get_permission_object(self):
        return self.get_visit()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visit = self.get_visit()
        open_until = visit.at + services.RATING_WINDOW
        context.update(
            visit=visit,
            choices=Satisfaction.choices,
            can_rate=(
                not visit.satisfaction
                and timezone.now() <= open_until
                and services.is_visitor(user=self.request.user, visit=visit)
            ),
        )
        return context

    def get(self, request, *args, **kwargs):
        return _no_cache(self.render_to_response(self.get_context_data()))

    def post(self, request, *args, **kwargs):
        visit = self.get_visit()
        form = RateForm(request.POST)
        refused = ""
        if form.is_valid():
            try:
                services.visit_rate(
                    by=request.user, visit=visit, satisfaction=form.cleaned_data["satisfaction"]
                )
            except ValidationError as error:
                refused = " ".join(error.messages)
            else:
                messages.success(request, _("Thank you for your rating."))
                return redirect("hall:visit-rate", pk=visit.pk)
        else:
            refused = _("Choose good, fair or poor.")
        context = self.get_context_data(refused=refused)
        return _no_cache(self.render_to_response(context, status=400))


# Staff: the door --------------------------------------------------------------------------------------------


WALK_IN_MATCHES = 20


class WalkInForm(forms.Form):
    """One person who came in without scanning: the purpose, optionally the service or event, and optionally
    the resident, found by name in the registry the staff member covers (two steps without script: find,
    then choose and record). Matches show masked names and ID numbers only."""

    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), choices=VisitPurpose.choices)
    item = forms.TypedChoiceField(
        label=gettext_lazy("Service (optional)"), coerce=int, required=False, empty_value=None
    )
    event = forms.TypedChoiceField(
        label=gettext_lazy("Event (optional)"), coerce=int, required=False, empty_value=None
    )
    find = forms.CharField(label=gettext_lazy("Name to find"), required=False, max_length=50)
    resident = forms.IntegerField(label=gettext_lazy("Resident"), required=False, widget=forms.RadioSelect)

    def __init__(self, *args, venue, matches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items, self.events = selectors.venue_purposes_today(venue=venue)
        walk_in = [(pk, str(i)) for pk, i in self.items.items() if not i.needs_booking]
        booked = [(pk, str(i)) for pk, i in self.items.items() if i.needs_booking]
        self.fields["item"].choices = [("", "—")] + [
            (label, group)
            for label, group in ((_("Without booking"), walk_in), (_("Booked ahead"), booked))
            if group
        ]
        self.fields["item"].error_messages["invalid_choice"] = _(
            "This service is not offered in this living room."
        )
        self.fields["event"].choices = [("", "—")] + [(pk, str(e)) for pk, e in self.events.items()]
        self.fields["event"].error_messages["invalid_choice"] = _(
            "This event is not held in this living room."
        )
        self.fields["find"].widget.attrs.update(autocomplete="off")
        self.fields["resident"].widget.choices = [("", _("Nobody named"))] + [
            (resident.pk, resident.label) for resident in matches
        ]

    def clean_find(self):
        return self.cleaned_data["find"].strip()

    def chosen(self) -> dict:
        data = self.cleaned_data
        return {
            "purpose": data["purpose"],
            "item": self.items.get(data.get("item")) if data.get("item") else None,
            "event": self.events.get(data.get("event")) if data.get("event") else None,
        }


def walk_in_matches(*, user, name: str) -> tuple[list, bool]:
    """Active residents in the user's registry scope whose name contains `name` (at most WALK_IN_MATCHES, and
    whether there were more), each with a label of masked name, ID number and phone: enough to tell people
    apart at the door, not to identify them. Nothing is revealed, so nothing is a full read."""
    name = (name or "").strip()
    if not name:
        return [], False
    found = list(
        people_selectors.residents_for_user(
            user=user, filters={"name": name, "status": ResidentStatus.ACTIVE}
        )[: WALK_IN_MATCHES + 1]
    )
    for resident in found:
        parts = (masked_name(resident.full_name), resident.id_number_masked, resident.phone_masked)
        resident.label = " · ".join(part for part in parts if part)
    return found[:WALK_IN_MATCHES], len(found) > WALK_IN_MATCHES


def walk_in_resident(*, user, resident_id: int | None):
    """The resident chosen for a walk-in: active and in the user's registry scope. A missing one and one out
    of scope are refused alike."""
    if resident_id is None:
        return None
    try:
        resident = people_selectors.resident_get_for_user(user=user, resident_id=resident_id)
    except Http404:
        resident = None
    if resident is None or resident.status != ResidentStatus.ACTIVE:
        raise ValidationError({"resident": _("Choose the resident from the search results.")})
    return resident


class HeadCountForm(forms.Form):
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), choices=VisitPurpose.choices)
    people = forms.IntegerField(label=gettext_lazy("People"), min_value=1, max_value=services.MAX_HEAD_COUNT)


class DoorStaffView(PermissionRequiredMixin, TemplateView):
    """The venue's door for staff: its QR code to print, a walk-in form, a head count, today's visits.

    A walk-in may name the service or event and the resident (found by name first: the "find" button shows
    the matches, then "record" records the one chosen); a head count names only the purpose."""

    permission_required = "hall.record_visit"
    template_name = "hall/visit_door.html"

    def get_venue(self):
        if not hasattr(self, "venue"):
            self.venue = selectors.venue_get_for_staff(user=self.request.user, venue_id=self.kwargs["pk"])
        return self.venue

    def get_permission_object(self):
        return self.get_venue()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        venue = self.get_venue()
        url = self.request.build_absolute_uri(reverse("hall:visit-check-in", args=[venue.check_in_token]))
        context.update(
            venue=venue,
            check_in_url=url,
            qr_svg=qr_svg(url, scale=6),
            today=selectors.visits_today(venue=venue),
            can_renew=self.request.user.has_perm("hall.manage", venue),
            walk_in_form=kwargs.get("walk_in_form") or WalkInForm(prefix="walk_in", venue=venue),
            walk_in_more=kwargs.get("walk_in_more", False),
            walk_in_searched=kwargs.get("walk_in_searched", False),
            head_count_form=kwargs.get("head_count_form") or HeadCountForm(prefix="head_count"),
        )
        return context

    def get(self, request, *args, **kwargs):
        return _no_cache(self.render_to_response(self.get_context_data()))

    def post(self, request, *args, **kwargs):
        venue = self.get_venue()
        if "renew" in request.POST:
            services.venue_check_in_token_renew(by=request.user, venue=venue)
            messages.success(
                request, _("The door has a new code: print it again; the old one no longer works.")
            )
            return redirect("hall:visit-door", pk=venue.pk)
        if "head_count-people" in request.POST:
            return self.head_count(request, venue)
        return self.walk_in(request, venue)

    def head_count(self, request, venue):
        form = HeadCountForm(request.POST, prefix="head_count")
        if form.is_valid():
            try:
                services.visit_head_count(
                    by=request.user,
                    venue=venue,
                    people=form.cleaned_data["people"],
                    purpose=form.cleaned_data["purpose"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Recorded."))
                return redirect("hall:visit-door", pk=venue.pk)
        return _no_cache(self.render_to_response(self.get_context_data(head_count_form=form), status=400))

    def walk_in(self, request, venue):
        """The find button shows the residents matching the name (nothing recorded); otherwise the walk-in is
        recorded, with the resident chosen among the matches, if any."""
        name = (request.POST.get("walk_in-find") or "").strip()[:50]
        matches, more = walk_in_matches(user=request.user, name=name)
        form = WalkInForm(request.POST, prefix="walk_in", venue=venue, matches=matches)
        if "walk_in-search" in request.POST:
            context = self.get_context_data(walk_in_form=form, walk_in_more=more, walk_in_searched=bool(name))
            return _no_cache(self.render_to_response(context))
        if form.is_valid():
            try:
                resident = walk_in_resident(user=request.user, resident_id=form.cleaned_data["resident"])
                services.visit_record_walk_in(
                    by=request.user, venue=venue, resident=resident, **form.chosen()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Recorded."))
                return redirect("hall:visit-door", pk=venue.pk)
        context = self.get_context_data(walk_in_form=form, walk_in_more=more, walk_in_searched=bool(name))
        return _no_cache(self.render_to_response(context, status=400))


# Staff: the statistics --------------------------------------------------------------------------------------


class StatisticsForm(forms.Form):
    venue = forms.TypedChoiceField(
        label=gettext_lazy("Living room"), coerce=int, required=False, empty_value=None
    )
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].choices = [("", _("All living rooms in my area"))] + [
            (v.pk, v.name) for v in venues
        ]


def statistics_for_request(request, data) -> tuple:
    """The filter form and the figures it asks for (None when the form is refused)."""
    venues = list(selectors.venues_for_staff(user=request.user))
    form = StatisticsForm(data, venues=venues)
    if not form.is_valid():
        return form, None
    try:
        start, end = selectors.statistics_range(
            start=form.cleaned_data["start"], end=form.cleaned_data["end"]
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return form, None
    figures = selectors.visit_statistics(
        user=request.user, start=start, end=end, venue_id=form.cleaned_data["venue"]
    )
    return form, figures


class StatisticsView(PermissionRequiredMixin, TemplateView):
    """Visits (人次) per day, purpose and hour of the day, unique visitors and satisfaction, for one venue or
    all venues in the reader's area; `?format=xlsx` downloads the same tables."""

    permission_required = "hall.view_statistics"
    template_name = "hall/visit_statistics.html"

    def get(self, request, *args, **kwargs):
        form, figures = statistics_for_request(request, request.GET)
        if figures is None:
            return self.render_to_response({"form": form}, status=400)
        if request.GET.get("format") == "xlsx":
            return statistics_xlsx(figures)
        venue_name = figures.venues[0].name if form.cleaned_data.get("venue") else ""
        return self.render_to_response(
            {"form": form, "figures": figures, "venue_name": venue_name, "query": request.GET.urlencode()}
        )


def statistics_xlsx(figures: selectors.VisitStatistics):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = xlsx_sheet(workbook, _("Per day"), [_("Day"), pgettext("living room", "Visits")], {0: 14})
    for day, visits in figures.per_day:
        sheet.append(xlsx_cells(sheet, [day.isoformat(), visits]))
    sheet = xlsx_sheet(workbook, _("Per purpose"), [_("Purpose"), pgettext("living room", "Visits")], {0: 20})
    for _code, label, visits in figures.per_purpose:
        sheet.append(xlsx_cells(sheet, [str(label), visits]))
    sheet = xlsx_sheet(workbook, _("Per hour"), [_("Hour"), pgettext("living room", "Visits")], {})
    for hour, visits in figures.per_hour:
        sheet.append(xlsx_cells(sheet, [f"{hour:02d}:00", visits]))
    sheet = xlsx_sheet(workbook, _("Summary"), [_("Figure"), _("Value")], {0: 30})
    rows = [
        (_("Living rooms"), ", ".join(v.name for v in figures.venues)),
        (_("From"), figures.start.isoformat()),
        (_("To"), figures.end.isoformat()),
        (pgettext("living room", "Visits"), figures.total),
        (_("Unique visitors (head counts not included)"), figures.unique_visitors),
        (_("Ratings"), figures.rated),
    ]
    rows += [(str(label), count) for _code, label, count, _percent in figures.satisfaction]
    for values in rows:
        sheet.append(xlsx_cells(sheet, values))
    handle = tempfile.NamedTemporaryFile(prefix="huiketing-", suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    workbook.save(handle.name)
    return xlsx_download(handle.name, f"visits-{figures.start:%Y%m%d}-{figures.end:%Y%m%d}.xlsx")
