"""Staff pages of projects: the list in scope (late ones first), setting a project up from a decision or on
the community's own initiative, editing it, and its page with every action: the workflow, milestones,
parties, photos and participants, and the .xlsx export.

Projects are fetched through `selectors.project_get_for_staff`: missing and out of scope are the same 404.
Each action is a small POST form, shown only when the user's rules and the project's state allow it, and is
one service call; a refused one comes back on the project's page with the service's translated message and
status 400.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
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
from huiketing.core.permissions import PermissionRequiredMixin
from huiketing.matters.models import HandlingUnit
from huiketing.matters.selectors import staff_filter_places
from huiketing.people.models import COMMUNITY_AND_ABOVE, Organisation
from huiketing.people.verification import masked_name
from huiketing.people.xlsx import xlsx_download

from . import exports, forms, selectors, services
from .models import TRANSITIONS, Project, Status
from .views import project_context

PAGE_SIZE = 30
EXPORT_ROLES = COMMUNITY_AND_ABOVE


def _project_url(project_id: int, anchor: str = "") -> str:
    url = reverse("projects:staff-detail", kwargs={"pk": project_id})
    return f"{url}#{anchor}" if anchor else url


def _query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in ("page", "lang", *names):
        query.pop(name, None)
    return query.urlencode()


class NeverCacheMixin:
    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        add_never_cache_headers(response)
        return response


# The list ---------------------------------------------------------------------------------------------------


def filter_form(request) -> forms.StaffFilterForm:
    return forms.StaffFilterForm(request.GET or None, places=staff_filter_places(user=request.user))


class ProjectListView(PermissionRequiredMixin, NeverCacheMixin, TemplateView):
    """Projects in the user's scope, the late ones first, 30 a page; the same number of queries whatever the
    number of projects."""

    permission_required = "projects.view_staff"
    template_name = "projects/staff/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, request = self.request.user, self.request
        form = filter_form(request)
        valid = not form.is_bound or form.is_valid()
        filters = form.filters() if form.is_bound and valid else {}
        projects = plain = Project.objects.none()
        if valid:
            projects = selectors.projects_for_staff(user=user, filters=filters)
            plain = selectors.projects_for_staff(user=user, filters=filters, progress=False)
        paginator = selectors.ProgressPaginator(projects, PAGE_SIZE, plain=plain)
        page = paginator.get_page(request.GET.get("page"))
        rows = list(page.object_list)
        names = selectors.place_names(project.place_code for project in rows)
        today = timezone.localdate()
        for project in rows:
            project.place_name = names.get(project.place_code, "")
            project.progress = selectors.progress(project)
            project.late = selectors.is_late(project, today)
        context.update(
            form=form,
            valid=valid,
            page=page,
            projects=rows,
            query=_query_without(request),
            can_create=user.has_perm("projects.manage"),
            can_export=user.has_perm("projects.export"),
        )
        return context


# A project's page -------------------------------------------------------------------------------------------


class ProjectMixin(PermissionRequiredMixin):
    """The project of the URL, through the scoped selector, before any permission is checked."""

    def get_project(self) -> Project:
        if not hasattr(self, "project"):
            self.project = selectors.project_get_for_staff(
                user=self.request.user, project_id=self.kwargs["pk"]
            )
        return self.project

    def get_permission_object(self):
        return self.get_project()


def _auto_id(prefix: str) -> str:
    return f"{prefix}_%s"


def _error_messages(form) -> list[str]:
    if form is None:
        return []
    found = [str(message) for errors in form.errors.values() for message in errors]
    return found or [str(message) for message in getattr(form, "non_form_errors", list)()]


class ProjectDetailView(ProjectMixin, NeverCacheMixin, TemplateView):
    """A project for staff: what the public sees, and the actions the user may take now."""

    permission_required = "projects.view_staff"
    template_name = "projects/staff/detail.html"

    def get_context_data(self, bound: dict | None = None, failed: str = "", **kwargs):
        context = super().get_context_data(**kwargs)
        user, project = self.request.user, self.get_project()
        bound = bound or {}
        status = project.status
        manage = user.has_perm("projects.manage", project)
        report = user.has_perm("projects.report_progress", project)
        can = {action: manage and status in TRANSITIONS[action][0] for action in TRANSITIONS}
        can["edit"] = manage and status != Status.CANCELLED
        can["plan"] = manage and status in services.OPEN_STATUSES
        can["tick"] = report and status == Status.IN_PROGRESS
        can["reopen"] = report and status in (Status.IN_PROGRESS, Status.SUSPENDED)
        can["photo"] = report and status != Status.CANCELLED
        can["participants"] = manage and status in (Status.IN_PROGRESS, Status.SUSPENDED, Status.DONE)
        context.update(project_context(project, public=False))
        for row in context["milestones"]:
            milestone = row.milestone
            row.done_form = bound.get(f"done:{milestone.pk}") or forms.MilestoneDoneForm(
                auto_id=_auto_id(f"m{milestone.pk}_done")
            )
            row.edit_form = bound.get(f"milestone_edit:{milestone.pk}") or forms.MilestoneForm(
                initial={"title": milestone.title, "due_on": milestone.due_on, "weight": milestone.weight},
                auto_id=_auto_id(f"m{milestone.pk}_edit"),
            )
            row.failed = failed.endswith(f":{milestone.pk}")
        party_form = None
        if can["plan"]:
            party_form = bound.get("party_add") or forms.PartyForm(
                units=list(selectors.units_for_party(project=project)),
                organisations=list(selectors.organisations_for_party(project=project)),
                auto_id=_auto_id("party"),
            )
        page_forms = {
            "milestone_add": forms.MilestoneForm(auto_id=_auto_id("milestone")),
            "party_add": party_form,
            "photo_add": forms.PhotoForm(auto_id=_auto_id("photo")),
            "suspend": forms.ReasonForm(auto_id=_auto_id("suspend")),
            "cancel": forms.ReasonForm(auto_id=_auto_id("cancel")),
            "finish": forms.FinishForm(auto_id=_auto_id("finish")),
            "start": forms.EmptyForm(),
            "resume": forms.EmptyForm(),
        }
        page_forms.update({name: form for name, form in bound.items() if ":" not in name})
        participations = list(project.participations.all())
        for participation in participations:
            participation.label = masked_name(participation.resident.full_name)
        for event in context["events"]:
            event.actor_label = str(event.actor) if event.actor_id else ""
        context.update(
            can=can,
            forms=page_forms,
            failed=failed,
            failed_errors=_error_messages(bound.get(failed)),
            participations=participations,
            public_url=reverse("projects:detail", args=[project.pk]),
            matter_staff_url=(
                reverse("matters:staff-detail", args=[project.matter_id]) if project.matter_id else ""
            ),
        )
        return context


class ProjectActionView(ProjectDetailView):
    """One action on the project: validate the form, call one service, go back to the project's page.

    A refused action renders the project's page with the error (status 400), never a server error."""

    http_method_names = ["post"]
    name = ""
    form_class = forms.EmptyForm
    success_message = gettext_lazy("Done.")
    anchor = ""

    def form_kwargs(self) -> dict:
        return {}

    def perform(self, form) -> None:
        raise NotImplementedError

    def bound_key(self) -> str:
        return self.name

    def auto_id(self) -> str:
        return _auto_id(self.name)

    def success_url(self) -> str:
        return _project_url(self.get_project().pk, self.anchor)

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST, request.FILES, auto_id=self.auto_id(), **self.form_kwargs())
        if form.is_valid():
            try:
                self.perform(form)
            except ValidationError as error:
                forms.add_service_errors(form, error)
            else:
                messages.success(request, str(self.success_message))
                return redirect(self.success_url())
        # Show the project as it is now (the failed service rolled back), with the form as it was sent.
        key = self.bound_key()
        if hasattr(self, "project"):
            del self.project
        return self.render_to_response(self.get_context_data(bound={key: form}, failed=key), status=400)


