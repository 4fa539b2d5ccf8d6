"""Staff pages of matters: the list (the grid leader's "my grid" on a phone), the community's triage board,
the handling unit's inbox, a matter's page with every action, its photos for staff, and the .xlsx export.

Matters are fetched through `selectors.matter_get_for_staff` and dispatches through
`selectors.dispatch_get_for_unit`: missing and out of scope are the same 404. Each action is a small POST
form, shown only when the user's rules and the matter's state (`models.TRANSITIONS`) allow it, and is one
service call; a refused one (a ValidationError, an illegal transition) comes back on the matter's page with
the service's translated message and status 400.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from os.path import commonprefix

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
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
from huiketing.core.permissions import PermissionRequiredMixin
from huiketing.people.models import COMMUNITY_AND_ABOVE
from huiketing.people.xlsx import xlsx_download

from . import exports, selectors, services
from .exports import actor_label, event_details, raiser_account_ids, raiser_label, raiser_phone
from .models import TRANSITIONS, Dispatch, Evaluation, ExtensionRequest, Matter, MatterEvent, Status

PAGE_SIZE = 30
BOARD_SIZE = 50
INBOX_DONE_DAYS = 30
EXPORT_ROLES = COMMUNITY_AND_ABOVE


# Showing matters -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A deadline as the pages show it: the time, and how long is left (or how long it is overdue)."""

    at: datetime
    overdue: bool
    hours: int
    days: int

    @classmethod
    def of(cls, at: datetime | None, now: datetime) -> "Due | None":
        if at is None:
            return None
        seconds = (at - now).total_seconds()
        hours = int(abs(seconds) // 3600)
        return cls(at=at, overdue=seconds < 0, hours=hours, days=hours // 24)


def _matter_url(matter_id: int, anchor: str = "") -> str:
    url = reverse("matters:staff-detail", kwargs={"pk": matter_id})
    return f"{url}#{anchor}" if anchor else url


def _query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in ("page", "lang", *names):
        query.pop(name, None)
    return query.urlencode()


# The list ---------------------------------------------------------------------------------------------------

TABS = [
    ("new", gettext_lazy("New")),
    ("open", gettext_lazy("Open")),
    ("overdue", gettext_lazy("Overdue")),
    ("mine", gettext_lazy("Mine")),
    ("done", gettext_lazy("Done")),
    ("closed", gettext_lazy("Closed")),
    ("all", gettext_lazy("All")),
]
TAB_FILTERS = {
    "new": {"status": Status.NEW},
    "open": {"status": "open"},
    "overdue": {"status": "overdue"},
    "mine": {"mine": True},
    "done": {"status": Status.DONE},
    "closed": {"status": "ended"},
    "all": {},
}
DEFAULT_TAB = "open"


class StaffFilterForm(forms.Form):
    tab = forms.ChoiceField(choices=TABS, required=False, widget=forms.HiddenInput)
    q = forms.CharField(label=gettext_lazy("Number or words"), required=False, max_length=100, strip=True)
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    place = forms.ChoiceField(label=gettext_lazy("Place"), required=False)
    since = forms.DateField(
        label=gettext_lazy("Raised from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("Raised until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, places, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories"))] + [
            (category.code, str(category)) for category in categories
        ]
        self.fields["place"].choices = [("", _("All my places"))] + [
            (code, f"{pick(names) or code} · {code}") for code, names, _level in places
        ]
        if not places:
            del self.fields["place"]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end of the range is before its start."))
        return data

    @property
    def current_tab(self) -> str:
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("tab") or DEFAULT_TAB
        return DEFAULT_TAB

    def filters(self) -> dict:
        data = self.cleaned_data
        filters = dict(TAB_FILTERS[data.get("tab") or DEFAULT_TAB])
        for key in ("q", "category", "place"):
            if data.get(key):
                filters[key] = data[key]
        zone = timezone.get_current_timezone()
        if data.get("since"):
            filters["since"] = datetime.combine(data["since"], time.min, tzinfo=zone)
        if data.get("until"):
            filters["until"] = datetime.combine(data["until"] + timedelta(days=1), time.min, tzinfo=zone)
        return filters


def filter_form(request) -> StaffFilterForm:
    user = request.user
    return StaffFilterForm(
        request.GET or None,
        places=selectors.staff_filter_places(user=user),
        categories=list(selectors.categories_active()),
    )


class MatterListView(PermissionRequiredMixin, TemplateView):
    """Matters in the user's scope (or dispatched to the user's unit), by tab and filters, 30 a page.

    A table on a desktop, a list of cards on a phone; the same number of queries whatever it holds."""

    permission_required = "matters.view_staff_pages"
    template_name = "matters/staff/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, request = self.request.user, self.request
        form = filter_form(request)
        valid = not form.is_bound or form.is_valid()
        filters = form.filters() if form.is_bound and valid else dict(TAB_FILTERS[DEFAULT_TAB])
        matters = selectors.matters_for_staff(user=user, filters=filters) if valid else Matter.objects.none()
        page = Paginator(matters, PAGE_SIZE).get_page(request.GET.get("page"))
        now = timezone.now()
        rows = list(page.object_list)
        for matter in rows:
            matter.due = Due.of(matter.resolve_due_at, now) if matter.status == Status.IN_PROGRESS else None
        tab = form.current_tab if valid else DEFAULT_TAB
        tab_query = _query_without(request, "tab")
        context.update(
            form=form,
            valid=valid,
            page=page,
            matters=rows,
            tab=tab,
            tabs=[
                (code, label, f"?{tab_query}&tab={code}" if tab_query else f"?tab={code}")
                for code, label in TABS
            ],
            query=_query_without(request),
            can_triage=user.has_perm("matters.triage"),
            can_handle=user.has_perm("matters.handle"),
            can_export=user.has_perm("matters.export"),
        )
        return context


# The triage board and the inbox ----------------------------------------------------------------------------


class TriageBoardView(PermissionRequiredMixin, TemplateView):
    """The community's triage board: new matters, handed-back dispatches, requests for more time, overdue
    ones."""

    permission_required = "matters.triage"
    template_name = "matters/staff/triage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, now = self.request.user, timezone.now()

        def section(queryset):
            # Always counted (not only when the first page is full), so the queries do not depend on the data.
            return {"items": list(queryset[:BOARD_SIZE]), "count": queryset.count()}

        overdue = section(selectors.triage_overdue(user=user, now=now))
        for matter in overdue["items"]:
            matter.due = Due.of(matter.resolve_due_at, now)
        unsigned = section(selectors.triage_unsigned_overdue(user=user, now=now))
        for dispatch in unsigned["items"]:
            dispatch.due = Due.of(dispatch.sign_due_at, now)
        context.update(
            new=section(selectors.triage_new(user=user)),
            returned=section(selectors.triage_returned(user=user)),
            extensions=section(selectors.triage_extensions(user=user)),
            overdue=overdue,
            unsigned=unsigned,
            board_size=BOARD_SIZE,
        )
        return context


class InboxView(PermissionRequiredMixin, TemplateView):
    """The handling unit's inbox: waiting to be signed for, being handled, and done in the last 30 days."""

    permission_required = "matters.handle"
    template_name = "matters/staff/inbox.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, now = self.request.user, timezone.now()
        active = list(selectors.unit_inbox(user=user, status="active")[: BOARD_SIZE * 4])
        for dispatch in active:
            dispatch.sign_due = Due.of(dispatch.sign_due_at, now)
            dispatch.resolve_due = Due.of(dispatch.resolve_due_at, now)
        done = list(
            selectors.unit_inbox(user=user, status=Dispatch.Status.DONE)
            .filter(done_at__gte=now - timedelta(days=INBOX_DONE_DAYS))
            .order_by("-done_at", "-id")[:BOARD_SIZE]
        )
        context.update(
            waiting=[d for d in active if d.status == Dispatch.Status.WAITING],
            handling=sorted(
                (d for d in active if d.status == Dispatch.Status.SIGNED),
                key=lambda d: (d.resolve_due_at, d.pk),
            ),
            done=done,
            done_days=INBOX_DONE_DAYS,
        )
        return context


# A matter ---------------------------------------------------------------------------------------------------


class EmptyForm(forms.Form):
    """An action with no fields; carries the service's error as a non-field error."""


class RejectForm(forms.Form):
    reason_kind = forms.ChoiceField(
        label=gettext_lazy("Why is it not accepted?"),
        choices=list(services.REJECT_REASONS.items()),
        widget=forms.RadioSelect,
    )
    referred_to = forms.CharField(
        label=gettext_lazy("Referred to whom"),
        required=False,
        max_length=200,
        help_text=gettext_lazy(
            "When it is not the community's responsibility: who the resident should turn to."
        ),
    )
    reason = forms.CharField(
        label=gettext_lazy("Explanation for the resident"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MergeForm(forms.Form):
    into = forms.TypedChoiceField(
        label=gettext_lazy("Similar open matters nearby"),
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
    )
    into_number = forms.IntegerField(
        label=gettext_lazy("Or the number of the original"), required=False, min_value=1
    )

    def __init__(self, *args, similar=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [(m.pk, f"{m.pk} · {m.title}") for m, _score in similar]
        if not similar:
            self.fields["into"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        data["target"] = data.get("into_number") or data.get("into")
        if not data["target"] and not self.errors:
            raise ValidationError(_("Choose the matter this one duplicates."))
        return data


class DispatchForm(forms.Form):
    units = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Handling units"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=gettext_lazy("Instructions"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in units}
        self.fields["units"].choices = [(unit.pk, f"{unit} · {unit.get_kind_display()}") for unit in units]


class UpdateForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("What happened"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    visibility = forms.ChoiceField(
        label=gettext_lazy("Who sees it"),
        choices=[
            ("public", gettext_lazy("Everyone (public timeline)")),
            ("internal", gettext_lazy("Staff only")),
        ],
        initial="public",
        widget=forms.RadioSelect,
    )


class ResultForm(forms.Form):
    result = forms.CharField(
        label=gettext_lazy("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is it handed back?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExtensionForm(forms.Form):
    working_days = forms.IntegerField(label=gettext_lazy("Extra working days"), min_value=1, max_value=30)
    reason = forms.CharField(
        label=gettext_lazy("Why is more time needed?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("grant", gettext_lazy("Grant")), ("refuse", gettext_lazy("Refuse"))],
        widget=forms.HiddenInput,
    )


class FollowUpForm(forms.Form):
    result = forms.ChoiceField(
        label=gettext_lazy("The resident's answer"),
        choices=Evaluation.Result.choices,
        widget=forms.RadioSelect,
    )
    solved = forms.ChoiceField(
        label=gettext_lazy("Solved?"),
        required=False,
        choices=[("", gettext_lazy("Not asked")), ("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
    )
    comment = forms.CharField(
        label=gettext_lazy("What the resident said"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FollowForm(forms.Form):
    follow = forms.BooleanField(required=False)


FORM_PREFIXES = {"handle_directly": "direct", "follow_up": "followup"}


def _auto_id(prefix: str) -> str:
    return f"{prefix}_%s"


class MatterMixin(PermissionRequiredMixin):
    """The matter of the URL, through the scoped selector, before any permission is checked."""

    def get_matter(self) -> Matter:
        if not hasattr(self, "matter"):
            self.matter = selectors.matter_get_for_staff(user=self.request.user, matter_id=self.kwargs["pk"])
        return self.matter

    def get_permission_object(self):
        return self.get_matter()


class MatterDetailView(MatterMixin, TemplateView):
    """A matter for staff: facts, dispatches with their deadlines, the whole timeline, photos, evaluations,
    and the actions the user may take now."""

    permission_required = "matters.view_staff_pages"
    template_name = "matters/staff/detail.html"

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        add_never_cache_headers(response)
        return response

    def get_context_data(self, bound: dict | None = None, failed: str = "", **kwargs):
        context = super().get_context_data(**kwargs)
        user, matter, now = self.request.user, self.get_matter(), timezone.now()
        bound = bound or {}
        status = matter.status

        def state_allows(action: str) -> bool:
            return status in TRANSITIONS[action][0]

        triage = user.has_perm("matters.triage", matter)
        evaluations = sorted(matter.evaluations.all(), key=lambda e: (e.round, e.pk))
        evaluated_this_round = any(e.round == matter.rehandle_count + 1 for e in evaluations)
        can = {
            action: triage and state_allows(action)
            for action in ("accept", "reject", "table", "untable", "merge", "dispatch", "complete")
        }
        can["handle_directly"] = can["dispatch"]
        can["update"] = triage and (matter.is_open or status == Status.DONE)
        can["follow_up"] = (
            user.has_perm("matters.record_follow_up", matter)
            and state_allows("evaluate")
            and not evaluated_this_round
        )
        dispatches = list(matter.dispatches.all())
        for dispatch in dispatches:
            mine = user.has_perm("matters.handle", dispatch)
            active = dispatch.status in Dispatch.ACTIVE
            extensions = list(dispatch.extensions.all())
            dispatch.pending_extension = next(
                (e for e in extensions if e.status == ExtensionRequest.Status.PENDING), None
            )
            dispatch.extension_list = extensions
            dispatch.can_sign = mine and dispatch.status == Dispatch.Status.WAITING
            dispatch.can_return = mine and active
            dispatch.can_extend = (
                mine and dispatch.status == Dispatch.Status.SIGNED and dispatch.pending_extension is None
            )
            dispatch.can_update = mine and active
            dispatch.can_done = mine and dispatch.status == Dispatch.Status.SIGNED
            dispatch.can_decide = triage and active and dispatch.pending_extension is not None
            dispatch.sign_due = Due.of(dispatch.sign_due_at, now) if dispatch.status == "waiting" else None
            dispatch.resolve_due = Due.of(dispatch.resolve_due_at, now) if active else None
            dispatch.forms = {
                name: bound.get(f"{name}:{dispatch.pk}")
                or form_class(auto_id=_auto_id(f"d{dispatch.pk}_{name}"))
                for name, form_class in (
                    ("return", ReturnForm),
                    ("extend", ExtensionForm),
                    ("update", UpdateForm),
                    ("done", ResultForm),
                )
            }
            dispatch.failed = failed.endswith(f":{dispatch.pk}") and failed.split(":")[0]
            dispatch.photos_prefix = f"d{dispatch.pk}_update"
        if any(d.can_decide for d in dispatches):
            can["decide"] = True
        raisers = raiser_account_ids(matter)
        events = list(matter.events.all())
        for event in events:
            event.details = event_details(event)
            event.actor_label = actor_label(event, matter, raisers)
            event.photo_list = list(event.photos.all())
        update_event_ids = {event.pk for event in events if event.kind != MatterEvent.Kind.RAISED}
        # Public photos go through the public photo view (cacheable); the others through the staff one.
        public_events = {event.pk for event in events if event.is_public}
        for photo in [*matter.photos.all(), *(p for event in events for p in event.photo_list)]:
            in_public_event = photo.event_id is None or photo.event_id in public_events
            photo.is_public = not matter.is_hidden and in_public_event
        for evaluation in evaluations:
            evaluation.by_label = actor_label(evaluation, matter, raisers)
        similar = []
        if can["merge"]:
            similar = [
                (other, score)
                for other, score in selectors.similar_open_matters(
                    text=f"{matter.title} {matter.description}",
                    latitude=matter.latitude,
                    longitude=matter.longitude,
                    place_code=matter.place_code,
                    limit=6,
                )
                if other.pk != matter.pk
            ][:5]
        units = list(selectors.units_for_dispatch(matter=matter)) if can["dispatch"] else []
        default_kind = matter.category.default_unit_kind
        units.sort(key=lambda unit: (unit.kind != default_kind, -len(unit.place_code), unit.pk))
        suggested = [unit.pk for unit in units if unit.kind == default_kind][:1]
        forms_ = {
            "accept": EmptyForm(auto_id=_auto_id("accept")),
            "reject": RejectForm(auto_id=_auto_id("reject")),
            "table": NoteForm(auto_id=_auto_id("table")),
            "untable": NoteForm(auto_id=_auto_id("untable")),
            "merge": MergeForm(similar=similar, auto_id=_auto_id("merge")),
            "dispatch": DispatchForm(units=units, initial={"units": suggested}, auto_id=_auto_id("dispatch")),
            "handle_directly": NoteForm(auto_id=_auto_id(FORM_PREFIXES["handle_directly"])),
            "update": UpdateForm(auto_id=_auto_id("update")),
            "complete": ResultForm(auto_id=_auto_id("complete")),
            "follow_up": FollowUpForm(auto_id=_auto_id(FORM_PREFIXES["follow_up"])),
        }
        forms_.update({name: form for name, form in bound.items() if ":" not in name})
        failed_form = bound.get(failed)
        context.update(
            matter=matter,
            now=now,
            can=can,
            forms=forms_,
            failed=failed,
            failed_errors=_error_messages(failed_form) if failed_form is not None else [],
            dispatches=dispatches,
            events=events,
            evaluations=evaluations,
            raiser=raiser_label(matter),
            raiser_phone=raiser_phone(matter),
            due=Due.of(matter.resolve_due_at, now) if status == Status.IN_PROGRESS else None,
            # Photos of the matter itself (raised with it, or moved here with a merged duplicate); those
            # posted with an update show on the timeline.
            photos=[photo for photo in matter.photos.all() if photo.event_id not in update_event_ids],
            followed=selectors.matter_is_followed(user=user, matter=matter),
            suggested_units=suggested,
            max_photos=services.MAX_PHOTOS,
        )
        return context


def _error_messages(form) -> list[str]:
    return [str(message) for errors in form.errors.values() for message in errors]


class MatterActionView(MatterDetailView):
    """One action on the matter: validate the form, call one service, go back to the matter's page.

    A refused action renders the matter's page with the error (status 400), never a server error."""

    http_method_names = ["post"]
    name = ""
    form_class: type[forms.Form] = EmptyForm
    success_message = gettext_lazy("Done.")

    def form_kwargs(self) -> dict:
        return {}

    def perform(self, form) -> None:
        raise NotImplementedError

    def bound_key(self) -> str:
        return self.name

    def auto_id(self) -> str:
        # The same element ids as the unbound form on the matter's page.
        return _auto_id(FORM_PREFIXES.get(self.name, self.name))

    def success_url(self) -> str:
        return _matter_url(self.get_matter().pk)

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST, request.FILES, auto_id=self.auto_id(), **self.form_kwargs())
        if form.is_valid():
            try:
                self.perform(form)
            except Http404:
                raise
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, str(self.success_message))
                return redirect(self.success_url())
        # Show the matter as it is now (the failed service rolled back), with the form as it was sent.
        if hasattr(self, "matter"):
            del self.matter
        key = self.bound_key()
        return self.render_to_response(self.get_context_data(bound={key: form}, failed=key), status=400)


class AcceptView(MatterActionView):
    permission_required = "matters.triage"
    name = "accept"
    success_message = gettext_lazy("The matter is accepted.")

    def perform(self, form):
        services.matter_accept(by=self.request.user, matter=self.get_matter())


class RejectView(MatterActionView):
    permission_required = "matters.triage"
    name = "reject"
    form_class = RejectForm
    success_message = gettext_lazy("The matter is not accepted; the resident sees the reason.")

    def perform(self, form):
        data = form.cleaned_data
        services.matter_reject(
            by=self.request.user,
            matter=self.get_matter(),
            reason_kind=data["reason_kind"],
            reason=data["reason"],
            referred_to=data["referred_to"],
        )


class TableView(MatterActionView):
    permission_required = "matters.triage"
    name = "table"
    form_class = NoteForm
    success_message = gettext_lazy("The matter is tabled for deliberation.")

    def perform(self, form):
        services.matter_table(by=self.request.user, matter=self.get_matter(), note=form.cleaned_data["note"])


class UntableView(MatterActionView):
    permission_required = "matters.triage"
    name = "untable"
    form_class = NoteForm
    success_message = gettext_lazy("The matter is taken back from deliberation.")

    def perform(self, form):
        services.matter_untable(
            by=self.request.user, matter=self.get_matter(), note=form.cleaned_data["note"]
        )


class MergeView(MatterActionView):
    permission_required = "matters.triage"
    name = "merge"
    form_class = MergeForm
    success_message = gettext_lazy("The matter is merged into the original.")

    def form_kwargs(self):
        # Any number may be typed; the radio buttons only offer suggestions.
        number = self.request.POST.get("into", "")
        return {"similar": [(Matter(pk=int(number), title=""), 0)] if number.isdigit() else []}

    def perform(self, form):
        try:
            into = selectors.matter_get_for_staff(
                user=self.request.user, matter_id=form.cleaned_data["target"]
            )
        except Http404:
            raise ValidationError(
                {"into_number": [_("There is no matter with this number in your area.")]}
            ) from None
        services.matter_merge(by=self.request.user, matter=self.get_matter(), into=into)


class DispatchView(MatterActionView):
    permission_required = "matters.triage"
    name = "dispatch"
    form_class = DispatchForm
    success_message = gettext_lazy("The matter is dispatched.")

    def form_kwargs(self):
        return {"units": list(selectors.units_for_dispatch(matter=self.get_matter()))}

    def perform(self, form):
        units = [form.units[pk] for pk in form.cleaned_data["units"]]
        services.matter_dispatch(
            by=self.request.user, matter=self.get_matter(), units=units, note=form.cleaned_data["note"]
        )


class HandleDirectlyView(MatterActionView):
    permission_required = "matters.triage"
    name = "handle_directly"
    form_class = NoteForm
    success_message = gettext_lazy("The community handles the matter itself.")

    def perform(self, form):
        matter = self.get_matter()
        unit = services.community_unit_for(matter)
        services.matter_dispatch(
            by=self.request.user, matter=matter, units=[unit], note=form.cleaned_data["note"]
        )


class UpdateView(MatterActionView):
    permission_required = "matters.triage"
    name = "update"
    form_class = UpdateForm
    success_message = gettext_lazy("The update is posted.")

    def perform(self, form):
        services.matter_update_post(
            by=self.request.user,
            matter=self.get_matter(),
            text=form.cleaned_data["text"],
            photos=self.request.FILES.getlist("photos"),
            is_public=form.cleaned_data["visibility"] == "public",
        )


class CompleteView(MatterActionView):
    permission_required = "matters.triage"
    name = "complete"
    form_class = ResultForm
    success_message = gettext_lazy("The matter is marked done; the resident is asked to evaluate it.")

    def perform(self, form):
        services.matter_complete(
            by=self.request.user, matter=self.get_matter(), result=form.cleaned_data["result"]
        )


class FollowUpView(MatterActionView):
    permission_required = "matters.record_follow_up"
    name = "follow_up"
    form_class = FollowUpForm
    success_message = gettext_lazy("The phone follow-up is recorded.")

    def perform(self, form):
        data = form.cleaned_data
        services.matter_evaluate(
            by=self.request.user,
            matter=self.get_matter(),
            result=data["result"],
            comment=data["comment"],
            solved={"yes": True, "no": False}.get(data["solved"]),
            by_phone_follow_up=True,
        )


class FollowView(MatterActionView):
    """Follow a matter (it then shows under "Mine" and its progress is notified), or stop following it."""

    permission_required = "matters.view_staff_pages"
    name = "follow"
    form_class = FollowForm

    @property
    def success_message(self):
        return _("You follow this matter.") if self.following else _("You no longer follow this matter.")

    def perform(self, form):
        self.following = form.cleaned_data["follow"]
        if self.following:
            services.matter_follow(by=self.request.user, matter=self.get_matter())
        else:
            services.matter_unfollow(by=self.request.user, matter=self.get_matter())


class ExtensionDecideView(MatterActionView):
    """Grant or refuse a unit's request for more time on this matter."""

    permission_required = "matters.triage"
    name = "decide"
    form_class = DecideForm

    def get_extension(self) -> ExtensionRequest:
        extension = selectors.extension_get_for_triage(
            user=self.request.user, extension_id=self.kwargs["extension_id"]
        )
        if extension.dispatch.matter_id != self.get_matter().pk:
            raise Http404
        return extension

    def bound_key(self):
        return f"decide:{self.get_extension().dispatch_id}"

    @property
    def success_message(self):
        return _("More time is granted.") if self.granted else _("More time is refused.")

    def perform(self, form):
        self.granted = form.cleaned_data["decision"] == "grant"
        services.extension_decide(by=self.request.user, extension=self.get_extension(), grant=self.granted)


class DispatchActionView(MatterActionView):
    """An action of a handling unit on its own dispatch; someone not of the unit gets 404."""

    permission_required = "matters.handle"

    def get_dispatch(self) -> Dispatch:
        if not hasattr(self, "dispatch_obj"):
            dispatch = selectors.dispatch_get_for_unit(
                user=self.request.user, dispatch_id=self.kwargs["dispatch_id"]
            )
            if dispatch.matter_id != self.kwargs["pk"]:
                raise Http404
            self.dispatch_obj = dispatch
        return self.dispatch_obj

    def get_permission_object(self):
        return self.get_dispatch()

    def get_matter(self) -> Matter:
        self.get_dispatch()
        return super().get_matter()

    def bound_key(self):
        return f"{self.name}:{self.get_dispatch().pk}"

    def auto_id(self):
        return _auto_id(f"d{self.kwargs['dispatch_id']}_{self.name}")

    def success_url(self):
        return _matter_url(self.kwargs["pk"], f"dispatch-{self.get_dispatch().pk}")


class SignView(DispatchActionView):
    name = "sign"
    success_message = gettext_lazy("Signed for: the matter is now your unit's to handle.")

    def perform(self, form):
        services.dispatch_sign(by=self.request.user, dispatch=self.get_dispatch())


class ReturnView(DispatchActionView):
    name = "return"
    form_class = ReturnForm
    success_message = gettext_lazy("The matter is handed back to the community.")

    def perform(self, form):
        services.dispatch_return(
            by=self.request.user, dispatch=self.get_dispatch(), reason=form.cleaned_data["reason"]
        )


class ExtendView(DispatchActionView):
    name = "extend"
    form_class = ExtensionForm
    success_message = gettext_lazy("More time is asked for; the community decides.")

    def perform(self, form):
        data = form.cleaned_data
        services.extension_request(
            by=self.request.user,
            dispatch=self.get_dispatch(),
            working_days=data["working_days"],
            reason=data["reason"],
        )


class DispatchUpdateView(DispatchActionView):
    name = "update"
    form_class = UpdateForm
    success_message = gettext_lazy("The update is posted.")

    def perform(self, form):
        dispatch = self.get_dispatch()
        if dispatch.status not in Dispatch.ACTIVE:
            raise services.MatterStateError(_("Your unit is no longer working on this matter."))
        services.matter_update_post(
            by=self.request.user,
            matter=self.get_matter(),
            text=form.cleaned_data["text"],
            photos=self.request.FILES.getlist("photos"),
            is_public=form.cleaned_data["visibility"] == "public",
            dispatch=dispatch,
        )


class DispatchDoneView(DispatchActionView):
    name = "done"
    form_class = ResultForm
    success_message = gettext_lazy("Your unit's part is marked done.")

    def perform(self, form):
        services.dispatch_complete(
            by=self.request.user, dispatch=self.get_dispatch(), result=form.cleaned_data["result"]
        )


# Photos and export ------------------------------------------------------------------------------------------


class StaffPhotoView(PermissionRequiredMixin, View):
    """A matter's photo for staff, internal ones included, scoped like the matter's page."""

    permission_required = "matters.view_staff_pages"

    def get_permission_object(self):
        if not hasattr(self, "photo"):
            photo = selectors.staff_photo_get(user=self.request.user, photo_id=self.kwargs["pk"])
            self.photo = photo
        return self.photo.matter

    def get(self, request, *args, **kwargs):
        try:
            handle = self.photo.file.open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404 from None
        response = FileResponse(handle, content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Disposition"] = "inline"
        return response


def export_scope(user, place: str) -> str:
    """The place an export covers, for its audit entry: the place filtered on, else the common prefix of the
    user's export scopes cut back to a whole place code."""
    if place:
        return place
    shared = commonprefix(scope.role_codes(user, EXPORT_ROLES))  # noqa: RUF071
    return shared[: max((n for n in (0, 6, 9, 12, 15) if n <= len(shared)), default=0)]


class ExportView(PermissionRequiredMixin, View):
    """The list's matters as filtered, with their timelines, as .xlsx: personal data masked, audited."""

    permission_required = "matters.export"

    def get(self, request):
        user = request.user
        form = filter_form(request)
        if form.is_bound and not form.is_valid():
            messages.error(request, _("Correct the filters to export the matters."))
            return redirect(f"{reverse('matters:staff-list')}?{_query_without(request)}")
        filters = form.filters() if form.is_bound else dict(TAB_FILTERS[DEFAULT_TAB])
        if filters.get("place") and not scope.covers(user, filters["place"], EXPORT_ROLES):
            raise Http404
        matters = selectors.matters_for_staff(user=user, filters=filters).filter(
            scope.scope_q(user, roles=EXPORT_ROLES)
        )
        path = exports.matters_export(
            by=user, matters=matters, place_code=export_scope(user, filters.get("place", "")), filters=filters
        )
        return xlsx_download(path, f"matters-{timezone.localdate():%Y%m%d}.xlsx")
