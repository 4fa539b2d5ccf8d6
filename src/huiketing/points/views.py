"""Pages of points: my balance and ledger, the leaderboards, and the staff's rules and accounts.

Who sees whose name on a leaderboard: residents are shown as 王* (first character only) to everyone but the
staff covering the place, who know them from the registry; a signed-in person's own row is marked. Handling
units are named. Staff pages fetch accounts through the scoped selectors (missing and out of scope: 404), and
every write is one service call whose ValidationError is shown next to the field it names.
"""

import uuid
from os.path import commonprefix

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from huiketing.core import scope
from huiketing.core.forms import add_service_errors
from huiketing.core.i18n import pick
from huiketing.core.permissions import PUBLIC, PermissionRequiredMixin
from huiketing.people.models import COMMUNITY_AND_ABOVE
from huiketing.people.xlsx import xlsx_download
from huiketing.places.models import Level as PlaceLevel

from . import exports, selectors, services
from .models import Audience

STAFF_PAGE_SIZE = 30


def _query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in ("page", "lang", *names):
        query.pop(name, None)
    return query.urlencode()


def _place_choices(places) -> list[tuple[str, str]]:
    """Places for a select: communities and subdistricts by name, grids indented under their community."""
    choices = []
    for code, names, level in places:
        name = pick(names) or code
        choices.append((code, f"· {name}" if level == PlaceLevel.GRID else name))
    return choices


class NoCacheMixin:
    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        add_never_cache_headers(response)
        return response


# Mine -------------------------------------------------------------------------------------------------------


class MyPointsView(NoCacheMixin, PermissionRequiredMixin, TemplateView):
    """My balance and my entries, newest first, each saying why and linking what it was for."""

    permission_required = "points.view_own"
    template_name = "points/mine.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        account = selectors.my_account(user)
        page = selectors.entries_page(account=account, page=self.request.GET.get("page"))
        context.update(
            account=account,
            balance=account.balance if account else 0,
            earned=account.earned if account else 0,
            page=page,
            entries=page.object_list,
            rules=selectors.rules_earning(),
            query=_query_without(self.request),
        )
        return context


# Leaderboards -----------------------------------------------------------------------------------------------


class BoardForm(forms.Form):
    place = forms.ChoiceField(label=gettext_lazy("Community or grid"), required=False)
    audience = forms.ChoiceField(label=gettext_lazy("Whose points"), choices=Audience.choices, required=False)
    period = forms.ChoiceField(
        label=gettext_lazy("Period"), choices=list(selectors.PERIODS.items()), required=False
    )

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = _place_choices(places)
        self.fields["place"].error_messages["invalid_choice"] = gettext_lazy("Choose a community or a grid.")


def board_from_query(request, data) -> tuple[BoardForm, selectors.Board | None, dict]:
    """The board a query asks for (place, audience, period; each defaulted), or the form with its errors."""
    places = selectors.board_places()
    form = BoardForm(data if data is not None else {}, places=places)
    if not form.is_valid():
        return form, None, {}
    codes = [code for code, _names, _level in places]
    place = form.cleaned_data.get("place") or selectors.board_default_place(request.user, codes)
    audience = form.cleaned_data.get("audience") or Audience.RESIDENT
    period = form.cleaned_data.get("period") or "month"
    # The form as shown says which board this is, defaults included.
    form = BoardForm(initial={"place": place, "audience": audience, "period": period}, places=places)
    if not place:
        return form, None, {}
    names = {code: pick(place_names) or code for code, place_names, _level in places}
    board = selectors.leaderboard(user=request.user, place_code=place, audience=audience, period=period)
    return form, board, {"place_name": names.get(place, place)}


class LeaderboardView(PermissionRequiredMixin, TemplateView):
    """The top of a community's or a grid's board, this month, this year or of all time. Anyone may read it:
    people are shown by the first character of their name, except to the staff covering the place."""

    permission_required = PUBLIC
    template_name = "points/leaderboard.html"

    def get(self, request, *args, **kwargs):
        form, board, extra = board_from_query(request, request.GET)
        context = self.get_context_data(
            form=form,
            board=board,
            audience_label=Audience(board.audience).label if board else "",
            period_label=selectors.PERIODS.get(board.period, "") if board else "",
            **extra,
        )
        response = self.render_to_response(context, status=400 if form.errors else 200)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


