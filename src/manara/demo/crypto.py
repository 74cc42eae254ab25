"""Demo of crypto tracing: a ransomware operation seen by FR, its cash-out through a peel chain to an exchange
deposit address MA knows (and whose holder MA has on file) and to a darknet-market wallet EG tagged, a CoinJoin
round that is detected and never merged, and background traffic. MA's wallet of a seized phone sits in FR's
ransomware cluster: a cross-match that raises a hit to FR; FR opens a case from the cluster."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.crypto import actions
from manara.crypto.addresses import p2pkh_address, p2wpkh_address
from manara.crypto.parse import Parsed, Tx, TxInput, TxOutput
from manara.crypto.schemas import CaseFromClusterIn, TagIn, WalletIn
from manara.crypto.synthetic import generate
from manara.db.session import unit_of_work
from manara.entity.models import Entity
from manara.identity import Actor, Role
from manara.member.service import get_user_by_username
from manara.visibility import Visibility

START = 1_700_000_000  # 14 November 2023


def demo_actor(session: Session, country: str, role: Role) -> Actor:
    """The demo user of ``country`` in ``role`` (as ``network.demo_actor``, which imports this module)."""
    user = get_user_by_username(session, f"{country.lower()}.{role.value}")
    assert user is not None
    return Actor(user_id=user.id, username=user.username, country=user.country, role=role)


def _key(name: str, seed: int) -> bytes:
    return b"\x02" + hashlib.sha256(f"demo-crypto:{seed}:{name}".encode()).digest()


def addr(name: str, seed: int, segwit: bool = False) -> str:
    """A made-up address of the demo (deterministic per name and seed)."""
    return p2wpkh_address(_key(name, seed)) if segwit else p2pkh_address(_key(name, seed))


def _tx(
    label: str, seed: int, hour: int, inputs: list[tuple[str, int, str, int]], outputs: list[tuple[str, int]]
) -> Tx:
    txid = hashlib.sha256(f"demo-crypto-tx:{seed}:{label}".encode()).hexdigest()
    kind = {True: "p2wpkh", False: "p2pkh"}
    return Tx(
        txid,
        820_000 + hour,
        START + hour * 3600,
        tuple(TxInput(p, n, a, v, kind[a.startswith("bc1")]) for p, n, a, v in inputs),
        tuple(TxOutput(n, v, a, kind[a.startswith("bc1")]) for n, (a, v) in enumerate(outputs)),
        not inputs,
    )


def operation(seed: int) -> tuple[list[Tx], dict[str, str]]:
    """The ransomware operation: victims pay ransom addresses, the operator consolidates them (one cluster by
    common-input ownership), peels the funds over two hops and cashes out to an exchange deposit address and a
    darknet-market wallet. A CoinJoin round in the middle mixes part of it."""
    a = {
        "ransom1": addr("ransom1", seed),
        "ransom2": addr("ransom2", seed),
        "ransom3": addr("ransom3", seed, segwit=True),
        "phone": addr("phone-wallet", seed),
        "peel1": addr("peel1", seed, segwit=True),
        "peel2": addr("peel2", seed, segwit=True),
        "exchange": addr("exchange-deposit", seed),
        "market": addr("market-wallet", seed, segwit=True),
        "mule": addr("mule", seed),
    }
    txs: list[Tx] = []
    paid = []
    for i, (victim, ransom, value) in enumerate(
        [
            ("victim-clinic", "ransom1", 120_000_000),
            ("victim-port", "ransom2", 85_000_000),
            ("victim-town", "ransom3", 60_000_000),
        ]
    ):
        funding = _tx(f"fund-{victim}", seed, i, [], [(addr(victim, seed), value + 50_000)])
        pay = _tx(
            f"pay-{victim}", seed, 10 + i, [(funding.txid, 0, addr(victim, seed), value + 50_000)], [(a[ransom], value)]
        )
        txs += [funding, pay]
        paid.append((pay.txid, 0, a[ransom], value))
    phone_fund = _tx("fund-phone", seed, 4, [], [(a["phone"], 15_000_000)])
    txs.append(phone_fund)
    consolidate = _tx(
        "consolidate",
        seed,
        30,
        [*paid, (phone_fund.txid, 0, a["phone"], 15_000_000)],
        [(a["peel1"], 279_950_000)],
    )
    peel1 = _tx(
        "peel1",
        seed,
        40,
        [(consolidate.txid, 0, a["peel1"], 279_950_000)],
        [(a["exchange"], 150_000_000), (a["peel2"], 129_940_000)],
    )
    peel2 = _tx(
        "peel2",
        seed,
        50,
        [(peel1.txid, 1, a["peel2"], 129_940_000)],
        [(a["market"], 70_000_000), (a["mule"], 59_930_000)],
    )
    txs += [consolidate, peel1, peel2]
    # a CoinJoin round the mule joins: detected, never merged
    cj_inputs = [(peel2.txid, 1, a["mule"], 59_930_000)]
    for i in range(4):
        coin = _tx(f"cj-fund-{i}", seed, 55, [], [(addr(f"cj-user{i}", seed), 20_500_000 + i * 1000)])
        txs.append(coin)
        cj_inputs.append((coin.txid, 0, addr(f"cj-user{i}", seed), 20_500_000 + i * 1000))
    outputs = [(addr(f"cj-out{i}", seed, segwit=True), 20_000_000) for i in range(5)]
    outputs += [(addr(f"cj-change{i}", seed, segwit=True), 400_000 + i) for i in range(4)]
    outputs.append((addr("cj-change-mule", seed, segwit=True), 39_900_000))
    txs.append(_tx("coinjoin", seed, 60, cj_inputs, outputs))
    return txs, a


def load(seed: int) -> str:
    """Load the crypto demo; return a one-line summary."""
    with unit_of_work() as session:
        fr = demo_actor(session, "FR", Role.ANALYST)
        fr_bureau = demo_actor(session, "FR", Role.BUREAU_OFFICER)
        ma = demo_actor(session, "MA", Role.BUREAU_OFFICER)
        eg = demo_actor(session, "EG", Role.ANALYST)
        txs, a = operation(seed)
        imported = actions.do_import_ledger(session, fr, Parsed(txs=txs), "demo").new_transactions
        background = generate(2_000, owners=200, seed=seed)
        imported += actions.do_import_ledger(session, ma, Parsed(txs=background.txs), "demo").new_transactions
        tags = [
            (
                fr,
                TagIn(
                    address=a["ransom1"],
                    label="LockBit 3.0 affiliate, ransom address",
                    category="ransomware",
                    confidence=90,
                    source="FR C3N incident response",
                    actor="lockbit",
                    tlp="amber",
                ),
            ),
            (
                ma,
                TagIn(
                    address=a["exchange"],
                    label="Deposit address at a Casablanca exchange",
                    category="exchange",
                    confidence=100,
                    source="MA exchange subpoena",
                    tlp="amber",
                    visibility=Visibility.COUNTRIES,
                    shared_with=["FR", "EG", "DZ", "TN"],
                ),
            ),
            (
                eg,
                TagIn(
                    address=a["market"],
                    label="Vendor wallet on a darknet market",
                    category="darknet_market",
                    confidence=70,
                    source="EG cybercrime unit",
                    tlp="green",
                ),
            ),
        ]
        for actor, tag in tags:
            actions.do_add_tag(session, actor, tag)
        fr_subject = session.scalar(
            select(Entity.id).where(Entity.owner_country == "FR", Entity.schema == "Person").limit(1)
        )
        ma_subject = session.scalar(
            select(Entity.id).where(Entity.owner_country == "MA", Entity.schema == "Person").limit(1)
        )
        actions.do_add_wallet(
            session, ma, WalletIn(address=a["exchange"], label="Exchange account of the suspect", entity_id=ma_subject)
        )
        _, matches = actions.do_add_wallet(
            session, ma, WalletIn(address=a["phone"], label="Wallet on a phone seized in Tangier", entity_id=ma_subject)
        )
        actions.do_add_wallet(
            session,
            fr,
            WalletIn(address=a["ransom2"], label="Ransom address from the clinic's ransom note", entity_id=fr_subject),
        )
        actions.do_open_case_from_cluster(
            session,
            fr_bureau,
            CaseFromClusterIn(
                title="LockBit affiliate: ransom cash-out",
                address=a["ransom1"],
                summary=(
                    "Ransoms of three French victims consolidated, peeled and cashed out through an exchange in "
                    "Casablanca and a darknet market."
                ),
            ),
        )
    return f"{imported} crypto transactions, 3 tags, 3 wallets ({len(matches)} cross-match), 1 crypto case"