class TransitionView(ProjectActionView):
    """Start, suspend, resume, finish or cancel (`action`, as declared in `models.TRANSITIONS`)."""

    permission_required = "projects.manage"
    action = ""
    anchor = "workflow"
    FORMS = {"suspend": forms.ReasonForm, "cancel": forms.ReasonForm, "finish": forms.FinishForm}
    MESSAGES = {
        "start": gettext_lazy("Work has started."),
        "suspend": gettext_lazy("The work is suspended."),
        "resume": gettext_lazy("The work has resumed."),
        "finish": gettext_lazy("The project is finished; the matter it carries out is done."),
        "cancel": gettext_lazy("The project is cancelled."),
    }

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.name = self.action
        self.form_class = self.FORMS.get(self.action, forms.EmptyForm)
        self.success_message = self.MESSAGES[self.action]

    def perform(self, form):
        user, project, data = self.request.user, self.get_project(), form.cleaned_data
        if self.action == "start":
            services.project_start(by=user, project=project)
        elif self.action == "suspend":
            services.project_suspend(by=user, project=project, reason=data["reason"])
        elif self.action == "resume":
            services.project_resume(by=user, project=project)
        elif self.action == "finish":
            services.project_finish(by=user, project=project, note=data["note"])
        elif self.action == "cancel":
            services.project_cancel(by=user, project=project, reason=data["reason"])


