"""Permissions on accounts: what a signed-in person may do with their own account."""

import rules

from huiketing.core.rules import covers_place
from huiketing.people.models import COMMUNITY_AND_ABOVE, REGISTRY_ROLES, REVEAL_ROLES

rules.add_perm("people.change_own_preferences", rules.is_authenticated)

# The residents registry. Reading covers grid staff and cadres in scope; revealing a full ID number or phone
# is for the roles trusted with it (never institution operators, volunteers or merchants: they hold no
# registry role at all).
rules.add_perm("people.view_registry", covers_place(*REGISTRY_ROLES))
rules.add_perm("people.change_registry", covers_place(*REGISTRY_ROLES))
rules.add_perm("people.record_visit", covers_place(*REGISTRY_ROLES))
rules.add_perm("people.reveal_personal", covers_place(*REVEAL_ROLES))
rules.add_perm("people.import_registry", covers_place(*COMMUNITY_AND_ABOVE))
rules.add_perm("people.export_registry", covers_place(*COMMUNITY_AND_ABOVE))
