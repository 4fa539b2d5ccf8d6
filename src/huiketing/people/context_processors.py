"""Template values of the people app: whom the signed-in staff member is acting for (assisted mode)."""

from huiketing.people.verification import masked_name


def assisted_mode(request):
    """ACTING_FOR: {"id", "label"} of the resident while assisted mode is on, else None (no query: the
    middleware has already fetched and re-checked the resident)."""
    resident = getattr(request, "huiketing_acting_for", None)
    if resident is None:
        return {"ACTING_FOR": None}
    return {"ACTING_FOR": {"id": resident.pk, "label": masked_name(resident.full_name)}}