class MilestoneAddView(ProjectActionView):
    permission_required = "projects.manage"
    name = "milestone_add"
    form_class = forms.MilestoneForm
    success_message = gettext_lazy("The milestone is added.")
    anchor = "milestones"

    def auto_id(self):
        return _auto_id("milestone")

    def perform(self, form):
        data = form.cleaned_data
        services.milestone_add(
            by=self.request.user,
            project=self.get_project(),
            title=data["title"],
            due_on=data["due_on"],
            weight=data["weight"],
        )


class MilestoneActionView(ProjectActionView):
    """An action on one milestone of the project; a milestone of another project is a 404."""

    anchor = "milestones"

    def get_milestone(self):
        return selectors.milestone_of(self.get_project(), self.kwargs["milestone_id"])

    def bound_key(self):
        return f"{self.name}:{self.kwargs['milestone_id']}"

    def auto_id(self):
        return _auto_id(f"m{self.kwargs['milestone_id']}_{self.name}")


class MilestoneEditView(MilestoneActionView):
    permission_required = "projects.manage"
    name = "milestone_edit"
    form_class = forms.MilestoneForm
    success_message = gettext_lazy("The milestone is changed.")

    def auto_id(self):
        return _auto_id(f"m{self.kwargs['milestone_id']}_edit")

    def perform(self, form):
        data = form.cleaned_data
        services.milestone_update(
            by=self.request.user,
            milestone=self.get_milestone(),
            title=data["title"],
            due_on=data["due_on"],
            weight=data["weight"],
        )


class MilestoneRemoveView(MilestoneActionView):
    permission_required = "projects.manage"
    name = "milestone_remove"
    success_message = gettext_lazy("The milestone is removed.")

    def perform(self, form):
        services.milestone_remove(by=self.request.user, milestone=self.get_milestone())


class MilestoneMoveView(MilestoneActionView):
    permission_required = "projects.manage"
    name = "milestone_move"
    form_class = forms.MoveForm
    success_message = gettext_lazy("The milestones are in their new order.")

    def perform(self, form):
        services.milestone_move(
            by=self.request.user, milestone=self.get_milestone(), up=form.cleaned_data["direction"] == "up"
        )


class MilestoneDoneView(MilestoneActionView):
    permission_required = "projects.report_progress"
    name = "done"
    form_class = forms.MilestoneDoneForm
    success_message = gettext_lazy("The milestone is marked done.")

    def perform(self, form):
        services.milestone_done(
            by=self.request.user, milestone=self.get_milestone(), note=form.cleaned_data["note"]
        )


class MilestoneUndoView(MilestoneActionView):
    permission_required = "projects.report_progress"
    name = "undo"
    success_message = gettext_lazy("The milestone is open again.")

    def perform(self, form):
        services.milestone_undo(by=self.request.user, milestone=self.get_milestone())


class PartyAddView(ProjectActionView):
    permission_required = "projects.manage"
    name = "party_add"
    form_class = forms.PartyForm
    success_message = gettext_lazy("The party is added.")
    anchor = "parties"

    def auto_id(self):
        return _auto_id("party")

    def form_kwargs(self):
        project = self.get_project()
        return {
            "units": list(selectors.units_for_party(project=project)),
            "organisations": list(selectors.organisations_for_party(project=project)),
        }

    def perform(self, form):
        services.party_add(by=self.request.user, project=self.get_project(), **form.value())


class PartyRemoveView(ProjectActionView):
    permission_required = "projects.manage"
    name = "party_remove"
    success_message = gettext_lazy("The party is removed.")
    anchor = "parties"

    def perform(self, form):
        party = selectors.party_of(self.get_project(), self.kwargs["party_id"])
        services.party_remove(by=self.request.user, party=party)


class PhotoAddView(ProjectActionView):
    permission_required = "projects.report_progress"
    name = "photo_add"
    form_class = forms.PhotoForm
    success_message = gettext_lazy("The photo is added.")
    anchor = "photos"

    def auto_id(self):
        return _auto_id("photo")

    def perform(self, form):
        data = form.cleaned_data
        services.photo_add(
            by=self.request.user,
            project=self.get_project(),
            stage=data["stage"],
            file=data["image"],
            caption=data["caption"],
        )


