"""Boundaries of the demo places, built from shared polylines so that neighbours meet exactly.

Every boundary between two bands (or two rows of grids) is one wavy polyline sampled at the same longitudes,
and every cut between communities or grid columns is a meridian that is one of those longitudes. Neighbouring
polygons therefore share their vertices bit for bit: no gaps, no overlaps, and the grids tile the city.
"""

import itertools
import math
import random
from dataclasses import dataclass

from shapely.geometry import Point, Polygon

from huiketing.demo.data.places import BAND_EDGES, EAST, SUBDISTRICTS, WEST

SAMPLE_STEP = 0.0025  # degrees of longitude between the vertices of a wavy edge
WAVELENGTH = 0.03
BAND_AMPLITUDE = 0.0006
ROW_AMPLITUDE = 0.0003
DIGITS = 6  # ~0.1 m; coordinates are rounded once, before they are shared


@dataclass(frozen=True)
class Layout:
    """Polygons by place code, and the grid codes in each community in numbering order."""

    polygons: dict[str, Polygon]
    grid_rows: dict[str, list[list[str]]]


def _community_columns(west: float, east: float, grids: int) -> list[list[tuple[float, float]]]:
    """Rows (north first) of (west, east) spans: 4 grids as 2 × 2, 3 grids as one row of 3."""
    columns = 2 if grids == 4 else grids
    rows = grids // columns
    cuts = [round(west + (east - west) * k / columns, DIGITS) for k in range(columns + 1)]
    cuts[0], cuts[-1] = west, east
    spans = list(itertools.pairwise(cuts))
    return [spans for _row in range(rows)]


def _sample_longitudes() -> list[float]:
    xs = {round(WEST + i * SAMPLE_STEP, DIGITS) for i in range(round((EAST - WEST) / SAMPLE_STEP) + 1)}
    xs |= {WEST, EAST}
    for subdistrict in SUBDISTRICTS:
        for community in subdistrict.communities:
            for row in _community_columns(community.west, community.east, community.grids):
                for west, east in row:
                    xs |= {west, east}
    return sorted(x for x in xs if WEST <= x <= EAST)


def _line(xs: list[float], base: float, amplitude: float, phase: float) -> dict[float, float]:
    return {
        x: round(base + amplitude * math.sin(2 * math.pi * (x - WEST) / WAVELENGTH + phase), DIGITS)
        for x in xs
    }


def _region(xs, west: float, east: float, north: dict, south: dict) -> Polygon:
    # East along the southern edge, then west along the northern one: counter-clockwise.
    span = [x for x in xs if west <= x <= east]
    ring = [(x, south[x]) for x in span] + [(x, north[x]) for x in reversed(span)]
    return Polygon([*ring, ring[0]])


def build() -> Layout:
    xs = _sample_longitudes()
    # The city's own northern and southern edges are straight; the edges between bands wave.
    edges = [
        _line(xs, lat, 0 if i in (0, len(BAND_EDGES) - 1) else BAND_AMPLITUDE, phase=1.3 * i)
        for i, lat in enumerate(BAND_EDGES)
    ]
    polygons: dict[str, Polygon] = {}
    grid_rows: dict[str, list[list[str]]] = {}
    for subdistrict in SUBDISTRICTS:
        north, south = edges[subdistrict.band], edges[subdistrict.band + 1]
        middle = _line(
            xs, (BAND_EDGES[subdistrict.band] + BAND_EDGES[subdistrict.band + 1]) / 2, ROW_AMPLITUDE, 0.7
        )
        polygons[subdistrict.code] = _region(xs, WEST, EAST, north, south)
        for community in subdistrict.communities:
            code = subdistrict.code + community.number
            polygons[code] = _region(xs, community.west, community.east, north, south)
            rows = _community_columns(community.west, community.east, community.grids)
            row_edges = [north, middle, south] if len(rows) == 2 else [north, south]
            number = 0
            grid_rows[code] = []
            for r, spans in enumerate(rows):
                grid_rows[code].append([])
                for west, east in spans:
                    number += 1
                    grid_code = f"{code}{number:03d}"
                    polygons[grid_code] = _region(xs, west, east, row_edges[r], row_edges[r + 1])
                    grid_rows[code][-1].append(grid_code)
    polygons[SUBDISTRICTS[0].code[:6]] = _region(xs, WEST, EAST, edges[0], edges[-1])
    return Layout(polygons=polygons, grid_rows=grid_rows)


def to_geojson(polygon: Polygon) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y] for x, y in polygon.exterior.coords]]}


def centroid(polygon: Polygon) -> tuple[float, float]:
    """(lat, lng) of the polygon's centroid."""
    point = polygon.centroid
    return round(point.y, DIGITS), round(point.x, DIGITS)


def grid_at(layout: Layout, lat: float, lng: float) -> str | None:
    point = Point(lng, lat)
    matches = [code for code, poly in layout.polygons.items() if len(code) == 15 and poly.covers(point)]
    return matches[0] if len(matches) == 1 else None


def point_inside(polygon: Polygon, seed: str) -> tuple[float, float]:
    """A reproducible (lat, lng) well inside the polygon (at least ~50 m from its edge)."""
    rng = random.Random(seed)
    inner = polygon.buffer(-0.0006)
    min_x, min_y, max_x, max_y = inner.bounds
    while True:
        lng = round(rng.uniform(min_x, max_x), DIGITS)
        lat = round(rng.uniform(min_y, max_y), DIGITS)
        if inner.contains(Point(lng, lat)):
            return lat, lng
