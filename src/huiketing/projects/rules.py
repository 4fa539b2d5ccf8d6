"""Permissions on projects: the public reads progress; community staff and above run projects; the staff of a
responsible party (an organisation, or a handling unit standing for one) report milestones and photos."""

import rules

from huiketing.core import scope
from huiketing.core.rules import covers_place
from huiketing.people.models import COMMUNITY_AND_ABOVE, ORGANISATION_ROLES, REGISTRY_ROLES


def _project_of(obj):
    """The project an object belongs to (a project, or a milestone, party or photo of one)."""
    return getattr(obj, "project", None) or obj


@rules.predicate(name="works_for_party")
def works_for_party(user, obj=None) -> bool:
    """The user works for an organisation that is a responsible party of the project (directly, or through a
    handling unit standing for it). Without an object: the user works for an organisation at all."""
    organisations = scope.organisation_ids(user, ORGANISATION_ROLES)
    if not organisations:
        return False
    if obj is None:
        return True
    from django.db.models import Q

    from .models import Party

    project = _project_of(obj)
    mine = Q(organisation_id__in=organisations) | Q(unit__organisation_id__in=organisations)
    return Party.objects.filter(mine, project_id=project.pk).exists()


_place_managed = covers_place(*COMMUNITY_AND_ABOVE)
_place_read = covers_place(*REGISTRY_ROLES)


@rules.predicate(name="covers_project_for_managing")
def covers_project_for_managing(user, obj=None) -> bool:
    return _place_managed(user, None if obj is None else _project_of(obj))


@rules.predicate(name="covers_project_for_reading")
def covers_project_for_reading(user, obj=None) -> bool:
    return _place_read(user, None if obj is None else _project_of(obj))


# Staff pages: grid staff and cadres on the projects of the places they cover, a party's staff on its own.
rules.add_perm("projects.view_staff", covers_project_for_reading | works_for_party)
# Setting up and running a project (两委): community staff and the cadres above them.
rules.add_perm("projects.manage", covers_project_for_managing)
# Ticking milestones off and adding photos: those who run it, and the parties carrying it out.
rules.add_perm("projects.report_progress", covers_project_for_managing | works_for_party)
# Projects of the places covered as a spreadsheet.
rules.add_perm("projects.export", covers_place(*COMMUNITY_AND_ABOVE))
