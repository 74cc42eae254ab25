"""Submitting entities: idempotent upsert by (owner, FtM id), strict validation, export of visible entities."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import Net, person
from factories import counts, make_entity, make_notice
from manara.entity.models import Entity
from manara.identity import Role

API = "/api/v1/entities"


def _entities(session: Session) -> int:
    return session.scalar(select(func.count(Entity.id))) or 0


def test_upsert_is_idempotent_per_owner(client: TestClient, session: Session, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    first = client.post(API, json=person("k1", "Karim Benali"), headers=ma)
    events = counts(session)
    again = client.post(API, json=person("k1", "Karim Benali"), headers=ma)
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert counts(session) == events  # nothing changed, nothing to audit or announce
    changed = client.post(API, json=person("k1", "Karim Ben Ali"), headers=ma).json()
    assert changed["id"] == first.json()["id"] and changed["caption"] == "Karim Ben Ali"
    assert counts(session) == (events[0] + 1, events[1] + 1)
    other = client.post(API, json=person("k1", "Karim Benali"), headers=net.user("FR", Role.ANALYST).headers).json()
    assert other["id"] != first.json()["id"] and other["owner_country"] == "FR"
    assert _entities(session) == 2


def test_visibility_change_is_an_update(client: TestClient, session: Session, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    pk = client.post(API, json=person("k2", "Sara Idrissi"), headers=ma).json()["id"]
    fr = net.user("FR", Role.ANALYST).headers
    assert client.get(f"{API}/{pk}", headers=fr).status_code == 404
    shared = client.post(
        API, json={**person("k2", "Sara Idrissi"), "visibility": "countries", "shared_with": ["fr", "MA"]}, headers=ma
    ).json()
    assert shared["shared_with"] == ["FR"] and client.get(f"{API}/{pk}", headers=fr).status_code == 200
    client.post(API, json={**person("k2", "Sara Idrissi"), "visibility": "owner"}, headers=ma)
    assert client.get(f"{API}/{pk}", headers=fr).status_code == 404


INVALID: dict[str, tuple[dict[str, Any], str]] = {
    "unknown schema": ({"id": "e", "schema": "Spaceship", "properties": {"name": ["X"]}}, "schema"),
    "abstract schema": ({"id": "e", "schema": "Thing", "properties": {"name": ["X"]}}, "schema"),
    "unknown property": (person("e", "Ali Hassan", wingspan="2m"), "properties.wingspan"),
    "invalid date": (person("e", "Ali Hassan", birthDate="1980-02-30"), "properties.birthDate"),
    "invalid country": (person("e", "Ali Hassan", nationality="xx"), "properties.nationality"),
    "huge name": (person("e", "A" * 1_000_000), "properties.name"),
    "name not a string": (
        {"id": "e", "schema": "Person", "properties": {"name": [{"first": "Ali"}]}},
        "properties.name",
    ),
    "bool value": ({"id": "e", "schema": "Person", "properties": {"name": [True]}}, "properties.name"),
    "properties not an object": ({"id": "e", "schema": "Person", "properties": ["Ali"]}, "properties"),
    "id not a string": ({"id": 7, "schema": "Person", "properties": {"name": ["Ali"]}}, "id"),
    "missing name": ({"id": "e", "schema": "Person", "properties": {"birthDate": ["1980"]}}, "properties.name"),
    "id with bidi override": (person("e\u202e1", "Ali Hassan"), "id"),
    "unknown share": ({**person("e", "Ali Hassan"), "visibility": "countries", "shared_with": ["xx"]}, "shared_with"),
    "share nobody": ({**person("e", "Ali Hassan"), "visibility": "countries"}, "shared_with"),
    "past review": ({**person("e", "Ali Hassan"), "review_date": "2001-01-01"}, "review_date"),
    "extra field": ({**person("e", "Ali Hassan"), "owner_country": "FR"}, "owner_country"),
}


@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_entities_are_refused_and_nothing_written(
    client: TestClient, session: Session, net: Net, case: str
) -> None:
    body, field = INVALID[case]
    before = (_entities(session), counts(session))
    resp = client.post(API, json=body, headers=net.user("MA", Role.BUREAU_OFFICER).headers)
    assert resp.status_code in (413, 422), resp.text
    error = resp.json()["error"]
    assert error["code"] in ("invalid_entity", "validation_error", "payload_too_large") and error["request_id"]
    assert field in {e["field"] for e in error["details"].get("errors", [])} or resp.status_code == 413
    assert len(resp.content) < 5000  # the input is not echoed back
    assert (_entities(session), counts(session)) == before


def test_invisible_characters_are_stripped(client: TestClient, net: Net) -> None:
    name = "\u202eKarim\u200b Be\u2066nali\u2069\u0000"
    resp = client.post(
        API,
        json=person("clean", name, notes="line one\nline\u200e two"),
        headers=net.user("MA", Role.BUREAU_OFFICER).headers,
    )
    assert resp.status_code == 201, resp.text
    assert resp.json()["properties"]["name"] == ["Karim Benali"] and resp.json()["caption"] == "Karim Benali"
    assert resp.json()["properties"]["notes"] == ["line one\nline two"]


def test_arabic_joiners_are_kept(client: TestClient, net: Net) -> None:
    resp = client.post(API, json=person("ar", "مى\u200cرا"), headers=net.user("EG", Role.BUREAU_OFFICER).headers)
    assert resp.json()["properties"]["name"] == ["مى\u200cرا"]


def test_export_streams_exactly_the_visible_entities(client: TestClient, session: Session, net: Net) -> None:
    ma, fr, eg = (net.user(c, Role.BUREAU_OFFICER).actor for c in ("MA", "FR", "EG"))
    make_entity(session, ma, "m-own", "Own Only")
    make_entity(session, ma, "m-fr", "Shared With France", visibility="countries", shared=("FR",))
    make_entity(session, ma, "m-all", "Shared With All", visibility="all")
    make_entity(session, eg, "e-own", "Egypt Only")
    make_entity(session, fr, "f-own", "France Only")
    resp = client.get(f"{API}/export", headers=net.user("FR", Role.ANALYST).headers)
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("application/x-ndjson")
    exported = [orjson.loads(line) for line in resp.content.splitlines()]
    assert sorted(e["id"] for e in exported) == ["f-own", "m-all", "m-fr"]
    assert all(set(e) == {"id", "schema", "properties"} for e in exported)
    only_ma = client.get(f"{API}/export", params={"owner": "MA"}, headers=net.user("FR", Role.ANALYST).headers)
    assert sorted(orjson.loads(x)["id"] for x in only_ma.content.splitlines()) == ["m-all", "m-fr"]


def test_delete_refuses_a_notice_subject(client: TestClient, session: Session, net: Net) -> None:
    officer = net.user("MA", Role.BUREAU_OFFICER)
    notice = make_notice(session, officer.actor)
    resp = client.delete(f"{API}/{notice.subject_id}", headers=officer.headers)
    assert resp.status_code == 409 and session.get(Entity, notice.subject_id) is not None
    free = make_entity(session, officer.actor, "free", "Free Person", visibility="countries", shared=("EG",))
    assert client.delete(f"{API}/{free.id}", headers=officer.headers).status_code == 204
    assert client.get(f"{API}/{free.id}", headers=officer.headers).status_code == 404


@pytest.mark.parametrize(
    ("schema", "props", "field", "reason"),
    [
        ("BankAccount", {"iban": ["XX82 WEST 1234 5698 7654 32"]}, "properties.iban", "no IBAN country 'XX'"),
        ("BankAccount", {"iban": ["GB82 WEST 1234 5698 7654 31"]}, "properties.iban", "checksum"),
        ("BankAccount", {"iban": ["DE89 3704 0044 0532 0130"]}, "properties.iban", "invalid IBAN"),
        (
            "CryptoWallet",
            {"publicKey": ["1BoatSLRHtKNngkdXEeobR76b53LETtpyU"], "currencySymbol": ["BTC"]},
            "properties.publicKey",
            "invalid Bitcoin address",
        ),
        (
            "CryptoWallet",
            {"publicKey": ["bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdx"], "currency": ["bitcoin"]},
            "properties.publicKey",
            "checksum",
        ),
    ],
)
def test_mistyped_ibans_and_bitcoin_addresses_are_refused(
    client: TestClient, session: Session, net: Net, schema: str, props: dict[str, Any], field: str, reason: str
) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER)
    entity = {"id": "acct-1", "schema": schema, "properties": props}
    got = client.post(API, json=entity, headers=ma.headers)
    assert got.status_code == 422, got.text
    errors = got.json()["error"]["details"]["errors"]
    assert any(e["field"] == field and reason in e["message"] for e in errors), errors
    assert _entities(session) == 0


def test_real_ibans_and_bitcoin_addresses_are_kept(client: TestClient, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER)
    account = {"id": "acct-2", "schema": "BankAccount", "properties": {"iban": ["DE89 3704 0044 0532 0130 00"]}}
    wallet = {
        "id": "wallet-2",
        "schema": "CryptoWallet",
        "properties": {"publicKey": ["1BoatSLRHtKNngkdXEeobR76b53LETtpyT"], "currencySymbol": ["BTC"]},
    }
    for entity in (account, wallet):
        got = client.post(API, json=entity, headers=ma.headers)
        assert got.status_code == 201, got.text