class PhotoRemoveView(ProjectActionView):
    permission_required = "projects.report_progress"
    name = "photo_remove"
    success_message = gettext_lazy("The photo is removed.")
    anchor = "photos"

    def perform(self, form):
        photo = selectors.photo_of(self.get_project(), self.kwargs["photo_id"])
        services.photo_remove(by=self.request.user, photo=photo)


# Setting a project up, and editing it -----------------------------------------------------------------------


def _units_and_organisations(user) -> tuple[list, list]:
    """Handling units and organisations serving the places the user runs projects in (or the whole city)."""
    query = Q()
    for prefix in scope.role_codes(user, COMMUNITY_AND_ABOVE):
        if not prefix:
            query = Q()
            break
        ancestors = [prefix[:n] for n in (6, 9, 12, 15) if n <= len(prefix)]
        query |= Q(place_code__in=ancestors) | Q(place_code__startswith=prefix)
    units = HandlingUnit.objects.filter(query, is_active=True).select_related("organisation")
    return list(units.order_by("kind", "id")), list(Organisation.objects.filter(query).order_by("kind", "id"))


class ProjectCreateView(PermissionRequiredMixin, NeverCacheMixin, TemplateView):
    """GET: approved decisions in effect that are no project yet, to choose from (or a project of the
    community's own); with `?decision=` or `?blank=1`, the form. POST: set the project up."""

    permission_required = "projects.manage"
    template_name = "projects/staff/new.html"

    def get_decision(self, value):
        if not value:
            return None
        try:
            item_id = int(value)
        except (TypeError, ValueError):
            raise Http404 from None
        return selectors.decision_get_for_project(user=self.request.user, item_id=item_id)

    def make_forms(self, data=None, decision=None):
        user = self.request.user
        initial = {}
        if decision is not None:
            initial = {
                "title": decision.title,
                "description": "\n\n".join(
                    part
                    for part in (decision.description, decision.decision_reasons, decision.follow_up)
                    if part
                ),
                "place_code": decision.meeting.place_code,
            }
        units, organisations = _units_and_organisations(user)
        return (
            forms.ProjectForm(data, initial=initial, places=selectors.places_for_projects(user=user)),
            forms.MilestoneFormSet(data, prefix="milestones"),
            forms.party_formset(data, units=units, organisations=organisations),
        )

    def get(self, request, *args, **kwargs):
        decision = self.get_decision(request.GET.get("decision"))
        if decision is None and not request.GET.get("blank"):
            decisions = list(selectors.decisions_without_project(user=request.user)[:100])
            return self.render_to_response(self.get_context_data(decisions=decisions, choosing=True))
        form, milestones, parties = self.make_forms(decision=decision)
        return self.render_to_response(
            self.get_context_data(form=form, milestones=milestones, parties=parties, decision=decision)
        )

    def post(self, request, *args, **kwargs):
        decision = self.get_decision(request.POST.get("decision"))
        form, milestones, parties = self.make_forms(request.POST, decision=decision)
        valid = all([form.is_valid(), milestones.is_valid(), parties.is_valid()])
        if valid:
            data = form.cleaned_data
            values = {
                "by": request.user,
                "title": data["title"],
                "description": data["description"],
                "place_code": data["place_code"],
                "budget": data["budget"],
                "funding_source": data["funding_source"],
                "funding_note": data["funding_note"],
                "starts_on": data["starts_on"],
                "due_on": data["due_on"],
                "milestones": [row for row in (f.value() for f in milestones.forms) if row],
                "parties": [row for row in (f.value() for f in parties.forms) if row],
            }
            try:
                if decision is not None:
                    project = services.project_create_from_decision(item=decision, **values)
                else:
                    project = services.project_create(**values)
            except ValidationError as error:
                forms.add_service_errors(form, error, renamed={"agenda_item": None})
            else:
                messages.success(request, _("The project is set up. Start it when the work begins."))
                return redirect("projects:staff-detail", pk=project.pk)
        context = self.get_context_data(form=form, milestones=milestones, parties=parties, decision=decision)
        return self.render_to_response(context, status=400)


