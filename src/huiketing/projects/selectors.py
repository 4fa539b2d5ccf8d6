"""Reads of projects: the public list and progress page, the staff list in scope, late projects, decisions
that may become projects, and the choices the staff forms offer.

Progress is never stored: it is the weighted share of milestones done, summed by the database in the same
query that reads the projects (`with_progress`). Staff reads are scoped: the places the user covers, or the
projects the user's organisation is a responsible party of; missing and out of scope are the same 404.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property

from huiketing.core import scope
from huiketing.core.i18n import pick
from huiketing.matters.models import Evaluation, HandlingUnit
from huiketing.people.models import (
    COMMUNITY_AND_ABOVE,
    ORGANISATION_ROLES,
    REGISTRY_ROLES,
    Organisation,
    User,
)
from huiketing.places.models import Level as PlaceLevel
from huiketing.places.models import Place

from .models import EventKind, Milestone, Participation, Party, Photo, Project, ProjectEvent, Status

# What the public timeline shows; edits of details and reorderings are for staff only.
PUBLIC_EVENT_KINDS = [
    EventKind.CREATED,
    EventKind.STARTED,
    EventKind.SUSPENDED,
    EventKind.RESUMED,
    EventKind.FINISHED,
    EventKind.CANCELLED,
    EventKind.SPENT,
    EventKind.PARTY_ADDED,
    EventKind.PARTY_REMOVED,
    EventKind.MILESTONE_ADDED,
    EventKind.MILESTONE_DONE,
    EventKind.MILESTONE_UNDONE,
    EventKind.PHOTO_ADDED,
    EventKind.PARTICIPATION,
]
# Projects whose due date can still be missed.
RUNNING_STATUSES = [Status.PLANNED, Status.IN_PROGRESS, Status.SUSPENDED]


# Progress ---------------------------------------------------------------------------------------------------


def with_progress(queryset):
    """Annotate the weights of all milestones and of those done, and how many there are, in the same query."""
    done = Q(milestones__done_at__isnull=False)
    return queryset.annotate(
        weight_total=Coalesce(Sum("milestones__weight"), Value(0), output_field=IntegerField()),
        weight_done=Coalesce(Sum("milestones__weight", filter=done), Value(0), output_field=IntegerField()),
        milestone_count=Count("milestones"),
        milestone_done_count=Count("milestones", filter=done),
    )


def percent(done: int, total: int) -> int:
    """A whole percentage, rounded down: 100 only when every milestone is done."""
    return (100 * done) // total if total else 0


def progress(project: Project) -> int:
    """The weighted share of milestones done, in percent: the annotations when the project was read with them,
    else one aggregate query."""
    if hasattr(project, "weight_total"):
        return percent(project.weight_done, project.weight_total)
    sums = Milestone.objects.filter(project=project).aggregate(
        total=Sum("weight"), done=Sum("weight", filter=Q(done_at__isnull=False))
    )
    return percent(sums["done"] or 0, sums["total"] or 0)


def is_late(project: Project, today=None) -> bool:
    today = today or timezone.localdate()
    return project.due_on is not None and project.due_on < today and project.status in RUNNING_STATUSES


# Places, by name in the reader's language -------------------------------------------------------------------


def place_names(codes) -> dict[str, str]:
    """Place code → "place · parent" in the reader's language, in one query."""
    codes = sorted({code for code in codes if code})
    if not codes:
        return {}
    names = {}
    places = Place.objects.filter(code__in=codes).select_related("parent")
    for place in places.only("code", "names", "parent__names"):
        name = pick(place.names) or place.code
        parent = place.parent
        names[place.code] = f"{name} · {pick(parent.names)}" if parent is not None else name
    return names


def communities() -> list[tuple[str, str]]:
    """(code, name) of every community, for the public filter."""
    rows = Place.objects.filter(level=PlaceLevel.COMMUNITY).order_by("code").values_list("code", "names")
    return [(code, pick(names) or code) for code, names in rows]


# Public -----------------------------------------------------------------------------------------------------


