"""1:N search: visibility before ranking, nothing of the probe kept, examiners' decisions raise hits."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from biometric.helpers import (
    ColourEngine,
    colour_engine,
    enrol,
    files_under,
    private_storage,
    search,
    subject,
    table_counts,
)
from conftest import Net
from manara.audit.models import AuditEvent
from manara.biometric.service import candidate_threshold
from manara.hit.models import Hit
from manara.identity import Role
from manara.settings import get_settings

__all__ = ["colour_engine"]
RED, NEAR_RED, GREEN = (200, 10, 10), (190, 20, 10), (10, 200, 10)


def _gallery(client: TestClient, net: Net) -> dict[str, str]:
    """FR shares a red face with everyone, EG keeps a nearer red face to itself, MA a green one."""
    ids = {}
    for owner, name, colour, visibility in (
        ("FR", "Jean", RED, "all"),
        ("EG", "Omar", NEAR_RED, "owner"),
        ("MA", "Said", GREEN, "all"),
    ):
        entity = subject(client, net, owner, name, visibility=visibility)
        ids[owner] = enrol(client, net, owner, entity["id"], colour).json()["id"]
    return ids


def test_search_ranks_visible_templates_only(client: TestClient, net: Net, colour_engine: ColourEngine) -> None:
    ids = _gallery(client, net)
    response = search(client, net, "MA", NEAR_RED)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [c["template_id"] for c in body["candidates"]] == [ids["FR"], ids["MA"]]  # EG's is hidden
    assert body["gallery_size"] == 2 and body["candidates"][0]["rank"] == 1
    assert body["candidates"][0]["score"] > body["candidates"][1]["score"]
    assert body["candidates"][0]["above_threshold"] and not body["candidates"][1]["above_threshold"]
    eg = search(client, net, "EG", NEAR_RED, limit=1).json()
    assert [c["template_id"] for c in eg["candidates"]] == [ids["EG"]] and eg["candidates"][0]["score"] == 1.0


def test_deleted_and_narrowed_templates_leave_the_index(
    client: TestClient, net: Net, colour_engine: ColourEngine
) -> None:
    ids = _gallery(client, net)
    assert len(search(client, net, "EG", RED).json()["candidates"]) == 3
    owner = net.user("FR", Role.BUREAU_OFFICER).headers
    assert client.delete(f"/api/v1/biometrics/enrolments/{ids['FR']}", headers=owner).status_code == 204
    assert ids["FR"] not in [c["template_id"] for c in search(client, net, "EG", RED).json()["candidates"]]


def test_probe_is_never_stored(
    client: TestClient,
    net: Net,
    session: Session,
    colour_engine: ColourEngine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    private_storage(tmp_path, monkeypatch)
    _gallery(client, net)
    search(client, net, "MA", GREEN)  # build the index first
    rows, files = table_counts(session), files_under(tmp_path)
    probe = (123, 45, 67)
    with caplog.at_level(logging.DEBUG):
        response = search(client, net, "MA", probe)
    assert response.status_code == 200
    after = table_counts(session)
    assert {k: after[k] - rows[k] for k in rows if after[k] != rows[k]} == {"audit_event": 1}
    assert files_under(tmp_path) <= files
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
    assert event.action == "biometric.searched" and event.query is None
    assert event.extra is not None and event.extra["modality"] == "face"
    assert set(event.extra) == {"modality", "scores", "threshold"}  # what was returned, never the probe
    probe_values = [f"{v / 255:.4f}"[:5] for v in probe]
    assert not any(v in caplog.text for v in probe_values), "probe template leaked into the logs"
    get_settings.cache_clear()


def test_potential_candidate_raises_a_hit_to_the_owner(
    client: TestClient, net: Net, session: Session, colour_engine: ColourEngine
) -> None:
    ids = _gallery(client, net)
    examiner = net.user("MA", Role.FRONTLINE_OFFICER).headers
    searched = search(client, net, "MA", NEAR_RED).json()
    score = next(c["score"] for c in searched["candidates"] if c["template_id"] == ids["FR"])
    body = {"template_id": ids["FR"], "search_id": searched["search_id"], "decision": "potential_candidate"}
    response = client.post("/api/v1/biometrics/candidates/verify", json=body, headers=examiner)
    assert response.status_code == 201, response.text
    assert response.json()["score"] == score
    hit = session.get(Hit, response.json()["hit_id"])
    assert hit is not None and hit.owner_country == "FR" and hit.querying_country == "MA"
    assert hit.score == score and hit.threshold == searched["threshold"]
    assert hit.target_type == "biometric" and hit.target_id == ids["FR"] and hit.query["modality"] == "face"
    owner_inbox = client.get("/api/v1/hits?side=owner", headers=net.user("FR", Role.BUREAU_OFFICER).headers)
    assert hit.id in [h["id"] for h in owner_inbox.json()["items"]]
    again = search(client, net, "MA", NEAR_RED).json()
    no = client.post(
        "/api/v1/biometrics/candidates/verify",
        headers=examiner,
        json={"template_id": ids["FR"], "search_id": again["search_id"], "decision": "no_candidate"},
    )
    assert no.status_code == 201 and no.json()["hit_id"] is None


def test_verify_hidden_template_is_404(client: TestClient, net: Net, colour_engine: ColourEngine) -> None:
    ids = _gallery(client, net)
    examiner = net.user("MA", Role.FRONTLINE_OFFICER).headers
    searched = search(client, net, "MA", NEAR_RED).json()
    response = client.post(
        "/api/v1/biometrics/candidates/verify",
        headers=examiner,
        json={"template_id": ids["EG"], "search_id": searched["search_id"], "decision": "potential_candidate"},
    )
    assert response.status_code == 404


def test_search_needs_the_screen_permission(client: TestClient, net: Net, colour_engine: ColourEngine) -> None:
    response = client.post(
        "/api/v1/biometrics/search",
        files={"image": ("p.png", b"x", "image/png")},
        headers=net.user("MA", Role.REVIEWER).headers,
    )
    assert response.status_code == 403


def test_threshold_rises_with_gallery_size() -> None:
    sizes = [1, 10, 1_000, 100_000, 10_000_000]
    thresholds = [candidate_threshold(n) for n in sizes]
    assert thresholds == sorted(thresholds) and thresholds[0] == 0.5
    assert thresholds[-1] == thresholds[-2] == pytest.approx(0.5 + 1 / 6, abs=1e-4)
