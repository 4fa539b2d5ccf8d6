"""The page booking a package (e.g. the theme party-day: a screening, the activity room and a guide) for one
start time: its parts, the start times at which every part has room, the organisation it is booked for, the
number of people and a note. Booking is one call of `booking_services.package_book`, all parts or none; a
refusal comes back on the page with the service's translated message, naming the part (status 400)."""

from datetime import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import TemplateView

from huiketing.core.permissions import PermissionRequiredMixin

from . import booking_services as services
from . import package_selectors as selectors


def parse_start(raw: str) -> datetime | None:
    """A start time as the page and the API send it (ISO 8601; Beijing time when no offset is given)."""
    try:
        value = datetime.fromisoformat((raw or "").strip())
    except ValueError:
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


class PackageBookForm(forms.Form):
    starts_at = forms.CharField(
        label=gettext_lazy("Start time"),
        error_messages={"required": gettext_lazy("Choose a start time.")},
    )
    organisation = forms.ChoiceField(
        label=gettext_lazy("Booked for"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("You cannot book for this organisation.")},
    )
    party_size = forms.IntegerField(
        label=gettext_lazy("People"),
        min_value=1,
        max_value=services.MAX_PARTY_SIZE,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    note = forms.CharField(
        label=pgettext_lazy("booking", "Note"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("For the living room's staff, e.g. what the group needs."),
    )

    def __init__(self, *args, organisations, own_record: bool, **kwargs):
        super().__init__(*args, **kwargs)
        first = pgettext_lazy("booked for", "Myself") if own_record else _("Choose…")
        self.fields["organisation"].choices = [("", first)] + [
            (str(org.pk), str(org)) for org in organisations
        ]
        self.fields["organisation"].required = not own_record
        if not own_record:
            self.fields["organisation"].error_messages["required"] = _(
                "Choose the organisation the package is booked for."
            )
        self.organisations = {str(org.pk): org for org in organisations}

    def clean_starts_at(self):
        value = parse_start(self.cleaned_data["starts_at"])
        if value is None:
            raise ValidationError(_("Choose a start time."))
        return value

    def clean_organisation(self):
        return self.organisations.get(self.cleaned_data["organisation"])


class PackageBookView(PermissionRequiredMixin, TemplateView):
    permission_required = "hall.book"
    template_name = "hall/package_book.html"

    def package(self):
        if not hasattr(self, "_package"):
            self._package = selectors.package_get_bookable(package_id=self.kwargs["item"])
        return self._package

    def form(self, data=None) -> PackageBookForm:
        user = self.request.user
        package = self.package()
        return PackageBookForm(
            data,
            organisations=selectors.organisations_for_booking(user=user, package=package),
            own_record=selectors.has_own_record(user=user),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        package = self.package()
        context.update(
            package=package,
            venue=package.venue,
            parts=[name for name, _kind, _pk in selectors.package_parts(package)],
            times=selectors.package_times(package=package),
            form=kwargs.get("form") or self.form(),
            errors=kwargs.get("errors", []),
        )
        return context

    def post(self, request, *args, **kwargs):
        package = self.package()
        form = self.form(request.POST)
        errors = []
        if form.is_valid():
            values = form.cleaned_data
            try:
                bookings = services.package_book(
                    by=request.user,
                    package=package,
                    starts_at=values["starts_at"],
                    organisation=values["organisation"],
                    party_size=values["party_size"],
                    note=values["note"],
                )
            except ValidationError as error:
                errors = list(error.messages)
            else:
                parts = ", ".join(services.slot_label(booking.slot) for booking in bookings)
                messages.success(request, _("The package is booked: %(parts)s.") % {"parts": parts})
                return redirect("hall:booking-list")
        context = self.get_context_data(form=form, errors=errors)
        return self.render_to_response(context, status=400)
