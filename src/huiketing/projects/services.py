"""Every write on projects (成果项目化): setting one up from an approved decision or on the community's own
initiative, its parties, milestones, photos, participants, spending, and its workflow.

Each service is atomic, locks the project row it changes, looks its transition up in `models.TRANSITIONS` (an
illegal one is a `ProjectStateError`), writes an audit entry and a timeline entry (`ProjectEvent`). A project
made from a tabled matter's decision carries the matter along through the matters services: starting the
project carries the matter out, finishing it completes the matter (the public then evaluates it as any other,
公众评事), cancelling it gives the matter back to the community.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiketing.core.audit import audit_record, diff
from huiketing.core.notifications import notification_kind_register, notify
from huiketing.matters import services as matter_services
from huiketing.matters.models import TRANSITIONS as MATTER_TRANSITIONS
from huiketing.matters.models import HandlingUnit, Matter
from huiketing.matters.models import Status as MatterStatus
from huiketing.people.models import ORGANISATION_ROLES, Organisation, Resident, ResidentStatus, User
from huiketing.places.models import Place

from .models import (
    TRANSITIONS,
    EventKind,
    FundingSource,
    Milestone,
    Participation,
    Party,
    Photo,
    Project,
    ProjectEvent,
    Status,
)

MAX_PHOTOS = 40
MAX_MILESTONES = 60
MAX_PARTIES = 30
MAX_MONEY = Decimal("9999999999.99")
# Statuses in which the plan (milestones, parties) may still change.
OPEN_STATUSES = frozenset({Status.PLANNED, Status.IN_PROGRESS, Status.SUSPENDED})


class ProjectStateError(ValidationError):
    """An action that the project's state does not allow."""


notification_kind_register(
    "project.party",
    title=gettext_lazy("Your organisation is a party to a project"),
    body=gettext_lazy("Project %(number)s (%(title)s) names your organisation among its parties."),
)


# Helpers ----------------------------------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _lock(project: Project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)


def _check(project: Project, action: str) -> str:
    allowed_from, target = TRANSITIONS[action]
    if project.status not in allowed_from:
        raise ProjectStateError(
            _("This cannot be done to a project that is “%(status)s”.")
            % {"status": project.get_status_display()}
        )
    return target


def _require_open(project: Project) -> None:
    if project.status not in OPEN_STATUSES:
        raise ProjectStateError(
            _("A project that is “%(status)s” can no longer be changed.")
            % {"status": project.get_status_display()}
        )


def _event(project: Project, kind: str, *, by: User | None, params: dict | None = None) -> ProjectEvent:
    return ProjectEvent.objects.create(
        project=project,
        kind=kind,
        params=params or {},
        actor=by if by is not None and getattr(by, "is_authenticated", False) else None,
    )


def _audit(by, action: str, project: Project, changes: dict | None = None, reason: str = "") -> None:
    audit_record(
        actor=by, action=action, obj=project, changes=changes, place_code=project.place_code, reason=reason
    )


