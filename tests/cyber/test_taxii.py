"""The TAXII 2.1 server: discovery, collections per member and TLP, paging exactly once, headers, errors, POST."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import Net
from cyber.helpers import add
from manara.cyber.actions import do_store_parsed
from manara.cyber.models import CyberIndicator
from manara.cyber.schemas import Placement
from manara.cyber.service import collection_id
from manara.cyber.stix import Candidate, Parsed
from manara.identity import Role
from manara.tlp import Tlp
from manara.visibility import Visibility

TAXII = "application/taxii+json;version=2.1"
ROOT = "/taxii2/api/collections"


def h(net: Net, country: str, role: Role = Role.ANALYST) -> dict[str, str]:
    return {**net.user(country, role).headers, "Accept": TAXII}


def bulk(session: Session, net: Net, country: str, n: int, *, tlp: Tlp = Tlp.GREEN, prefix: str = "bulk") -> None:
    """``n`` indicators added in one transaction: they share one date_added."""
    parsed = Parsed(received=n)
    parsed.candidates = [
        Candidate(kind="domain-name", value=f"{prefix}{i}.example", value_key=f"{prefix}{i}.example") for i in range(n)
    ]
    place = Placement(tlp=tlp, visibility=Visibility.ALL)
    do_store_parsed(session, net.user(country, Role.ANALYST).actor, parsed, place, source="test", fmt="test")
    session.commit()


def test_discovery_root_and_errors(client: TestClient, net: Net) -> None:
    found = client.get("/taxii2/", headers=h(net, "MA"))
    assert found.status_code == 200 and found.headers["content-type"] == TAXII
    assert found.json()["api_roots"] == ["/taxii2/api/"]
    assert client.get("/taxii2/api/", headers=h(net, "MA")).json()["versions"] == [TAXII]
    anonymous = client.get("/taxii2/", headers={"Accept": TAXII})
    assert anonymous.status_code == 401 and anonymous.json()["http_status"] == "401" and anonymous.json()["title"]
    assert client.get("/taxii2/", headers={**h(net, "MA"), "Accept": "text/html"}).status_code == 406
    refused = client.get("/taxii2/", headers=h(net, "MA", Role.REVIEWER))
    assert refused.status_code == 403 and refused.json()["http_status"] == "403"
    basic = client.get("/taxii2/", auth=("anyone", net.user("MA", Role.ANALYST).token), headers={"Accept": TAXII})
    assert basic.status_code == 200


def test_collections_hold_strict_markings_with_their_owner(client: TestClient, net: Net) -> None:
    ma = {c["id"]: c for c in client.get(f"{ROOT}/", headers=h(net, "MA")).json()["collections"]}
    fr = {c["id"]: c for c in client.get(f"{ROOT}/", headers=h(net, "FR")).json()["collections"]}
    red_ma = collection_id("MA", Tlp.RED)
    assert red_ma in ma and red_ma not in fr
    assert client.get(f"{ROOT}/{red_ma}/objects/", headers=h(net, "FR")).status_code == 404
    assert ma[collection_id("MA", Tlp.GREEN)]["can_write"] is True
    assert fr[collection_id("MA", Tlp.GREEN)]["can_write"] is False
    add(client, net, "MA", "domain-name", "red.example", tlp="red", visibility="all")
    add(client, net, "MA", "domain-name", "strict.example", tlp="amber+strict", visibility="all")
    add(client, net, "MA", "domain-name", "amber.example", tlp="amber", visibility="all")
    add(client, net, "MA", "domain-name", "private.example", tlp="green")
    shared = collection_id(None, None)
    for country in ("MA", "FR"):
        text = client.get(f"{ROOT}/{shared}/objects/", headers=h(net, country)).text
        assert "amber.example" in text and "red.example" not in text and "strict.example" not in text
    fr_green = client.get(f"{ROOT}/{collection_id('MA', Tlp.GREEN)}/objects/", headers=h(net, "FR")).json()
    assert "objects" not in fr_green  # MA's own-visibility green indicator: not FR's to read
    own_red = client.get(f"{ROOT}/{red_ma}/objects/", headers=h(net, "MA")).json()
    assert [o["pattern"] for o in own_red["objects"]] == ["[domain-name:value = 'red.example']"]


def _all_pages(client: TestClient, url: str, headers: dict[str, str], limit: int, **params: Any) -> list[str]:
    ids: list[str] = []
    query: dict[str, Any] = {"limit": limit, **params}
    while True:
        page = client.get(url, params=query, headers=headers)
        assert page.status_code == 200, page.text
        body = page.json()
        ids.extend(o["id"] for o in body.get("objects", []))
        if not body["more"]:
            return ids
        query = {"limit": limit, "next": body["next"], **params}


def test_pages_every_object_exactly_once_with_one_date_added(client: TestClient, net: Net, session: Session) -> None:
    bulk(session, net, "MA", 2_500)
    assert session.scalar(select(func.count(func.distinct(CyberIndicator.date_added)))) == 1
    url = f"{ROOT}/{collection_id('MA', Tlp.GREEN)}/objects/"
    headers = h(net, "FR")
    first = client.get(url, params={"limit": 1000}, headers=headers)
    body = first.json()
    assert len(body["objects"]) == 1000 and body["more"] is True
    assert first.headers["X-TAXII-Date-Added-First"] == first.headers["X-TAXII-Date-Added-Last"]
    bulk(session, net, "MA", 300, prefix="late")  # added while the client pages: after its cursor
    ids = [o["id"] for o in body["objects"]]
    query = {"limit": 1000, "next": body["next"]}
    while True:
        page = client.get(url, params=query, headers=headers).json()
        ids.extend(o["id"] for o in page.get("objects", []))
        if not page["more"]:
            break
        query = {"limit": 1000, "next": page["next"]}
    assert len(ids) == len(set(ids)) == 2_800
    manifest = _all_pages(client, f"{ROOT}/{collection_id('MA', Tlp.GREEN)}/manifest/", headers, 700)
    assert manifest == ids


def test_added_after_and_filters(client: TestClient, net: Net, session: Session) -> None:
    add(client, net, "MA", "domain-name", "old.example", tlp="green", visibility="all")
    cut = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    new = add(client, net, "MA", "vulnerability", "CVE-2024-3400", tlp="green", visibility="all")
    url = f"{ROOT}/{collection_id('MA', Tlp.GREEN)}/objects/"
    after = client.get(url, params={"added_after": cut}, headers=h(net, "FR")).json()
    assert [o["id"] for o in after["objects"]] == [new["stix_id"]]
    typed = client.get(url, params={"match[type]": "vulnerability"}, headers=h(net, "FR")).json()
    assert [o["type"] for o in typed["objects"]] == ["vulnerability"]
    one = client.get(f"{url}{new['stix_id']}/", headers=h(net, "FR")).json()
    assert one["objects"][0]["name"] == "CVE-2024-3400"
    versions = client.get(f"{url}{new['stix_id']}/versions/", headers=h(net, "FR")).json()
    assert len(versions["versions"]) == 1
    for bad in ({"limit": "0"}, {"limit": "x"}, {"next": "!!notacursor"}, {"added_after": "yesterday"}):
        response = client.get(url, params=bad, headers=h(net, "FR"))
        assert response.status_code == 400 and response.json()["http_status"] == "400", bad
    assert client.get(f"{url}indicator--00000000-0000-4000-8000-000000000000/", headers=h(net, "FR")).status_code == 404


def test_post_objects_returns_a_status(client: TestClient, net: Net, session: Session) -> None:
    url = f"{ROOT}/{collection_id('MA', Tlp.AMBER)}/objects/"
    envelope = {
        "objects": [
            {
                "type": "domain-name",
                "spec_version": "2.1",
                "id": "domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5",
                "value": "posted.example",
            },
            {
                "type": "attack-pattern",
                "spec_version": "2.1",
                "id": "attack-pattern--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
                "created": "2026-11-01T00:00:00.000Z",
                "modified": "2026-11-01T00:00:00.000Z",
                "name": "Spearphishing",
            },
        ]
    }
    headers = {**h(net, "MA"), "Content-Type": TAXII}
    posted = client.post(url, json=envelope, headers=headers)
    assert posted.status_code == 202, posted.text
    status = posted.json()
    assert (status["total_count"], status["success_count"], status["failure_count"]) == (2, 1, 1)
    again = client.get(f"/taxii2/api/status/{status['id']}/", headers=h(net, "MA")).json()
    assert again["id"] == status["id"]
    assert client.get(f"/taxii2/api/status/{status['id']}/", headers=h(net, "FR")).status_code == 404
    row = session.scalars(select(CyberIndicator).where(CyberIndicator.value_key == "posted.example")).one()
    assert (row.owner_country, row.tlp) == ("MA", "amber")
    # FR may not write to MA's collection; a bad body stores nothing; the wrong content type is 415
    assert client.post(url, json=envelope, headers={**h(net, "FR"), "Content-Type": TAXII}).status_code == 403
    assert client.post(url, content=b"{", headers=headers).status_code == 400
    bad = {"objects": [{"type": "domain-name", "id": "domain-name--x", "spec_version": "2.1", "value": "y.example"}]}
    assert client.post(url, json=bad, headers=headers).status_code == 422
    assert (
        client.post(url, json=envelope, headers={**h(net, "MA"), "Content-Type": "application/json"}).status_code == 415
    )
    assert (
        session.scalar(select(func.count()).select_from(CyberIndicator).where(CyberIndicator.value_key == "y.example"))
        == 0
    )
