"""Geometry of places: GCJ-02 → WGS-84, boundary checking and repair, the point → grid index, SVG outlines.

Boundaries are stored as GeoJSON in WGS-84 (RFC 7946); phones and Chinese map SDKs report GCJ-02, which is
converted here at input (DESIGN.md §3).
"""

import json
import math
import threading
from dataclasses import dataclass, field

import shapely
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.utils.translation import gettext as _
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape
from shapely.geometry.polygon import orient

from huiketing.places.models import Level, Place

# Krasovsky 1940 ellipsoid, as used by the public GCJ-02 formula.
_A = 6378245.0
_EE = 0.00669342162296594323


def out_of_china(lat: float, lng: float) -> bool:
    """The rough bounding box the GCJ-02 offset applies to; points outside it are not shifted."""
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _offset_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _offset_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """The public forward formula WGS-84 → GCJ-02."""
    if out_of_china(lat, lng):
        return lat, lng
    dlat = _offset_lat(lng - 105.0, lat - 35.0)
    dlng = _offset_lng(lng - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lat + dlat, lng + dlng


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """Invert the forward formula by fixed-point iteration (converges to well under a centimetre)."""
    if out_of_china(lat, lng):
        return lat, lng
    wlat, wlng = lat, lng
    for _step in range(30):
        glat, glng = wgs84_to_gcj02(wlat, wlng)
        dlat, dlng = glat - lat, glng - lng
        wlat, wlng = wlat - dlat, wlng - dlng
        if abs(dlat) < 1e-10 and abs(dlng) < 1e-10:
            break
    return wlat, wlng


def to_wgs84(lat: float, lng: float, crs: str) -> tuple[float, float]:
    return gcj02_to_wgs84(lat, lng) if crs == "gcj02" else (lat, lng)


# Boundaries ---------------------------------------------------------------------------------------------


@dataclass
class Boundary:
    geojson: dict
    centroid_lat: float
    centroid_lng: float
    repaired: bool = False
    messages: list[str] = field(default_factory=list)


def _bad(message: str, field_name: str) -> ValidationError:
    return ValidationError({field_name: [message]}, code="invalid_geometry")


def _check_position(position, field_name: str) -> None:
    if not isinstance(position, list | tuple) or len(position) < 2:
        raise _bad(_("Every position must be a [longitude, latitude] pair."), field_name)
    lng, lat = position[0], position[1]
    for value in (lng, lat):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise _bad(_("Every coordinate must be a number."), field_name)
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise _bad(
            _("The position [%(lng)s, %(lat)s] is not a longitude/latitude in degrees (WGS-84).")
            % {"lng": lng, "lat": lat},
            field_name,
        )


def _check_polygon(rings, field_name: str) -> None:
    if not isinstance(rings, list) or not rings:
        raise _bad(_("A polygon needs at least one ring of positions."), field_name)
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            raise _bad(
                _("Every ring needs at least four positions (the last one repeating the first)."), field_name
            )
        for position in ring:
            _check_position(position, field_name)


def _polygonal_parts(geometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry]
    if isinstance(geometry, MultiPolygon):
        return list(geometry.geoms)
    if hasattr(geometry, "geoms"):  # a GeometryCollection left by make_valid
        return [part for sub in geometry.geoms for part in _polygonal_parts(sub)]
    return []


def boundary_clean(value, *, field_name: str = "boundary") -> Boundary:
    """Check a GeoJSON Polygon/MultiPolygon (WGS-84) and repair what can be repaired, saying so.

    Self-intersections are resolved with make_valid, rings are oriented counter-clockwise (RFC 7946),
    and empty or non-polygonal leftovers are dropped. Anything else is refused, naming the field.
    """
    if isinstance(value, str | bytes):
        try:
            value = json.loads(value)
        except ValueError:
            raise _bad(_("The boundary is not valid JSON."), field_name) from None
    if not isinstance(value, dict):
        raise _bad(_("The boundary must be a GeoJSON Polygon or MultiPolygon object."), field_name)
    kind = value.get("type")
    coordinates = value.get("coordinates")
    if kind == "Polygon":
        _check_polygon(coordinates, field_name)
    elif kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            raise _bad(_("A MultiPolygon needs at least one polygon."), field_name)
        for polygon in coordinates:
            _check_polygon(polygon, field_name)
    else:
        raise _bad(
            _("The boundary is a %(type)s; only Polygon and MultiPolygon are accepted.")
            % {"type": kind or _("(no type)")},
            field_name,
        )
    try:
        geometry = shape(value)
    except (ValueError, TypeError, shapely.errors.ShapelyError):
        raise _bad(_("The boundary's coordinates do not form a polygon."), field_name) from None
    messages = []
    repaired = False
    if not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry)
        geometry = shapely.make_valid(geometry)
        repaired = True
        messages.append(
            _("The boundary was not valid (%(reason)s) and has been repaired.") % {"reason": reason}
        )
    parts = [
        orient(part, sign=1.0) for part in _polygonal_parts(geometry) if not part.is_empty and part.area > 0
    ]
    if not parts:
        raise _bad(_("The boundary encloses no area."), field_name)
    cleaned = parts[0] if len(parts) == 1 else MultiPolygon(parts)
    geojson = _plain_geojson(mapping(cleaned))
    if not repaired and geojson != _plain_geojson(value):
        repaired = True
        messages.append(_("The boundary's rings have been closed or re-oriented."))
    centroid = cleaned.centroid
    if not cleaned.contains(centroid):
        # A crescent's or an L's centroid can fall outside it; a label must sit inside the place.
        centroid = cleaned.representative_point()
    return Boundary(geojson, centroid.y, centroid.x, repaired, messages)


