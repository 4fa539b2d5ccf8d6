"""Forms of the registry's staff pages: they parse input; the services check it and name the faulty field."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huiketing.core.forms import add_service_errors  # noqa: F401  (the registry views import it here)
from huiketing.people import validators
from huiketing.people.ethnic_groups import ETHNIC_GROUPS, ethnic_group_name
from huiketing.people.models import Consent, Household, Relation, ResidentStatus, Tag
from huiketing.people.selectors import AGE_TAGS
from huiketing.people.services import MIN_REASON_LENGTH, REVEALABLE

# Labels of the computed tags (people.selectors.AGE_TAGS), next to the tags staff set.
AGE_TAG_LABELS = {
    "aged_60": _("Aged 60 or over"),
    "aged_70": _("Aged 70 or over"),
    "aged_80": _("Aged 80 or over"),
    "child_under_14": _("Child under 14"),
}
assert set(AGE_TAG_LABELS) == set(AGE_TAGS)
TAG_LABELS = {**dict(Tag.choices), **AGE_TAG_LABELS}


def tag_label(tag: str) -> str:
    return str(TAG_LABELS.get(tag, tag))


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def search_number(value: str) -> tuple[str, str]:
    """("id_number" | "phone", normalised number) for what was typed in the "ID number or phone" box.

    Only complete numbers are searched (the keyed hash matches exactly); anything else is an error.
    """
    try:
        return "id_number", validators.id_number_normalise(value, field_name="number").number
    except ValidationError:
        pass
    try:
        return "phone", validators.phone_normalise(value, field_name="number").number
    except ValidationError:
        raise ValidationError(
            _("Enter a complete ID number (18 characters) or phone number: only exact numbers are searched."),
            code="number_incomplete",
        ) from None


class GridField(forms.CharField):
    """A grid chosen by its code from the grids in the user's scope. The view fetches it through a scoped
    selector, so a forged code answers 404 like any other place outside the scope."""

    def __init__(self, *, grids=(), **kwargs):
        kwargs.setdefault("label", _("Grid"))
        kwargs.setdefault("max_length", 15)
        super().__init__(widget=forms.Select, **kwargs)
        self.set_grids(grids)

    def set_grids(self, grids, blank_label=None) -> None:
        choices = [(grid.code, f"{grid.name} · {grid.code}") for grid in grids]
        if blank_label is not None:
            choices.insert(0, ("", blank_label))
        self.widget.choices = choices


class ResidentFilterForm(forms.Form):
    grid = forms.ChoiceField(label=_("Grid"), required=False)
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *ResidentStatus.choices]
    )
    name = forms.CharField(label=_("Name contains"), required=False, max_length=50)

    def __init__(self, *args, grids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].choices = [("", _("All my grids"))] + [
            (grid.code, f"{grid.name} · {grid.code}") for grid in grids
        ]
        self.fields["tag"].choices = [("", _("Any tag")), *TAG_LABELS.items()]

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def filters(self) -> dict:
        """The selector's filters (people.selectors.residents_for_user)."""
        data = self.cleaned_data
        filters = {key: data[key] for key in ("tag", "status", "name") if data.get(key)}
        if data.get("grid"):
            filters["place"] = data["grid"]
        return filters


class NumberSearchForm(forms.Form):
    """Exact search by a whole ID number or phone. Sent by POST, so that the number never lands in a URL
    (nor in a proxy's or browser's history)."""

    number = forms.CharField(label=_("ID number or phone"), max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].widget.attrs.update(autocomplete="off")

    def clean_number(self):
        return search_number(self.cleaned_data["number"].strip())

    def filters(self) -> dict:
        kind, number = self.cleaned_data["number"]
        return {kind: number}


class HouseholdFilterForm(forms.Form):
    grid = forms.ChoiceField(label=_("Grid"), required=False)
    building = forms.CharField(label=_("Building"), required=False, max_length=30)

    def __init__(self, *args, grids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].choices = [("", _("All my grids"))] + [
            (grid.code, f"{grid.name} · {grid.code}") for grid in grids
        ]

    def filters(self) -> dict:
        data = self.cleaned_data
        filters = {}
        if data.get("grid"):
            filters["place"] = data["grid"]
        if building := (data.get("building") or "").strip():
            filters["building"] = building
        return filters