def _text(value, field: str, *, required: bool, max_length: int, errors: dict, message: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = [message or _("This field is required.")]
    elif len(value) > max_length:
        errors[field] = [_("At most %(count)s characters.") % {"count": max_length}]
    return value


def money_clean(value, field: str) -> Decimal:
    """An amount of yuan: not negative, at most two decimals. Refused with a message naming the field."""
    if value in (None, ""):
        return Decimal("0")
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise _invalid(field, _("Give an amount in yuan, such as 1200 or 1200.50.")) from None
    if not amount.is_finite():
        raise _invalid(field, _("Give an amount in yuan, such as 1200 or 1200.50."))
    if amount < 0:
        raise _invalid(field, _("An amount cannot be negative."))
    if amount > MAX_MONEY:
        raise _invalid(field, _("This amount is too large."))
    if amount != amount.quantize(Decimal("0.01")):
        raise _invalid(field, _("An amount has at most two decimals (fen)."))
    return amount.quantize(Decimal("0.01"))


def _spending_check(budget: Decimal, spent: Decimal) -> None:
    """What was spent stays within the budget; a budget of 0 means none was fixed, and spending is recorded
    as it comes."""
    if budget > 0 and spent > budget:
        raise _invalid(
            "spent",
            _("Spent (%(spent)s yuan) is more than the budget (%(budget)s yuan): raise the budget first.")
            % {"spent": spent, "budget": budget},
        )


def _place_clean(place_code: str) -> str:
    place_code = (place_code or "").strip()
    if not Place.objects.filter(code=place_code).exists():
        raise _invalid("place_code", _("Choose the place the project is for."))
    return place_code


def _milestone_clean(title, due_on, weight, *, prefix: str = "") -> tuple[str, date, int]:
    """A milestone's fields, or a ValidationError naming them (inside a list: "Milestone 2: …")."""
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Name the milestone.")]
    elif len(title) > 200:
        errors["title"] = [_("At most %(count)s characters.") % {"count": 200}]
    if not isinstance(due_on, date):
        errors["due_on"] = [_("Give the date the milestone is due.")]
    if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 100:
        errors["weight"] = [_("The weight is a whole number from 1 to 100.")]
    if errors:
        if prefix:
            raise ValidationError(
                {"milestones": [f"{prefix}{message}" for messages in errors.values() for message in messages]}
            )
        raise ValidationError(errors)
    return title, due_on, weight


def _dates_check(starts_on: date | None, due_on: date | None) -> None:
    if starts_on and due_on and due_on < starts_on:
        raise _invalid("due_on", _("The project cannot be due before it starts."))


# Notifications ----------------------------------------------------------------------------------------------


def _organisation_of(party: Party) -> int | None:
    if party.organisation_id is not None:
        return party.organisation_id
    if party.unit_id is not None:
        return party.unit.organisation_id
    return None


def _notify_parties(project: Project, parties: Iterable[Party]) -> None:
    organisation_ids = {org for org in (_organisation_of(party) for party in parties) if org}
    if not organisation_ids:
        return
    staff = list(
        User.objects.filter(
            is_active=True,
            roles__organisation_id__in=organisation_ids,
            roles__role__in=sorted(ORGANISATION_ROLES),
        ).distinct()
    )
    params = {"number": project.pk, "title": project.title[:60]}
    link = f"/staff/projects/{project.pk}/"
    if staff:
        notify(recipients=staff, kind="project.party", params=params, link=link, obj=project)


# Parties ----------------------------------------------------------------------------------------------------


def _party_build(
    project: Project,
    *,
    kind: str,
    role: str = Party.Role.SUPPORT,
    unit: HandlingUnit | None = None,
    organisation: Organisation | None = None,
    name: str = "",
    prefix: str = "",
) -> Party:
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if kind not in Party.Kind.values:
        errors["kind"] = [_("Choose what kind of party this is.")]
    if role not in Party.Role.values:
        errors["role"] = [_("Choose whether the party is responsible or taking part.")]
    given = [value for value in (unit, organisation, name) if value]
    if len(given) != 1:
        errors["name"] = [_("Choose a handling unit or an organisation, or write a name: one of the three.")]
    elif len(name) > 100:
        errors["name"] = [_("At most %(count)s characters.") % {"count": 100}]
    if unit is not None and not unit.is_active:
        errors["unit"] = [_("This handling unit no longer takes work.")]
    if errors:
        if prefix:
            raise ValidationError(
                {"parties": [f"{prefix}{message}" for messages in errors.values() for message in messages]}
            )
        raise ValidationError(errors)
    return Party(project=project, kind=kind, role=role, unit=unit, organisation=organisation, name=name)


def _party_duplicate(project: Project, party: Party) -> bool:
    existing = Party.objects.filter(project=project)
    if party.unit_id is not None:
        return existing.filter(unit_id=party.unit_id).exists()
    if party.organisation_id is not None:
        return existing.filter(organisation_id=party.organisation_id).exists()
    return existing.filter(kind=party.kind, name=party.name).exists()


def party_add(
    *,
    by: User | None,
    project: Project,
    kind: str,
    role: str = Party.Role.SUPPORT,
    unit: HandlingUnit | None = None,
    organisation: Organisation | None = None,
    name: str = "",
) -> Party:
    """A responsible party: a handling unit, an organisation, or a named group (volunteers, residents)."""
    with transaction.atomic():
        project = _lock(project)
        _require_open(project)
        party = _party_build(project, kind=kind, role=role, unit=unit, organisation=organisation, name=name)
        if _party_duplicate(project, party):
            raise _invalid("name", _("This party is already on the project."))
        if Party.objects.filter(project=project).count() >= MAX_PARTIES:
            raise _invalid("name", _("A project has at most %(count)s parties.") % {"count": MAX_PARTIES})
        party.save()
        _event(project, EventKind.PARTY_ADDED, by=by, params={"party": party.pk, "role": party.role})
        _audit(by, "projects.party_add", project, {"party": [None, party.pk], "kind": [None, party.kind]})
        _notify_parties(project, [party])
    return party


def party_remove(*, by: User | None, party: Party) -> None:
    with transaction.atomic():
        project = _lock(party.project)
        _require_open(project)
        party = Party.objects.filter(pk=party.pk, project=project).first()
        if party is None:
            raise _invalid("party", _("This party is not on the project."))
        name = str(party)
        party.delete()
        _event(project, EventKind.PARTY_REMOVED, by=by, params={"name": name[:100]})
        _audit(by, "projects.party_remove", project, {"party": [name, None]})


# Creating and changing a project ----------------------------------------------------------------------------


def _fields_clean(
    *,
    title,
    description,
    funding_source,
    funding_note,
    errors: dict,
) -> tuple[str, str, str]:
    title = _text(
        title, "title", required=True, max_length=200, errors=errors, message=_("Give the project a title.")
    )
    description = _text(
        description,
        "description",
        required=True,
        max_length=8000,
        errors=errors,
        message=_("Say what the project will do."),
    )
    funding_note = _text(funding_note, "funding_note", required=False, max_length=200, errors=errors)
    if funding_source not in FundingSource.values:
        errors["funding_source"] = [_("Choose where the money comes from.")]
    return title, description, funding_note


def project_create(
    *,
    by: User | None,
    title: str,
    description: str,
    place_code: str,
    budget: Decimal | int | str = 0,
    funding_source: str = FundingSource.COMMUNITY,
    funding_note: str = "",
    starts_on: date | None = None,
    due_on: date | None = None,
    parties: Sequence[Mapping] = (),
    milestones: Sequence[Mapping] = (),
    agenda_item=None,
    matter: Matter | None = None,
    is_demo: bool = False,
) -> Project:
    """A project of the community's own (staff's initiative), or the body of `project_create_from_decision`.

    `milestones` are mappings with `title`, `due_on` and `weight`; `parties` mappings with `kind`, `role` and
    one of `unit`, `organisation` or `name`."""
    errors: dict[str, list[str]] = {}
    title, description, funding_note = _fields_clean(
        title=title,
        description=description,
        funding_source=funding_source,
        funding_note=funding_note,
        errors=errors,
    )
    if errors:
        raise ValidationError(errors)
    budget = money_clean(budget, "budget")
    place_code = _place_clean(place_code)
    _dates_check(starts_on, due_on)
    if len(milestones) > MAX_MILESTONES:
        raise _invalid("milestones", _("At most %(count)s milestones.") % {"count": MAX_MILESTONES})
    if len(parties) > MAX_PARTIES:
        raise _invalid("parties", _("At most %(count)s parties.") % {"count": MAX_PARTIES})
    cleaned_milestones = [
        _milestone_clean(
            item.get("title"),
            item.get("due_on"),
            item.get("weight", 1),
            prefix=_("Milestone %(number)s: ") % {"number": number},
        )
        for number, item in enumerate(milestones, start=1)
    ]
    with transaction.atomic():
        project = Project(
            title=title,
            description=description,
            place_code=place_code,
            agenda_item=agenda_item,
            matter=matter,
            budget=budget,
            funding_source=funding_source,
            funding_note=funding_note,
            starts_on=starts_on,
            due_on=due_on,
            created_by=by if by is not None and getattr(by, "is_authenticated", False) else None,
            is_demo=is_demo,
        )
        try:
            with transaction.atomic():
                project.save()
        except IntegrityError:
            raise _invalid("agenda_item", _("This decision is already a project.")) from None
        built = []
        for number, item in enumerate(parties, start=1):
            party = _party_build(
                project,
                kind=item.get("kind", ""),
                role=item.get("role", Party.Role.SUPPORT),
                unit=item.get("unit"),
                organisation=item.get("organisation"),
                name=item.get("name", ""),
                prefix=_("Party %(number)s: ") % {"number": number},
            )
            if any(_same_party(party, other) for other in built):
                raise _invalid(
                    "parties",
                    _("Party %(number)s: this party is already on the project.") % {"number": number},
                )
            built.append(party)
        for party in built:
            party.save()
            _event(project, EventKind.PARTY_ADDED, by=by, params={"party": party.pk, "role": party.role})
        Milestone.objects.bulk_create(
            [
                Milestone(project=project, position=position, title=m_title, due_on=m_due, weight=m_weight)
                for position, (m_title, m_due, m_weight) in enumerate(cleaned_milestones)
            ]
        )
        _event(
            project,
            EventKind.CREATED,
            by=by,
            params={"decision": getattr(agenda_item, "pk", None), "matter": getattr(matter, "pk", None)},
        )
        _audit(
            by,
            "projects.create",
            project,
            diff(
                {},
                {
                    "title": title,
                    "place_code": place_code,
                    "budget": str(budget),
                    "agenda_item": getattr(agenda_item, "pk", None),
                    "matter": getattr(matter, "pk", None),
                    "milestones": len(cleaned_milestones),
                    "parties": len(built),
                },
            ),
        )
        _notify_parties(project, built)
    return project


def _same_party(one: Party, other: Party) -> bool:
    if one.unit is not None or other.unit is not None:
        return one.unit == other.unit
    if one.organisation is not None or other.organisation is not None:
        return one.organisation == other.organisation
    return (one.kind, one.name) == (other.kind, other.name)


def project_create_from_decision(
    *,
    by: User | None,
    item,
    title: str = "",
    description: str = "",
    place_code: str | None = None,
    budget: Decimal | int | str = 0,
    funding_source: str = FundingSource.COMMUNITY,
    funding_note: str = "",
    starts_on: date | None = None,
    due_on: date | None = None,
    parties: Sequence[Mapping] = (),
    milestones: Sequence[Mapping] = (),
) -> Project:
    """An approved decision in effect becomes a project (one per decision, held by a database constraint).

    The title, description and place default to the decision's and its meeting's. If the decision was taken
    on a topic opened from a matter, the project carries that matter."""
    from huiketing.meetings.models import AgendaItem, ItemDecision, NoticeStatus

    with transaction.atomic():
        # Locked, so that two staff turning the same decision into a project at once wait for each other.
        item = (
            AgendaItem.objects.select_for_update(of=("self",))
            .select_related("meeting", "topic")
            .get(pk=item.pk)
        )
        if item.decision != ItemDecision.APPROVED:
            raise _invalid("agenda_item", _("Only an approved decision can become a project."))
        if item.notice_status != NoticeStatus.EFFECTIVE:
            raise _invalid(
                "agenda_item",
                _("This decision is not in effect yet: wait for the end of its public-notice period."),
            )
        if Project.objects.filter(agenda_item=item).exists():
            raise _invalid("agenda_item", _("This decision is already a project."))
        matter = None
        if item.topic_id is not None and item.topic.matter_id is not None:
            matter = Matter.objects.get(pk=item.topic.matter_id)
        default_description = "\n\n".join(
            part for part in (item.description, item.decision_reasons, item.follow_up) if part
        )
        return project_create(
            by=by,
            title=title or item.title,
            description=description or default_description or item.title,
            place_code=place_code or item.meeting.place_code,
            budget=budget,
            funding_source=funding_source,
            funding_note=funding_note,
            starts_on=starts_on,
            due_on=due_on,
            parties=parties,
            milestones=milestones,
            agenda_item=item,
            matter=matter,
        )


_UNSET = object()


def project_update(
    *,
    by: User | None,
    project: Project,
    title=_UNSET,
    description=_UNSET,
    place_code=_UNSET,
    budget=_UNSET,
    spent=_UNSET,
    funding_source=_UNSET,
    funding_note=_UNSET,
    starts_on=_UNSET,
    due_on=_UNSET,
) -> Project:
    """Change what is given. What was spent may not exceed the budget (unless no budget was fixed: 0); the
    spending is on the public timeline. A cancelled project is no longer changed."""
    with transaction.atomic():
        project = _lock(project)
        if project.status == Status.CANCELLED:
            raise ProjectStateError(_("A cancelled project can no longer be changed."))
        fields = ["title", "description", "place_code", "budget", "spent", "funding_source", "funding_note"]
        fields += ["starts_on", "due_on"]
        before = {name: getattr(project, name) for name in fields}
        errors: dict[str, list[str]] = {}
        new_title, new_description, new_note = _fields_clean(
            title=project.title if title is _UNSET else title,
            description=project.description if description is _UNSET else description,
            funding_source=project.funding_source if funding_source is _UNSET else funding_source,
            funding_note=project.funding_note if funding_note is _UNSET else funding_note,
            errors=errors,
        )
        if errors:
            raise ValidationError(errors)
        project.title, project.description, project.funding_note = new_title, new_description, new_note
        if funding_source is not _UNSET:
            project.funding_source = funding_source
        if budget is not _UNSET:
            project.budget = money_clean(budget, "budget")
        if spent is not _UNSET:
            project.spent = money_clean(spent, "spent")
        if place_code is not _UNSET:
            project.place_code = _place_clean(place_code)
        if starts_on is not _UNSET:
            project.starts_on = starts_on
        if due_on is not _UNSET:
            project.due_on = due_on
        _dates_check(project.starts_on, project.due_on)
        _spending_check(project.budget, project.spent)
        after = {name: getattr(project, name) for name in fields}
        changes = diff(before, after)
        if not changes:
            return project
        project.save()
        if "spent" in changes or "budget" in changes:
            _event(
                project,
                EventKind.SPENT,
                by=by,
                params={"spent": str(project.spent), "budget": str(project.budget)},
            )
        if other := sorted(set(changes) - {"spent", "budget"}):
            _event(project, EventKind.UPDATED, by=by, params={"fields": other})
        _audit(by, "projects.update", project, changes)
    return project


# The workflow -----------------------------------------------------------------------------------------------


def _transition(project: Project, action: str, *, by: User | None, params: dict | None = None, reason=""):
    before = project.status
    project.status = _check(project, action)
    kind = {
        "start": EventKind.STARTED,
        "suspend": EventKind.SUSPENDED,
        "resume": EventKind.RESUMED,
        "finish": EventKind.FINISHED,
        "cancel": EventKind.CANCELLED,
    }[action]
    _event(project, kind, by=by, params=params)
    _audit(by, f"projects.{action}", project, {"status": [before, project.status]}, reason=reason)


def project_start(*, by: User | None, project: Project, now: datetime | None = None) -> Project:
    """Work starts. The matter the project comes from (tabled, or accepted) is now carried out by it."""
    now = _now(now)
    with transaction.atomic():
        project = _lock(project)
        _transition(project, "start", by=by)
        project.started_at = project.started_at or now
        project.save(update_fields=["status", "started_at", "updated_at"])
        if project.matter_id is not None:
            matter = Matter.objects.get(pk=project.matter_id)
            # A matter closed, rejected or handled otherwise meanwhile keeps its own course.
            if matter.status in MATTER_TRANSITIONS["carry_out"][0]:
                matter_services.matter_carry_out_by_project(by=by, matter=matter, project=project, now=now)
    return project


def project_suspend(*, by: User | None, project: Project, reason: str) -> Project:
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("Say why the work is suspended."))
    with transaction.atomic():
        project = _lock(project)
        _transition(project, "suspend", by=by, params={"reason": reason[:500]}, reason=reason)
        project.save(update_fields=["status", "updated_at"])
    return project


