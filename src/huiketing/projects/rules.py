"""Permissions on projects: the public reads progress; community staff and above run projects; the staff of a
responsible party (a handling unit or organisation) report milestones and photos."""

import rules

from huiketing.core.rules import covers_place
from huiketing.people.models import COMMUNITY_AND_ABOVE, REGISTRY_ROLES

rules.add_perm("projects.view_staff", covers_place(*REGISTRY_ROLES))
rules.add_perm("projects.manage", covers_place(*COMMUNITY_AND_ABOVE))
rules.add_perm("projects.report_progress", covers_place(*COMMUNITY_AND_ABOVE))
