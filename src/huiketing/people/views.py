"""Account pages: the signed-in user's own account, display preferences and second factor."""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from django_otp import login as otp_login

from huiketing.core import security
from huiketing.core.middleware import set_language_cookie, set_large_text_cookie
from huiketing.core.permissions import PermissionRequiredMixin
from huiketing.people import selectors, services


class DisplayPreferencesForm(forms.Form):
    preferred_language = forms.ChoiceField(
        label=_("Language"), choices=settings.LANGUAGES, widget=forms.RadioSelect
    )
    large_text = forms.BooleanField(
        label=_("Large text"),
        required=False,
        help_text=_("Bigger letters, stronger contrast and bigger buttons, on every page."),
    )


class AccountView(PermissionRequiredMixin, FormView):
    """Who I am, which roles I hold where, and my language and large-text preferences."""

    permission_required = "core.view_own_account"
    template_name = "people/account.html"
    form_class = DisplayPreferencesForm

    def get_initial(self):
        user = self.request.user
        return {
            "preferred_language": user.preferred_language or translation.get_language(),
            "large_text": user.large_text,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["roles"] = selectors.own_roles(user=self.request.user)
        return context

    def form_valid(self, form):
        language = form.cleaned_data["preferred_language"]
        large_text = form.cleaned_data["large_text"]
        services.user_set_display(user=self.request.user, language=language, large_text=large_text)
        # The message is shown on the next page, which is already in the newly chosen language.
        with translation.override(language):
            messages.success(self.request, gettext("Your preferences have been saved."))
        response = redirect(reverse("people:account"))
        set_language_cookie(response, language)
        set_large_text_cookie(response, large_text)
        return response


# --- The second factor: entering a code, and setting up an authenticator app --------------------------------


class SecondFactorForm(forms.Form):
    otp_token = forms.CharField(
        label=pgettext_lazy("one-time code", "Code"),
        max_length=12,
        help_text=_("The six digits your authenticator app shows for this site."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "dir": "ltr", "autofocus": True}
        ),
    )


class _SecondFactorView(PermissionRequiredMixin, FormView):
    """Shared by the code and set-up pages: both are about the signed-in account's own sign-in."""

    permission_required = "core.view_own_account"
    form_class = SecondFactorForm

    def next_url(self) -> str:
        candidate = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return candidate
        return resolve_url(settings.LOGIN_REDIRECT_URL)

    def detour(self):
        """Where to go instead of this page, if anywhere."""
        return None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and (target := self.detour()) is not None:
            return target
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = self.next_url()
        return context

    def _with_next(self, name: str):
        return redirect(f"{reverse(name)}?{urlencode({'next': self.next_url()})}")


class SecondFactorVerifyView(_SecondFactorView):
    """After the password: the code from the account's authenticator app, once per session."""

    template_name = "core/otp_verify.html"

    def detour(self):
        if not security.second_factor_required(self.request.user) or security.is_verified(self.request):
            return redirect(self.next_url())
        if security.confirmed_device(self.request.user) is None:
            return self._with_next("otp-setup")
        return None

    def form_valid(self, form):
        try:
            device = security.second_factor_check(user=self.request.user, code=form.cleaned_data["otp_token"])
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        otp_login(self.request, device)
        return redirect(self.next_url())


class SecondFactorSetupView(_SecondFactorView):
    """First sign-in of an account that needs a second factor: scan the QR code (or type the secret), then
    confirm with one code. The secret is kept in the session until then, so nothing is stored unconfirmed."""

    template_name = "core/otp_setup.html"

    def detour(self):
        user = self.request.user
        if not security.second_factor_required(user) or security.is_verified(self.request):
            return redirect(self.next_url())
        if security.confirmed_device(user) is not None:
            return self._with_next("otp-verify")
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        key = security.otp_setup_key(self.request.session)
        context.update(security.otp_setup_details(user=self.request.user, key=key))
        return context

    def form_valid(self, form):
        key = security.otp_setup_key(self.request.session)
        try:
            device = security.second_factor_enrol(
                user=self.request.user, key=key, code=form.cleaned_data["otp_token"].strip().replace(" ", "")
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        self.request.session.pop(security.SETUP_KEY, None)
        otp_login(self.request, device)
        messages.success(self.request, gettext("Your authenticator app is set up."))
        return redirect(self.next_url())