class HouseholdForm(forms.Form):
    grid = GridField()
    building = forms.CharField(label=_("Building"), max_length=30)
    unit = forms.CharField(label=_("Unit"), max_length=10, required=False)
    room = forms.CharField(label=_("Room"), max_length=10)
    type = forms.ChoiceField(label=_("Type"), choices=Household.Type.choices, initial=Household.Type.OWNER)
    address_note = forms.CharField(label=_("Address note"), max_length=200, required=False)

    def __init__(self, *args, grids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].set_grids(grids)


def _ethnic_group_choices():
    return [("", _("Not recorded"))] + [(code, ethnic_group_name(code)) for code in ETHNIC_GROUPS]


class ResidentForm(forms.Form):
    """A new resident, or changes to one. When editing, an empty ID number or phone keeps the current value:
    the full values are never put back into the form (that would show them without a reveal)."""

    full_name = forms.CharField(label=_("Full name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=40, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    ethnic_group = forms.ChoiceField(label=_("Ethnic group"), required=False)
    relation = forms.ChoiceField(
        label=_("Relation to the householder"),
        required=False,
        choices=[("", _("Not recorded")), *Relation.choices],
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        required=False,
        choices=[("", _("Not recorded")), *settings.LANGUAGES],
    )
    moved_in_on = forms.DateField(label=_("Moved in on"), required=False, widget=date_input())
    tags = forms.MultipleChoiceField(
        label=_("Tags"), required=False, choices=Tag.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, resident=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ethnic_group"].choices = _ethnic_group_choices()
        self.fields["id_number"].widget.attrs.update(autocomplete="off", inputmode="text")
        self.fields["phone"].widget.attrs.update(autocomplete="off", inputmode="tel")
        self.resident = resident
        if resident is not None:
            del self.fields["tags"]  # tags have their own form on the resident's page
            if resident.id_number:
                self.fields["id_number"].help_text = _(
                    "Now %(masked)s. Leave empty to keep it; type a new number to change it."
                ) % {"masked": resident.id_number_masked}
            if resident.phone:
                self.fields["phone"].help_text = _(
                    "Now %(masked)s. Leave empty to keep it; type a new number to change it."
                ) % {"masked": resident.phone_masked}

    def changes(self) -> dict:
        """The values for resident_update(): every field, except an ID number or phone left empty."""
        data = dict(self.cleaned_data)
        data.pop("tags", None)
        for field in ("id_number", "phone"):
            if not (data.get(field) or "").strip():
                data.pop(field)
        return data


class TagsForm(forms.Form):
    tags = forms.MultipleChoiceField(
        label=_("Tags"), required=False, choices=Tag.choices, widget=forms.CheckboxSelectMultiple
    )


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=[(name, name) for name in sorted(REVEALABLE)], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why do you need the full value?"),
        min_length=MIN_REASON_LENGTH,
        max_length=300,
        help_text=_("Your name, the time and this reason are written to the audit log."),
    )


class ResidentMoveForm(forms.Form):
    household = forms.IntegerField(
        label=_("Household number"),
        min_value=1,
        help_text=_("The number shown on the new household's page."),
    )
    moved_on = forms.DateField(label=_("Moved on"), widget=date_input(), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class HouseholdMoveForm(forms.Form):
    grid = GridField(label=_("New grid"))
    moved_on = forms.DateField(label=_("Moved on"), widget=date_input(), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, grids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].set_grids(grids)


class ResidentStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ResidentStatus.choices)
    on = forms.DateField(label=_("Since"), widget=date_input(), initial=timezone.localdate)


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of consent"), choices=Consent.Kind.choices)
    given_by = forms.CharField(
        label=_("Given by"), max_length=50, help_text=_("The resident, or the guardian's name.")
    )
    given_on = forms.DateField(label=_("Given on"), widget=date_input(), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Visited on"), widget=date_input(), initial=timezone.localdate)
    findings = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 3}))
    follow_up = forms.CharField(
        label=_("Follow-up"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
