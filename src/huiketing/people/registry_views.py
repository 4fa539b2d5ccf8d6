"""Staff pages of the residents registry: lists, detail pages, the reveal action and the forms that change it.

Every object is fetched through a scoped selector (404 alike for missing and out of scope); every write is one
service call whose ValidationError is shown next to the field it names. Personal numbers are masked on every
page; the full value appears only on the answer to a reveal POST, which is audited and never cached.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from huiketing.core.permissions import PermissionRequiredMixin
from huiketing.people import selectors, services, validators
from huiketing.people.ethnic_groups import ethnic_group_name
from huiketing.people.forms import (
    ConsentForm,
    HouseholdFilterForm,
    HouseholdForm,
    HouseholdMoveForm,
    NumberSearchForm,
    ResidentFilterForm,
    ResidentForm,
    ResidentMoveForm,
    ResidentStatusForm,
    RevealForm,
    TagsForm,
    VisitForm,
    add_service_errors,
    tag_label,
)
from huiketing.people.models import Consent, Household, Resident
from huiketing.places import selectors as place_selectors
from huiketing.places.models import Level

PAGE_SIZE = 50


def _grid_for_user(user, code: str):
    """A grid the user's registry roles cover, by code; 404 for a forged or out-of-scope one."""
    return place_selectors.place_get_for_user(
        user=user, code=code, roles=selectors.REGISTRY_ROLES, level=Level.GRID
    )


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("lang", None)
    return query.urlencode()


def annotate_resident(resident: Resident, today=None) -> Resident:
    """Add what the pages show but the model does not store: age and every tag (computed ones included)."""
    today = today or timezone.localdate()
    resident.age = (
        validators.age_on(resident.birth_date, today)
        if resident.birth_date and resident.birth_date <= today
        else None
    )
    resident.computed_tag_labels = [tag_label(tag) for tag in selectors.computed_tags(resident, today)]
    # tags.all() reads the prefetched tags: no query per row.
    resident.tag_labels = [tag_label(tag.tag) for tag in resident.tags.all()]
    return resident


# Lists ------------------------------------------------------------------------------------------------


class ResidentListView(PermissionRequiredMixin, TemplateView):
    """Residents of the grids the user covers, 50 a page, filtered by grid, tag, status and name (GET).

    Exact search by a whole ID number or phone is a POST (the number stays out of URLs), combined with the
    filters of the query string. Either way the page asks the same number of queries whatever it holds."""

    permission_required = "people.view_registry"
    template_name = "people/registry/resident_list.html"

    def post(self, request, *args, **kwargs):
        search = NumberSearchForm(request.POST)
        response = self.render_to_response(self.get_context_data(search=search))
        add_never_cache_headers(response)
        return response

    def get_context_data(self, search=None, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = ResidentFilterForm(
            self.request.GET or None, grids=selectors.registry_grids_for_user(user=user)
        )
        valid = not form.is_bound or form.is_valid()
        filters = form.filters() if form.is_bound and valid else {}
        if search is not None:
            valid = search.is_valid() and valid
            if valid:
                filters.update(search.filters())
        residents = (
            selectors.residents_for_user(user=user, filters=filters) if valid else Resident.objects.none()
        )
        page = Paginator(residents, PAGE_SIZE).get_page(self.request.GET.get("page"))
        today = timezone.localdate()
        rows = [annotate_resident(resident, today) for resident in page.object_list]
        context.update(
            form=form,
            search=search or NumberSearchForm(),
            searched=search is not None,
            page=page,
            residents=rows,
            query=_query_without_page(self.request),
            can_change=user.has_perm("people.change_registry"),
        )
        return context


class HouseholdListView(PermissionRequiredMixin, TemplateView):
    permission_required = "people.view_registry"
    template_name = "people/registry/household_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = HouseholdFilterForm(
            self.request.GET or None, grids=selectors.registry_grids_for_user(user=user)
        )
        if form.is_bound and not form.is_valid():
            households = Household.objects.none()
        else:
            households = selectors.households_for_user(
                user=user, filters=form.filters() if form.is_bound else {}
            )
        page = Paginator(households, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            form=form,
            page=page,
            households=page.object_list,
            query=_query_without_page(self.request),
            can_change=user.has_perm("people.change_registry"),
        )
        return context


