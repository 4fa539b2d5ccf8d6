"""Permissions on points: everyone signed in reads their own ledger; staff read the accounts and
leaderboards of
the places they cover; community staff and above change rules and correct balances."""

import rules

from huiketing.core.rules import covers_place
from huiketing.people.models import COMMUNITY_AND_ABOVE, REGISTRY_ROLES

rules.add_perm("points.view_own", rules.is_authenticated)
rules.add_perm("points.view_staff", covers_place(*REGISTRY_ROLES))
rules.add_perm("points.manage_rules", covers_place(*COMMUNITY_AND_ABOVE))
rules.add_perm("points.adjust", covers_place(*COMMUNITY_AND_ABOVE))
