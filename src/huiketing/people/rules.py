"""Permissions on accounts: what a signed-in person may do with their own account."""

import rules

rules.add_perm("people.change_own_preferences", rules.is_authenticated)
