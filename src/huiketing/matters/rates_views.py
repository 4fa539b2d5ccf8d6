"""The three rates (三率) for staff: a page, its .xlsx export and a print layout for the notice board.

Rates are computed from the records for matters raised in a period (`selectors.rates`): response (dispatches
signed for within their deadline), resolution (done or closed over taken on) and satisfaction (satisfied and
basically satisfied over evaluations), each with the counts behind it, grouped by place or by handling unit,
within a place of the user's scope (another place is a 404, as a missing one is). Department staff read the
rates of their own units. The API (`rates_api`) answers the same question with the same rules.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views import View
from django.views.generic import TemplateView

from huiketing.core.permissions import PermissionRequiredMixin
from huiketing.matters import selectors

PLACE_CODE = re.compile(r"[0-9]{6}(?:[0-9]{3}){0,3}")
GROUP_LABELS = {
    "city": gettext_lazy("City"),
    "subdistrict": gettext_lazy("Subdistrict"),
    "community": gettext_lazy("Community"),
    "grid": gettext_lazy("Grid"),
    "unit": gettext_lazy("Handling unit"),
}
GROUPING_ERROR = gettext_lazy("Group by the place itself, a smaller place, or handling unit.")
# Grouping proposed first: one level below the place looked at.
FINER = {6: "subdistrict", 9: "community", 12: "grid", 15: "grid"}


# The question: period, place, grouping -------------------------------------------------------------------


def _year_before(day: dt.date) -> dt.date:
    """The day after the same date a year earlier: the first day of the twelve months ending on `day`."""
    try:
        earlier = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        earlier = day.replace(year=day.year - 1, day=28)
    return earlier + dt.timedelta(days=1)


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    start: dt.date
    end: dt.date


def presets(today: dt.date) -> list[Preset]:
    first = today.replace(day=1)
    last_month_end = first - dt.timedelta(days=1)
    return [
        Preset("this_month", _("This month"), first, today),
        Preset("last_month", _("Last month"), last_month_end.replace(day=1), last_month_end),
        Preset("this_year", _("This year"), today.replace(month=1, day=1), today),
        Preset("last_12_months", _("Last 12 months"), _year_before(today), today),
    ]


def rates_period(start: dt.date | None, end: dt.date | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """The period asked for, a missing end filled in (the last twelve months when neither is given)."""
    if start is None and end is None:
        start, end = _year_before(today), today
    elif start is None:
        start = _year_before(end)
    elif end is None:
        end = max(start, today)
    if end < start:
        raise ValidationError({"end": [_("The end of the period comes before its start.")]})
    return start, end


def groupings_for(scope_: selectors.RatesScope, within) -> list[str]:
    if scope_.units_only:
        return ["unit"]
    length = len(within.code) if within is not None else 0
    places = [
        group
        for group in ("city", "subdistrict", "community", "grid")
        if selectors.GROUP_LENGTH[group] >= length
    ]
    return [*places, "unit"]


def rates_grouping(group_by: str, scope_: selectors.RatesScope, within) -> str:
    allowed = groupings_for(scope_, within)
    if not group_by:
        return "unit" if scope_.units_only else FINER[len(within.code)] if within is not None else "city"
    if group_by not in allowed:
        raise ValidationError({"group_by": [str(GROUPING_ERROR)]})
    return group_by


def bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end] in days as [start 00:00, the day after end 00:00) in local time."""
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    )


def rates_within(user, scope_: selectors.RatesScope, code: str):
    code = (code or "").strip()
    if code and not PLACE_CODE.fullmatch(code):
        raise Http404
    return selectors.rates_within_get(user=user, scope_=scope_, within=code)


def place_label(place) -> str:
    return f"{place.name} · {place.code}"


class RatesForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    within = forms.ChoiceField(label=gettext_lazy("Place"), required=False)
    group_by = forms.ChoiceField(label=gettext_lazy("Group by"), required=False)

    def __init__(self, data, *, scope_, within, places, today: dt.date):
        super().__init__(data)
        self.scope_, self.within, self.today = scope_, within, today
        start, end = rates_period(None, None, today)
        self.fields["start"].initial, self.fields["end"].initial = start, end
        if scope_.units_only:
            del self.fields["within"]
        else:
            choices = [("", _("Everywhere"))] if scope_.everywhere and within is None else []
            choices += [(place.code, place_label(place)) for place in places]
            self.fields["within"].choices = choices
            self.fields["within"].initial = within.code if within is not None else ""
        groupings = groupings_for(scope_, within)
        self.fields["group_by"].choices = [(group, GROUP_LABELS[group]) for group in groupings]
        self.fields["group_by"].initial = rates_grouping("", scope_, within)
        self.fields["group_by"].error_messages["invalid_choice"] = GROUPING_ERROR
        if len(groupings) == 1:
            self.fields["group_by"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        try:
            data["start"], data["end"] = rates_period(data.get("start"), data.get("end"), self.today)
            data["group_by"] = rates_grouping(data.get("group_by") or "", self.scope_, self.within)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field, messages)
        return data


