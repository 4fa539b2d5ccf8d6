"""Which grid an Open311 `address_string` names, for requests sent without coordinates.

Every matter needs its grid. An address is read for the names of our places, in any of their languages:
a grid service point ("红墩社区第2网格红色驿站") names its grid; a community's name with one of its
grids' names ("红墩社区第3网格") names that grid, and a community with a single grid needs no more; a
grid's name alone counts only where no other grid bears it. Anything else (no name found, or names that
leave the grid open) is an error the client can act on: send lat and long, or the grid code as address_id.
"""

import re
import unicodedata
from dataclasses import dataclass

from huiketing.places.models import Level, Place, ServicePoint


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def _match_length(names: dict, text: str) -> int:
    """The length of the longest of `names` (one per language) found in `text` as a whole word, or 0.

    "Whole word" looks only at Latin letters and digits around the name, so that "Grid 1" is not found in
    "Grid 12" nor "第1网格" in "第11网格", while an Uyghur or Kazakh name may carry its case suffix.
    """
    best = 0
    for name in (names or {}).values():
        name = _normal(name)
        if len(name) < 2 or len(name) <= best:
            continue
        if re.search(rf"(?<![0-9a-z]){re.escape(name)}(?![0-9a-z])", text):
            best = len(name)
    return best


def _longest(found: list[tuple[int, object]]) -> list:
    """The items matched by the longest name ("东红墩社区" wins over the "红墩社区" inside it)."""
    if not found:
        return []
    top = max(length for length, _item in found)
    return [item for length, item in found if length == top]


@dataclass
class AddressResult:
    grid: Place | None
    problem: str = ""  # why no grid, in English, when `grid` is None


def grid_for_address(address: str) -> AddressResult:
    text = _normal(address)
    points = ServicePoint.objects.select_related("place").only("names", "place__code", "place__level")
    found_points = _longest(
        [(length, point) for point in points if (length := _match_length(point.names, text))]
    )
    point_grids = {point.place.code: point.place for point in found_points if point.place.level == Level.GRID}
    if len(point_grids) == 1:
        return AddressResult(next(iter(point_grids.values())))
    grids = list(Place.objects.filter(level=Level.GRID).only("code", "names", "parent_id"))
    communities = list(Place.objects.filter(level=Level.COMMUNITY).only("code", "names"))
    found_communities = _longest(
        [(length, community) for community in communities if (length := _match_length(community.names, text))]
    )
    if len(found_communities) > 1:
        return AddressResult(None, "address_string names more than one community.")
    if found_communities:
        community = found_communities[0]
        own = [grid for grid in grids if grid.parent_id == community.pk]
        named = _longest([(length, grid) for grid in own if (length := _match_length(grid.names, text))])
        if len(named) == 1:
            return AddressResult(named[0])
        if len(own) == 1:
            return AddressResult(own[0])
        return AddressResult(
            None,
            f"address_string names community {community.code} but not which of its grids; add the grid, "
            "or send lat and long, or the grid's code as address_id.",
        )
    named = _longest([(length, grid) for grid in grids if (length := _match_length(grid.names, text))])
    if len(named) == 1:
        return AddressResult(named[0])
    if named:
        return AddressResult(
            None, "address_string names a grid several communities have; add the community's name."
        )
    return AddressResult(
        None,
        "address_string names no place we serve; send lat and long, or the grid's code as address_id.",
    )
