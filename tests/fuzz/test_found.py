"""Regressions of what the fuzzing and crash tests of issue 21 found, at unit speed (they run in make test)."""

from __future__ import annotations

import io
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biometric.helpers import ColourEngine, colour_engine, image_bytes, subject
from conftest import Net
from manara.biometric.models import BiometricTemplate
from manara.identity import Role

__all__ = ["colour_engine"]


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (120, 40, 200)).save(out, format="PNG")
    return out.getvalue()


def test_a_tiny_image_is_refused_as_media_probe_not_a_server_error(client: TestClient, net: Net) -> None:
    """Found by schemathesis: a 1x1 PNG made PDQ hash an empty crop (IndexError, 500)."""
    headers = net.user("MA", Role.BUREAU_OFFICER).headers
    for width, height in ((1, 1), (1, 5), (5, 1), (3, 3)):
        response = client.post(
            "/api/v1/media/match", content=_png(width, height), headers={**headers, "content-type": "image/png"}
        )
        assert response.status_code == 422, (width, height, response.status_code, response.text)


def _enrol(client: TestClient, net: Net, subject_pk: str, colour: tuple[int, int, int], key: str | None) -> Any:
    return client.post(
        "/api/v1/biometrics/enrolments",
        data={"subject_pk": subject_pk},
        files={"image": ("face.png", image_bytes(colour), "image/png")},
        headers={
            **net.user("FR", Role.BUREAU_OFFICER).headers,
            **({"Idempotency-Key": key} if key else {}),
            "Content-Type": "multipart/form-data; boundary=manara-test-boundary",  # a retry sends the same bytes
        },
    )


def test_an_enrolment_retried_with_its_idempotency_key_is_stored_once(
    client: TestClient, net: Net, session: Session, colour_engine: ColourEngine
) -> None:
    """Found by the crash test: a client that lost the answer of an enrolment (server killed after the
    commit) and retried it enrolled the face twice."""
    entity = subject(client, net, "FR", "Jean Dupont")
    count = select(func.count()).select_from(BiometricTemplate)
    first = _enrol(client, net, entity["id"], (200, 10, 10), "enrol-1")
    again = _enrol(client, net, entity["id"], (200, 10, 10), "enrol-1")
    assert first.status_code == 201 and again.status_code == 201, again.text
    assert first.json()["id"] == again.json()["id"]
    assert session.scalar(count) == 1
    other_image = _enrol(client, net, entity["id"], (10, 200, 10), "enrol-1")  # same key, another request
    assert other_image.status_code == 409
    assert _enrol(client, net, entity["id"], (200, 10, 10), None).status_code == 201
    assert _enrol(client, net, entity["id"], (200, 10, 10), "enrol-2").status_code == 201
    assert session.scalar(count) == 3
