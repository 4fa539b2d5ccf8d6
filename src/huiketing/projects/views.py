"""Public pages of projects: the list with each project's progress, the progress page, and photos served
through a view.

Everything shown is computed from records: progress from the milestones' weights, spending from the project's
figures, the timeline from its entries (each written as a sentence in the reader's language). Residents who
took part are counted, never named; the matter a project carries out is linked unless it is hidden.
"""

from dataclasses import dataclass

from django import forms
from django.http import FileResponse, Http404
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from huiketing.core.permissions import PUBLIC, PermissionRequiredMixin

from . import selectors
from .models import EventKind, Party, Photo, Project, ProjectEvent, Status

PAGE_SIZE = 20


# Sentences --------------------------------------------------------------------------------------------------


def money(value) -> str:
    """An amount of yuan with grouped digits, in the reader's locale."""
    return number_format(value, decimal_pos=2, force_grouping=True)


def _format(template: str, values: dict, *, html: bool):
    """A translated sentence with its values put in; in HTML each value is escaped and isolated in <bdi>."""
    if not html:
        return template % values
    wrapped = {name: format_html("<bdi>{}</bdi>", value) for name, value in values.items()}
    return mark_safe(conditional_escape(template) % wrapped)  # noqa: S308 (every part is escaped above)


def event_sentence(event: ProjectEvent, *, parties: dict[int, Party] | None = None, html: bool = True):
    """A timeline entry as one translated sentence."""
    kind, params = event.kind, event.params or {}
    K = EventKind

    def say(template, **values):
        return _format(template, values, html=html)

    if kind == K.CREATED:
        if params.get("decision"):
            return say(_("The project was set up to carry out a decision of a residents' meeting."))
        return say(_("The project was set up by the community."))
    if kind == K.STARTED:
        return say(_("Work started."))
    if kind == K.SUSPENDED:
        return say(_("Work was suspended: %(reason)s"), reason=params.get("reason", ""))
    if kind == K.RESUMED:
        return say(_("Work resumed."))
    if kind == K.FINISHED:
        return say(_("The project was finished: every milestone is done."))
    if kind == K.CANCELLED:
        return say(_("The project was cancelled: %(reason)s"), reason=params.get("reason", ""))
    if kind == K.SPENT:
        if params.get("budget") not in (None, "0", "0.00"):
            return say(
                _("Spending so far: %(spent)s yuan of a budget of %(budget)s yuan."),
                spent=money(params.get("spent", "0")),
                budget=money(params["budget"]),
            )
        return say(_("Spending so far: %(spent)s yuan."), spent=money(params.get("spent", "0")))
    if kind == K.PARTY_ADDED:
        party = (parties or {}).get(params.get("party"))
        if party is not None:
            if party.role == Party.Role.LEAD:
                return say(_("%(name)s is responsible for the work."), name=selectors.party_name(party))
            return say(_("%(name)s takes part in the work."), name=selectors.party_name(party))
        return say(_("A party joined the work."))
    if kind == K.PARTY_REMOVED:
        return say(_("A party left the work."))
    if kind == K.MILESTONE_ADDED:
        return say(
            _("Milestone planned: %(title)s, due %(date)s."),
            title=params.get("title", ""),
            date=params.get("due_on", ""),
        )
    if kind == K.MILESTONE_DONE:
        return say(_("Milestone reached: %(title)s."), title=params.get("title", ""))
    if kind == K.MILESTONE_UNDONE:
        return say(_("Milestone open again: %(title)s."), title=params.get("title", ""))
    if kind == K.MILESTONE_UPDATED:
        return say(_("Milestone changed: %(title)s."), title=params.get("title", ""))
    if kind == K.MILESTONE_REMOVED:
        return say(_("Milestone removed: %(title)s."), title=params.get("title", ""))
    if kind == K.MILESTONES_REORDERED:
        return say(_("The milestones were put in a new order."))
    if kind == K.PHOTO_ADDED and params.get("stage") in Photo.Stage.values:
        return say(_("A photo was added: %(stage)s."), stage=str(Photo.Stage(params["stage"]).label))
    if kind == K.PHOTO_REMOVED:
        return say(_("A photo was removed."))
    if kind == K.PARTICIPATION:
        return say(_("A resident's part in the work was recorded."))
    if kind == K.UPDATED:
        return say(_("The project's details were changed."))
    label = EventKind(kind).label if kind in EventKind.values else kind
    return conditional_escape(label) if html else str(label)


def event_note(event: ProjectEvent) -> str:
    """Text written with an entry (a milestone's note, the finishing note), shown under its sentence."""
    if event.kind in (EventKind.MILESTONE_DONE, EventKind.FINISHED):
        return (event.params or {}).get("note", "")
    return ""


# The progress page's parts ----------------------------------------------------------------------------------


