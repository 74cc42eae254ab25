"""Screening with a face: name and face evidence fused into one explained score; the probe is never kept.

Faces are one-colour images read by the fake ColourEngine (tests/biometric/helpers.py).
"""

from __future__ import annotations

import base64
import logging
import math
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from biometric.helpers import (
    ColourEngine,
    colour_engine,
    enrol,
    files_under,
    image_bytes,
    private_storage,
    table_counts,
)
from conftest import Net, person
from manara.audit.models import AuditEvent
from manara.hit.models import Hit
from manara.identity import Role
from manara.screening.fusion import FACE_EVEN, FACE_LLR_MAX, FACE_LLR_MIN, NAME_FLOOR, face_llr, fuse_score
from manara.settings import get_settings
from screening.helpers import RED_DETAILS

__all__ = ["colour_engine"]
RED, GREEN, GREY = (200, 10, 10), (10, 200, 10), (90, 90, 200)
NAME = "Abderrahmane Ben Salah"


def published(client: TestClient, net: Net, colour: tuple[int, int, int]) -> dict[str, Any]:
    """MA publishes a red notice on a person seen by all, with a face of ``colour``; return the notice."""
    bo = net.user("MA", Role.BUREAU_OFFICER)
    subject = person("subj-1", NAME, birthDate="1985-04-12", nationality="ma")
    entity = client.post("/api/v1/entities", json={**subject, "visibility": "all"}, headers=bo.headers).json()
    body = {"type": "red", "title": "Wanted", "subject_id": entity["id"], "details": RED_DETAILS, "visibility": "all"}
    notice = client.post("/api/v1/notices", json=body, headers=bo.headers).json()
    assert client.post(f"/api/v1/notices/{notice['id']}/submit", headers=bo.headers).status_code == 200
    review = client.post(
        f"/api/v1/notices/{notice['id']}/review",
        json={"decision": "approve"},
        headers=net.user("EG", Role.REVIEWER).headers,
    )
    assert review.status_code == 200, review.text
    assert enrol(client, net, "MA", entity["id"], colour).status_code == 201
    return dict(review.json())


def screen(client: TestClient, net: Net, names: list[str], face: tuple[int, int, int] | None = None) -> Any:
    body: dict[str, Any] = {"names": names}
    if face is not None:
        body["face_image"] = base64.b64encode(image_bytes(face)).decode()
    return client.post("/api/v1/screen", json=body, headers=net.user("FR", Role.FRONTLINE_OFFICER).headers)


def test_fusion_rule() -> None:
    assert face_llr(1.0) == FACE_LLR_MAX and face_llr(0.0) == FACE_LLR_MIN and face_llr(FACE_EVEN) == 0.0
    assert fuse_score(0.9, FACE_EVEN) == pytest.approx(0.9)
    assert fuse_score(0.0, FACE_EVEN) == pytest.approx(NAME_FLOOR)  # names lie: floored before fusion
    assert fuse_score(0.99, 0.0) == pytest.approx(1 / (1 + math.exp(-(math.log(99) + FACE_LLR_MIN))))
    assert fuse_score(0.3, 0.9) > fuse_score(0.3, FACE_EVEN + 0.02) > 0.3 > fuse_score(0.3, FACE_EVEN - 0.02)


def test_a_face_finds_a_wanted_person_under_another_name(
    client: TestClient, net: Net, session: Session, colour_engine: ColourEngine
) -> None:
    notice = published(client, net, RED)
    assert screen(client, net, ["John Smith"]).json()["results"] == []
    response = screen(client, net, ["John Smith"], face=RED)
    assert response.status_code == 200, response.text
    top = response.json()["results"][0]
    assert top["notice_id"] == notice["id"] and top["match"] and top["hit_id"]
    assert top["features"]["face"] == 1.0 and top["features"]["face_llr"] == FACE_LLR_MAX
    assert "face 1.00" in top["explanation"]
    hit = session.get(Hit, top["hit_id"])
    assert hit is not None and "face_image" not in hit.query and hit.features["face"] == 1.0


def test_a_different_face_lowers_a_name_match_and_is_explained(
    client: TestClient, net: Net, colour_engine: ColourEngine
) -> None:
    published(client, net, RED)
    by_name = screen(client, net, [NAME]).json()["results"][0]
    with_face = screen(client, net, [NAME], face=GREEN).json()["results"][0]
    assert "face" not in by_name["features"] and with_face["features"]["face_llr"] == FACE_LLR_MIN
    assert with_face["score"] < by_name["score"] and "face 0.00" in with_face["explanation"]


def test_a_face_the_screener_may_not_see_adds_nothing(
    client: TestClient, net: Net, colour_engine: ColourEngine
) -> None:
    published(client, net, RED)
    owner = net.user("MA", Role.BUREAU_OFFICER).headers
    hidden = client.post(
        "/api/v1/entities", headers=owner, json={**person("subj-2", "Karim Alaoui"), "visibility": "owner"}
    ).json()
    assert enrol(client, net, "MA", hidden["id"], GREY).status_code == 201
    results = screen(client, net, ["John Smith"], face=GREY).json()["results"]
    assert all(r["features"].get("face", 0.0) < 0.5 for r in results)  # only MA's visible red face is scored


@pytest.mark.parametrize(("image", "status"), [("not base64!", 422), (base64.b64encode(b"GIF89a junk").decode(), 422)])
def test_bad_face_images_are_refused(
    client: TestClient, net: Net, colour_engine: ColourEngine, image: str, status: int
) -> None:
    response = client.post(
        "/api/v1/screen",
        json={"names": [NAME], "face_image": image},
        headers=net.user("FR", Role.FRONTLINE_OFFICER).headers,
    )
    assert response.status_code == status, response.text


def test_the_screening_probe_face_is_never_stored(
    client: TestClient,
    net: Net,
    session: Session,
    colour_engine: ColourEngine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    private_storage(tmp_path, monkeypatch)
    published(client, net, RED)
    screen(client, net, ["John Smith"], face=GREEN)  # builds the indexes
    rows, files = table_counts(session), files_under(tmp_path)
    probe = (20, 60, 220)  # far from the enrolled red face: no candidate, so no hit row either
    encoded = base64.b64encode(image_bytes(probe)).decode()
    with caplog.at_level(logging.DEBUG):
        response = screen(client, net, ["Zz Qq"], face=probe)
    assert response.status_code == 200
    after = table_counts(session)
    assert {k: after[k] - rows[k] for k in rows if after[k] != rows[k]} == {"audit_event": 2}
    assert files_under(tmp_path) <= files
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(2)).all()
    assert {e.action for e in events} == {"biometric.searched", "screening.searched"}
    for event in events:
        assert encoded[:40] not in str(event.query) + str(event.extra) and "face_image" not in (event.query or {})
    assert encoded[:40] not in caplog.text and not any(f"{v / 255:.4f}"[:5] in caplog.text for v in probe)
    get_settings.cache_clear()
