"""STIX 2.1 export (validated by stix2-validator) and import (report of refusals, one transaction)."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import Net
from cyber.helpers import API, add, open_case, validate
from manara.cyber.models import CyberIndicator
from manara.identity import Role
from manara.tlp import STIX_MARKING_IDS, Tlp

OFFICIAL_TLP2 = {  # OASIS CTI TC, cti-stix-common-objects, extension-definition-specifications/tlp-2.0
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}


def test_marking_ids_are_the_official_tlp2_ones() -> None:
    assert {t.value: i for t, i in STIX_MARKING_IDS.items()} == OFFICIAL_TLP2


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(CyberIndicator)) or 0


def _every_kind(client: TestClient, net: Net) -> list[str]:
    values = [
        ("domain-name", "login-bank.example"),
        ("ipv4-addr", "203.0.113.9"),
        ("ipv6-addr", "2001:db8::7"),
        ("url", "https://login-bank.example/verify"),
        ("file-md5", "44d88612fea8a8f36de82e1278abb02f"),
        ("file-sha1", "3395856ce81f2b7382dee72602f798b642f14140"),
        ("file-sha256", "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"),
        ("email-addr", "billing@login-bank.example"),
        ("cryptocurrency-wallet", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
        ("vulnerability", "CVE-2024-3400"),
    ]
    return [
        add(
            client,
            net,
            "MA",
            k,
            v,
            tlp="green",
            malware="Lumma",
            threat_actor="Scattered Spider",
            first_seen="2026-11-01T10:00:00Z",
        )["id"]
        for k, v in values
    ]


def test_export_of_every_kind_validates(client: TestClient, net: Net) -> None:
    ids = _every_kind(client, net)
    response = client.post(
        f"{API}/stix/export", json={"indicator_ids": ids}, headers=net.user("MA", Role.ANALYST).headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/stix+json")
    bundle = response.json()
    validate(bundle)
    types = {o["type"] for o in bundle["objects"]}
    assert {
        "identity",
        "indicator",
        "observed-data",
        "malware",
        "threat-actor",
        "vulnerability",
        "relationship",
        "marking-definition",
        "domain-name",
        "file",
        "x-cryptocurrency-wallet",
    } <= types
    markings = [o for o in bundle["objects"] if o["type"] == "marking-definition"]
    assert [m["id"] for m in markings] == [OFFICIAL_TLP2["green"]]
    assert markings[0]["name"] == "TLP:GREEN"
    assert all(
        o.get("object_marking_refs") == [OFFICIAL_TLP2["green"]]
        for o in bundle["objects"]
        if o["type"] in ("indicator", "vulnerability")
    )
    patterns = {o["pattern"] for o in bundle["objects"] if o["type"] == "indicator"}
    assert "[file:hashes.'SHA-256' = '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f']" in patterns


def test_strict_markings_never_leave(client: TestClient, net: Net) -> None:
    green = add(client, net, "MA", "domain-name", "green.example", tlp="green")
    strict = add(client, net, "MA", "domain-name", "strict.example", tlp="amber+strict")
    red = add(client, net, "MA", "domain-name", "red.example", tlp="red")
    ma = net.user("MA", Role.ANALYST).headers
    for ident in (strict["id"], red["id"]):
        refused = client.post(f"{API}/stix/export", json={"indicator_ids": [green["id"], ident]}, headers=ma)
        assert refused.status_code == 422
        assert client.post(f"{API}/misp/export", json={"indicator_ids": [ident]}, headers=ma).status_code == 422
    whole = client.get(f"{API}/stix/collection", headers=ma)
    assert whole.status_code == 200 and whole.headers["x-manara-held-back"] == "2"
    text = whole.text
    assert "strict.example" not in text and "red.example" not in text and "green.example" in text
    validate(whole.json())


def test_case_export_has_the_case_indicators_and_cited_kev(client: TestClient, net: Net, session: Session) -> None:
    from pathlib import Path

    from manara.cyber.actions import do_import_kev
    from manara.cyber.kev import parse_kev_csv

    do_import_kev(
        session,
        net.user("MA", Role.BUREAU_OFFICER).actor,
        parse_kev_csv((Path(__file__).parent / "data" / "kev_sample.csv").read_text()),
    )
    case_id = open_case(session, net, "MA", invite=("FR",))
    ind = add(client, net, "MA", "domain-name", "case.example", tlp="amber", visibility="all")
    held = add(client, net, "MA", "domain-name", "held.example", tlp="red")
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    for i in (ind, held):
        assert (
            client.post(
                f"{API}/indicators/{i['id']}/links", json={"target_kind": "case", "target_id": case_id}, headers=ma
            ).status_code
            == 201
        )
    cite = client.post(
        f"{API}/cases/{case_id}/kev", json={"cve_id": "CVE-2025-48384", "note": "initial access"}, headers=ma
    )
    assert cite.status_code == 201
    assert client.post(f"{API}/cases/{case_id}/kev", json={"cve_id": "CVE-2025-48384"}, headers=ma).status_code == 409
    assert client.post(f"{API}/cases/{case_id}/kev", json={"cve_id": "CVE-1999-0001"}, headers=ma).status_code == 404
    response = client.get(f"{API}/cases/{case_id}/stix", headers=ma)
    assert response.status_code == 200 and response.headers["x-manara-held-back"] == "1"
    bundle = response.json()
    validate(bundle)
    assert "held.example" not in response.text and "case.example" in response.text
    assert any(o["type"] == "vulnerability" and o["name"] == "CVE-2025-48384" for o in bundle["objects"])
    # EG is not in the case
    assert (
        client.get(f"{API}/cases/{case_id}/stix", headers=net.user("EG", Role.BUREAU_OFFICER).headers).status_code
        == 404
    )


def _bundle(*objects: dict[str, Any]) -> dict[str, Any]:
    return {"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": list(objects)}


IDENTITY = {
    "type": "identity",
    "spec_version": "2.1",
    "id": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
    "created": "2026-11-01T00:00:00.000Z",
    "modified": "2026-11-01T00:00:00.000Z",
    "name": "Partner CERT",
    "identity_class": "organization",
}


def _indicator(ident: str, pattern: str, **over: Any) -> dict[str, Any]:
    return {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--{ident}",
        "created": "2026-11-01T00:00:00.000Z",
        "modified": "2026-11-01T00:00:00.000Z",
        "name": "C2",
        "pattern": pattern,
        "pattern_type": "stix",
        "valid_from": "2026-11-01T00:00:00Z",
        **over,
    }


def test_import_reports_refusals_and_stores_the_rest(client: TestClient, net: Net, session: Session) -> None:
    bundle = _bundle(
        IDENTITY,
        _indicator(
            "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            "[domain-name:value = 'C2.Example']",
            object_marking_refs=[OFFICIAL_TLP2["red"]],
        ),
        _indicator(
            "1e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            "[ipv4-addr:value = '198.51.100.1'] AND [domain-name:value = 'x.example']",
        ),
        _indicator("2e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "[mac-addr:value = '00:11:22:33:44:55']"),
        {
            "type": "domain-name",
            "spec_version": "2.1",
            "id": "domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5",
            "value": "drop.example",
        },
        {
            "type": "attack-pattern",
            "spec_version": "2.1",
            "id": "attack-pattern--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
            "created": "2026-11-01T00:00:00.000Z",
            "modified": "2026-11-01T00:00:00.000Z",
            "name": "Spearphishing",
        },
        {
            "type": "malware",
            "spec_version": "2.1",
            "id": "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b",
            "created": "2026-11-01T00:00:00.000Z",
            "modified": "2026-11-01T00:00:00.000Z",
            "name": "QakBot",
            "is_family": True,
        },
        {
            "type": "relationship",
            "spec_version": "2.1",
            "id": "relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad",
            "created": "2026-11-01T00:00:00.000Z",
            "modified": "2026-11-01T00:00:00.000Z",
            "relationship_type": "indicates",
            "source_ref": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            "target_ref": "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b",
        },
    )
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    response = client.post(f"{API}/stix/import", json=bundle, params={"tlp": "green"}, headers=ma)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["received"], report["stored"], report["updated"], report["skipped"]) == (8, 2, 0, 3)
    reasons = {r["id"]: r["reason"] for r in report["refused"]}
    assert len(report["refused"]) == 3
    assert sum("one equality on a supported observable" in r for r in reasons.values()) == 2
    assert any("attack-pattern objects are not stored" in r for r in reasons.values())
    rows = {r.value_key: r for r in session.scalars(select(CyberIndicator).where(CyberIndicator.owner_country == "MA"))}
    assert rows["c2.example"].tlp == "red" and rows["c2.example"].malware == "QakBot"
    assert rows["c2.example"].stix_id == "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
    assert rows["drop.example"].tlp == "green"
    again = client.post(f"{API}/stix/import", json=bundle, headers=ma).json()
    assert (again["stored"], again["updated"]) == (0, 2)


def test_bad_bundles_store_nothing(client: TestClient, net: Net, session: Session) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    good = _indicator("8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "[domain-name:value = 'c2.example']")
    before = _count(session)
    cases = [
        {"type": "not-a-bundle"},
        {"type": "bundle", "objects": "nope"},
        _bundle(good, {"type": "totally-unknown", "id": "totally-unknown--1", "spec_version": "2.1"}),
        _bundle(good, {"type": "indicator", "id": "indicator--bad", "spec_version": "2.1"}),
        _bundle(good, {"id": "missing-type"}),
        _bundle(*[good] * 20_001),
    ]
    for body in cases:
        response = client.post(f"{API}/stix/import", json=body, headers=ma)
        assert response.status_code == 422, (str(body)[:100], response.text[:300])
        assert response.json()["error"]["message"]
    raw = client.post(
        f"{API}/stix/import",
        content=b'{"type": "bundle", "objects": [',
        headers={**ma, "content-type": "application/json"},
    )
    assert raw.status_code == 422
    huge = json.dumps(_bundle(good, {**IDENTITY, "description": "x" * 11_000_000})).encode()
    too_big = client.post(f"{API}/stix/import", content=huge, headers={**ma, "content-type": "application/json"})
    assert too_big.status_code == 413
    unknown = client.post(f"{API}/stix/import", json=cases[2], headers=ma).json()
    assert "totally-unknown" in json.dumps(unknown)
    assert _count(session) == before
    # a reader may not import
    assert (
        client.post(
            f"{API}/stix/import", json=_bundle(good), headers=net.user("MA", Role.DUTY_OFFICER).headers
        ).status_code
        == 403
    )


def test_round_trip_between_members(client: TestClient, net: Net, session: Session) -> None:
    ids = _every_kind(client, net)
    bundle = client.post(
        f"{API}/stix/export", json={"indicator_ids": ids}, headers=net.user("MA", Role.ANALYST).headers
    ).json()
    report = client.post(f"{API}/stix/import", json=bundle, headers=net.user("FR", Role.ANALYST).headers).json()
    assert report["stored"] == 10 and report["refused"] == []
    fr = {
        (r.kind, r.value_key, r.tlp)
        for r in session.scalars(select(CyberIndicator).where(CyberIndicator.owner_country == "FR"))
    }
    ma = {
        (r.kind, r.value_key, r.tlp)
        for r in session.scalars(select(CyberIndicator).where(CyberIndicator.owner_country == "MA"))
    }
    assert fr == ma
    assert Tlp.GREEN.value in {t for _, _, t in fr}


def test_an_empty_collection_exports_a_valid_empty_bundle(client: TestClient, net: Net) -> None:
    got = client.get(f"{API}/stix/collection", headers=net.user("EG", Role.ANALYST).headers)
    assert got.status_code == 200, got.text
    assert got.json()["type"] == "bundle" and "objects" not in got.json()
    validate(got.json())
