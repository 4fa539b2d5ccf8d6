"""Pages for residents' accounts: sign-up, verification against the registry, what staff did for me; and
for staff, verifying a resident in person and assisted mode (acting for a resident without a phone)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from huiketing.core.middleware import client_ip
from huiketing.core.permissions import PUBLIC, PermissionRequiredMixin
from huiketing.people import selectors, validators, verification
from huiketing.people.models import Resident

ACTIVITY_PAGE_SIZE = 25


def _safe_next(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _own_resident(user) -> Resident | None:
    return Resident.objects.filter(account=user).only("id", "full_name", "place_code", "verified_at").first()


# --- Sign-up ------------------------------------------------------------------------------------------------


class SignupForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=30,
        help_text=_("You sign in with it."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "dir": "ltr"}),
    )
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=100,
        help_text=_("The name others see, such as your given name."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname", "dir": "auto"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 8 characters, not only digits, not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "dir": "ltr"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "dir": "ltr"}),
    )
    preferred_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password_again") != cleaned["password"]:
            self.add_error("password_again", _("The two passwords differ: type the same one twice."))
        return cleaned


class SignupView(PermissionRequiredMixin, FormView):
    """A resident creates an account with their mobile number; then they verify it against the registry."""

    permission_required = PUBLIC
    template_name = "people/account/signup.html"
    form_class = SignupForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("people:verify")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"preferred_language": translation.get_language() or settings.LANGUAGE_CODE}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = verification.account_signup(
                phone=data["phone"],
                display_name=data["display_name"],
                password=data["password"],
                preferred_language=data["preferred_language"],
                ip=client_ip(self.request),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, gettext("Your account has been created. Now verify that it is yours."))
        return redirect("people:verify")


# --- Verification by the resident ---------------------------------------------------------------------------


class VerifyForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=60,
        help_text=_("As on your ID card."),
        widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"}),
    )
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "dir": "ltr"}),
    )


class VerifyView(PermissionRequiredMixin, FormView):
    """The resident proves who they are with the name and ID number the registry holds; nothing of the
    registry is shown, whatever they type."""

    permission_required = "core.view_own_account"
    template_name = "people/account/verify.html"
    form_class = VerifyForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["resident"] = _own_resident(self.request.user)
        return context

    def post(self, request, *args, **kwargs):
        if _own_resident(request.user) is not None:
            return redirect("people:verify")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            verification.resident_verify(
                account=self.request.user,
                full_name=data["full_name"],
                id_number=data["id_number"],
                phone=data["phone"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Your account is verified: you are now a resident here."))
        return redirect("people:verify")


# --- What staff did for me ----------------------------------------------------------------------------------


class ActivityView(PermissionRequiredMixin, TemplateView):
    """Everything staff did while acting for the signed-in resident (assisted mode), newest first."""

    permission_required = "core.view_own_account"
    template_name = "people/account/activity.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        resident = _own_resident(self.request.user)
        context["resident"] = resident
        if resident is not None:
            page = Paginator(
                verification.activity_for_resident(resident=resident), ACTIVITY_PAGE_SIZE
            ).get_page(self.request.GET.get("page"))
            context["page"] = page
            context["entries"] = [
                {
                    "at": entry.at,
                    "who": str(entry.actor) if entry.actor is not None else entry.actor_label,
                    "what": verification.action_description(entry.action),
                }
                for entry in page
            ]
        return context


# --- Staff: verify in person --------------------------------------------------------------------------------


class StaffVerifyForm(forms.Form):
    account = forms.CharField(
        label=_("The resident's account"),
        max_length=150,
        help_text=_("The mobile number they signed up with, or their user name."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr"}),
    )
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        help_text=_("From the ID card the resident shows you."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr", "spellcheck": "false"}),
    )


class StaffVerifyView(PermissionRequiredMixin, View):
    """Staff who see the resident in person link the resident's account. Step one finds the account and
    the resident (by exact ID number, in the staff member's places only); step two links them."""

    permission_required = "people.change_registry"
    template_name = "people/account/staff_verify.html"

    def get(self, request):
        return render(request, self.template_name, {"form": StaffVerifyForm()})

    def post(self, request):
        if request.POST.get("confirm"):
            return self._confirm(request)
        form = StaffVerifyForm(request.POST)
        context = {"form": form}
        if form.is_valid():
            account = verification.account_find(username_or_phone=form.cleaned_data["account"])
            resident = None
            try:
                number = validators.id_number_normalise(form.cleaned_data["id_number"]).number
            except ValidationError as error:
                form.add_error("id_number", error.messages)
            else:
                resident = (
                    selectors.residents_for_user(user=request.user, filters={"id_number": number})
                    .select_related("account")
                    .first()
                )
                if resident is None:
                    form.add_error("id_number", gettext("No resident with this ID number was found."))
            if account is None:
                form.add_error("account", gettext("No account has this phone number or user name."))
            if form.is_valid():
                context.update(account=account, resident=resident)
        return render(request, self.template_name, context, status=200)

    def _confirm(self, request):
        try:
            resident_id = int(request.POST.get("resident", ""))
        except ValueError:
            raise Http404 from None
        resident = selectors.resident_get_for_user(user=request.user, resident_id=resident_id)
        account = verification.account_find(username_or_phone=request.POST.get("account_username", ""))
        if account is None:
            raise Http404
        try:
            verification.resident_verify_in_person(by=request.user, resident=resident, account=account)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                gettext("%(account)s is now verified as a resident of %(place)s.")
                % {"account": account.get_username(), "place": resident.place_code},
            )
        return redirect("people:staff-verify")


# --- Staff: assisted mode -----------------------------------------------------------------------------------


class AssistStartView(PermissionRequiredMixin, View):
    """Start acting for a resident (POST from the resident's registry page)."""

    permission_required = "people.change_registry"
    http_method_names = ["post"]

    def get_permission_object(self):
        return selectors.resident_get_for_user(user=self.request.user, resident_id=self.kwargs["resident_id"])

    def post(self, request, resident_id: int):
        resident = verification.assisted_mode_start(
            by=request.user, resident=resident_id, session=request.session
        )
        messages.success(
            request,
            gettext("You are now acting for %(name)s. Everything you do is recorded for them too.")
            % {"name": verification.masked_name(resident.full_name)},
        )
        try:
            default = reverse("people:registry-resident", kwargs={"pk": resident.pk})
        except NoReverseMatch:
            default = reverse("home")
        return redirect(_safe_next(request, default))


class AssistStopView(PermissionRequiredMixin, View):
    """Stop acting for a resident. Open to every signed-in account, so that stopping never fails."""

    permission_required = "core.view_own_account"
    http_method_names = ["post"]

    def post(self, request):
        if verification.assisted_mode_stop(by=request.user, session=request.session):
            messages.success(request, gettext("You are no longer acting for a resident."))
        return redirect(_safe_next(request, reverse("home")))
