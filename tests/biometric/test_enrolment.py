"""Enrolment: templates stored with the subject's visibility; bad input refused with nothing stored."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biometric.helpers import ColourEngine, colour_engine, enrol, image_bytes, subject
from conftest import Net
from manara.biometric.engines import vector_from_bytes
from manara.biometric.models import BiometricTemplate
from manara.identity import Role
from manara.settings import get_settings

__all__ = ["colour_engine"]


def _templates(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(BiometricTemplate)) or 0


@pytest.fixture
def originals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Allow keeping originals, under a temporary data directory."""
    monkeypatch.setenv("MANARA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MANARA_BIOMETRIC_STORE_ORIGINALS", "true")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_enrol_stores_template_with_subject_visibility(
    client: TestClient, net: Net, session: Session, colour_engine: ColourEngine
) -> None:
    entity = subject(client, net, "FR", "Jean Dupont", visibility="countries", shared=["MA"])
    response = enrol(client, net, "FR", entity["id"], (200, 10, 10))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["engine"] == "test-colour" and body["visibility"] == "countries" and not body["original_kept"]
    row = session.get(BiometricTemplate, body["id"])
    assert row is not None and row.shared_with == ["MA"] and row.owner_country == "FR"
    assert vector_from_bytes(row.vector) == pytest.approx([200 / 255, 10 / 255, 10 / 255], abs=1e-4)


def test_enrol_refuses_others_subjects_and_roles_without_write(
    client: TestClient, net: Net, session: Session, colour_engine: ColourEngine
) -> None:
    entity = subject(client, net, "FR", "Jean Dupont")
    assert enrol(client, net, "MA", entity["id"], (200, 10, 10)).status_code == 404
    frontline = client.post(
        "/api/v1/biometrics/enrolments",
        data={"subject_pk": entity["id"]},
        files={"image": ("f.png", image_bytes((9, 9, 9)), "image/png")},
        headers=net.user("FR", Role.FRONTLINE_OFFICER).headers,
    )
    assert frontline.status_code == 403
    assert _templates(session) == 0


def _bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, format="PNG")  # 400 Mpx, a few kB compressed
    return out.getvalue()


BAD = {
    "not_an_image": b"%PDF-1.4 not an image at all",
    "truncated": image_bytes((200, 10, 10), size=(200, 200), fmt="JPEG")[:300],
    "corrupt": image_bytes((200, 10, 10))[:40] + b"\x00" * 200 + image_bytes((200, 10, 10))[240:],
    "bomb": _bomb(),
    "empty": b"",
    "no_face": image_bytes((0, 0, 0)),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_images_are_refused_with_a_reason_and_nothing_stored(
    case: str, client: TestClient, net: Net, session: Session, colour_engine: ColourEngine
) -> None:
    entity = subject(client, net, "FR", "Jean Dupont")
    response = client.post(
        "/api/v1/biometrics/enrolments",
        data={"subject_pk": entity["id"]},
        files={"image": ("x.png", BAD[case], "image/png")},
        headers=net.user("FR", Role.BUREAU_OFFICER).headers,
    )
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error" and error["details"]["reasons"]
    assert _templates(session) == 0


def test_oversized_upload_is_413(
    client: TestClient, net: Net, session: Session, colour_engine: ColourEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MANARA_BIOMETRIC_MAX_IMAGE_BYTES", "100")
    get_settings.cache_clear()
    try:
        entity = subject(client, net, "FR", "Jean Dupont")
        assert enrol(client, net, "FR", entity["id"], (200, 10, 10)).status_code == 413
    finally:
        get_settings.cache_clear()
    assert _templates(session) == 0


def test_original_kept_only_when_allowed_and_asked(
    client: TestClient, net: Net, session: Session, colour_engine: ColourEngine, originals: Path
) -> None:
    entity = subject(client, net, "FR", "Jean Dupont")
    plain = enrol(client, net, "FR", entity["id"], (200, 10, 10)).json()
    kept = enrol(client, net, "FR", entity["id"], (10, 200, 10), keep_original="true").json()
    assert not plain["original_kept"] and kept["original_kept"]
    files = [p for p in (originals / "biometrics").rglob("*") if p.is_file()]
    assert [p.name for p in files] == [kept["id"]] and files[0].stat().st_mode & 0o077 == 0
    owner = net.user("FR", Role.BUREAU_OFFICER).headers
    assert client.delete(f"/api/v1/biometrics/enrolments/{kept['id']}", headers=owner).status_code == 204
    assert not files[0].exists()


def test_original_refused_when_the_server_keeps_none(
    client: TestClient, net: Net, session: Session, colour_engine: ColourEngine
) -> None:
    entity = subject(client, net, "FR", "Jean Dupont")
    response = enrol(client, net, "FR", entity["id"], (200, 10, 10), keep_original="true")
    assert response.status_code == 409
    assert _templates(session) == 0


def test_enrol_by_notice_and_delete_only_by_owner(
    client: TestClient, net: Net, session: Session, colour_engine: ColourEngine
) -> None:
    from screening.helpers import publish_red

    notice = publish_red(client, net, owner="FR", name="Jean Dupont")
    response = client.post(
        "/api/v1/biometrics/enrolments",
        data={"notice_id": notice["id"]},
        files={"image": ("f.png", image_bytes((1, 200, 200)), "image/png")},
        headers=net.user("FR", Role.BUREAU_OFFICER).headers,
    )
    assert response.status_code == 201, response.text
    template = response.json()
    assert template["notice_id"] == notice["id"] and template["subject_pk"] == notice["subject_id"]
    url = f"/api/v1/biometrics/enrolments/{template['id']}"
    assert client.delete(url, headers=net.user("MA", Role.BUREAU_OFFICER).headers).status_code == 404
    assert client.delete(url, headers=net.user("FR", Role.BUREAU_OFFICER).headers).status_code == 204
    assert _templates(session) == 0


def test_deleting_the_subject_removes_templates_and_kept_originals(
    client: TestClient, net: Net, session: Session, colour_engine: ColourEngine, originals: Path
) -> None:
    entity = subject(client, net, "FR", "Jean Dupont")
    kept = enrol(client, net, "FR", entity["id"], (10, 200, 10), keep_original="true").json()
    files = [p for p in (originals / "biometrics").rglob("*") if p.is_file()]
    assert [p.name for p in files] == [kept["id"]]
    owner = net.user("FR", Role.BUREAU_OFFICER).headers
    assert client.delete(f"/api/v1/entities/{entity['id']}", headers=owner).status_code == 204
    session.expire_all()
    assert _templates(session) == 0 and not files[0].exists()