def project_resume(*, by: User | None, project: Project) -> Project:
    with transaction.atomic():
        project = _lock(project)
        _transition(project, "resume", by=by)
        project.save(update_fields=["status", "updated_at"])
    return project


def project_finish(
    *, by: User | None, project: Project, note: str = "", now: datetime | None = None
) -> Project:
    """Every milestone is done: the project is done, and so is the matter it carries out, which the resident
    who raised it is asked to evaluate."""
    now = _now(now)
    note = (note or "").strip()
    if len(note) > 2000:
        raise _invalid("note", _("At most %(count)s characters.") % {"count": 2000})
    with transaction.atomic():
        project = _lock(project)
        _check(project, "finish")
        milestones = list(project.milestones.all())
        if not milestones:
            raise ProjectStateError(_("Add the project's milestones and mark them done before finishing it."))
        open_ones = [milestone for milestone in milestones if milestone.done_at is None]
        if open_ones:
            raise ProjectStateError(
                _("%(count)s milestones are not done yet, such as “%(title)s”. Mark them done first.")
                % {"count": len(open_ones), "title": open_ones[0].title}
            )
        _transition(project, "finish", by=by, params={"note": note})
        project.finished_at = now
        project.save(update_fields=["status", "finished_at", "updated_at"])
        if project.matter_id is not None:
            matter = Matter.objects.get(pk=project.matter_id)
            if matter.status == MatterStatus.IN_PROGRESS:
                matter_services.matter_complete_by_project(
                    by=by, matter=matter, project=project, result=note, now=now
                )
    return project


