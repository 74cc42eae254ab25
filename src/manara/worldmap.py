"""An offline world map: Natural Earth countries (world-atlas TopoJSON) as SVG paths, for the console and reports.

The TopoJSON file ships in ``static/vendor/world-atlas`` (ISC; Natural Earth data is public domain). It is
decoded here (quantised, delta-encoded arcs), projected with the Equal Earth projection (Šavrič, Patterson
and Jenny, 2018: equal-area, so a country's ink matches its size) and turned into SVG path data once per
process. Rings that cross the antimeridian are unwrapped and drawn twice, shifted by a full turn, inside a
clip path of the globe's outline. Countries are keyed by ISO 3166-1 alpha-2 code, taken from the numeric
ids through Babel's CLDR aliases. No JavaScript, no tiles, no network.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.core import get_global

TOPOJSON = Path(__file__).parent / "web" / "static" / "vendor" / "world-atlas" / "countries-110m.json"
WIDTH = 1000.0  # the SVG viewBox width; the height follows from the projection's aspect ratio
MARGIN = 4.0
EXCLUDED = frozenset({"010"})  # Antarctica: no member there, and a third of the map's width at the bottom
NAMED = {"Kosovo": "XK"}  # Natural Earth features without an ISO numeric id

A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2

Point = tuple[float, float]
Ring = list[Point]


def equal_earth(lon: float, lat: float) -> Point:
    """Project degrees of longitude and latitude with Equal Earth; return (x, y) in radians, y up."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


X_MAX, Y_MAX = equal_earth(180, 0)[0], equal_earth(0, 90)[1]
SCALE = (WIDTH - 2 * MARGIN) / (2 * X_MAX)
HEIGHT = round(2 * Y_MAX * SCALE + 2 * MARGIN, 1)


def to_svg(lon: float, lat: float) -> Point:
    """Return the viewBox coordinates of a point (x to the east, y down)."""
    x, y = equal_earth(lon, lat)
    return WIDTH / 2 + x * SCALE, HEIGHT / 2 - y * SCALE


@dataclass(frozen=True)
class Country:
    """One country's shape: ISO alpha-2 code (None for the few without one), Natural Earth name, path data."""

    code: str | None
    name: str
    path: str
    centre: Point  # the centre of its largest ring's bounding box, where the count marker goes


def _decode_arcs(topology: dict[str, object]) -> list[Ring]:
    transform = topology["transform"]
    assert isinstance(transform, dict)
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    arcs: list[Ring] = []
    raw = topology["arcs"]
    assert isinstance(raw, list)
    for arc in raw:
        x = y = 0
        points: Ring = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(arcs: list[Ring], indexes: list[int]) -> Ring:
    """Stitch a ring from arc indexes (``~i`` is arc ``i`` reversed), dropping each joint's repeat."""
    ring: Ring = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points[1:] if ring else points)
    return ring


def _unwrap(ring: Ring) -> Ring:
    """Make longitudes continuous across the antimeridian (they may then leave [-180, 180])."""
    out: Ring = []
    shift = 0.0
    for i, (lon, lat) in enumerate(ring):
        if i:
            step = lon + shift - out[-1][0]
            if step > 180:
                shift -= 360
            elif step < -180:
                shift += 360
        out.append((lon + shift, lat))
    return out


def _path(ring: Ring) -> str:
    parts: list[str] = []
    last = ""
    for lon, lat in ring:
        x, y = to_svg(lon, lat)
        point = f"{x:.1f},{y:.1f}"
        if point != last:
            parts.append(point)
            last = point
    return "M" + "L".join(parts) + "Z" if len(parts) > 2 else ""


def _ring_paths(ring: Ring) -> list[str]:
    ring = _unwrap(ring)
    lons = [lon for lon, _ in ring]
    paths = [_path(ring)]
    if max(lons) > 180:
        paths.append(_path([(lon - 360, lat) for lon, lat in ring]))
    if min(lons) < -180:
        paths.append(_path([(lon + 360, lat) for lon, lat in ring]))
    return [p for p in paths if p]


def _centre(ring: Ring) -> Point:
    inside = [(lon, lat) for lon, lat in _unwrap(ring) if -180 <= lon <= 180] or ring
    lons, lats = [p[0] for p in inside], [p[1] for p in inside]
    return to_svg((min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2)


def _area(ring: Ring) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))) / 2


@lru_cache
def countries() -> tuple[Country, ...]:
    """Return every country of the map, decoded and projected once per process."""
    topology = json.loads(TOPOJSON.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    aliases = get_global("territory_aliases")
    result = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        numeric, name = geometry.get("id"), geometry["properties"]["name"]
        if numeric in EXCLUDED or geometry["type"] not in ("Polygon", "MultiPolygon"):
            continue
        codes = aliases.get(numeric) if numeric else None
        code = codes[0] if codes else NAMED.get(name)
        polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
        rings = [_ring(arcs, ring) for polygon in polygons for ring in polygon]
        path = "".join(p for ring in rings for p in _ring_paths(ring))
        result.append(Country(code, name, path, _centre(max(rings, key=_area))))
    return tuple(result)


@lru_cache
def outline() -> str:
    """Return the path of the globe's outline (the clip path and the sea)."""
    east = [(180.0, lat / 2) for lat in range(-180, 181)]
    west = [(-180.0, lat / 2) for lat in range(180, -181, -1)]
    return _path(east + west)