# A resident ---------------------------------------------------------------------------------------------


def reveal_auto_id(field: str) -> str:
    """Element ids of one field's reveal form, so that the two forms on a page do not share ids."""
    return f"reveal_{field if field in ('id_number', 'phone') else 'x'}_%s"


class ResidentMixin(PermissionRequiredMixin):
    """Fetches the resident of the URL through the scoped selector, before any permission is checked."""

    def get_permission_object(self):
        if not hasattr(self, "resident"):
            self.resident = selectors.resident_get_for_user(
                user=self.request.user, resident_id=self.kwargs["pk"]
            )
        return self.resident

    def resident_url(self) -> str:
        return reverse("people:registry-resident", kwargs={"pk": self.resident.pk})


class ResidentPageMixin(ResidentMixin):
    """Renders the resident's page, possibly with a form's errors or a revealed value."""

    def resident_context(self, bound_reveal_form=None, **extra) -> dict:
        user, resident = self.request.user, self.resident
        annotate_resident(resident)
        consents = list(resident.consents.all())
        has_guardian_consent = any(
            consent.kind == Consent.Kind.GUARDIAN and consent.withdrawn_on is None for consent in consents
        )
        household = resident.household
        can_reveal = user.has_perm("people.reveal_personal", resident)
        context = {
            "resident": resident,
            "household": household,
            "ethnic_group_name": ethnic_group_name(resident.ethnic_group) if resident.ethnic_group else "",
            "consents": consents,
            "needs_guardian_consent": resident.needs_guardian_consent and not has_guardian_consent,
            "moves": resident.moves.select_related("from_household", "to_household"),
            "visits": selectors.visits_for_household(household=household) if household else [],
            "can_reveal": can_reveal,
            "can_change": user.has_perm("people.change_registry", resident),
            "tags_form": TagsForm(initial={"tags": [tag.tag for tag in resident.tags.all()]}),
            "reveal_forms": {
                field: RevealForm(initial={"field": field}, auto_id=reveal_auto_id(field))
                for field in ("id_number", "phone")
                if can_reveal and getattr(resident, field)
            },
            "revealed": {},
        }
        if bound_reveal_form is not None:
            field, form = bound_reveal_form
            if field in context["reveal_forms"]:
                context["reveal_forms"][field] = form
                context["reveal_open"] = field
            else:
                context["reveal_errors"] = form.errors
        context.update(extra)
        return context


class ResidentDetailView(ResidentPageMixin, TemplateView):
    permission_required = "people.view_registry"
    template_name = "people/registry/resident_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.resident_context(**kwargs))

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        add_never_cache_headers(response)
        return response


