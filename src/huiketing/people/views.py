"""Account pages: the signed-in user's own account and display preferences."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

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