def _plain_geojson(value: dict) -> dict:
    """GeoJSON with lists, not tuples, so that stored and compared values are the same JSON."""
    return json.loads(json.dumps({"type": value.get("type"), "coordinates": value.get("coordinates")}))


# The point → grid index ---------------------------------------------------------------------------------


class GridIndex:
    """An STRtree over every grid boundary, built once per process and rebuilt when boundaries change.

    Several processes (web workers, the job worker) write places, so no in-process signal can tell this one
    that its tree is stale. Instead every lookup asks the database one small aggregate (count, max id and
    max updated_at of the grids, served by an index) and rebuilds only when that stamp differs: one cheap
    query per lookup instead of parsing every boundary.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._tree: shapely.STRtree | None = None
        self._entries: list[tuple[str, int, object]] = []  # (code, place id, prepared geometry)

    @staticmethod
    def current_stamp() -> tuple:
        row = Place.objects.filter(level=Level.GRID).aggregate(
            count=Count("id"), last_id=Max("id"), last_change=Max("updated_at")
        )
        return (row["count"], row["last_id"], row["last_change"])

    def _rebuild(self, stamp: tuple) -> None:
        entries, geometries = [], []
        rows = Place.objects.filter(level=Level.GRID, boundary__isnull=False).values_list(
            "id", "code", "boundary"
        )
        for place_id, code, boundary in rows:
            try:
                geometry = shape(boundary)
            except (ValueError, TypeError, AttributeError, shapely.errors.ShapelyError):
                continue  # boundaries are checked on input; a hand-edited bad one must not break every lookup
            if geometry.is_empty:
                continue
            shapely.prepare(geometry)
            entries.append((code, place_id, geometry))
            geometries.append(geometry)
        self._entries = entries
        self._tree = shapely.STRtree(geometries) if geometries else None
        self._stamp = stamp

    def grid_id_at(self, lat: float, lng: float) -> int | None:
        """The id of the grid containing a WGS-84 point, the lowest code on a shared edge, or None."""
        stamp = self.current_stamp()
        with self._lock:
            if stamp != self._stamp:
                self._rebuild(stamp)
            tree, entries = self._tree, self._entries
        if tree is None:
            return None
        point = Point(lng, lat)
        hits = [entries[i] for i in tree.query(point, predicate="intersects")]
        # `intersects` includes the boundary, so a point on an edge shared by two grids hits both.
        hits = [entry for entry in hits if entry[2].covers(point)]
        if not hits:
            return None
        return min(hits)[1]

    def clear(self) -> None:
        with self._lock:
            self._stamp, self._tree, self._entries = None, None, []


grid_index = GridIndex()


def grid_at(*, lat: float, lng: float) -> Place | None:
    """The grid Place (with its ancestors loaded) containing a WGS-84 point, or None."""
    grid_id = grid_index.grid_id_at(lat, lng)
    if grid_id is None:
        return None
    return Place.objects.select_related("parent__parent__parent", "leader").filter(pk=grid_id).first()


# SVG outlines -------------------------------------------------------------------------------------------


@dataclass
class SvgShape:
    code: str
    name: str
    d: str
    current: bool


@dataclass
class SvgMap:
    view_box: str
    shapes: list[SvgShape]


def svg_map(place: Place, children, *, width: float = 320.0) -> SvgMap | None:
    """Outlines of a place and its children projected into an SVG viewBox, or None without boundaries.

    An equirectangular projection scaled by cos(latitude) is exact enough at the size of a city.
    """
    items = [(place, True)] + [(child, False) for child in children]
    geometries = []
    for item, current in items:
        if not item.boundary:
            continue
        try:
            geometry = shape(item.boundary)
        except (ValueError, TypeError, AttributeError, shapely.errors.ShapelyError):
            continue
        if not geometry.is_empty:
            geometries.append((item, current, geometry))
    if not geometries:
        return None
    min_x, min_y, max_x, max_y = shapely.GeometryCollection([g for _i, _c, g in geometries]).bounds
    kx = math.cos(math.radians((min_y + max_y) / 2))
    span = max((max_x - min_x) * kx, max_y - min_y) or 1e-9
    scale = width / span
    height = (max_y - min_y) * scale
    margin = 4.0

    def project(x: float, y: float) -> str:
        return f"{(x - min_x) * kx * scale + margin:.1f},{(max_y - y) * scale + margin:.1f}"

    shapes = []
    for item, current, geometry in geometries:
        commands = []
        for polygon in _polygonal_parts(geometry):
            for ring in [polygon.exterior, *polygon.interiors]:
                points = [project(x, y) for x, y in ring.coords[:-1]]
                commands.append("M" + " L".join(points) + " Z")
        shapes.append(SvgShape(item.code, item.name, " ".join(commands), current))
    # The place itself is drawn first, its children on top of it.
    shapes.sort(key=lambda s: not s.current)
    view_box = f"0 0 {(max_x - min_x) * kx * scale + 2 * margin:.1f} {height + 2 * margin:.1f}"
    return SvgMap(view_box, shapes)
