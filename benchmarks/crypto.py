"""Benchmark of crypto tracing (issue 14), each part beside an anchor measured in the same run:
1. Real blocks (``../shared/data/crypto/btc-mainnet-blocks``, skipped when absent): each block is read with
   python-bitcoinlib, stored and clustered through ``do_import_ledger`` in a fresh SQLite database (with
   ``complete_inputs=False``: the manifest counts only the input addresses the spends reveal, while an import
   normally also completes inputs from earlier outputs of the slice); the common-input clusters are compared
   with the manifest's. The stored clusters never merge CoinJoin-shaped
   transactions; adding back exactly the merges that guard refused must give the manifest's figures. Anchor:
   an in-memory union-find over the same parsed block (what the manifest's stdlib parser does).
2. OFAC: the OFAC XBT list imported as tags, block 629999 screened: the listed address it pays is found.
3. Synthetic ledger with known owners: N transactions ingested and clustered in batches (time, peak memory).
   Anchor: an in-memory union-find over the same transactions. Then 3-hop exposure queries (p50/p95) on the
   stored graph, anchored by a single-address lookup; and the precision of each change heuristic.

    .venv/bin/python benchmarks/crypto.py [--quick] [--txs N]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import shared_path  # noqa: E402

from manara.crypto import actions, service  # noqa: E402
from manara.crypto.heuristics import CHANGE_HEURISTICS, UnionFind, change_output, input_addresses, is_coinjoin  # noqa: E402
from manara.crypto.models import CryptoAddress, CryptoInput, CryptoTx  # noqa: E402
from manara.crypto.parse import Parsed, Tx, read_raw_block  # noqa: E402
from manara.crypto.synthetic import generate  # noqa: E402
from manara.crypto.tags import read_ofac  # noqa: E402
from manara.db.migrate import upgrade  # noqa: E402
from manara.db.session import make_engine  # noqa: E402
from manara.identity import Actor, Role  # noqa: E402
from manara.member import actions as member_actions  # noqa: E402

BLOCKS = shared_path("data", "crypto", "btc-mainnet-blocks")
OFAC = shared_path("data", "crypto", "ofac-sdn-addresses", "sanctioned_addresses_XBT.txt")


def fresh_db(name: str) -> tuple[Any, Actor]:
    """A migrated SQLite database with one analyst of FR; return (engine, actor)."""
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / name}"
    upgrade(url)
    engine = make_engine(url)
    system = Actor(user_id="bench", username="bench", country="ZZ", role=Role.ADMINISTRATOR)
    with Session(engine) as session, session.begin():
        member_actions.do_create_member(session, "FR", acting=system)
        user = member_actions.do_create_user(session, "fr.analyst", country="FR", role=Role.ANALYST, acting=system)
        actor = Actor(user_id=user.id, username=user.username, country="FR", role=Role.ANALYST)
    return engine, actor


def memory_clusters(txs: list[Tx], *, guard: bool) -> tuple[int, int, int]:
    """Anchor: (input addresses, clusters, largest) by union-find in memory."""
    uf = UnionFind()
    for t in txs:
        ins = input_addresses(t)
        for a in ins:
            uf.find(a)
        if guard and is_coinjoin(t):
            continue
        for a in ins[1:]:
            uf.union(ins[0], a)
    groups = uf.groups()
    return len(uf.parent), len(groups), max((len(g) for g in groups.values()), default=0)


def stored_clusters(session: Session, refused: list[Tx]) -> tuple[int, int, int, int]:
    """(input addresses, clusters, largest) from the database, and the clusters once the refused merges are added."""
    stmt = (
        select(CryptoAddress.address, CryptoAddress.cluster_id)
        .join(CryptoInput, CryptoInput.address_id == CryptoAddress.id)
        .distinct()
    )
    rows = dict(session.execute(stmt).all())
    sizes: dict[int, int] = {}
    for cluster in rows.values():
        sizes[cluster] = sizes.get(cluster, 0) + 1
    uf = UnionFind()
    for address, cluster in rows.items():
        uf.union(("c", cluster), ("a", address))
    for t in refused:
        ins = input_addresses(t)
        for a in ins[1:]:
            uf.union(("a", ins[0]), ("a", a))
    merged = {uf.find(("a", a)) for a in rows}
    return len(rows), len(sizes), max(sizes.values(), default=0), len(merged)


def part_blocks() -> None:
    print("## 1. real blocks: common-input clusters against the manifest")
    if not (BLOCKS / "manifest.json").exists():
        print(f"skipped: {BLOCKS} not found")
        return
    manifest = json.loads((BLOCKS / "manifest.json").read_text())
    print(
        "| block | txs | ingest+cluster s | tx/s | anchor s | input addresses | clusters (guarded) | largest "
        "| + refused CoinJoin merges | manifest | exact |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for m in manifest:
        data = (BLOCKS / m["file"]).read_bytes()
        t0 = time.perf_counter()
        anchor_parsed = read_raw_block(data)
        anchor = memory_clusters(anchor_parsed.txs, guard=False)
        anchor_s = time.perf_counter() - t0
        engine, actor = fresh_db(f"block{m['height']}.db")
        t0 = time.perf_counter()
        parsed = read_raw_block(data)
        with Session(engine) as session, session.begin():
            report = actions.do_import_ledger(session, actor, parsed, "raw-block", complete_inputs=False)
        took = time.perf_counter() - t0
        refused = [t for t in parsed.txs if is_coinjoin(t)]
        with Session(engine) as session:
            n_addr, n_clusters, largest, with_refused = stored_clusters(session, refused)
        want = (m["n_distinct_input_addresses"], m["n_cioh_clusters"], m["largest_cioh_cluster"])
        exact = (n_addr, with_refused) == want[:2] and anchor == want
        print(
            f"| {m['height']} | {report.new_transactions:,} | {took:.2f} | {report.new_transactions / took:,.0f} "
            f"| {anchor_s:.2f} "
            f"| {n_addr:,} | {n_clusters:,} | {largest} | {with_refused:,} ({len(refused)} CoinJoin) "
            f"| {want[0]:,} / {want[1]:,} / {want[2]} | {'yes' if exact else 'NO'} |"
        )
        if m["height"] == 629999 and OFAC.exists():
            part_ofac(engine, actor)
        engine.dispose()


def part_ofac(engine: Any, actor: Actor) -> None:
    listed = read_ofac(OFAC.read_text(encoding="utf-8"))
    with Session(engine) as session, session.begin():
        actions.do_import_tags(session, actor, listed, "ofac", skip_bad=True)
        t0 = time.perf_counter()
        addresses = list(session.scalars(select(CryptoAddress.address)))
        hits = service.visible_tags_on(session, actor, "btc", addresses)
        took = time.perf_counter() - t0
        found = sorted({t.address for t in hits})
        seed = service.address_row(session, "btc", found[0]) if found else None
        payer_exposure: dict[str, int] = {}
        if seed is not None:
            back = service.exposure_report(session, actor, "btc", seed, direction="backward", hops=1)
            payer_exposure = {e["source"]: e["amount"] for e in back["edges"]}
    print(
        f"\n## 2. OFAC: {len(listed.tags)} listed XBT addresses ({len(listed.errors)} refused by position: "
        f"{listed.errors[:1]}); block 629999 screened ({len(addresses):,} addresses) in {took * 1000:.0f} ms: "
        f"found {found}; paid by {payer_exposure}\n"
    )


def part_synthetic(n_txs: int, batch: int, queries: int) -> None:
    print(f"## 3. synthetic ledger: {n_txs:,} transactions with known owners, batches of {batch:,}")
    t0 = time.perf_counter()
    ledger = generate(n_txs, owners=max(200, n_txs // 100), seed=14)
    gen_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    anchor = memory_clusters(ledger.txs, guard=True)
    anchor_s = time.perf_counter() - t0
    engine, actor = fresh_db("synthetic.db")
    t0 = time.perf_counter()
    for start in range(0, len(ledger.txs), batch):
        with Session(engine) as session, session.begin():
            actions.do_import_ledger(session, actor, Parsed(txs=ledger.txs[start : start + batch]), "synthetic")
    took = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with Session(engine) as session:
        stored = session.scalar(select(func.count()).select_from(CryptoTx)) or 0
        clusters = (
            session.scalar(
                select(func.count(func.distinct(CryptoAddress.cluster_id))).join(
                    CryptoInput, CryptoInput.address_id == CryptoAddress.id
                )
            )
            or 0
        )
    print(
        f"generated in {gen_s:.1f} s; stored and clustered {stored:,} transactions in {took:.1f} s "
        f"({stored / took:,.0f} tx/s, peak RSS {peak:,.0f} MB); {clusters:,} clusters of input addresses "
        f"(anchor in memory: {anchor[1]:,} clusters in {anchor_s:.1f} s)"
    )
    # tag 1% of addresses (categories at random), then 3-hop exposure from random addresses
    rng = random.Random(14)  # noqa: S311
    with Session(engine) as session, session.begin():
        addresses = list(session.scalars(select(CryptoAddress.address)))
        from manara.crypto.tags import TagCandidate, TagRead

        cats = ("sanctions", "ransomware", "exchange", "darknet_market", "mixer", "scam")
        tags = [
            TagCandidate("btc", a, "bench", rng.choice(cats), 50, "bench")
            for a in rng.sample(addresses, len(addresses) // 100)
        ]
        actions.do_import_tags(session, actor, TagRead(tags=tags), "bench")
    seeds = rng.sample(addresses, queries)
    lat, base = [], []
    with Session(engine) as session:
        for a in seeds:
            t0 = time.perf_counter()
            row = service.address_row(session, "btc", a)
            base.append(time.perf_counter() - t0)
            assert row is not None
            t0 = time.perf_counter()
            service.exposure_report(session, actor, "btc", row, direction="forward", hops=3)
            lat.append(time.perf_counter() - t0)
    p = statistics.quantiles(lat, n=20)
    print(
        f"3-hop forward exposure over {queries} random addresses: p50 {statistics.median(lat) * 1000:.0f} ms, "
        f"p95 {p[18] * 1000:.0f} ms (anchor, one address lookup: "
        f"p95 {statistics.quantiles(base, n=20)[18] * 1000:.2f} ms)"
    )
    print("\nprecision of each change heuristic (the change output it names belongs to the payer):")
    print("| heuristic | transactions named | precision |")
    print("|---|---|---|")
    for h in CHANGE_HEURISTICS:
        named = right = 0
        for t in ledger.txs:
            change = change_output(t, h)
            if change is None:
                continue
            named += 1
            right += ledger.owner[change] == ledger.owner[input_addresses(t)[0]]
        print(f"| {h} | {named:,} | {right / named:.3f} |" if named else f"| {h} | 0 | — |")
    detected = sum(is_coinjoin(t) for t in ledger.txs)
    true = sum(is_coinjoin(t) for t in ledger.txs if t.txid in ledger.coinjoins)
    print(f"\nCoinJoin rounds generated {len(ledger.coinjoins):,}; detected {detected:,} ({true:,} of them real)")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="20,000 synthetic transactions, 50 queries")
    parser.add_argument("--txs", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=50_000)
    args = parser.parse_args()
    n = 20_000 if args.quick else args.txs
    part_blocks()
    part_synthetic(n, min(args.batch, n), 50 if args.quick else 200)


if __name__ == "__main__":
    main()
