"""Permissions on the living rooms: everyone reads venues, service items, events and calendars; signed-in
people
book and check in; the staff covering a venue's place run it (bookings on a resident's behalf, door check-ins,
closures, events, the visits statistics)."""

import rules

from huiketing.core.rules import covers_place
from huiketing.people.models import COMMUNITY_AND_ABOVE, REGISTRY_ROLES

rules.add_perm("hall.book", rules.is_authenticated)
rules.add_perm("hall.view_staff", covers_place(*REGISTRY_ROLES))
rules.add_perm("hall.record_visit", covers_place(*REGISTRY_ROLES))
rules.add_perm("hall.book_for_resident", covers_place(*REGISTRY_ROLES))
rules.add_perm("hall.manage", covers_place(*COMMUNITY_AND_ABOVE))
rules.add_perm("hall.view_statistics", covers_place(*REGISTRY_ROLES))
