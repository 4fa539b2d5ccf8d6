"""Permissions on the living rooms: everyone reads venues, service items, events and calendars; signed-in
people
book and check in; the staff covering a venue's place run it (bookings on a resident's behalf, door check-ins,
closures, events, the visits statistics)."""

import rules

from huiketing.core.rules import covers_place, has_role, is_admin
from huiketing.people.models import COMMUNITY_AND_ABOVE, REGISTRY_ROLES, Role

rules.add_perm("hall.book", rules.is_authenticated)
rules.add_perm("hall.view_staff", covers_place(*REGISTRY_ROLES))
rules.add_perm("hall.record_visit", covers_place(*REGISTRY_ROLES))
rules.add_perm("hall.book_for_resident", covers_place(*REGISTRY_ROLES))
rules.add_perm("hall.manage", covers_place(*COMMUNITY_AND_ABOVE))
rules.add_perm("hall.view_statistics", covers_place(*REGISTRY_ROLES))
# Festivals belong to the whole installation, not to a place: city officers and administrators keep them.
rules.add_perm("hall.manage_festivals", has_role(Role.CITY_OFFICER))


@rules.predicate(name="is_the_visitor")
def is_the_visitor(user, visit=None) -> bool:
    """The visit names the user (by the account or as the resident); without a visit: signed in."""
    if not getattr(user, "is_authenticated", False):
        return False
    if visit is None:
        return True
    if visit.user_id is not None and visit.user_id == user.pk:
        return True
    return visit.resident_id is not None and visit.resident.account_id == user.pk


# The one-tap rating of a visit: its visitor (administrators see the page, but only the visitor rates).
rules.add_perm("hall.rate_visit", is_the_visitor | is_admin)
