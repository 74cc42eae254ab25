"""Crypto API: roles (403 without the permission), visibility (404 for the invisible), the flow over HTTP
(import, cluster with evidence, exposure, tags, wallets with cross-matches, screening, cases), bad input."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net
from crypto.chain import coinbase, etl_line, p2pkh, p2wpkh, raw_tx, tx, txid_of
from manara.audit.models import AuditEvent
from manara.crypto.models import CryptoTx
from manara.hit.models import Hit
from manara.identity import Role
from manara.member import keys as api_keys

API = "/api/v1/crypto"


@pytest.fixture(autouse=True)
def fresh_key_cache() -> Iterator[None]:
    api_keys.CACHE.clear()
    yield
    api_keys.CACHE.clear()


def _h(net: Net, country: str, role: Role = Role.ANALYST) -> dict[str, str]:
    return net.user(country, role).headers


def _ledger(client: TestClient, net: Net) -> tuple[str, str]:
    c1, h1 = coinbase(p2pkh("victim-pay1"), 900_000, "c1")
    c2, h2 = coinbase(p2wpkh("victim-pay2"), 600_000, "c2")
    spend, h3 = raw_tx(
        [(c1, 0, "victim-pay1", "p2pkh"), (c2, 0, "victim-pay2", "p2wpkh")],
        [(p2pkh("cashout"), 1_400_000), (p2wpkh("fee-wallet"), 90_000)],
    )
    r = client.post(f"{API}/imports/ledger?format=raw-tx", content=f"{h1}\n{h2}\n{h3}", headers=_h(net, "FR"))
    assert r.status_code == 200, r.text
    assert r.json()["new_transactions"] == 3
    return spend, h3


def test_the_flow_over_http(client: TestClient, session: Session, net: Net) -> None:
    spend, h3 = _ledger(client, net)
    again = client.post(f"{API}/imports/ledger?format=raw-tx", content=h3, headers=_h(net, "FR"))
    assert again.json()["known_transactions"] == 1 and again.json()["new_transactions"] == 0
    tag = {
        "address": p2pkh("victim-pay1"),
        "label": "LockBit 3.0 ransom",
        "category": "ransomware",
        "confidence": 90,
        "source": "FR C3N",
        "tlp": "amber",
    }
    r = client.post(f"{API}/tags", json=tag, headers=_h(net, "FR"))
    assert r.status_code == 201, r.text
    assert client.post(f"{API}/tags", json=tag, headers=_h(net, "FR")).status_code == 409
    r = client.get(f"{API}/clusters/btc/{p2wpkh('victim-pay2')}", headers=_h(net, "MA"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body["addresses"]) == {p2pkh("victim-pay1"), p2wpkh("victim-pay2")}
    assert body["categories"] == {"ransomware": 90}
    assert [(e["heuristic"], e["txid"]) for e in body["evidence"]] == [("cioh", spend)]
    r = client.get(f"{API}/exposure/btc/{p2pkh('victim-pay1')}?direction=forward&hops=2", headers=_h(net, "MA"))
    assert r.status_code == 200 and r.json()["total"] == 1_490_000 and r.json()["method"] == "haircut"
    assert client.get(f"{API}/clusters/btc/{p2pkh('victim-pay1')}/summary", headers=_h(net, "MA")).json()[
        "known_to"
    ] == ["FR"]
    r = client.post(
        f"{API}/wallets",
        json={"address": p2pkh("victim-pay1"), "label": "from phone"},
        headers=_h(net, "MA", Role.BUREAU_OFFICER),
    )
    assert r.status_code == 201, r.text
    (match,) = r.json()["matches"]
    assert match["owner_country"] == "FR" and match["kind"] == "tag"
    hit = session.get(Hit, match["hit_id"])
    assert hit is not None and hit.owner_country == "FR" and hit.querying_country == "MA"
    wallet_id = r.json()["wallet"]["id"]
    ftm = client.get(f"{API}/wallets/{wallet_id}/ftm", headers=_h(net, "EG")).json()
    assert ftm["schema"] == "CryptoWallet" and ftm["properties"]["publicKey"] == [p2pkh("victim-pay1")]
    r = client.post(
        f"{API}/screen", json={"address": p2wpkh("victim-pay2")}, headers=_h(net, "EG", Role.BUREAU_OFFICER)
    )
    assert {m["owner_country"] for m in r.json()["matches"]} == {"FR", "MA"}
    r = client.post(
        f"{API}/cases",
        json={"title": "LockBit cash-out", "address": p2pkh("cashout")},
        headers=_h(net, "MA", Role.BUREAU_OFFICER),
    )
    assert r.status_code == 201, r.text
    inv = client.get(f"{API}/investigations/{r.json()['investigation_id']}", headers=_h(net, "MA")).json()
    assert inv["case_id"] == r.json()["case_id"]
    assert client.get(f"{API}/investigations/{inv['id']}", headers=_h(net, "FR")).status_code == 404
    actions = {e.action for e in session.scalars(select(AuditEvent))}
    assert {"crypto.imported", "crypto.tagged", "crypto.viewed", "crypto.wallet_added", "crypto.screened"} <= actions


def test_roles_and_visibility(client: TestClient, session: Session, net: Net) -> None:
    _ledger(client, net)
    owner_only = {"address": p2pkh("cashout"), "label": "x", "category": "scam", "source": "EG", "visibility": "owner"}
    r = client.post(f"{API}/tags", json=owner_only, headers=_h(net, "EG"))
    tag_id = r.json()["id"]
    assert client.get(f"{API}/tags", headers=_h(net, "MA")).json()["total"] == 0
    assert client.get(f"{API}/tags", headers=_h(net, "EG")).json()["total"] == 1
    assert client.delete(f"{API}/tags/{tag_id}", headers=_h(net, "MA")).status_code == 404
    exposure = client.get(f"{API}/exposure/btc/{p2pkh('victim-pay1')}", headers=_h(net, "MA")).json()
    assert exposure["direct"] == {}
    assert client.get(f"{API}/exposure/btc/{p2pkh('victim-pay1')}", headers=_h(net, "EG")).json()["direct"] == {
        "scam": 1_400_000
    }
    for role in (Role.FRONTLINE_OFFICER, Role.REVIEWER, Role.ADMINISTRATOR):
        assert client.get(f"{API}/tags", headers=_h(net, "EG", role)).status_code == 403
        assert client.get(f"{API}/clusters/btc/{p2pkh('cashout')}", headers=_h(net, "EG", role)).status_code == 403
    duty = _h(net, "MA", Role.DUTY_OFFICER)
    assert client.get(f"{API}/clusters/btc/{p2pkh('cashout')}", headers=duty).status_code == 200
    assert client.post(f"{API}/tags", json=owner_only, headers=duty).status_code == 403
    assert client.post(f"{API}/imports/ledger?format=raw-tx", content="00", headers=duty).status_code == 403
    assert client.delete(f"{API}/tags/{tag_id}", headers=_h(net, "EG")).status_code == 204
    assert client.get(f"{API}/tags").status_code == 401
    r = client.post(
        f"{API}/wallets",
        json={"address": p2pkh("w"), "visibility": "countries", "shared_with": ["FR"]},
        headers=_h(net, "EG"),
    )
    wid = r.json()["wallet"]["id"]
    assert client.get(f"{API}/wallets/{wid}", headers=_h(net, "FR")).status_code == 200
    assert client.get(f"{API}/wallets/{wid}", headers=_h(net, "MA")).status_code == 404
    assert client.delete(f"{API}/wallets/{wid}", headers=_h(net, "FR")).status_code == 404


@pytest.mark.parametrize(
    ("path", "kwargs", "status"),
    [
        ("/addresses/validate", {"json": {"address": "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"}}, 422),
        ("/addresses/validate", {"json": {"address": "1ECeZBxCVJ8Wm2JSN3Cyc6rge2gnvD3W5K", "chain": "doge"}}, 422),
        ("/addresses/validate", {"json": {"address": "1\u0415CeZBxCVJ8Wm2JSN3Cyc6rge2gnvD3W5K"}}, 422),
        ("/addresses/validate", {"content": "{not json", "headers": {"Content-Type": "application/json"}}, 422),
        ("/tags", {"json": {"address": p2pkh("a"), "label": "x", "category": "weird", "source": "x"}}, 422),
        (
            "/tags",
            {"json": {"address": p2pkh("a"), "label": "x", "category": "scam", "source": "x", "confidence": "high"}},
            422,
        ),
        (
            "/tags",
            {
                "json": {
                    "address": p2pkh("a"),
                    "label": "x",
                    "category": "scam",
                    "source": "x",
                    "visibility": "countries",
                    "shared_with": ["XX"],
                }
            },
            422,
        ),
        ("/wallets", {"json": {"address": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "chain": "eth"}}, 422),
        ("/imports/ledger?format=raw-tx", {"content": "zz\n"}, 422),
        ("/imports/ledger?format=doge", {"content": "zz\n"}, 422),
        ("/imports/ledger?format=etl-jsonl", {"content": ""}, 422),
        ("/imports/tags?format=tagpack", {"content": "tags: [{address: 1BadAddr, currency: BTC}]"}, 422),
        ("/imports/tags?format=ofac", {"content": b"\xff\xfe"}, 422),
        ("/screen", {"json": {"address": "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "chain": "btc"}}, 422),
    ],
)
def test_bad_input_is_a_clear_4xx_and_stores_nothing(
    client: TestClient, session: Session, net: Net, path: str, kwargs: dict[str, object], status: int
) -> None:
    headers = {**_h(net, "MA", Role.BUREAU_OFFICER), **dict(kwargs.pop("headers", {}))}  # type: ignore[call-overload]
    r = client.post(API + path, headers=headers, **kwargs)  # type: ignore[arg-type]
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] in ("validation_error", "bad_request")
    assert session.scalars(select(CryptoTx)).first() is None


def test_import_errors_name_positions(client: TestClient, net: Net) -> None:
    good = etl_line(tx("ok", [(txid_of("p"), 0, p2pkh("q"), 10)], [(p2pkh("r"), 9)]))
    r = client.post(f"{API}/imports/ledger?format=etl-jsonl", content=f"{good}\n{{}}\n", headers=_h(net, "MA"))
    assert r.status_code == 422
    assert r.json()["error"]["details"]["errors"][0]["field"] == "line 2"
    r = client.post(
        f"{API}/imports/ledger?format=etl-jsonl&skip_bad=true", content=f"{good}\n{{}}\n", headers=_h(net, "MA")
    )
    assert r.status_code == 200 and r.json()["new_transactions"] == 1 and r.json()["errors"][0]["position"] == "line 2"


def test_unknown_address_and_investigation_are_404(client: TestClient, net: Net) -> None:
    assert client.get(f"{API}/clusters/btc/{p2pkh('never')}", headers=_h(net, "MA")).status_code == 404
    assert client.get(f"{API}/investigations/nope", headers=_h(net, "MA")).status_code == 404
    assert client.get(f"{API}/clusters/doge/{p2pkh('never')}", headers=_h(net, "MA")).status_code == 422
    r = client.post(
        f"{API}/addresses/validate",
        json={"address": "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"},
        headers=_h(net, "MA"),
    )
    assert r.json()["script_type"] == "p2tr" and r.json()["script_hex"].startswith("5120")