def projects_public(*, filters: dict | None = None, progress: bool = True):
    """Every project, newest first, with its progress (`progress=False`: without, for counting); by status
    and community."""
    filters = filters or {}
    qs = Project.objects.all()
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    if community := filters.get("community"):
        qs = qs.filter(place_code__startswith=community)
    return (with_progress(qs) if progress else qs).order_by("-created_at", "-id")


class ProgressPaginator(Paginator):
    """Pages of projects read with their progress, counted without the milestones' join."""

    def __init__(self, object_list, per_page, *, plain, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.plain = plain

    @cached_property
    def count(self) -> int:
        return self.plain.count()


def _latest_evaluations():
    return Prefetch("matter__evaluations", queryset=Evaluation.objects.order_by("-round", "-id"))


def _detail_queryset(*, public: bool):
    parties = Party.objects.select_related("unit", "organisation", "unit__organisation")
    events = ProjectEvent.objects.order_by("created_at", "id")
    events = events.filter(kind__in=PUBLIC_EVENT_KINDS) if public else events.select_related("actor")
    participants = Participation.objects.filter(project=OuterRef("pk")).values("project")
    return (
        with_progress(Project.objects.all())
        .select_related("agenda_item__meeting", "matter")
        .annotate(
            participant_count=Coalesce(
                Subquery(participants.annotate(n=Count("pk")).values("n")[:1]),
                Value(0),
                output_field=IntegerField(),
            )
        )
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("position", "id")),
            Prefetch("parties", queryset=parties),
            Prefetch("photos", queryset=Photo.objects.order_by("id")),
            Prefetch("events", queryset=events),
            _latest_evaluations(),
        )
    )


def project_get_public(*, project_id: int) -> Project:
    """One project with everything its progress page shows."""
    project = _detail_queryset(public=True).filter(pk=project_id).first()
    if project is None:
        raise Http404
    return project


def photo_get_public(*, photo_id: int) -> Photo:
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    return photo


def party_name(party: Party) -> str:
    """A responsible party by name in the reader's language: its handling unit, its organisation, the name
    given, else its kind."""
    if party.unit_id is not None:
        return pick(party.unit.names) or party.get_kind_display()
    if party.organisation_id is not None:
        return pick(party.organisation.names) or party.get_kind_display()
    return party.name or str(party.get_kind_display())


@dataclass
class MatterOutcome:
    """What the public page says about the matter a project carries out: where it stands and how it was
    evaluated (the latest round)."""

    matter_id: int
    title: str
    status: str
    status_display: str
    evaluation: Evaluation | None


def matter_outcome(project: Project) -> MatterOutcome | None:
    """The project's matter as the public may see it (none when the matter is hidden from the public)."""
    matter = project.matter
    if matter is None or matter.is_hidden:
        return None
    evaluations = list(matter.evaluations.all())
    return MatterOutcome(
        matter_id=matter.pk,
        title=matter.title,
        status=matter.status,
        status_display=matter.get_status_display(),
        evaluation=evaluations[0] if evaluations else None,
    )


# Staff ------------------------------------------------------------------------------------------------------


def _party_project_ids(user: User):
    organisations = scope.organisation_ids(user, ORGANISATION_ROLES)
    if not organisations:
        return None
    return Party.objects.filter(
        Q(organisation_id__in=organisations) | Q(unit__organisation_id__in=organisations)
    ).values("project_id")


def staff_scope_q(user: User) -> Q:
    """Projects in the places the user covers, or with the user's organisation among the parties."""
    query = scope.scope_q(user, roles=REGISTRY_ROLES)
    party_projects = _party_project_ids(user)
    if party_projects is not None:
        query |= Q(pk__in=party_projects)
    return query


