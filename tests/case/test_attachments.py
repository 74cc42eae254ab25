"""Attachments: stored through the store, type checked by content, size-limited, names sanitised, downloads
audited and 404 for anyone who may not see the case."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from case.helpers import API, open_case
from conftest import Net
from manara.audit.models import AuditEvent
from manara.case.storage import safe_filename
from manara.errors import UnsupportedMedia
from manara.identity import Role
from manara.settings import get_settings

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _message(client: TestClient, net: Net) -> tuple[str, str]:
    ma = net.user("MA", Role.BUREAU_OFFICER)
    case = open_case(client, ma, invite=["FR"])
    msg = client.post(f"{API}/{case['id']}/messages", json={"body": "Scan attached."}, headers=ma.headers).json()
    return case["id"], msg["id"]


def test_upload_download_audited(client: TestClient, session: Session, net: Net, data_dir: Path) -> None:
    ma, fr, eg = (net.user(c, Role.BUREAU_OFFICER) for c in ("MA", "FR", "EG"))
    cid, mid = _message(client, net)
    up = client.post(
        f"{API}/{cid}/messages/{mid}/attachments",
        headers=ma.headers,
        files={"file": ("../../etc/Rapport d’enquête\u202e.pdf", PDF, "application/octet-stream")},
    )
    assert up.status_code == 201, up.text
    att = up.json()
    assert att["filename"] == "Rapport d_enquête.pdf" and att["content_type"] == "application/pdf"
    assert list(data_dir.glob("cases/*/*")) == [data_dir / "cases" / att["id"][:2] / att["id"]]
    down = client.get(f"{API}/{cid}/attachments/{att['id']}", headers=fr.headers)
    assert down.status_code == 200 and down.content == PDF
    assert down.headers["content-disposition"].startswith("attachment;")
    assert down.headers["x-content-type-options"] == "nosniff"
    last = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert last is not None and last.action == "case.attachment_downloaded" and last.country == "FR"
    assert client.get(f"{API}/{cid}/attachments/{att['id']}", headers=eg.headers).status_code == 404
    thread = client.get(f"{API}/{cid}/messages", headers=fr.headers).json()
    assert thread[0]["attachments"][0]["id"] == att["id"]


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("evil.exe", b"MZ\x90\x00", 415),
        ("photo.png", PDF, 415),  # the bytes are not a PNG
        ("notes.txt", b"\xff\xfe\x00bad", 415),
        ("noext", b"hello", 415),
        ("empty.txt", b"", 422),
        ("\u202e\u200b.pdf", PDF, 415),  # nothing left of the name but the extension
    ],
)
def test_refused_files(client: TestClient, net: Net, data_dir: Path, name: str, data: bytes, status: int) -> None:
    cid, mid = _message(client, net)
    got = client.post(
        f"{API}/{cid}/messages/{mid}/attachments",
        files={"file": (name, data, "text/plain")},
        headers=net.user("MA", Role.BUREAU_OFFICER).headers,
    )
    assert got.status_code == status, got.text
    assert not list(data_dir.glob("cases/*/*"))


def test_size_limit_and_other_users_messages(
    client: TestClient, net: Net, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MANARA_CASE_ATTACHMENT_MAX_BYTES", "1000")
    get_settings.cache_clear()
    cid, mid = _message(client, net)
    ma = net.user("MA", Role.BUREAU_OFFICER)
    big = client.post(
        f"{API}/{cid}/messages/{mid}/attachments", files={"file": ("a.txt", b"a" * 1001)}, headers=ma.headers
    )
    assert big.status_code == 413 and big.json()["error"]["code"] == "payload_too_large"
    fr = net.user("FR", Role.BUREAU_OFFICER)  # a member, but not the message's author
    other = client.post(f"{API}/{cid}/messages/{mid}/attachments", files={"file": ("a.txt", b"hi")}, headers=fr.headers)
    assert other.status_code == 404
    assert (
        client.post(
            f"{API}/{cid}/messages/{mid}/attachments", files={"file": ("a.txt", b"hi")}, headers=ma.headers
        ).status_code
        == 201
    )


def test_safe_filename() -> None:
    assert safe_filename("C:\\Users\\x\\scan.JPG") == "scan.jpg"
    assert safe_filename("تقرير.pdf") == "تقرير.pdf"
    assert len(safe_filename("a" * 500 + ".pdf")) == 120
    with pytest.raises(UnsupportedMedia):
        safe_filename("report.pdf.exe")
