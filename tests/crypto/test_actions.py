"""Crypto write path: imports (idempotent, incremental clustering, bad input stores nothing), CoinJoin never
merged, change heuristics per investigation, tags and exposure under visibility, cross-matches and hits."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import Net
from crypto.chain import coinbase, etl_line, p2pkh, p2wpkh, raw_tx, tx, txid_of
from factories import counts, make_entity
from manara.crypto import actions, service
from manara.crypto.models import CryptoAddress, CryptoInput, CryptoLink, CryptoTag, CryptoTx
from manara.crypto.parse import Parsed, read, read_core_json, read_etl_jsonl, read_raw_txs
from manara.crypto.schemas import CaseFromClusterIn, InvestigationIn, InvestigationUpdate, TagIn, WalletIn
from manara.crypto.tags import read_ofac, read_tagpack
from manara.errors import Conflict, Forbidden, NotFound, ValidationFailed
from manara.hit.models import Hit
from manara.identity import Role
from manara.visibility import Visibility


def cluster_texts(session: Session, address: str) -> set[str]:
    seed = service.address_row(session, "btc", address)
    assert seed is not None
    return set(service.cluster_addresses(session, service.cluster_of(session, seed)))


def n_txs(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(CryptoTx)) or 0


def test_raw_import_derives_addresses_clusters_inputs_and_is_idempotent(session: Session, net: Net) -> None:
    ma = net.user("MA", Role.ANALYST).actor
    c1, h1 = coinbase(p2pkh("alice1"), 50_000, "c1")
    c2, h2 = coinbase(p2wpkh("alice2"), 30_000, "c2")
    spend, h3 = raw_tx(
        [(c1, 0, "alice1", "p2pkh"), (c2, 0, "alice2", "p2wpkh")], [(p2pkh("bob"), 70_000), (p2wpkh("alice3"), 9_000)]
    )
    before = counts(session)
    report = actions.do_import_ledger(session, ma, read("raw-tx", f"{h1}\n{h2}\n{h3}\n".encode()), "raw-tx")
    assert (report.new_transactions, report.known_transactions, report.addresses) == (3, 0, 4)
    assert report.links == 1 + 1  # one common-input merge, and the script-type change heuristic's evidence
    assert counts(session) == (before[0] + 1, before[1] + 1)
    assert cluster_texts(session, p2pkh("alice1")) == {p2pkh("alice1"), p2wpkh("alice2")}
    assert cluster_texts(session, p2pkh("bob")) == {p2pkh("bob")}
    values = session.scalars(select(CryptoInput.value).join(CryptoTx).where(CryptoTx.txid == spend)).all()
    assert sorted(v for v in values if v is not None) == [30_000, 50_000]  # completed from the funding outputs
    again = actions.do_import_ledger(session, ma, read("raw-tx", f"{h3}\n{h1}".encode()), "raw-tx")
    assert (again.new_transactions, again.known_transactions) == (0, 2)
    assert n_txs(session) == 3


def test_clusters_grow_incrementally_when_earlier_inputs_are_completed(session: Session, net: Net) -> None:
    ma = net.user("MA", Role.ANALYST).actor
    fund = tx("fund", [], [(p2pkh("x1"), 10_000), (p2pkh("x2"), 20_000)])
    # spent with scripts that do not reveal the addresses (as a P2SH multisig would)
    spend = tx("spend", [(fund.txid, 0, None, None), (fund.txid, 1, None, None)], [(p2pkh("y"), 29_000)])
    actions.do_import_ledger(session, ma, Parsed(txs=[spend]), "test")
    assert session.scalar(select(func.count()).select_from(CryptoLink)) == 0
    actions.do_import_ledger(session, ma, Parsed(txs=[fund]), "test")
    assert cluster_texts(session, p2pkh("x1")) == {p2pkh("x1"), p2pkh("x2")}
    link = session.scalars(select(CryptoLink).where(CryptoLink.heuristic == "cioh")).one()
    assert session.get(CryptoTx, link.tx_id).txid == spend.txid  # type: ignore[union-attr]


def test_clusters_merge_across_imports(session: Session, net: Net) -> None:
    ma = net.user("MA", Role.ANALYST).actor
    a = tx("a", [(txid_of("f1"), 0, p2pkh("k1"), 5), (txid_of("f2"), 0, p2pkh("k2"), 5)], [(p2pkh("out1"), 9)])
    b = tx("b", [(txid_of("f3"), 0, p2pkh("k3"), 5), (txid_of("f4"), 0, p2pkh("k4"), 5)], [(p2pkh("out2"), 9)])
    c = tx("c", [(txid_of("f5"), 0, p2pkh("k2"), 5), (txid_of("f6"), 0, p2pkh("k3"), 5)], [(p2pkh("out3"), 9)])
    actions.do_import_ledger(session, ma, Parsed(txs=[a, b]), "test")
    assert cluster_texts(session, p2pkh("k1")) == {p2pkh("k1"), p2pkh("k2")}
    actions.do_import_ledger(session, ma, Parsed(txs=[c]), "test")
    assert cluster_texts(session, p2pkh("k4")) == {p2pkh(f"k{i}") for i in range(1, 5)}


def test_coinjoin_is_detected_and_never_merged(session: Session, net: Net) -> None:
    ma = net.user("MA", Role.ANALYST).actor
    ins = [(txid_of(f"cj-in{i}"), 0, p2pkh(f"mixer-user{i}"), 11_000_000 + i) for i in range(5)]
    outs = [(p2wpkh(f"mixed{i}"), 10_000_000) for i in range(5)] + [(p2wpkh(f"chg{i}"), 900_000 + i) for i in range(5)]
    cj = tx("coinjoin", ins, outs)
    report = actions.do_import_ledger(session, ma, Parsed(txs=[cj]), "test")
    assert report.coinjoins == 1
    assert session.scalars(select(CryptoTx.coinjoin)).one() is True
    assert session.scalar(select(func.count()).select_from(CryptoLink)) == 0
    for i in range(5):
        assert cluster_texts(session, p2pkh(f"mixer-user{i}")) == {p2pkh(f"mixer-user{i}")}


@pytest.mark.parametrize(
    ("fmt", "data", "position"),
    [
        ("raw-tx", "00ff\n", "line 1"),
        ("etl-jsonl", '{"hash": "zz"}\n', "line 1"),
        ("etl-jsonl", "not json\n", "line 1"),
        (
            "core-json",
            '{"txid": "' + "a" * 64 + '", "vin": [], "vout": [{"n": 0, "value": 1.5, "scriptPubKey": {"hex": "zz"}}]}',
            "tx 0",
        ),
        ("core-json", "[1, 2", "document"),
        ("raw-block", "00" * 80, "block"),
        ("doge", "x", "document"),
    ],
)
def test_bad_input_stores_nothing_and_names_the_position(
    session: Session, net: Net, fmt: str, data: str, position: str
) -> None:
    ma = net.user("MA", Role.ANALYST).actor
    good = etl_line(tx("ok", [(txid_of("p"), 0, p2pkh("q"), 10)], [(p2pkh("r"), 9)]))
    payload = (good + "\n" + data) if fmt == "etl-jsonl" else data
    parsed = read(fmt, payload.encode())
    assert parsed.errors and parsed.errors[0]["position"].startswith(position if fmt != "etl-jsonl" else "line 2")
    before = counts(session)
    with pytest.raises(ValidationFailed):
        actions.do_import_ledger(session, ma, parsed, fmt)
    assert n_txs(session) == 0 and counts(session) == before


def test_a_bad_checksum_in_a_record_is_reported_and_skip_bad_keeps_the_rest(session: Session, net: Net) -> None:
    ma = net.user("MA", Role.ANALYST).actor
    good = tx("g", [(txid_of("p"), 0, p2pkh("q"), 10)], [(p2pkh("r"), 9)])
    bad = etl_line(good).replace(p2pkh("r"), p2pkh("r")[:-1] + ("1" if p2pkh("r")[-1] != "1" else "2"))
    parsed = read_etl_jsonl(etl_line(tx("h", [], [(p2pkh("s"), 5)])) + "\n" + bad)
    assert parsed.errors == [{"position": "line 2", "error": parsed.errors[0]["error"]}]
    assert "checksum" in parsed.errors[0]["error"]
    report = actions.do_import_ledger(session, ma, parsed, "etl-jsonl", skip_bad=True)
    assert report.new_transactions == 1 and report.skipped == 1


def test_core_json_getblock_verbosity_3_and_getrawtransaction(session: Session, net: Net) -> None:
    a = p2pkh("core-a")
    block = {
        "hash": "00" * 32,
        "height": 700_000,
        "time": 1_630_000_000,
        "tx": [
            {
                "txid": txid_of("core1"),
                "vin": [
                    {
                        "txid": txid_of("p1"),
                        "vout": 0,
                        "scriptSig": {"hex": "0014"},
                        "prevout": {"value": 0.5, "scriptPubKey": {"address": a}},
                    },
                    {
                        "txid": txid_of("p2"),
                        "vout": 1,
                        "scriptSig": {"hex": ""},
                        "prevout": {"value": 0.25, "scriptPubKey": {"address": p2pkh("core-b")}},
                    },
                ],
                "vout": [{"n": 0, "value": 0.7499, "scriptPubKey": {"type": "pubkeyhash", "address": p2pkh("core-c")}}],
            }
        ],
    }
    parsed = read_core_json(json.dumps(block).replace("0.5,", "0.50000000,"))
    assert not parsed.errors
    (t,) = parsed.txs
    assert [i.value for i in t.inputs] == [50_000_000, 25_000_000] and t.outputs[0].value == 74_990_000
    assert t.block_height == 700_000 and t.inputs[0].address == a
    envelope = read_core_json(json.dumps({"result": block["tx"][0], "error": None}))  # type: ignore[index]
    assert not envelope.errors and envelope.txs[0].txid == txid_of("core1")
    mismatch = read_core_json(
        json.dumps(block).replace('"type": "pubkeyhash", "address"', '"hex": "76a914' + "00" * 20 + '88ac", "address"')
    )
    assert "does not match" in mismatch.errors[0]["error"]
    assert read_core_json(json.dumps({"tx": ["ab"]})).errors[0]["error"].startswith("txid only")


def test_raw_reader_on_our_own_serialisation() -> None:
    c, h = coinbase(p2wpkh("w"), 1000, "c")
    parsed = read_raw_txs(h + "\n# comment\n\n" + "zz")
    assert parsed.txs[0].txid == c and parsed.txs[0].is_coinbase
    assert parsed.errors == [{"position": "line 4", "error": parsed.errors[0]["error"]}]


TAGPACK = """
title: Test pack
creator: test
abuse: ransomware
currency: BTC
confidence: forensic
source: https://example.org/report
tags:
- address: {a}
  label: LockBit payment