class ResidentRevealView(ResidentDetailView):
    """POST a field and a reason: the resident's page comes back with that field in full, once.

    Users without people.reveal_personal on this resident get 404, like a resident that does not exist."""

    permission_required = "people.reveal_personal"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        field = request.POST.get("field", "")
        form = RevealForm(request.POST, auto_id=reveal_auto_id(field))
        extra = {}
        if form.is_valid():
            try:
                value = services.resident_reveal(
                    by=request.user,
                    resident=self.resident,
                    field=form.cleaned_data["field"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                extra["revealed"] = {form.cleaned_data["field"]: value}
        if form.errors:
            extra["bound_reveal_form"] = (field, form)
        # The detail view's render_to_response adds Cache-Control: no-store.
        return self.render_to_response(self.get_context_data(**extra), status=400 if form.errors else 200)


class ResidentTagsView(ResidentDetailView):
    permission_required = "people.change_registry"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = TagsForm(request.POST)
        if form.is_valid():
            try:
                services.resident_tags_set(
                    by=request.user, resident=self.resident, tags=form.cleaned_data["tags"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The tags have been saved."))
                return redirect(self.resident_url())
        return self.render_to_response(self.get_context_data(tags_form=form), status=400)


class RegistryFormView(FormView):
    """A form page whose valid submission is one service call; the service's errors go next to their field."""

    template_name = "people/registry/form.html"
    title = ""
    submit_label = ""
    success_message = ""

    def perform(self, form):
        raise NotImplementedError

    def success_url_for(self, obj) -> str:
        raise NotImplementedError

    def cancel_url(self) -> str:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            obj = self.perform(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.success_url_for(obj))

    def render_to_response(self, context, **response_kwargs):
        # A form sent back with errors holds what was typed, possibly a whole ID number: never cached.
        response = super().render_to_response(context, **response_kwargs)
        add_never_cache_headers(response)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title, submit_label=self.submit_label or _("Save"), cancel_url=self.cancel_url()
        )
        return context


class ResidentEditView(ResidentMixin, RegistryFormView):
    permission_required = "people.change_registry"

    @property
    def title(self):
        return _("Edit %(name)s") % {"name": self.resident.full_name}

    @property
    def success_message(self):
        return _("The changes have been saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "resident": self.resident}

    def get_initial(self):
        resident = self.resident
        return {
            "full_name": resident.full_name,
            "ethnic_group": resident.ethnic_group,
            "relation": resident.relation,
            "preferred_language": resident.preferred_language,
            "moved_in_on": resident.moved_in_on,
        }

    def get_form_class(self):
        return ResidentForm

    def perform(self, form):
        return services.resident_update(by=self.request.user, resident=self.resident, **form.changes())

    def success_url_for(self, obj):
        return self.resident_url()

    def cancel_url(self):
        return self.resident_url()


class ResidentMoveView(ResidentMixin, RegistryFormView):
    permission_required = "people.change_registry"
    form_class = ResidentMoveForm

    @property
    def title(self):
        return _("Move %(name)s to another household") % {"name": self.resident.full_name}

    @property
    def success_message(self):
        return _("The resident has been moved; the former household stays in the history.")

    def perform(self, form):
        data = form.cleaned_data
        # A household outside the user's scope answers 404, exactly like one that does not exist.
        household = selectors.household_get_for_user(user=self.request.user, household_id=data["household"])
        return services.resident_move(
            by=self.request.user,
            resident=self.resident,
            household=household,
            moved_on=data["moved_on"],
            reason=data["reason"],
        )

    def success_url_for(self, obj):
        return self.resident_url()

    def cancel_url(self):
        return self.resident_url()


class ResidentStatusView(ResidentMixin, RegistryFormView):
    permission_required = "people.change_registry"
    form_class = ResidentStatusForm

    @property
    def title(self):
        return _("Status of %(name)s") % {"name": self.resident.full_name}

    @property
    def success_message(self):
        return _("The status has been saved.")

    def get_initial(self):
        return {**super().get_initial(), "status": self.resident.status}

    def perform(self, form):
        data = form.cleaned_data
        return services.resident_set_status(
            by=self.request.user, resident=self.resident, status=data["status"], on=data["on"]
        )

    def success_url_for(self, obj):
        return self.resident_url()

    def cancel_url(self):
        return self.resident_url()


class ConsentRecordView(ResidentMixin, RegistryFormView):
    permission_required = "people.change_registry"
    form_class = ConsentForm

    @property
    def title(self):
        return _("Record a consent for %(name)s") % {"name": self.resident.full_name}

    @property
    def success_message(self):
        return _("The consent has been recorded.")

    def perform(self, form):
        return services.consent_record(by=self.request.user, resident=self.resident, **form.cleaned_data)

    def success_url_for(self, obj):
        return self.resident_url()

    def cancel_url(self):
        return self.resident_url()


# A household --------------------------------------------------------------------------------------------


class HouseholdMixin(PermissionRequiredMixin):
    def get_permission_object(self):
        if not hasattr(self, "household"):
            self.household = selectors.household_get_for_user(
                user=self.request.user, household_id=self.kwargs["pk"]
            )
        return self.household

    def household_url(self) -> str:
        return reverse("people:registry-household", kwargs={"pk": self.household.pk})


class HouseholdDetailView(HouseholdMixin, TemplateView):
    permission_required = "people.view_registry"
    template_name = "people/registry/household_detail.html"

    def get_context_data(self, visit_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        user, household = self.request.user, self.household
        today = timezone.localdate()
        # The household was fetched in the user's scope, and its members always share its place code.
        members = [
            annotate_resident(resident, today)
            for resident in household.residents.prefetch_related("tags").order_by("status", "id")
        ]
        can_record_visit = user.has_perm("people.record_visit", household)
        context.update(
            household=household,
            members=members,
            visits=selectors.visits_for_household(household=household),
            moves=household.moves.all(),
            can_change=user.has_perm("people.change_registry", household),
            can_record_visit=can_record_visit,
            visit_form=visit_form or (VisitForm() if can_record_visit else None),
        )
        return context


class VisitRecordView(HouseholdDetailView):
    """Record a household visit (POST from the household's page)."""

    permission_required = "people.record_visit"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = VisitForm(request.POST)
        if form.is_valid():
            try:
                services.visit_record(by=request.user, household=self.household, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The visit has been recorded."))
                return redirect(self.household_url())
        return self.render_to_response(self.get_context_data(visit_form=form), status=400)


class VisitFollowUpDoneView(HouseholdDetailView):
    """Mark a visit's follow-up as done (POST from the household's page; only this household's visits)."""

    permission_required = "people.record_visit"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        visit = self.household.visits.filter(pk=request.POST.get("visit") or 0).first()
        if visit is None:
            raise Http404
        try:
            services.visit_follow_up_done(by=request.user, visit=visit)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The follow-up is marked as done."))
        return redirect(self.household_url())


class HouseholdCreateView(PermissionRequiredMixin, RegistryFormView):
    permission_required = "people.change_registry"
    form_class = HouseholdForm

    @property
    def title(self):
        return _("New household")

    @property
    def success_message(self):
        return _("The household has been created. Add its residents now.")

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "grids": selectors.registry_grids_for_user(user=self.request.user),
        }

    def get_initial(self):
        return {"grid": self.request.GET.get("grid", "")}

    def perform(self, form):
        data = dict(form.cleaned_data)
        grid = _grid_for_user(self.request.user, data.pop("grid"))
        return services.household_create(by=self.request.user, grid=grid, **data)

    def success_url_for(self, obj):
        return reverse("people:registry-household", kwargs={"pk": obj.pk})

    def cancel_url(self):
        return reverse("people:registry-households")


class HouseholdMoveView(HouseholdMixin, RegistryFormView):
    permission_required = "people.change_registry"
    form_class = HouseholdMoveForm

    @property
    def title(self):
        return _("Move household %(address)s to another grid") % {"address": self.household.address}

    @property
    def success_message(self):
        return _("The household has been moved; the former grid stays in the history.")

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "grids": selectors.registry_grids_for_user(user=self.request.user),
        }

    def perform(self, form):
        data = form.cleaned_data
        grid = _grid_for_user(self.request.user, data["grid"])
        return services.household_move(
            by=self.request.user,
            household=self.household,
            grid=grid,
            moved_on=data["moved_on"],
            reason=data["reason"],
        )

    def success_url_for(self, obj):
        return self.household_url()

    def cancel_url(self):
        return self.household_url()


class ResidentCreateView(HouseholdMixin, RegistryFormView):
    """A new resident in this household."""

    permission_required = "people.change_registry"
    form_class = ResidentForm

    @property
    def title(self):
        return _("New resident in household %(address)s") % {"address": self.household.address}

    @property
    def success_message(self):
        return _("The resident has been registered.")

    def perform(self, form):
        return services.resident_create(by=self.request.user, household=self.household, **form.cleaned_data)

    def success_url_for(self, obj):
        return reverse("people:registry-resident", kwargs={"pk": obj.pk})

    def cancel_url(self):
        return self.household_url()
