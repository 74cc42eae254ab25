"""Crypto console pages in four languages: the index, a cluster with its evidence, the flow graph, screening,
tags, wallets, imports and a case opened from a cluster; access by role and visibility."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net
from crypto.chain import etl_line, p2pkh, tx, txid_of
from manara.case.models import Case
from manara.crypto import actions
from manara.crypto.parse import Parsed
from manara.crypto.schemas import TagIn, WalletIn
from manara.identity import Role
from manara.visibility import Visibility
from web.conftest import Console, csrf_of


def _ledger(session: Session, net: Net) -> None:
    fr = net.user("FR", Role.ANALYST).actor
    pay = tx(
        "pay",
        [(txid_of("f"), 0, p2pkh("r1"), 500_000), (txid_of("g"), 0, p2pkh("r2"), 500_000)],
        [(p2pkh("mid"), 990_000)],
    )
    out = tx("out", [(pay.txid, 0, p2pkh("mid"), 990_000)], [(p2pkh("exchange"), 980_000)])
    actions.do_import_ledger(session, fr, Parsed(txs=[pay, out]), "test")
    actions.do_add_tag(
        session, fr, TagIn(address=p2pkh("r1"), label="Ransom", category="ransomware", confidence=80, source="FR")
    )
    eg = net.user("EG", Role.ANALYST).actor
    actions.do_add_tag(
        session,
        eg,
        TagIn(
            address=p2pkh("exchange"), label="Deposit", category="exchange", source="EG", visibility=Visibility.OWNER
        ),
    )
    session.commit()


@pytest.mark.parametrize(
    ("lang", "heading"),
    [
        ("en", "Crypto tracing"),
        ("fr", "Traçage des cryptoactifs"),
        ("ar", "تتبع العملات المشفرة"),
        ("es", "Rastreo de criptoactivos"),
    ],
)
def test_pages_in_four_languages(client: TestClient, session: Session, net: Net, lang: str, heading: str) -> None:
    _ledger(session, net)
    Console(client, session, net).sign_in("MA", Role.ANALYST)
    index = client.get(f"/console/crypto?lang={lang}")
    assert index.status_code == 200 and heading in index.text and "<h1" in index.text
    cluster = client.get(f"/console/crypto/cluster/btc/{p2pkh('r2')}?lang={lang}")
    assert cluster.status_code == 200 and p2pkh("r1") in cluster.text and txid_of("pay") in cluster.text
    flow = client.get(f"/console/crypto/flow/btc/{p2pkh('r1')}?lang={lang}&hops=3")
    assert flow.status_code == 200 and 'id="flow-data"' in flow.text and p2pkh("exchange") in flow.text
    assert "0.00980000" in flow.text and "0.00990000" in flow.text


def test_cluster_shows_evidence_and_tags_only_when_visible(client: TestClient, session: Session, net: Net) -> None:
    _ledger(session, net)
    Console(client, session, net).sign_in("MA", Role.DUTY_OFFICER)
    page = client.get(f"/console/crypto/cluster/btc/{p2pkh('r2')}")
    assert "Common-input ownership" in page.text and txid_of("pay") in page.text
    assert "Ransom" in page.text
    flow = client.get(f"/console/crypto/flow/btc/{p2pkh('r1')}")
    assert "Deposit" not in flow.text and "No exposure to any tagged cluster" in flow.text
    assert "Open a case" not in page.text  # a duty officer reads, it does not write
    assert client.get(f"/console/crypto/cluster/btc/{p2pkh('never')}").status_code == 404
    assert client.get("/console/crypto/lookup?chain=btc&address=" + p2pkh("never")).status_code == 404
    assert client.get("/console/crypto/lookup?chain=btc&address=1nope").status_code == 422


def test_roles_without_the_permission_are_refused(client: TestClient, session: Session, net: Net) -> None:
    Console(client, session, net).sign_in("MA", Role.FRONTLINE_OFFICER)
    assert client.get("/console/crypto").status_code == 403
    assert "/console/crypto" not in client.get("/console/").text


def test_forms_tag_wallet_import_screen_and_case(client: TestClient, session: Session, net: Net) -> None:
    _ledger(session, net)
    console = Console(client, session, net)
    console.sign_in("MA", Role.BUREAU_OFFICER)
    bad = console.post(
        "/console/crypto/tags",
        {"address": "1nope", "label": "x", "category": "scam", "source": "x"},
        token_from="/console/crypto",
    )
    assert bad.status_code == 422 and "Nothing was saved" in bad.text
    made = console.post(
        "/console/crypto/wallets", {"address": p2pkh("r2"), "label": "seized phone"}, token_from="/console/crypto"
    )
    assert made.status_code == 201 and "FR" in made.text and "they have been told" in made.text
    line = etl_line(tx("extra", [(txid_of("x"), 0, p2pkh("z1"), 10)], [(p2pkh("z2"), 9)]))
    token_page = client.get("/console/crypto").text

    imported = client.post(
        "/console/crypto/import",
        data={"fmt": "etl-jsonl", "csrf_token": csrf_of(token_page)},
        files={"file": ("slice.jsonl", line.encode(), "application/json")},
    )
    assert imported.status_code == 200 and "1 new" in imported.text
    broken = client.post(
        "/console/crypto/import",
        data={"fmt": "etl-jsonl", "csrf_token": csrf_of(token_page)},
        files={"file": ("slice.jsonl", b"{", "application/json")},
    )
    assert broken.status_code == 422 and "line 1" in broken.text
    screened = console.post(f"/console/crypto/cluster/btc/{p2pkh('r1')}/screen", token_from="/console/crypto")
    assert screened.status_code == 200 and "FR" in screened.text
    case = console.post(
        f"/console/crypto/cluster/btc/{p2pkh('r1')}/case", {"title": "Ransom cash-out"}, token_from="/console/crypto"
    )
    assert case.status_code == 303 and case.headers["location"].startswith("/console/cases/")
    opened = session.scalars(select(Case).where(Case.title == "Ransom cash-out")).one()
    assert {m.country for m in opened.members} == {"MA", "FR"}
    inv = console.post(
        f"/console/crypto/cluster/btc/{p2pkh('r1')}/investigate", {"heuristics": "cioh"}, token_from="/console/crypto"
    )
    assert inv.status_code == 303 and "investigation=" in inv.headers["location"]
    assert client.post("/console/crypto/tags", data={"address": p2pkh("r1")}).status_code in (400, 403)


def test_the_owner_sees_the_crypto_hit_in_its_inbox(client: TestClient, session: Session, net: Net) -> None:
    _ledger(session, net)
    ma = net.user("MA", Role.BUREAU_OFFICER).actor
    _, matches = actions.do_add_wallet(session, ma, WalletIn(address=p2pkh("r2"), label="seized phone"))
    session.commit()
    assert [m["owner_country"] for m in matches] == ["FR"]
    Console(client, session, net).sign_in("FR", Role.BUREAU_OFFICER)
    inbox = client.get("/console/hits")
    assert inbox.status_code == 200 and "crypto" in inbox.text and "MA" in inbox.text
