"""Permissions on matters: who raises, triages, handles, evaluates and reads them."""

import rules

from huiketing.core import scope
from huiketing.core.rules import covers_place, has_role
from huiketing.people.models import COMMUNITY_AND_ABOVE, REGISTRY_ROLES, Role

# Community staff and the cadres above them triage (两委提事); grid staff see and follow their grids' matters.
TRIAGE_ROLES = COMMUNITY_AND_ABOVE
STAFF_VIEW_ROLES = REGISTRY_ROLES


@rules.predicate(name="acts_for_unit")
def acts_for_unit(user, obj=None) -> bool:
    """The user works for the handling unit of a dispatch (or of any unit, without an object)."""
    if obj is None:
        # Organisation units are acted for by department-staff accounts; the community's own by its cadres.
        return Role.DEPARTMENT_STAFF in scope.role_set(user) or bool(scope.role_codes(user, TRIAGE_ROLES))
    unit = getattr(obj, "unit", obj)
    if unit.organisation_id is not None:
        return unit.organisation_id in scope.organisation_ids(user, {Role.DEPARTMENT_STAFF}) or (
            Role.ADMIN in scope.role_set(user)
        )
    return scope.covers(user, unit.place_code, TRIAGE_ROLES)


@rules.predicate(name="raised_it")
def raised_it(user, matter=None) -> bool:
    """The matter was raised by this account, or for the resident this account belongs to."""
    if matter is None or not getattr(user, "is_authenticated", False):
        return False
    if matter.raised_by_id == user.pk and matter.resident_id is None:
        return True
    resident = getattr(user, "resident", None) if hasattr(user, "resident") else None
    return resident is not None and matter.resident_id == resident.pk


rules.add_perm("matters.raise", rules.is_authenticated)
rules.add_perm("matters.raise_for_resident", covers_place(*STAFF_VIEW_ROLES))
rules.add_perm("matters.view_staff", covers_place(*STAFF_VIEW_ROLES))
rules.add_perm("matters.triage", covers_place(*TRIAGE_ROLES))
rules.add_perm("matters.handle", acts_for_unit)
rules.add_perm("matters.evaluate", raised_it)
rules.add_perm("matters.record_follow_up", covers_place(*STAFF_VIEW_ROLES))
rules.add_perm("matters.follow", rules.is_authenticated)
rules.add_perm("matters.view_rates", covers_place(*STAFF_VIEW_ROLES) | has_role(Role.DEPARTMENT_STAFF))
rules.add_perm("matters.export", covers_place(*COMMUNITY_AND_ABOVE))


# Staff pages of matters (staff_views.py): grid staff and cadres read the matters of the places they cover;
# a handling unit's staff read the matters dispatched (ever) to their unit, as selectors.staff_scope_q does.
@rules.predicate(name="works_on_matter")
def works_on_matter(user, matter=None) -> bool:
    """The user is the staff of an organisation that handles matters (without an object: units that stand for
    an organisation are acted for by its department-staff accounts), or works for a unit the matter was
    dispatched to."""
    if not getattr(user, "is_authenticated", False):
        return False
    if matter is None:
        return Role.DEPARTMENT_STAFF in scope.role_set(user)
    from .models import Dispatch
    from .selectors import _unit_ids_for

    unit_ids = _unit_ids_for(user)
    return bool(unit_ids) and Dispatch.objects.filter(matter_id=matter.pk, unit_id__in=unit_ids).exists()


rules.add_perm("matters.view_staff_pages", covers_place(*STAFF_VIEW_ROLES) | works_on_matter)
