"""The zone index against shapely's own point-in-polygon test: holes, multipolygons, detailed borders."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon

from manara.drone.geo import Zone, ZoneIndex, circle, distance_m, parse_zone


def _zone(i: int, **kw: object) -> Zone:
    base: dict[str, object] = {
        "id": str(i),
        "owner": "MA",
        "visibility": "all",
        "shared_with": (),
        "floor_m": None,
        "ceiling_m": None,
        "valid_from": None,
        "valid_until": None,
    }
    return Zone(**(base | kw))  # type: ignore[arg-type]


def test_index_agrees_with_shapely_on_random_points() -> None:
    rng = np.random.default_rng(3)
    donut = Polygon([(0, 0), (4, 0), (4, 4), (0, 4)], holes=[[(1, 1), (3, 1), (3, 3), (1, 3)]])
    two = MultiPolygon([Polygon([(5, 5), (6, 5), (6, 6)]), Polygon([(7, 7), (8, 7), (8, 8), (7, 8)])])
    wiggly = Polygon(
        [
            (2 + 1.5 * math.cos(t) * (1 + 0.2 * math.sin(9 * t)), 6 + 1.5 * math.sin(t))
            for t in np.linspace(0, 2 * math.pi, 400, endpoint=False)
        ]
    )
    circles = [parse_zone(circle(float(a), float(b), 20_000)) for a, b in rng.uniform(0, 9, (30, 2))]
    geoms = [donut, two, wiggly, *circles]
    index = ZoneIndex([_zone(i) for i in range(len(geoms))], geoms)
    xs, ys = rng.uniform(-1, 10, 20_000), rng.uniform(-1, 10, 20_000)
    got = {(int(p), int(z)) for p, z in index.query(xs, ys).T}
    want = {(p, z) for z, g in enumerate(geoms) for p in np.nonzero(shapely.contains_xy(g, xs, ys))[0].tolist()}
    assert got == want and len(want) > 1000
    assert index.query([], []).shape == (2, 0)
    assert ZoneIndex([], []).query([1.0], [1.0]).shape == (2, 0)


def test_altitude_band_and_window() -> None:
    zone = _zone(
        0,
        floor_m=50.0,
        ceiling_m=120.0,
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        valid_until=datetime(2026, 2, 1, tzinfo=UTC),
    )
    inside = datetime(2026, 1, 10, tzinfo=UTC)
    assert zone.applies(inside, 100) and zone.applies(inside, None)
    assert not zone.applies(inside, 130) and not zone.applies(inside, 10)
    assert not zone.applies(datetime(2026, 2, 1, tzinfo=UTC), 100)


def test_distances_and_circles() -> None:
    assert abs(distance_m(34.0, -6.8, 35.0, -6.8) - 111_195) < 50
    ring = circle(34.0, -6.8, 1000)["coordinates"][0]
    assert all(abs(distance_m(34.0, -6.8, lat, lon) - 1000) < 5 for lon, lat in ring)