def project_cancel(*, by: User | None, project: Project, reason: str, now: datetime | None = None) -> Project:
    """The project will not be carried out, with the reason; a matter it was carrying goes back to the
    community."""
    now = _now(now)
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("Say why the project is cancelled."))
    with transaction.atomic():
        project = _lock(project)
        was_started = project.started_at is not None
        _transition(project, "cancel", by=by, params={"reason": reason[:500]}, reason=reason)
        project.save(update_fields=["status", "updated_at"])
        if project.matter_id is not None and was_started:
            matter = Matter.objects.get(pk=project.matter_id)
            if matter.status == MatterStatus.IN_PROGRESS:
                matter_services.matter_release_by_project(by=by, matter=matter, project=project, now=now)
    return project


# Milestones -------------------------------------------------------------------------------------------------


def _lock_milestone(milestone: Milestone) -> tuple[Milestone, Project]:
    project = _lock(milestone.project)
    milestone = Milestone.objects.select_for_update().filter(pk=milestone.pk, project=project).first()
    if milestone is None:
        raise _invalid("milestone", _("This milestone is not part of the project."))
    return milestone, project


def milestone_add(
    *, by: User | None, project: Project, title: str, due_on: date | None, weight: int = 1
) -> Milestone:
    title, due_on, weight = _milestone_clean(title, due_on, weight)
    with transaction.atomic():
        project = _lock(project)
        _require_open(project)
        count = Milestone.objects.filter(project=project).count()
        if count >= MAX_MILESTONES:
            raise _invalid("title", _("At most %(count)s milestones.") % {"count": MAX_MILESTONES})
        last = Milestone.objects.filter(project=project).aggregate(last=Max("position"))["last"]
        milestone = Milestone.objects.create(
            project=project,
            position=0 if last is None else last + 1,
            title=title,
            due_on=due_on,
            weight=weight,
        )
        _event(
            project,
            EventKind.MILESTONE_ADDED,
            by=by,
            params={"milestone": milestone.pk, "title": title[:100], "due_on": due_on.isoformat()},
        )
        _audit(by, "projects.milestone_add", project, {"milestone": [None, title]})
    return milestone


