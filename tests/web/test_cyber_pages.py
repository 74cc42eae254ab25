"""Cyber console pages in four languages: search with TLP badges, an indicator with the members that hold the
same value, import with the refusal report, the TAXII collections; access by role and visibility."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net
from manara.cyber import actions
from manara.cyber.models import CyberIndicator
from manara.cyber.schemas import IndicatorIn
from manara.identity import Role
from web.conftest import Console, csrf_of


def _record(session: Session, net: Net) -> tuple[str, str, str]:
    ma = actions.do_add_indicator(
        session,
        net.user("MA", Role.ANALYST).actor,
        IndicatorIn(kind="domain-name", value="secure-paypa1.example", tlp="green", visibility="all", malware="Lumma"),  # type: ignore[arg-type]
    )
    fr = actions.do_add_indicator(
        session,
        net.user("FR", Role.ANALYST).actor,
        IndicatorIn(kind="domain-name", value="secure-paypa1.example", tlp="amber", visibility="all"),  # type: ignore[arg-type]
    )
    eg = actions.do_add_indicator(
        session,
        net.user("EG", Role.ANALYST).actor,
        IndicatorIn(kind="domain-name", value="eg-only.example", tlp="red"),  # type: ignore[arg-type]
    )
    session.commit()
    return ma.id, fr.id, eg.id


@pytest.mark.parametrize(
    ("lang", "heading", "seen"),
    [
        ("en", "Cyber indicators", "Seen by other members"),
        ("fr", "Indicateurs cyber", "Vu par d’autres membres"),
        ("ar", "مؤشرات سيبرانية", "رصده أعضاء آخرون"),
        ("es", "Indicadores cibernéticos", "Visto por otros miembros"),
    ],
)
def test_pages_in_four_languages(
    client: TestClient, session: Session, net: Net, lang: str, heading: str, seen: str
) -> None:
    ma, fr, _ = _record(session, net)
    Console(client, session, net).sign_in("MA", Role.ANALYST)
    index = client.get(f"/console/cyber?lang={lang}")
    assert index.status_code == 200 and heading in index.text and "<h1" in index.text
    assert "TLP:GREEN" in index.text and "TLP:AMBER" in index.text
    detail = client.get(f"/console/cyber/indicators/{ma}?lang={lang}")
    assert detail.status_code == 200 and seen in detail.text and f"/console/cyber/indicators/{fr}" in detail.text
    assert "[domain-name:value = &#39;secure-paypa1.example&#39;]" in detail.text
    for path in ("/console/cyber/import", "/console/cyber/collections"):
        assert client.get(f"{path}?lang={lang}").status_code == 200


def test_visibility_and_roles(client: TestClient, session: Session, net: Net) -> None:
    _, _, eg = _record(session, net)
    console = Console(client, session, net)
    console.sign_in("MA", Role.DUTY_OFFICER)
    index = client.get("/console/cyber")
    assert "eg-only.example" not in index.text and "Record an indicator" not in index.text
    assert client.get(f"/console/cyber/indicators/{eg}").status_code == 404
    collections = client.get("/console/cyber/collections").text
    assert "MA TLP:RED" in collections and "EG TLP:RED" not in collections
    Console(client, session, net).sign_in("MA", Role.REVIEWER)
    assert client.get("/console/cyber").status_code == 403
    assert "/console/cyber" not in client.get("/console/").text


def test_record_and_import_forms(client: TestClient, session: Session, net: Net) -> None:
    console = Console(client, session, net)
    console.sign_in("MA", Role.BUREAU_OFFICER)
    bad = console.post(
        "/console/cyber/indicators", {"kind": "ipv4-addr", "value": "300.1.1.1"}, token_from="/console/cyber"
    )
    assert bad.status_code == 422 and "Nothing was saved" in bad.text and "is-invalid" in bad.text
    made = console.post(
        "/console/cyber/indicators",
        {"kind": "url", "value": "HTTPS://Evil.example/x", "tlp": "green"},
        token_from="/console/cyber",
    )
    assert made.status_code == 303
    again = console.post(
        "/console/cyber/indicators", {"kind": "url", "value": "https://evil.example/x"}, token_from="/console/cyber"
    )
    assert again.status_code == 409
    token = csrf_of(client.get("/console/cyber/import").text)
    bundle = {
        "type": "bundle",
        "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
        "objects": [
            {
                "type": "domain-name",
                "spec_version": "2.1",
                "id": "domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5",
                "value": "drop.example",
            },
            {
                "type": "domain-name",
                "spec_version": "2.1",
                "id": "domain-name--4c10e93f-798e-5a26-a0c1-08156efab7f5",
                "value": "localhost",
            },
        ],
    }
    imported = client.post(
        "/console/cyber/import",
        data={"fmt": "stix", "tlp": "green", "csrf_token": token},
        files={"file": ("b.json", json.dumps(bundle).encode(), "application/json")},
    )
    assert imported.status_code == 200 and "1 new" in imported.text and "1 refused" in imported.text
    assert (
        "domain-name--4c10e93f-798e-5a26-a0c1-08156efab7f5" in imported.text and "two or more labels" in imported.text
    )
    broken = client.post(
        "/console/cyber/import",
        data={"fmt": "stix", "csrf_token": token},
        files={
            "file": ("b.json", b'{"type": "bundle", "objects": [{"type": "nonsense", "id": "x"}]}', "application/json")
        },
    )
    assert broken.status_code == 422 and "Nothing was saved" in broken.text
    assert session.scalar(select(CyberIndicator.tlp).where(CyberIndicator.value_key == "drop.example")) == "green"
    assert client.post("/console/cyber/indicators", data={"kind": "url", "value": "https://x.example"}).status_code in (
        400,
        403,
    )
