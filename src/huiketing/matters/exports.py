"""Matters as a spreadsheet: one sheet of matters, one of their timeline entries.

Personal data is masked (names 王**, phones 139****5678, e-mail a***@example.org); every text cell goes
through people.xlsx.cell_safe, so nothing a resident typed runs as a formula. The export is audited before the
first row is read. Rows are read in chunks and written to a write-only workbook in a temporary file, so memory
does not grow with the number of matters.
"""

import tempfile
from collections import defaultdict
from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from huiketing.core import crypto
from huiketing.core.audit import audit_record
from huiketing.people.models import User
from huiketing.people.verification import masked_name
from huiketing.people.xlsx import local_naive, xlsx_cells, xlsx_sheet

from . import services
from .models import Channel, Dispatch, Evaluation, Level, Matter, MatterEvent

CHUNK = 1000


# What staff see of a matter, on its page and in exports alike ------------------------------------------


def mask_email(value: str) -> str:
    name, _sep, domain = (value or "").partition("@")
    if not domain:
        return masked_name(value) if value else ""
    return f"{name[:1]}***@{domain}"


def raiser_label(matter: Matter) -> str:
    """Who raised the matter, masked like the registry masks names (王**); staff never see more here."""
    if matter.resident_id is not None and matter.resident is not None:
        return masked_name(matter.resident.full_name)
    if matter.contact_name:
        return masked_name(matter.contact_name)
    if matter.raised_by_id is not None and matter.raised_by is not None:
        return masked_name(str(matter.raised_by))
    if matter.open311_client_id is not None:
        return str(matter.open311_client)
    return ""


def raiser_phone(matter: Matter) -> str:
    """The contact phone, masked (139****5678); never revealed on these pages."""
    if matter.contact_phone:
        return crypto.mask_phone(matter.contact_phone)
    if matter.resident_id is not None and matter.resident is not None:
        return matter.resident.phone_masked
    return ""


def raiser_account_ids(matter: Matter) -> set[int]:
    ids = {matter.raised_by_id} if matter.raised_by_id else set()
    if matter.resident_id is not None and matter.resident is not None and matter.resident.account_id:
        ids.add(matter.resident.account_id)
    return ids


def actor_label(event_or_evaluation, matter: Matter, raisers: set[int]) -> str:
    """Staff by their name; the resident who raised the matter masked."""
    actor_id = getattr(event_or_evaluation, "actor_id", None) or getattr(event_or_evaluation, "by_id", None)
    if actor_id is None:
        return ""
    actor = getattr(event_or_evaluation, "actor", None) or getattr(event_or_evaluation, "by", None)
    if actor_id in raisers:
        return masked_name(str(actor))
    return str(actor)


WHAT = {"sign": gettext_lazy("Time to sign for"), "resolve": gettext_lazy("Time to resolve")}
ESCALATION_REASONS = {
    "sign_overdue": gettext_lazy("not signed for in time"),
    "resolve_overdue": gettext_lazy("not resolved in time"),
    "not_satisfied_again": gettext_lazy("not satisfied a second time"),
}


def event_details(event: MatterEvent) -> list[str]:
    """What a timeline entry says beyond its kind, translated: reasons, days, results, levels."""
    params, kind, details = event.params or {}, event.kind, []
    if kind == MatterEvent.Kind.RAISED and params.get("channel") in Channel.values:
        details.append(_("Channel: %(channel)s") % {"channel": Channel(params["channel"]).label})
    elif kind == MatterEvent.Kind.REJECTED:
        reason = services.REJECT_REASONS.get(params.get("reason_kind", ""))
        if reason:
            details.append(str(reason))
        if params.get("referred_to"):
            details.append(_("Referred to: %(who)s") % {"who": params["referred_to"]})
    elif kind == MatterEvent.Kind.MERGED and params.get("into"):
        details.append(_("Merged into matter %(number)s") % {"number": params["into"]})
    elif kind == MatterEvent.Kind.DUPLICATE_MERGED and params.get("from"):
        details.append(_("Matter %(number)s was merged into this one") % {"number": params["from"]})
    elif kind in (
        MatterEvent.Kind.EXTENSION_REQUESTED,
        MatterEvent.Kind.EXTENSION_GRANTED,
        MatterEvent.Kind.EXTENSION_REFUSED,
    ) and params.get("days"):
        details.append(_("%(days)s working days") % {"days": params["days"]})
    elif kind == MatterEvent.Kind.EVALUATED and params.get("result") in Evaluation.Result.values:
        details.append(str(Evaluation.Result(params["result"]).label))
        if params.get("phone"):
            details.append(_("recorded from a phone follow-up"))
    elif kind == MatterEvent.Kind.ESCALATED and params.get("level") in Level.values:
        details.append(_("Now supervised by: %(level)s") % {"level": Level(params["level"]).label})
        if params.get("reason") in ESCALATION_REASONS:
            details.append(str(ESCALATION_REASONS[params["reason"]]))
    elif kind in (MatterEvent.Kind.WARNED, MatterEvent.Kind.OVERDUE) and params.get("what") in WHAT:
        details.append(str(WHAT[params["what"]]))
    return details


