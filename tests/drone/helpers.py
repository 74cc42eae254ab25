"""Builders of Remote ID traffic and drone records for the tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from manara.drone.geo import circle
from manara.drone.odid import BasicId, Location, MessagePack, OperatorId, System

T0 = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)
RABAT_PRISON = (34.0050, -6.8500)  # a made-up site near Rabat


def pack(
    serial: str,
    lat: float,
    lon: float,
    *,
    operator: str = "MAR-OP-77AA",
    op_lat: float | None = None,
    op_lon: float | None = None,
    speed: float = 8.0,
    alt: float = 60.0,
) -> str:
    """A message pack as a drone broadcasts it: Basic ID, Location, System and Operator ID."""
    messages = (
        BasicId.build(serial),
        Location.build(latitude=lat, longitude=lon, geodetic_altitude=alt, speed=speed, direction=90),
        System.build(
            operator_latitude=lat if op_lat is None else op_lat, operator_longitude=lon if op_lon is None else op_lon
        ),
        OperatorId.build(operator),
    )
    return MessagePack(2, messages).encode().hex()


def flight(
    serial: str,
    start: tuple[float, float],
    end: tuple[float, float],
    steps: int = 10,
    t0: datetime = T0,
    source: str = "aa:bb:cc:00:00:01",
    interval: float = 20.0,
    **kw: Any,
) -> list[dict[str, Any]]:
    """A straight flight as a receiver's batch items, one pack every ``interval`` seconds."""
    items = []
    for i in range(steps):
        f = i / max(steps - 1, 1)
        lat = start[0] + (end[0] - start[0]) * f
        lon = start[1] + (end[1] - start[1]) * f
        items.append(
            {
                "received_at": (t0 + timedelta(seconds=i * interval)).isoformat(),
                "payload": pack(serial, lat, lon, **kw),
                "transport": "bt_long_range",
                "source": source,
                "rssi": -70,
            }
        )
    return items


def receiver(client: TestClient, headers: dict[str, str], name: str, lat: float, lon: float) -> str:
    got = client.post(
        "/api/v1/drones/receivers", json={"name": name, "latitude": lat, "longitude": lon}, headers=headers
    )
    assert got.status_code == 201, got.text
    rid: str = got.json()["id"]
    return rid


def zone(
    client: TestClient, headers: dict[str, str], name: str, center: tuple[float, float], radius: float = 800, **kw: Any
) -> dict[str, Any]:
    body = {"name": name, "kind": "prison", "country": "MA", "geometry": circle(center[0], center[1], radius)} | kw
    got = client.post("/api/v1/drones/geofences", json=body, headers=headers)
    assert got.status_code == 201, got.text
    out: dict[str, Any] = got.json()
    return out
