"""Forms of the staff pages of projects. They parse input only; the services decide what is valid, and their
errors are put back next to the fields they name (`add_service_errors`)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiketing.core.forms import add_service_errors  # noqa: F401  (the staff views call forms.add_service_errors)
from huiketing.core.i18n import pick
from huiketing.places.models import Level as PlaceLevel

from .models import FundingSource, Party, Photo, Status

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
USER_TEXT = {"dir": "auto"}


def place_choices(places) -> list[tuple[str, str]]:
    """Places as "name · code", communities and grids indented under their subdistricts."""
    indent = {PlaceLevel.SUBDISTRICT: "", PlaceLevel.COMMUNITY: "· ", PlaceLevel.GRID: "· · "}
    return [(code, f"{indent.get(level, '')}{pick(names) or code} · {code}") for code, names, level in places]


class ProjectForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"), max_length=200, widget=forms.TextInput(attrs=USER_TEXT)
    )
    description = forms.CharField(
        label=gettext_lazy("What the project will do"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5, **USER_TEXT}),
    )
    place_code = forms.ChoiceField(label=gettext_lazy("Place"))
    budget = forms.CharField(
        label=gettext_lazy("Budget (yuan)"),
        required=False,
        widget=MONEY,
        help_text=gettext_lazy("0 when no budget is fixed."),
    )
    funding_source = forms.ChoiceField(label=gettext_lazy("Source of funds"), choices=FundingSource.choices)
    funding_note = forms.CharField(
        label=gettext_lazy("About the funds"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("For example the fund's name, or who donated."),
    )
    starts_on = forms.DateField(label=gettext_lazy("Starts on"), required=False, widget=DATE)
    due_on = forms.DateField(label=gettext_lazy("Due on"), required=False, widget=DATE)

    def __init__(self, *args, places, with_spent: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place_code"].choices = [("", _("Choose…")), *place_choices(places)]
        if with_spent:
            self.fields["spent"] = forms.CharField(
                label=gettext_lazy("Spent so far (yuan)"),
                required=False,
                widget=MONEY,
                help_text=gettext_lazy("Not more than the budget; the public page shows it."),
            )


class MilestoneForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Milestone"), max_length=200, widget=forms.TextInput(attrs=USER_TEXT)
    )
    due_on = forms.DateField(label=gettext_lazy("Due on"), widget=DATE)
    weight = forms.IntegerField(
        label=gettext_lazy("Weight"),
        min_value=1,
        max_value=100,
        initial=1,
        help_text=gettext_lazy("How much of the whole work this step is; progress adds up the weights done."),
    )


class MilestoneRowForm(MilestoneForm):
    """A row of the milestones set out when the project is created; an empty row is left out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        self.fields["weight"].help_text = ""

    def clean(self):
        data = super().clean()
        if not self.has_changed() or not any(data.get(name) for name in ("title", "due_on")):
            return data
        for name in ("title", "due_on"):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("This field is required."))
        return data

    def value(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("title") and not data.get("due_on"):
            return None
        return {"title": data["title"], "due_on": data["due_on"], "weight": data.get("weight") or 1}


MilestoneFormSet = forms.formset_factory(MilestoneRowForm, extra=5, max_num=20)


class PartyForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Party.Kind.choices)
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=Party.Role.choices, initial=Party.Role.SUPPORT
    )
    unit = forms.TypedChoiceField(
        label=gettext_lazy("Handling unit"), required=False, coerce=int, empty_value=None
    )
    organisation = forms.TypedChoiceField(
        label=gettext_lazy("Or an organisation"), required=False, coerce=int, empty_value=None
    )
    name = forms.CharField(
        label=gettext_lazy("Or a name"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("For a volunteer team or a group of residents, for example."),
    )

    def __init__(self, *args, units=(), organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in units}
        self.organisations = {org.pk: org for org in organisations}
        self.fields["unit"].choices = [("", "—")] + [
            (unit.pk, f"{unit} · {unit.get_kind_display()}") for unit in units
        ]
        self.fields["organisation"].choices = [("", "—")] + [
            (org.pk, f"{org} · {org.get_kind_display()}") for org in organisations
        ]

    def value(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "role": data["role"],
            "unit": self.units.get(data.get("unit")),
            "organisation": self.organisations.get(data.get("organisation")),
            "name": data.get("name", ""),
        }


class PartyRowForm(PartyForm):
    """A row of the parties named when the project is created; an empty row is left out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "role"):
            self.fields[name].required = False
        self.fields["kind"].choices = [("", "—"), *Party.Kind.choices]

    def value(self) -> dict | None:
        data = self.cleaned_data
        if not (data.get("unit") or data.get("organisation") or data.get("name")):
            return None
        return {**super().value(), "role": data.get("role") or Party.Role.SUPPORT}

    def clean(self):
        data = super().clean()
        chosen = data.get("unit") or data.get("organisation") or data.get("name")
        if chosen and not data.get("kind") and "kind" not in self.errors:
            self.add_error("kind", _("Choose what kind of party this is."))
        return data


def party_formset(data=None, *, units, organisations, prefix="parties"):
    formset_class = forms.formset_factory(PartyRowForm, extra=3, max_num=10)
    return formset_class(data, prefix=prefix, form_kwargs={"units": units, "organisations": organisations})


class PhotoForm(forms.Form):
    stage = forms.ChoiceField(
        label=gettext_lazy("Stage"), choices=Photo.Stage.choices, widget=forms.RadioSelect
    )
    image = forms.FileField(
        label=gettext_lazy("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        help_text=gettext_lazy("Stored without its hidden data (such as where it was taken)."),
    )
    caption = forms.CharField(label=gettext_lazy("Caption"), required=False, max_length=200)


class MilestoneDoneForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs=USER_TEXT),
        help_text=gettext_lazy("What was done, for the public timeline."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, **USER_TEXT}),
        help_text=gettext_lazy("Shown on the public page."),
    )


class FinishForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What was done"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, **USER_TEXT}),
        help_text=gettext_lazy(
            "Shown on the public page, and as the result of the matter the project carries out."
        ),
    )


class EmptyForm(forms.Form):
    """An action with no fields; carries the service's error as a non-field error."""


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")], widget=forms.HiddenInput)


class ParticipationForm(forms.Form):
    resident = forms.TypedChoiceField(label=gettext_lazy("Resident"), coerce=int, widget=forms.RadioSelect)
    what = forms.CharField(
        label=gettext_lazy("What they did"), max_length=200, widget=forms.TextInput(attrs=USER_TEXT)
    )

    def __init__(self, *args, residents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].choices = [(r.pk, r.label) for r in residents]


class ResidentSearchForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Resident's name"), required=False, max_length=50)


STAFF_STATUS_CHOICES = [("", gettext_lazy("Any status")), ("late", gettext_lazy("Late")), *Status.choices]


class StaffFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=STAFF_STATUS_CHOICES)
    q = forms.CharField(label=gettext_lazy("Number or words"), required=False, max_length=100)
    place = forms.ChoiceField(label=gettext_lazy("Place"), required=False)

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [("", _("All my places")), *place_choices(places)]
        if not places:
            del self.fields["place"]

    def filters(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if value}