class ProjectEditView(ProjectMixin, NeverCacheMixin, TemplateView):
    """The project's details, budget and what was spent so far."""

    permission_required = "projects.manage"
    template_name = "projects/staff/edit.html"

    def make_form(self, data=None):
        project = self.get_project()
        initial = {
            name: getattr(project, name)
            for name in ("title", "description", "place_code", "funding_source", "funding_note")
        }
        initial.update(
            budget=project.budget, spent=project.spent, starts_on=project.starts_on, due_on=project.due_on
        )
        places = selectors.places_for_projects(user=self.request.user)
        if project.place_code not in {code for code, _names, _level in places}:
            # A place outside the user's choices (a city-wide project) stays as it is.
            places = [(project.place_code, {}, ""), *places]
        return forms.ProjectForm(data, initial=initial, places=places, with_spent=True)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.get_context_data(form=self.make_form(), project=self.get_project())
        )

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST)
        project = self.get_project()
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.project_update(
                    by=request.user,
                    project=project,
                    title=data["title"],
                    description=data["description"],
                    place_code=data["place_code"],
                    budget=data["budget"],
                    spent=data["spent"],
                    funding_source=data["funding_source"],
                    funding_note=data["funding_note"],
                    starts_on=data["starts_on"],
                    due_on=data["due_on"],
                )
            except ValidationError as error:
                forms.add_service_errors(form, error)
            else:
                messages.success(request, _("The project is saved."))
                return redirect("projects:staff-detail", pk=project.pk)
        return self.render_to_response(self.get_context_data(form=form, project=project), status=400)


# Participants -----------------------------------------------------------------------------------------------


class ParticipantsView(ProjectMixin, NeverCacheMixin, TemplateView):
    """Record the residents who took part (they earn points): find them in the registry by name, say what
    they did."""

    permission_required = "projects.manage"
    template_name = "projects/staff/participants.html"

    def residents(self, name: str) -> list:
        found = selectors.residents_for_participation(user=self.request.user, name=name)
        for resident in found:
            address = resident.household.address if resident.household_id else ""
            parts = (resident.full_name, resident.id_number_masked, address)
            resident.label = " · ".join(part for part in parts if part)
        return found

    def page(self, *, search, form, status=200):
        project = self.get_project()
        participations = list(project.participations.all())
        for participation in participations:
            participation.label = masked_name(participation.resident.full_name)
        context = self.get_context_data(
            project=project,
            search=search,
            form=form,
            participations=participations,
            open_for_recording=project.status in (Status.IN_PROGRESS, Status.SUSPENDED, Status.DONE),
        )
        return self.render_to_response(context, status=status)

    def get(self, request, *args, **kwargs):
        search = forms.ResidentSearchForm(request.GET or None)
        name = search.cleaned_data.get("name", "") if search.is_bound and search.is_valid() else ""
        form = forms.ParticipationForm(residents=self.residents(name)) if name else None
        return self.page(search=search, form=form)

    def post(self, request, *args, **kwargs):
        search = forms.ResidentSearchForm(request.POST)
        name = search.cleaned_data.get("name", "") if search.is_valid() else ""
        form = forms.ParticipationForm(request.POST, residents=self.residents(name))
        if form.is_valid():
            try:
                resident = selectors.resident_for_participation(
                    user=request.user, resident_id=form.cleaned_data["resident"]
                )
                services.participation_record(
                    by=request.user,
                    project=self.get_project(),
                    resident=resident,
                    what=form.cleaned_data["what"],
                )
            except ValidationError as error:
                forms.add_service_errors(form, error)
            else:
                messages.success(request, _("The resident's part is recorded; their points are awarded."))
                return redirect("projects:staff-participants", pk=self.get_project().pk)
        return self.page(search=search, form=form, status=400)


# Export -----------------------------------------------------------------------------------------------------


class ExportView(PermissionRequiredMixin, View):
    """The list's projects, as filtered, with progress and money, as .xlsx; audited."""

    permission_required = "projects.export"

    def get(self, request):
        user = request.user
        form = filter_form(request)
        if form.is_bound and not form.is_valid():
            messages.error(request, _("Correct the filters to export the projects."))
            return redirect(f"{reverse('projects:staff-list')}?{_query_without(request)}")
        filters = form.filters() if form.is_bound else {}
        if filters.get("place") and not scope.covers(user, filters["place"], EXPORT_ROLES):
            raise Http404
        projects = selectors.projects_for_staff(user=user, filters=filters).filter(
            scope.scope_q(user, roles=EXPORT_ROLES)
        )
        path = exports.projects_export(by=user, projects=projects, filters=filters)
        return xlsx_download(path, f"projects-{timezone.localdate():%Y%m%d}.xlsx")