# Staff: rules -----------------------------------------------------------------------------------------------


class RuleForm(forms.Form):
    amount = forms.IntegerField(label=gettext_lazy("Points"), min_value=1, max_value=services.MAX_RULE_AMOUNT)
    daily_cap = forms.IntegerField(
        label=gettext_lazy("Most points a day"),
        min_value=1,
        required=False,
        help_text=gettext_lazy("Leave empty for no limit."),
    )
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False)

    def __init__(self, *args, with_names: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_names:
            for code, name in settings.LANGUAGES:
                self.fields[f"name_{code}"] = forms.CharField(
                    label=_("Name in %(language)s") % {"language": name},
                    required=False,
                    max_length=100,
                    widget=forms.TextInput(attrs={"dir": "auto", "lang": code}),
                )

    def names(self) -> dict | None:
        if "name_zh-hans" not in self.fields:
            return None
        return {code: self.cleaned_data.get(f"name_{code}", "") for code, _name in settings.LANGUAGES}


def _rule_form(rule, data=None, with_names=False) -> RuleForm:
    initial = {"amount": rule.amount, "daily_cap": rule.daily_cap, "is_active": rule.is_active}
    for code, _name in settings.LANGUAGES:
        initial[f"name_{code}"] = rule.names.get(code, "")
    return RuleForm(data, initial=initial, with_names=with_names, auto_id=f"rule_{rule.code}_%s")


def _rule_save(request, rule, form: RuleForm) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        services.rule_update(
            by=request.user,
            rule=rule,
            amount=data["amount"],
            daily_cap=data.get("daily_cap"),
            is_active=data.get("is_active", False),
            names=form.names(),
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


class RuleListView(NoCacheMixin, PermissionRequiredMixin, TemplateView):
    """Every rule, with its points, daily limit and whether it is on; each changed in place."""

    permission_required = "points.manage_rules"
    template_name = "points/staff/rules.html"

    def get_context_data(self, failed=None, **kwargs):
        context = super().get_context_data(**kwargs)
        rules = selectors.rules_all()
        for rule in rules:
            rule.form = failed if failed is not None and failed.rule_code == rule.code else _rule_form(rule)
        context.update(rules=rules)
        return context


class RuleEditView(NoCacheMixin, PermissionRequiredMixin, TemplateView):
    """One rule: its names in each language, points, daily limit and whether it is on."""

    permission_required = "points.manage_rules"
    template_name = "points/staff/rule_edit.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        rule = selectors.rule_get(code=self.kwargs["code"])
        context.update(rule=rule, form=form or _rule_form(rule, with_names=True))
        return context

    def post(self, request, code: str):
        rule = selectors.rule_get(code=code)
        # The list page's short form carries no names; the rule's own page carries them.
        with_names = "name_zh-hans" in request.POST
        form = _rule_form(rule, request.POST, with_names=with_names)
        if _rule_save(request, rule, form):
            messages.success(
                request, _("The rule “%(rule)s” was saved.") % {"rule": pick(rule.names) or code}
            )
            return redirect("points:staff-rules")
        if with_names:
            return self.render_to_response(self.get_context_data(form=form), status=400)
        form.rule_code = rule.code
        view = RuleListView(request=request, kwargs={}, args=())
        return view.render_to_response(view.get_context_data(failed=form), status=400)


# Staff: accounts --------------------------------------------------------------------------------------------


class AccountFilterForm(forms.Form):
    place = forms.ChoiceField(label=gettext_lazy("Place"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Holder"),
        required=False,
        choices=[("", gettext_lazy("Everyone")), *selectors.HOLDER_KINDS.items()],
    )
    q = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=50, strip=True)

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [("", _("All my places")), *_place_choices(places)]
        self.fields["place"].error_messages["invalid_choice"] = gettext_lazy("Choose one of your places.")

    def filters(self) -> dict:
        if not self.is_bound:
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


def _account_filter_form(request) -> AccountFilterForm:
    return AccountFilterForm(request.GET or None, places=selectors.staff_places(user=request.user))


class AccountListView(NoCacheMixin, PermissionRequiredMixin, TemplateView):
    """The accounts whose holders live or work in the places the user covers, highest balance first."""

    permission_required = "points.view_staff"
    template_name = "points/staff/accounts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request, user = self.request, self.request.user
        form = _account_filter_form(request)
        valid = not form.is_bound or form.is_valid()
        filters = form.filters() if valid else {}
        accounts = selectors.accounts_for_staff(
            user=user,
            place_code=filters.get("place", ""),
            kind=filters.get("kind", ""),
            q=filters.get("q", ""),
        )
        if not valid:
            accounts = accounts.none()
        page = Paginator(accounts, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        for account in rows:
            account.kind_label = selectors.HOLDER_KINDS[account.holder_kind]
        context.update(
            form=form,
            valid=valid,
            page=page,
            accounts=rows,
            query=_query_without(request),
            can_export=user.has_perm("points.export"),
            can_manage_rules=user.has_perm("points.manage_rules"),
        )
        return context


def export_scope(user, place: str) -> str:
    """The place an export covers, for its audit entry: the place filtered on, else the common prefix of the
    user's export scopes cut back to a whole place code."""
    if place:
        return place
    shared = commonprefix(scope.role_codes(user, COMMUNITY_AND_ABOVE))  # noqa: RUF071
    return shared[: max((n for n in (0, 6, 9, 12, 15) if n <= len(shared)), default=0)]


class AccountExportView(PermissionRequiredMixin, View):
    """The accounts as filtered, as .xlsx; audited."""

    permission_required = "points.export"

    def get(self, request):
        user = request.user
        form = _account_filter_form(request)
        if form.is_bound and not form.is_valid():
            messages.error(request, _("Correct the filters to export the accounts."))
            return redirect(f"{reverse('points:staff-accounts')}?{_query_without(request)}")
        filters = form.filters()
        place = filters.get("place", "")
        if place and not scope.covers(user, place, COMMUNITY_AND_ABOVE):
            raise Http404
        accounts = selectors.accounts_for_export(
            user=user, place_code=place, kind=filters.get("kind", ""), q=filters.get("q", "")
        )
        path = exports.accounts_export(
            by=user, accounts=accounts, place_code=export_scope(user, place), filters=filters
        )
        return xlsx_download(path, f"points-{timezone.localdate():%Y%m%d}.xlsx")


class AdjustForm(forms.Form):
    amount = forms.IntegerField(
        label=gettext_lazy("Points"),
        min_value=-services.MAX_ADJUST_AMOUNT,
        max_value=services.MAX_ADJUST_AMOUNT,
        help_text=gettext_lazy("Positive to add, negative to take away."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Why"),
        max_length=services.REASON_LENGTH,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    # Sent with the form, so that pressing the button twice corrects once.
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class AccountMixin(PermissionRequiredMixin):
    """The account of the URL, through the scoped selector, before any permission is checked."""

    def get_account(self):
        if not hasattr(self, "account"):
            self.account = selectors.account_get_for_staff(
                user=self.request.user, account_id=self.kwargs["pk"]
            )
        return self.account

    def get_permission_object(self):
        return self.get_account()


class AccountDetailView(NoCacheMixin, AccountMixin, TemplateView):
    """One account's ledger, and the correction form for those who may correct it."""

    permission_required = "points.view_staff"
    template_name = "points/staff/account.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        account, user = self.get_account(), self.request.user
        page = selectors.entries_page(account=account, page=self.request.GET.get("page"))
        can_adjust = user.has_perm("points.adjust", account)
        context.update(
            account=account,
            kind_label=selectors.HOLDER_KINDS[account.holder_kind],
            page=page,
            entries=page.object_list,
            query=_query_without(self.request),
            can_adjust=can_adjust,
            form=form or (AdjustForm(initial={"key": uuid.uuid4().hex}) if can_adjust else None),
        )
        return context


class AccountAdjustView(AccountMixin, View):
    """A correction with its reason (POST from the account's page)."""

    permission_required = "points.adjust"
    http_method_names = ["post"]

    def post(self, request, pk: int):
        account = self.get_account()
        form = AdjustForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.points_adjust(
                    holder=account,
                    amount=data["amount"],
                    reason=data["reason"],
                    key=data["key"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The points were corrected."))
                return redirect("points:staff-account", pk=account.pk)
        view = AccountDetailView(request=request, kwargs={"pk": pk}, args=())
        view.account = account
        return view.render_to_response(view.get_context_data(form=form), status=400)