def milestone_update(
    *, by: User | None, milestone: Milestone, title: str, due_on: date | None, weight: int
) -> Milestone:
    title, due_on, weight = _milestone_clean(title, due_on, weight)
    with transaction.atomic():
        milestone, project = _lock_milestone(milestone)
        _require_open(project)
        before = {"title": milestone.title, "due_on": milestone.due_on, "weight": milestone.weight}
        milestone.title, milestone.due_on, milestone.weight = title, due_on, weight
        changes = diff(before, {"title": title, "due_on": due_on, "weight": weight})
        if changes:
            milestone.save(update_fields=["title", "due_on", "weight"])
            _event(
                project,
                EventKind.MILESTONE_UPDATED,
                by=by,
                params={"milestone": milestone.pk, "title": title[:100]},
            )
            _audit(by, "projects.milestone_update", project, changes)
    return milestone


def milestone_remove(*, by: User | None, milestone: Milestone) -> None:
    """A milestone added by mistake; one that is done stays (undo it first)."""
    with transaction.atomic():
        milestone, project = _lock_milestone(milestone)
        _require_open(project)
        if milestone.done_at is not None:
            raise ProjectStateError(_("This milestone is done: mark it not done before removing it."))
        title = milestone.title
        milestone.delete()
        _event(project, EventKind.MILESTONE_REMOVED, by=by, params={"title": title[:100]})
        _audit(by, "projects.milestone_remove", project, {"milestone": [title, None]})