def projects_for_staff(*, user: User, filters: dict | None = None, today=None, progress: bool = True):
    """Projects in the user's scope, the late ones first (by how long overdue), then the newest."""
    filters = filters or {}
    today = today or timezone.localdate()
    late = Q(due_on__lt=today, status__in=RUNNING_STATUSES)
    qs = Project.objects.filter(staff_scope_q(user))
    if status := filters.get("status"):
        qs = qs.filter(late) if status == "late" else qs.filter(status=status)
    if place := filters.get("place"):
        qs = qs.filter(place_code__startswith=place)
    if text := (filters.get("q") or "").strip():
        qs = qs.filter(pk=int(text)) if text.isdigit() else qs.filter(title__icontains=text)
    if not progress:
        return qs
    return (
        with_progress(qs)
        .annotate(late_first=Case(When(late, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("late_first", F("due_on").asc(nulls_last=True), "-created_at", "-id")
    )


def projects_late(*, user: User, today=None):
    """Projects in the user's scope past their due date and not done (nor cancelled)."""
    today = today or timezone.localdate()
    return projects_for_staff(user=user, filters={"status": "late"}, today=today)


def project_get_for_staff(*, user: User, project_id: int) -> Project:
    """One project for its staff page, with participants; missing and out of scope are both 404."""
    project = (
        _detail_queryset(public=False)
        .filter(staff_scope_q(user), pk=project_id)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("resident", "recorded_by").order_by("-id"),
            )
        )
        .first()
    )
    if project is None:
        raise Http404
    return project


def _decisions_q(user: User) -> Q:
    from huiketing.meetings.models import ItemDecision, NoticeStatus

    return Q(scope.scope_q(user, field="meeting__place_code", roles=COMMUNITY_AND_ABOVE)) & Q(
        decision=ItemDecision.APPROVED, notice_status=NoticeStatus.EFFECTIVE, projects__isnull=True
    )


def decisions_without_project(*, user: User):
    """Approved decisions in effect, in the places the user runs projects for, that are no project yet."""
    from huiketing.meetings.models import AgendaItem

    return (
        AgendaItem.objects.filter(_decisions_q(user))
        .select_related("meeting", "topic__matter")
        .order_by("-effective_at", "-id")
    )


def decision_get_for_project(*, user: User, item_id: int):
    """A decision the user may make a project of (approved, in effect, in scope, no project yet), else 404."""
    item = decisions_without_project(user=user).filter(pk=item_id).first()
    if item is None:
        raise Http404
    return item


def places_for_projects(*, user: User) -> list[tuple[str, dict, str]]:
    """(code, names, level) of the places the user may run projects in, below the city."""
    if not scope.role_codes(user, COMMUNITY_AND_ABOVE):
        return []
    return list(
        Place.objects.filter(scope.scope_q(user, field="code", roles=COMMUNITY_AND_ABOVE))
        .exclude(level=PlaceLevel.CITY)
        .order_by("code")
        .values_list("code", "names", "level")
    )


def _around(code: str) -> Q:
    """Records serving the place: at one of its ancestors (a city department) or inside it."""
    prefixes = [code[:n] for n in (6, 9, 12, 15) if n <= len(code)]
    return Q(place_code__in=prefixes) | Q(place_code__startswith=code)


def units_for_party(*, project: Project):
    return (
        HandlingUnit.objects.filter(_around(project.place_code), is_active=True)
        .select_related("organisation")
        .order_by("kind", "id")
    )


def organisations_for_party(*, project: Project):
    return Organisation.objects.filter(_around(project.place_code)).order_by("kind", "id")


def residents_for_participation(*, user: User, name: str, limit: int = 20):
    """Active residents in the user's registry scope whose name contains `name`."""
    from huiketing.people.selectors import residents_for_user

    name = (name or "").strip()
    if not name:
        return []
    return list(residents_for_user(user=user, filters={"name": name, "status": "active"})[:limit])


def resident_for_participation(*, user: User, resident_id: int):
    from huiketing.people.selectors import resident_get_for_user

    return resident_get_for_user(user=user, resident_id=resident_id)


def milestone_of(project: Project, milestone_id: int) -> Milestone:
    """A milestone of this project (from the prefetched list when there is one), else 404."""
    for milestone in project.milestones.all():
        if milestone.pk == milestone_id:
            return milestone
    raise Http404


def party_of(project: Project, party_id: int) -> Party:
    for party in project.parties.all():
        if party.pk == party_id:
            return party
    raise Http404


def photo_of(project: Project, photo_id: int) -> Photo:
    for photo in project.photos.all():
        if photo.pk == photo_id:
            return photo
    raise Http404
