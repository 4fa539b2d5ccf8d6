"""Who may import places, change a place and renumber a community's grids."""

import rules

from huiketing.core.rules import covers_place, has_role
from huiketing.people.models import Role

COMMUNITY_OR_ABOVE = (Role.COMMUNITY_STAFF, Role.SUBDISTRICT_OFFICER, Role.CITY_OFFICER, Role.ADMIN)


@rules.predicate
def is_community_or_none(user, place=None) -> bool:
    return place is None or place.level == "community"


# Imports rewrite the whole tree, so they are for the city and administrators only.
rules.add_perm("places.import_places", has_role(Role.CITY_OFFICER))
rules.add_perm("places.change_place", covers_place(*COMMUNITY_OR_ABOVE))
rules.add_perm("places.renumber_grids", covers_place(*COMMUNITY_OR_ABOVE) & is_community_or_none)