@dataclass
class MilestoneRow:
    milestone: object
    share: int  # its weight as a share of all weights, in percent
    overdue: bool


def milestone_rows(project: Project, today=None) -> list[MilestoneRow]:
    today = today or timezone.localdate()
    milestones = list(project.milestones.all())
    total = sum(m.weight for m in milestones)
    return [
        MilestoneRow(
            milestone=m,
            share=round(100 * m.weight / total) if total else 0,
            overdue=m.done_at is None and m.due_on < today and project.status in selectors.RUNNING_STATUSES,
        )
        for m in milestones
    ]


@dataclass
class PartyRow:
    name: str
    kind: str
    role: str
    is_lead: bool
    party: Party


def party_rows(project: Project) -> list[PartyRow]:
    rows = [
        PartyRow(
            name=selectors.party_name(party),
            kind=str(party.get_kind_display()),
            role=str(party.get_role_display()),
            is_lead=party.role == Party.Role.LEAD,
            party=party,
        )
        for party in project.parties.all()
    ]
    return sorted(rows, key=lambda row: (not row.is_lead, row.party.pk))


def meeting_url(meeting_id: int | None) -> str:
    """The public page of the meeting that took the decision, when the site has one."""
    if meeting_id is None:
        return ""
    path = f"/meetings/{meeting_id}/"
    try:
        resolve(path)
    except Resolver404:
        return ""
    return path


def project_context(project: Project, *, public: bool = True) -> dict:
    """What the progress page shows (the staff page shows it too)."""
    parties = {party.pk: party for party in project.parties.all()}
    events = list(project.events.all())
    for event in events:
        event.sentence = event_sentence(event, parties=parties)
        event.note = event_note(event)
    photos = list(project.photos.all())
    budget, spent = project.budget, project.spent
    item = project.agenda_item
    return {
        "project": project,
        "progress": selectors.progress(project),
        "late": selectors.is_late(project),
        "milestones": milestone_rows(project),
        "parties": party_rows(project),
        "photos_before": [p for p in photos if p.stage == Photo.Stage.BEFORE],
        "photos_during": [p for p in photos if p.stage == Photo.Stage.DURING],
        "photos_after": [p for p in photos if p.stage == Photo.Stage.AFTER],
        "events": events,
        "place_name": selectors.place_names([project.place_code]).get(project.place_code, ""),
        "budget": money(budget),
        "spent": money(spent),
        "spent_share": round(100 * spent / budget) if budget else None,
        "decision": item,
        "meeting_url": meeting_url(item.meeting_id if item is not None else None),
        "outcome": selectors.matter_outcome(project) if public else None,
        "finish_note": next(
            (event.note for event in reversed(events) if event.kind == EventKind.FINISHED and event.note), ""
        ),
    }


# Pages ------------------------------------------------------------------------------------------------------


class PublicFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any status")), *Status.choices],
    )
    community = forms.ChoiceField(label=gettext_lazy("Community"), required=False)

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", _("Every community")), *communities]

    def filters(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if value}


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("lang", None)
    return query.urlencode()


class ProjectListView(PermissionRequiredMixin, TemplateView):
    """Every project, newest first, with its progress: the same number of queries whatever their number."""

    permission_required = PUBLIC
    template_name = "projects/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = PublicFilterForm(self.request.GET or None, communities=selectors.communities())
        if form.is_bound and not form.is_valid():
            projects = plain = Project.objects.none()
        else:
            filters = form.filters() if form.is_bound else {}
            projects = selectors.projects_public(filters=filters)
            plain = selectors.projects_public(filters=filters, progress=False)
        paginator = selectors.ProgressPaginator(projects, PAGE_SIZE, plain=plain)
        page = paginator.get_page(self.request.GET.get("page"))
        rows = list(page.object_list)
        names = selectors.place_names(project.place_code for project in rows)
        today = timezone.localdate()
        for project in rows:
            project.place_name = names.get(project.place_code, "")
            project.progress = selectors.progress(project)
            project.late = selectors.is_late(project, today)
        context.update(form=form, page=page, projects=rows, query=_query_without_page(self.request))
        return context


class ProjectDetailView(PermissionRequiredMixin, TemplateView):
    """A project's progress page: progress, milestones, money, parties, photos before and after, timeline."""

    permission_required = PUBLIC
    template_name = "projects/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = selectors.project_get_public(project_id=kwargs["pk"])
        context.update(project_context(project))
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class PhotoView(PermissionRequiredMixin, View):
    """A project's photo, as the JPEG the service re-encoded; never a link into MEDIA_URL."""

    permission_required = PUBLIC

    def get(self, request, pk: int):
        photo = selectors.photo_get_public(photo_id=pk)
        try:
            handle = photo.image.open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404 from None
        response = FileResponse(handle, content_type="image/jpeg")
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Disposition"] = "inline"
        response["Cache-Control"] = "public, max-age=3600"
        return response