- address: {b}
  label: exchange deposit
  abuse: null
  category: exchange
  confidence: service_data
- address: 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed
  currency: ETH
  label: eth ransom
- address: LTC-address
  currency: LTC
"""


def test_tagpack_and_ofac_imports_are_idempotent_and_report_bad_records(session: Session, net: Net) -> None:
    fr = net.user("FR", Role.ANALYST).actor
    found = read_tagpack(TAGPACK.format(a=p2pkh("ransom"), b=p2pkh("exch")))
    assert [(t.category, t.confidence, t.chain) for t in found.tags] == [
        ("ransomware", 50, "btc"),
        ("exchange", 50, "btc"),
        ("ransomware", 50, "eth"),
    ]
    assert found.skipped == 1 and not found.errors
    report = actions.do_import_tags(session, fr, found, "tagpack")
    assert report.new_tags == 3
    assert actions.do_import_tags(session, fr, found, "tagpack").new_tags == 0
    ofac = read_ofac(f"{p2pkh('sanctioned')}\n1BadAddressXXXXXXXXXXXXXXXXXXXXXXX\n")
    assert ofac.errors[0]["position"] == "line 2" and len(ofac.tags) == 1
    with pytest.raises(ValidationFailed):
        actions.do_import_tags(session, fr, ofac, "ofac")
    assert actions.do_import_tags(session, fr, ofac, "ofac", skip_bad=True).new_tags == 1
    assert read_tagpack("tags: [1, 2]").errors[0]["position"] == "tag 0"
    assert read_tagpack(": : :").errors[0]["position"] == "document"


def _graph(session: Session, net: Net) -> None:
    """seed (s1+s2) -> hop1 -> hop2 (tagged later), and seed -> direct (tagged later)."""
    ma = net.user("MA", Role.ANALYST).actor
    fund = tx("fund", [], [(p2pkh("s1"), 60_000), (p2pkh("s2"), 40_000)], 1)
    pay = tx(
        "pay",
        [(fund.txid, 0, p2pkh("s1"), 60_000), (fund.txid, 1, p2pkh("s2"), 40_000)],
        [(p2pkh("hop1"), 70_000), (p2pkh("direct"), 29_000)],
        2,
    )
    onward = tx("onward", [(pay.txid, 0, p2pkh("hop1"), 70_000)], [(p2pkh("hop2"), 69_000)], 3)
    actions.do_import_ledger(session, ma, Parsed(txs=[fund, pay, onward]), "test")


def test_exposure_counts_only_tags_the_reader_may_see(session: Session, net: Net) -> None:
    _graph(session, net)
    eg = net.user("EG", Role.ANALYST).actor
    ma = net.user("MA", Role.ANALYST).actor
    actions.do_add_tag(
        session,
        eg,
        TagIn(
            address=p2pkh("hop2"),
            label="Ransom",
            category="ransomware",
            confidence=80,
            source="EG CERT",
            visibility=Visibility.OWNER,
        ),
    )
    actions.do_add_tag(
        session,
        eg,
        TagIn(address=p2pkh("direct"), label="Bitzlato", category="sanctions", confidence=60, source="OFAC"),
    )
    seed = service.address_row(session, "btc", p2pkh("s2"))
    assert seed is not None
    for_ma = service.exposure_report(session, ma, "btc", seed, direction="forward", hops=3)
    assert for_ma["direct"] == {"sanctions": 29_000} and for_ma["indirect"] == {}
    assert for_ma["method"] == "haircut" and for_ma["total"] == 99_000
    assert {(e["source"], e["target"], e["hop"]) for e in for_ma["edges"]} >= {(p2pkh("hop1"), p2pkh("hop2"), 2)}
    for_eg = service.exposure_report(session, eg, "btc", seed, direction="forward", hops=3)
    assert for_eg["indirect"] == {"ransomware": 69_000}
    hop2 = service.address_row(session, "btc", p2pkh("hop2"))
    assert hop2 is not None
    back = service.exposure_report(session, ma, "btc", hop2, direction="backward", hops=3)
    assert {e["source"] for e in back["edges"]} >= {p2pkh("hop1"), p2pkh("s1"), p2pkh("s2")}


def test_wallet_in_a_cluster_tagged_by_another_member_raises_a_hit_to_the_owner(session: Session, net: Net) -> None:
    _graph(session, net)
    fr = net.user("FR", Role.ANALYST).actor
    ma = net.user("MA", Role.BUREAU_OFFICER).actor
    tag, told = actions.do_add_tag(
        session,
        fr,
        TagIn(address=p2pkh("s1"), label="LockBit affiliate", category="ransomware", confidence=90, source="FR OFAC"),
    )
    assert told == []
    subject = make_entity(session, ma, "wallet-holder", "Youssef Amrani")
    wallet, matches = actions.do_add_wallet(
        session, ma, WalletIn(address=p2pkh("s2"), entity_id=subject.id, label="seized phone")
    )
    assert [(m["kind"], m["owner_country"], m["category"]) for m in matches] == [("tag", "FR", "ransomware")]
    hit = session.get(Hit, matches[0]["hit_id"])
    assert hit is not None and (hit.owner_country, hit.querying_country, hit.target_id) == ("FR", "MA", tag.id)
    assert "common-input cluster" in hit.explanation
    # FR screening the other address finds MA's wallet: a hit to MA
    screened = actions.do_screen_wallet(session, net.user("FR", Role.BUREAU_OFFICER).actor, "btc", p2pkh("s1"))
    assert [(m["kind"], m["owner_country"]) for m in screened["matches"]] == [("wallet", "MA")]
    assert screened["categories"] == {"ransomware": 90}
    with pytest.raises(Conflict):
        actions.do_add_wallet(session, ma, WalletIn(address=p2pkh("s2")))
    with pytest.raises(Forbidden):
        actions.do_screen_wallet(session, net.user("MA", Role.REVIEWER).actor, "btc", p2pkh("s1"))
    with pytest.raises(NotFound):  # a subject MA may not see
        other = make_entity(session, net.user("EG", Role.ANALYST).actor, "eg-only")
        actions.do_add_wallet(session, ma, WalletIn(address=p2pkh("s1"), entity_id=other.id))


def test_change_heuristics_are_off_by_default_switchable_and_undoable(session: Session, net: Net) -> None:
    ma = net.user("MA", Role.ANALYST).actor
    payment = tx(
        "p",
        [(txid_of("f"), 0, p2pkh("payer"), 600_000), (txid_of("f"), 1, p2pkh("payer2"), 500_000)],
        [(p2wpkh("shop"), 800_000), (p2pkh("payer-change"), 290_000)],
    )
    actions.do_import_ledger(session, ma, Parsed(txs=[payment]), "test")
    seed = service.address_row(session, "btc", p2pkh("payer"))
    assert seed is not None
    assert cluster_texts(session, p2pkh("payer")) == {p2pkh("payer"), p2pkh("payer2")}
    inv = actions.do_open_investigation(session, ma, InvestigationIn(title="shop", seed_address=p2pkh("payer")))
    assert inv.heuristics == ["cioh"]
    actions.do_update_investigation(
        session, ma, inv, InvestigationUpdate(heuristics=["cioh", "change_script_type", "change_optimal"])
    )
    cluster = service.investigation_cluster(session, inv, seed)
    assert set(service.cluster_addresses(session, cluster)) == {p2pkh("payer"), p2pkh("payer2"), p2pkh("payer-change")}
    why = service.evidence(session, cluster.links)
    assert {(e["heuristic"], e["txid"]) for e in why} == {
        ("cioh", payment.txid),
        ("change_script_type", payment.txid),
        ("change_optimal", payment.txid),
    }
    change = [e["link_id"] for e in why if e["heuristic"] != "cioh"]
    actions.do_update_investigation(session, ma, inv, InvestigationUpdate(exclude_links=change))
    assert len(service.investigation_cluster(session, inv, seed).ids) == 2
    actions.do_update_investigation(session, ma, inv, InvestigationUpdate(restore_links=change[:1]))
    assert len(service.investigation_cluster(session, inv, seed).ids) == 3
    actions.do_update_investigation(session, ma, inv, InvestigationUpdate(heuristics=["change_optimal"]))
    assert len(service.investigation_cluster(session, inv, seed).ids) == 1  # common-input ownership undone too


def test_open_a_case_from_a_cluster_invites_the_members_who_know_it(session: Session, net: Net) -> None:
    _graph(session, net)
    fr = net.user("FR", Role.ANALYST).actor
    ma = net.user("MA", Role.BUREAU_OFFICER).actor
    actions.do_add_tag(session, fr, TagIn(address=p2pkh("s1"), label="ransom", category="ransomware", source="FR"))
    subject = make_entity(session, ma, "holder")
    wallet, _ = actions.do_add_wallet(session, ma, WalletIn(address=p2pkh("s2"), entity_id=subject.id))
    case, inv = actions.do_open_case_from_cluster(
        session, ma, CaseFromClusterIn(title="Ransom cash-out", address=p2pkh("s2"))
    )
    assert {m.country for m in case.members} == {"MA", "FR"}
    assert case.entity_ids == [subject.id] and wallet.case_id == case.id and inv.case_id == case.id


def test_writes_need_the_permission(session: Session, net: Net) -> None:
    duty = net.user("MA", Role.DUTY_OFFICER).actor
    with pytest.raises(Forbidden):
        actions.do_import_ledger(session, duty, Parsed(), "test")
    with pytest.raises(Forbidden):
        actions.do_add_tag(session, duty, TagIn(address=p2pkh("x"), label="x", category="scam", source="x"))
    assert session.scalar(select(func.count()).select_from(CryptoTag)) == 0
    assert session.scalar(select(func.count()).select_from(CryptoAddress)) == 0