def milestone_reorder(*, by: User | None, project: Project, order: Sequence[int]) -> list[Milestone]:
    """Put the project's milestones in this order (every milestone's id, once)."""
    with transaction.atomic():
        project = _lock(project)
        _require_open(project)
        milestones = {m.pk: m for m in Milestone.objects.select_for_update().filter(project=project)}
        order = [int(pk) for pk in order]
        if sorted(order) != sorted(milestones):
            raise _invalid("order", _("List every milestone of the project once."))
        before = [m.pk for m in sorted(milestones.values(), key=lambda m: (m.position, m.pk))]
        for position, pk in enumerate(order):
            milestones[pk].position = position
        Milestone.objects.bulk_update(list(milestones.values()), ["position"])
        if before != order:
            _event(project, EventKind.MILESTONES_REORDERED, by=by)
            _audit(by, "projects.milestone_reorder", project, {"order": [before, order]})
    return [milestones[pk] for pk in order]


def milestone_move(*, by: User | None, milestone: Milestone, up: bool) -> list[Milestone]:
    """Move a milestone one place up or down the list."""
    ids = list(
        Milestone.objects.filter(project_id=milestone.project_id)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )
    index = ids.index(milestone.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    return milestone_reorder(by=by, project=milestone.project, order=ids)


def milestone_done(
    *, by: User | None, milestone: Milestone, note: str = "", now: datetime | None = None
) -> Milestone:
    """A milestone is reached; the project's progress moves on by its weight."""
    now = _now(now)
    note = (note or "").strip()
    if len(note) > 500:
        raise _invalid("note", _("At most %(count)s characters.") % {"count": 500})
    with transaction.atomic():
        milestone, project = _lock_milestone(milestone)
        if project.status != Status.IN_PROGRESS:
            raise ProjectStateError(_("Milestones are marked done while the project is under way."))
        if milestone.done_at is not None:
            raise ProjectStateError(_("This milestone is already done."))
        milestone.done_at = now
        milestone.done_by = by if by is not None and getattr(by, "is_authenticated", False) else None
        milestone.note = note
        milestone.save(update_fields=["done_at", "done_by", "note"])
        _event(
            project,
            EventKind.MILESTONE_DONE,
            by=by,
            params={"milestone": milestone.pk, "title": milestone.title[:100], "note": note},
        )
        _audit(by, "projects.milestone_done", project, {"milestone": [None, milestone.pk]})
    return milestone


def milestone_undo(*, by: User | None, milestone: Milestone, reason: str = "") -> Milestone:
    """A milestone marked done by mistake (or not done after all) is open again."""
    reason = (reason or "").strip()
    with transaction.atomic():
        milestone, project = _lock_milestone(milestone)
        if project.status not in (Status.IN_PROGRESS, Status.SUSPENDED):
            raise ProjectStateError(_("Milestones are reopened only while the project is under way."))
        if milestone.done_at is None:
            raise ProjectStateError(_("This milestone is not done."))
        milestone.done_at = None
        milestone.done_by = None
        milestone.save(update_fields=["done_at", "done_by"])
        _event(
            project,
            EventKind.MILESTONE_UNDONE,
            by=by,
            params={"milestone": milestone.pk, "title": milestone.title[:100]},
        )
        _audit(by, "projects.milestone_undo", project, {"milestone": [milestone.pk, None]}, reason=reason)
    return milestone


# Photos -----------------------------------------------------------------------------------------------------


def photo_add(*, by: User | None, project: Project, stage: str, file, caption: str = "") -> Photo:
    """A photo before, during or after the work, re-encoded as a JPEG without its metadata (no location)."""
    caption = (caption or "").strip()
    if stage not in Photo.Stage.values:
        raise _invalid("stage", _("Choose before, during or after."))
    if len(caption) > 200:
        raise _invalid("caption", _("At most %(count)s characters.") % {"count": 200})
    if not file:
        raise _invalid("image", _("Choose a photo."))
    try:
        data, width, height = matter_services.photo_clean(file)
    except ValidationError as error:
        raise ValidationError({"image": error.message_dict.get("photos", error.messages)}) from None
    with transaction.atomic():
        project = _lock(project)
        if project.status == Status.CANCELLED:
            raise ProjectStateError(_("A cancelled project can no longer be changed."))
        if Photo.objects.filter(project=project).count() >= MAX_PHOTOS:
            raise _invalid("image", _("A project has at most %(count)s photos.") % {"count": MAX_PHOTOS})
        photo = Photo(
            project=project,
            stage=stage,
            caption=caption,
            width=width,
            height=height,
            uploaded_by=by if by is not None and getattr(by, "is_authenticated", False) else None,
        )
        photo.image.save("photo.jpg", ContentFile(data), save=False)
        photo.save()
        _event(project, EventKind.PHOTO_ADDED, by=by, params={"photo": photo.pk, "stage": stage})
        _audit(by, "projects.photo_add", project, {"photo": [None, photo.pk]})
    return photo


def photo_remove(*, by: User | None, photo: Photo) -> None:
    with transaction.atomic():
        project = _lock(photo.project)
        photo = Photo.objects.filter(pk=photo.pk, project=project).first()
        if photo is None:
            raise _invalid("photo", _("This photo is not part of the project."))
        name, pk = photo.image.name, photo.pk
        photo.delete()
        _event(project, EventKind.PHOTO_REMOVED, by=by, params={"photo": pk})
        _audit(by, "projects.photo_remove", project, {"photo": [pk, None]})
        storage = Photo._meta.get_field("image").storage
        transaction.on_commit(lambda: storage.delete(name) if name else None)


# Participants (推进积分化) ----------------------------------------------------------------------------------


def participation_record(
    *, by: User | None, project: Project, resident: Resident, what: str
) -> Participation:
    """A resident took part in carrying the project out; they earn the `project_participation` points once
    for the project. The public sees how many took part, never who."""
    from huiketing.points.services import points_award

    what = (what or "").strip()
    if not what:
        raise _invalid("what", _("Say what the resident did."))
    if len(what) > 200:
        raise _invalid("what", _("At most %(count)s characters.") % {"count": 200})
    if resident is None or resident.status != ResidentStatus.ACTIVE:
        raise _invalid("resident", _("Choose a resident living here."))
    with transaction.atomic():
        project = _lock(project)
        if project.status not in (Status.IN_PROGRESS, Status.SUSPENDED, Status.DONE):
            raise ProjectStateError(_("Participation is recorded once the work has started."))
        try:
            with transaction.atomic():
                participation = Participation.objects.create(
                    project=project,
                    resident=resident,
                    what=what,
                    recorded_by=by if by is not None and getattr(by, "is_authenticated", False) else None,
                )
        except IntegrityError:
            raise _invalid("resident", _("This resident's part is already recorded.")) from None
        _event(project, EventKind.PARTICIPATION, by=by, params={"participation": participation.pk})
        _audit(by, "projects.participation_record", project, {"resident": [None, resident.pk]})
        # The ledger names the rule in each reader's language; the source links the project.
        points_award(holder=resident, rule_code="project_participation", source=project, actor=by)
    return participation
