"""Projects as a spreadsheet: one sheet of projects with their progress and money, one of their milestones.

Every text cell goes through people.xlsx.cell_safe, so nothing typed runs as a formula. The export is
audited before the first row is read; rows are read in chunks into a write-only workbook in a temporary file,
so memory does not grow with the number of projects. No resident is named: participants are counted.
"""

import tempfile
from collections import defaultdict
from collections.abc import Iterator
from os.path import commonprefix

from django.db.models import Count
from django.utils.translation import gettext as _
from openpyxl import Workbook

from huiketing.core import scope
from huiketing.core.audit import audit_record
from huiketing.people.models import COMMUNITY_AND_ABOVE, User
from huiketing.people.xlsx import local_naive, xlsx_cells, xlsx_sheet

from . import selectors
from .models import Milestone, Participation, Party, Project

CHUNK = 500


def _chunks(projects) -> Iterator[list[Project]]:
    chunk: list[Project] = []
    for project in (
        projects.select_related("agenda_item__meeting").prefetch_related(None).iterator(chunk_size=CHUNK)
    ):
        chunk.append(project)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _export_place(filters: dict, user: User) -> str:
    """The place an export covers, for its audit entry: the place filtered on, else the common prefix of the
    user's scopes cut back to a whole place code."""
    if filters.get("place"):
        return filters["place"]
    shared = commonprefix(scope.role_codes(user, COMMUNITY_AND_ABOVE))  # noqa: RUF071
    return shared[: max((n for n in (0, 6, 9, 12, 15) if n <= len(shared)), default=0)]


def projects_export(*, by: User, projects, filters: dict | None = None) -> str:
    """Write projects (a scoped queryset annotated with progress) to an .xlsx file and return its path; the
    caller removes the file."""
    filters = filters or {}
    audit_record(
        actor=by,
        action="projects.export",
        place_code=_export_place(filters, by),
        changes={"filters": [None, {key: str(value) for key, value in filters.items()}]},
    )
    workbook = Workbook(write_only=True)
    project_sheet = xlsx_sheet(
        workbook,
        _("Projects"),
        [
            _("Number"),
            _("Title"),
            _("Place code"),
            _("Place"),
            _("Status"),
            _("Late"),
            _("Progress (%)"),
            _("Milestones done"),
            _("Milestones"),
            _("Budget (yuan)"),
            _("Spent (yuan)"),
            _("Source of funds"),
            _("About the funds"),
            _("Starts on"),
            _("Due on"),
            _("Started at"),
            _("Finished at"),
            _("Responsible parties"),
            _("Residents taking part"),
            _("Decision"),
            _("Matter"),
        ],
        {1: 36, 3: 24, 11: 18, 12: 24, 17: 40, 19: 30},
    )
    milestone_sheet = xlsx_sheet(
        workbook,
        _("Milestones"),
        [_("Number"), _("Position"), _("Milestone"), _("Due on"), _("Weight"), _("Done at"), _("Note")],
        {2: 36, 6: 40},
    )
    yes, no = _("Yes"), _("No")
    for chunk in _chunks(projects):
        ids = [project.pk for project in chunk]
        names = selectors.place_names(project.place_code for project in chunk)
        parties: dict[int, list[str]] = defaultdict(list)
        for party in Party.objects.filter(project_id__in=ids).select_related("unit", "organisation"):
            parties[party.project_id].append(f"{selectors.party_name(party)}（{party.get_role_display()}）")
        taking_part = dict(
            Participation.objects.filter(project_id__in=ids)
            .values("project_id")
            .annotate(n=Count("pk"))
            .values_list("project_id", "n")
        )
        for project in chunk:
            item = project.agenda_item
            project_sheet.append(
                xlsx_cells(
                    project_sheet,
                    [
                        project.pk,
                        project.title,
                        project.place_code,
                        names.get(project.place_code, ""),
                        project.get_status_display(),
                        yes if selectors.is_late(project) else no,
                        selectors.progress(project),
                        project.milestone_done_count,
                        project.milestone_count,
                        float(project.budget),
                        float(project.spent),
                        project.get_funding_source_display(),
                        project.funding_note,
                        project.starts_on.isoformat() if project.starts_on else "",
                        project.due_on.isoformat() if project.due_on else "",
                        local_naive(project.started_at),
                        local_naive(project.finished_at),
                        "、".join(parties.get(project.pk, [])),
                        taking_part.get(project.pk, 0),
                        f"{item.meeting} · {item.title}" if item is not None else "",
                        project.matter_id or "",
                    ],
                )
            )
        milestones = Milestone.objects.filter(project_id__in=ids).order_by("project_id", "position", "id")
        for milestone in milestones.iterator(chunk_size=CHUNK * 4):
            milestone_sheet.append(
                xlsx_cells(
                    milestone_sheet,
                    [
                        milestone.project_id,
                        milestone.position + 1,
                        milestone.title,
                        milestone.due_on.isoformat(),
                        milestone.weight,
                        local_naive(milestone.done_at),
                        milestone.note,
                    ],
                )
            )
    handle = tempfile.NamedTemporaryFile(prefix="huiketing-", suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    workbook.save(handle.name)
    return handle.name