# Pages ------------------------------------------------------------------------------------------------------


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def cells(rates: selectors.Rates) -> dict:
    return {
        "response": percent(rates.response_rate),
        "resolution": percent(rates.resolution_rate),
        "satisfaction": percent(rates.satisfaction_rate),
        "satisfied": rates.satisfied + rates.basically,
        "rates": rates,
    }


class RatesMixin(PermissionRequiredMixin):
    permission_required = "matters.view_rates"

    def rates_question(self):
        """(form, table): the bound form, and the table it asks for (None while the form has errors)."""
        user = self.request.user
        scope_ = self.scope_ = selectors.rates_scope(user=user)
        within = rates_within(user, scope_, self.request.GET.get("within", ""))
        extra = within.code if within is not None else ""
        places = selectors.rates_places(user=user, scope_=scope_, extra=extra)
        today = timezone.localdate()
        data = self.request.GET.copy()
        data.pop("lang", None)
        form = RatesForm(data or None, scope_=scope_, within=within, places=places, today=today)
        if form.is_bound and not form.is_valid():
            return form, None
        if form.is_bound:
            start, end, group_by = (
                form.cleaned_data["start"],
                form.cleaned_data["end"],
                form.cleaned_data["group_by"],
            )
        else:
            (start, end), group_by = rates_period(None, None, today), rates_grouping("", scope_, within)
        first, after = bounds(start, end)
        table = selectors.rates_table(scope_=scope_, start=first, end=after, within=within, group_by=group_by)
        table.first_day, table.last_day = start, end
        return form, table

    def question_query(self, table, **override) -> str:
        query = QueryDict(mutable=True)
        query["start"], query["end"] = table.first_day.isoformat(), table.last_day.isoformat()
        if table.within is not None:
            query["within"] = table.within.code
        query["group_by"] = table.group_by
        for key, value in override.items():
            query[key] = value
        return query.urlencode()

    def table_context(self, form, table) -> dict:
        context = {"form": form, "table": table}
        if table is None:
            return context
        context.update(
            total=cells(table.total),
            rows=[{"key": row.key, "name": row.name, **cells(row.rates)} for row in table.rows],
            group_label=GROUP_LABELS[table.group_by],
            units_only=self.scope_.units_only,
            query=self.question_query(table),
            presets=[
                {
                    "label": preset.label,
                    "query": self.question_query(
                        table, start=preset.start.isoformat(), end=preset.end.isoformat()
                    ),
                    "current": (preset.start, preset.end) == (table.first_day, table.last_day),
                }
                for preset in presets(timezone.localdate())
            ],
        )
        return context


class RatesView(RatesMixin, TemplateView):
    """The rates of a period within a place, grouped, with the counts behind each rate."""

    template_name = "matters/rates.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.table_context(*self.rates_question()))
        return context


class RatesPrintView(RatesView):
    """The same figures laid out for printing and posting on the notice board."""

    template_name = "matters/rates_print.html"


class RatesExportView(RatesMixin, View):
    """The table of the page as .xlsx (aggregates only: no personal data)."""

    def get(self, request, *args, **kwargs):
        from huiketing.people import xlsx
        from huiketing.people.import_views import _Download

        _form, table = self.rates_question()
        if table is None:
            raise Http404
        headers = [
            str(GROUP_LABELS[table.group_by]),
            _("Code"),
            _("Response rate (%)"),
            _("Signed for in time"),
            _("Due to be signed for"),
            _("Resolution rate (%)"),
            _("Resolved"),
            _("Taken on"),
            _("Satisfaction rate (%)"),
            _("Satisfied"),
            _("Basically satisfied"),
            _("Evaluated"),
        ]

        def line(name: str, key: str, rates: selectors.Rates) -> list:
            def pct(value):
                return round(value * 100, 1) if value is not None else ""

            return [
                name,
                key if table.group_by != "unit" else "",
                pct(rates.response_rate),
                rates.signed_in_time,
                rates.due_to_sign,
                pct(rates.resolution_rate),
                rates.resolved,
                rates.taken_on,
                pct(rates.satisfaction_rate),
                rates.satisfied,
                rates.basically,
                rates.evaluated,
            ]

        where = place_label(table.within) if table.within is not None else _("Everywhere")
        rows = [line(row.name, row.key, row.rates) for row in table.rows]
        rows.append(line(_("All: %(place)s") % {"place": where}, "", table.total))
        rows.append([])
        rows.append([_("Problems solved"), "", table.problems_solved])
        rows.append(
            [_("Matters raised from"), "", table.first_day, pgettext("date range", "to"), table.last_day]
        )
        path = xlsx.workbook_write(
            title=_("The three rates"), headers=headers, rows=rows, text_columns=(0, 1)
        )
        code = table.within.code if table.within is not None else "all"
        return _Download.response(path, f"rates-{code}-{table.first_day:%Y%m%d}-{table.last_day:%Y%m%d}.xlsx")