# Writing the workbook -----------------------------------------------------------------------------------


def _chunks(matters) -> Iterator[list[Matter]]:
    chunk: list[Matter] = []
    queryset = matters.select_related("category", "resident", "raised_by", "open311_client").prefetch_related(
        None
    )
    for matter in queryset.iterator(chunk_size=CHUNK):
        chunk.append(matter)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _serialisable(filters: dict) -> dict:
    return {
        key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in filters.items()
    }


def matters_export(*, by: User, matters, place_code: str, filters: dict | None = None) -> str:
    """Write matters (a scoped queryset) and their timelines to an .xlsx file and return its path; the caller
    removes the file."""
    audit_record(
        actor=by,
        action="matters.export",
        place_code=place_code,
        changes={"filters": [None, _serialisable(filters or {})]},
    )
    workbook = Workbook(write_only=True)
    matter_sheet = xlsx_sheet(
        workbook,
        _("Matters"),
        [
            _("Number"),
            _("Title"),
            _("Description"),
            _("Category"),
            _("Grid code"),
            _("Address"),
            _("Channel"),
            _("Status"),
            _("Supervised by"),
            _("Raised by"),
            _("Contact phone"),
            _("Contact e-mail"),
            _("Anonymous"),
            _("Raised at"),
            _("Accepted at"),
            _("To be resolved by"),
            _("Done at"),
            _("Closed at"),
            _("Handling units"),
            _("Result"),
            _("Times sent back"),
            _("Evaluations"),
            _("Merged into"),
        ],
        {1: 30, 2: 40, 4: 18, 5: 24, 18: 30, 19: 40, 21: 24},
    )
    event_sheet = xlsx_sheet(
        workbook,
        _("Timeline"),
        [
            _("Number"),
            _("At"),
            _("Entry"),
            _("Handling unit"),
            _("Text"),
            _("Details"),
            _("Visible to"),
            _("By"),
        ],
        {1: 18, 2: 18, 3: 24, 4: 40, 5: 30},
    )
    yes, no = _("Yes"), _("No")
    public, internal = _("Everyone"), _("Staff only")
    for chunk in _chunks(matters):
        ids = [matter.pk for matter in chunk]
        units: dict[int, list[str]] = defaultdict(list)
        for dispatch in (
            Dispatch.objects.filter(matter_id__in=ids).select_related("unit").order_by("matter_id", "id")
        ):
            label = f"{dispatch.unit}（{dispatch.get_status_display()}）"
            if label not in units[dispatch.matter_id]:
                units[dispatch.matter_id].append(label)
        evaluations: dict[int, list[str]] = defaultdict(list)
        for evaluation in Evaluation.objects.filter(matter_id__in=ids).order_by("matter_id", "round", "id"):
            label = evaluation.get_result_display()
            if evaluation.by_phone_follow_up:
                label = _("%(result)s (phone follow-up)") % {"result": label}
            evaluations[evaluation.matter_id].append(label)
        for matter in chunk:
            matter_sheet.append(
                xlsx_cells(
                    matter_sheet,
                    [
                        matter.pk,
                        matter.title,
                        matter.description,
                        str(matter.category),
                        matter.place_code,
                        matter.address,
                        matter.get_channel_display(),
                        matter.get_status_display(),
                        matter.get_level_display(),
                        raiser_label(matter),
                        raiser_phone(matter),
                        mask_email(matter.contact_email),
                        yes if matter.is_anonymous else no,
                        local_naive(matter.created_at),
                        local_naive(matter.accepted_at),
                        local_naive(matter.resolve_due_at),
                        local_naive(matter.done_at),
                        local_naive(matter.closed_at),
                        "、".join(units.get(matter.pk, [])),
                        matter.result,
                        matter.rehandle_count,
                        "、".join(evaluations.get(matter.pk, [])),
                        matter.duplicate_of_id or "",
                    ],
                )
            )
        by_matter = {matter.pk: matter for matter in chunk}
        raisers = {matter.pk: raiser_account_ids(matter) for matter in chunk}
        events = (
            MatterEvent.objects.filter(matter_id__in=ids)
            .select_related("actor", "unit")
            .order_by("matter_id", "created_at", "id")
        )
        for event in events.iterator(chunk_size=CHUNK * 4):
            matter = by_matter[event.matter_id]
            event_sheet.append(
                xlsx_cells(
                    event_sheet,
                    [
                        event.matter_id,
                        local_naive(event.created_at),
                        event.get_kind_display(),
                        str(event.unit) if event.unit_id else "",
                        event.text,
                        "；".join(event_details(event)),
                        public if event.is_public else internal,
                        actor_label(event, matter, raisers[matter.pk]),
                    ],
                )
            )
    handle = tempfile.NamedTemporaryFile(prefix="huiketing-", suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    workbook.save(handle.name)
    return handle.name
