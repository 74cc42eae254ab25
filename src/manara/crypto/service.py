"""Crypto queries: addresses, clusters with their evidence, tags carried by clusters, flows and exposure.
Reads only; never commits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from manara.crypto.access import tag_visibility_filter, wallet_visibility_filter
from manara.crypto.models import (
    CryptoAddress,
    CryptoInput,
    CryptoInvestigation,
    CryptoLink,
    CryptoOutput,
    CryptoTag,
    CryptoTx,
    CryptoWallet,
)
from manara.identity import Actor
from manara.pagination import Page, paginate

CHUNK = 500
MAX_CLUSTER = 5_000
MAX_EDGES = 2_000
MAX_FRONTIER = 5_000
T = TypeVar("T")


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """Yield slices of at most ``size`` (SQLite's bound-parameter limit)."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def pairs(result: Iterable[Any]) -> dict[Any, Any]:
    """Return the rows of a two-column query as a dict."""
    return {row[0]: row[1] for row in result}


def address_row(session: Session, chain: str, address: str) -> CryptoAddress | None:
    """Return the stored address, if any imported slice names it."""
    return session.scalars(
        select(CryptoAddress).where(CryptoAddress.chain == chain, CryptoAddress.address == address)
    ).first()


def address_texts(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """Map address ids to their text."""
    out: dict[int, str] = {}
    for part in chunks(sorted(set(ids))):
        out.update(
            pairs(session.execute(select(CryptoAddress.id, CryptoAddress.address).where(CryptoAddress.id.in_(part))))
        )
    return out


def address_ids(session: Session, chain: str, texts: Iterable[str]) -> dict[str, int]:
    """Map address texts to their ids (only the stored ones)."""
    out: dict[str, int] = {}
    for part in chunks(sorted(set(texts))):
        stmt = select(CryptoAddress.address, CryptoAddress.id).where(
            CryptoAddress.chain == chain, CryptoAddress.address.in_(part)
        )
        out.update(pairs(session.execute(stmt)))
    return out


# --- clusters ----------------------------------------------------------------------------------------------


@dataclass
class Cluster:
    """Address ids of one cluster under a set of heuristics, and the merges that made it."""

    seed_id: int
    cluster_id: int
    ids: list[int]
    truncated: bool
    heuristics: tuple[str, ...]
    links: list[CryptoLink] = field(default_factory=list)


def cluster_of(
    session: Session,
    seed: CryptoAddress,
    heuristics: Sequence[str] = ("cioh",),
    excluded: Sequence[int] = (),
    *,
    limit: int = MAX_CLUSTER,
) -> Cluster:
    """Return the cluster of ``seed``: common-input ownership by default (the stored ``cluster_id``); with
    other heuristics or undone merges, a walk over the evidence links that are switched on."""
    wanted = tuple(sorted(set(heuristics)))
    if wanted == ("cioh",) and not excluded:
        ids = list(
            session.scalars(
                select(CryptoAddress.id)
                .where(CryptoAddress.cluster_id == seed.cluster_id)
                .order_by(CryptoAddress.id)
                .limit(limit + 1)
            )
        )
        links = list(
            session.scalars(
                select(CryptoLink)
                .where(CryptoLink.a_id.in_(ids[:CHUNK]), CryptoLink.heuristic == "cioh")
                .order_by(CryptoLink.id)
                .limit(MAX_EDGES)
            )
        )
        return Cluster(seed.id, seed.cluster_id, ids[:limit], len(ids) > limit, wanted, links)
    skip = set(excluded)
    seen, frontier, links = {seed.id}, [seed.id], []
    while frontier and len(seen) <= limit:
        nxt: list[int] = []
        for part in chunks(frontier):
            stmt = select(CryptoLink).where(
                or_(CryptoLink.a_id.in_(part), CryptoLink.b_id.in_(part)), CryptoLink.heuristic.in_(wanted)
            )
            for link in session.scalars(stmt):
                if link.id in skip:
                    continue
                if len(links) < MAX_EDGES and all(link.id != other.id for other in links[-8:]):
                    links.append(link)
                for other in (link.a_id, link.b_id):
                    if other not in seen:
                        seen.add(other)
                        nxt.append(other)
        frontier = nxt
    links = list({link.id: link for link in links}.values())
    ids = sorted(seen)
    return Cluster(seed.id, min(ids), ids[:limit], len(ids) > limit, wanted, links)


def investigation_cluster(session: Session, investigation: CryptoInvestigation, seed: CryptoAddress) -> Cluster:
    """Return ``seed``'s cluster under an investigation's heuristics and undone merges."""
    return cluster_of(session, seed, investigation.heuristics, [int(x) for x in investigation.excluded_links])


def cluster_addresses(session: Session, cluster: Cluster) -> list[str]:
    """Return the cluster's addresses as text, in id order."""
    texts = address_texts(session, cluster.ids)
    return [texts[i] for i in cluster.ids if i in texts]


def evidence(session: Session, links: Sequence[CryptoLink]) -> list[dict[str, Any]]:
    """Describe each merge: both addresses, the transaction, the heuristic and its confidence."""
    texts = address_texts(session, [x for link in links for x in (link.a_id, link.b_id)])
    txids: dict[int, str] = {}
    for part in chunks(sorted({link.tx_id for link in links})):
        txids.update(pairs(session.execute(select(CryptoTx.id, CryptoTx.txid).where(CryptoTx.id.in_(part)))))
    return [
        {
            "link_id": link.id,
            "a": texts.get(link.a_id, ""),
            "b": texts.get(link.b_id, ""),
            "txid": txids.get(link.tx_id, ""),
            "heuristic": link.heuristic,
            "confidence": link.confidence,
        }
        for link in links
    ]


def visible_tags_on(session: Session, actor: Actor, chain: str, addresses: Sequence[str]) -> list[CryptoTag]:
    """Return the tags the actor may see on any of ``addresses``."""
    out: list[CryptoTag] = []
    for part in chunks(sorted(set(addresses))):
        stmt = select(CryptoTag).where(
            CryptoTag.chain == chain, CryptoTag.address.in_(part), tag_visibility_filter(actor)
        )
        out.extend(session.scalars(stmt))
    return sorted(out, key=lambda t: (-t.confidence, t.category, t.address))


def visible_wallets_on(session: Session, actor: Actor, chain: str, addresses: Sequence[str]) -> list[CryptoWallet]:
    """Return the wallets the actor may see among ``addresses``."""
    out: list[CryptoWallet] = []
    for part in chunks(sorted(set(addresses))):
        stmt = select(CryptoWallet).where(
            CryptoWallet.chain == chain, CryptoWallet.address.in_(part), wallet_visibility_filter(actor)
        )
        out.extend(session.scalars(stmt))
    return sorted(out, key=lambda w: (w.owner_country, w.address))


def categories(tags: Iterable[CryptoTag]) -> dict[str, int]:
    """Return the highest confidence per category among ``tags`` (a tag labels its whole cluster)."""
    out: dict[str, int] = {}
    for tag in tags:
        out[tag.category] = max(out.get(tag.category, 0), tag.confidence)
    return dict(sorted(out.items()))


def cluster_totals(session: Session, ids: Sequence[int]) -> tuple[int, int, int]:
    """Return (received, sent, transactions) of a cluster over the imported slices."""
    received = sent = 0
    txs: set[int] = set()
    for part in chunks(list(ids)):
        for tx_id, value in session.execute(
            select(CryptoOutput.tx_id, CryptoOutput.value).where(CryptoOutput.address_id.in_(part))
        ):
            received += value
            txs.add(tx_id)
        for tx_id, spent in session.execute(
            select(CryptoInput.tx_id, CryptoInput.value).where(CryptoInput.address_id.in_(part))
        ):
            sent += spent or 0
            txs.add(tx_id)
    return received, sent, len(txs)


def cluster_summary(session: Session, actor: Actor, chain: str, address: str) -> dict[str, Any] | None:
    """A cluster's summary for assessments: size, categories with confidence, members that know it, totals."""
    seed = address_row(session, chain, address)
    if seed is None:
        return None
    cluster = cluster_of(session, seed)
    texts = cluster_addresses(session, cluster)
    tags = visible_tags_on(session, actor, chain, texts)
    wallets = visible_wallets_on(session, actor, chain, texts)
    received, sent, n_tx = cluster_totals(session, cluster.ids)
    return {
        "chain": chain,
        "address": address,
        "size": len(cluster.ids),
        "truncated": cluster.truncated,
        "categories": categories(tags),
        "known_to": sorted({t.owner_country for t in tags} | {w.owner_country for w in wallets}),
        "received": received,
        "sent": sent,
        "tx_count": n_tx,
    }


# --- flows and exposure ------------------------------------------------------------------------------------


@dataclass
class Flow:
    """One traced flow edge."""

    source: int
    target: int
    amount: int
    tx_id: int
    hop: int


@dataclass
class Exposure:
    """Traced flows and exposure per category (direct: one hop; indirect: more)."""

    direct: dict[str, int]
    indirect: dict[str, int]
    total: int
    edges: list[Flow]
    node_tags: dict[int, list[str]]
    truncated: bool


def _tagged_clusters(session: Session, actor: Actor, chain: str, cluster_ids: set[int]) -> dict[int, set[str]]:
    """Map cluster ids to the categories of the tags the actor may see on any of their addresses."""
    out: dict[int, set[str]] = defaultdict(set)
    for part in chunks(sorted(cluster_ids)):
        stmt = (
            select(CryptoAddress.cluster_id, CryptoTag.category)
            .join(CryptoTag, (CryptoTag.chain == CryptoAddress.chain) & (CryptoTag.address == CryptoAddress.address))
            .where(CryptoAddress.chain == chain, CryptoAddress.cluster_id.in_(part), tag_visibility_filter(actor))
        )
        for cluster_id, category in session.execute(stmt):
            out[cluster_id].add(category)
    return out


def _clusters(session: Session, ids: Iterable[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for part in chunks(sorted(set(ids))):
        out.update(
            pairs(session.execute(select(CryptoAddress.id, CryptoAddress.cluster_id).where(CryptoAddress.id.in_(part))))
        )
    return out


def _tx_sides(
    session: Session, tx_ids: Sequence[int]
) -> tuple[dict[int, list[tuple[int, int | None, int | None, str, int]]], dict[int, list[tuple[int, int | None, int]]]]:
    """Return inputs (n, address_id, value, prev_txid, prev_vout) and outputs (n, address_id, value) per tx."""
    ins: dict[int, list[tuple[int, int | None, int | None, str, int]]] = defaultdict(list)
    outs: dict[int, list[tuple[int, int | None, int]]] = defaultdict(list)
    for part in chunks(sorted(set(tx_ids))):
        for tx_id, n, addr, value, prev, vout in session.execute(
            select(
                CryptoInput.tx_id,
                CryptoInput.n,
                CryptoInput.address_id,
                CryptoInput.value,
                CryptoInput.prev_txid,
                CryptoInput.prev_vout,
            ).where(CryptoInput.tx_id.in_(part))
        ):
            ins[tx_id].append((n, addr, value, prev, vout))
        for tx_id, n, addr, value in session.execute(
            select(CryptoOutput.tx_id, CryptoOutput.n, CryptoOutput.address_id, CryptoOutput.value).where(
                CryptoOutput.tx_id.in_(part)
            )
        ):
            outs[tx_id].append((n, addr, value))
    return ins, outs


def _denominator(
    ins: list[tuple[int, int | None, int | None, str, int]], outs: list[tuple[int, int | None, int]]
) -> int:
    """Total value entering a transaction: the inputs' when all are known, else the outputs' (fee unknown)."""
    if ins and all(v is not None for _, _, v, _, _ in ins):
        return sum(v or 0 for _, _, v, _, _ in ins) or 1
    return sum(v for _, _, v in outs) or 1


Inputs = list[tuple[int, int | None, int | None, str, int]]
Outputs = list[tuple[int, int | None, int]]
Frontier = dict[int, list[tuple[int, int]]]  # tx id -> (address id on the traced side, traced amount or -1)
Move = tuple[int, int, int, int, tuple[str, int]]  # tx, traced-side address, other address, amount, next key


def _start(session: Session, own: set[int], direction: str) -> Frontier:
    """The transactions where the cluster spends (forward) or receives (backward)."""
    frontier: Frontier = defaultdict(list)
    side = CryptoInput if direction == "forward" else CryptoOutput
    for part in chunks(sorted(own)):
        stmt = select(side.tx_id, side.address_id, side.value).where(side.address_id.in_(part))
        for tx_id, addr, value in session.execute(stmt):
            frontier[tx_id].append((addr or 0, -1 if value is None else value))
    return frontier


def _moves(
    frontier: Frontier, ins: dict[int, Inputs], outs: dict[int, Outputs], own: set[int], direction: str
) -> list[Move]:
    """Split each frontier transaction's traced share over its outputs (forward) or inputs (backward)."""
    moves: list[Move] = []
    for tx_id, entries in frontier.items():
        tx_in, tx_out = ins.get(tx_id, []), outs.get(tx_id, [])
        denom = _denominator(tx_in, tx_out)
        width = max(len(tx_in) if direction == "forward" else len(tx_out), 1)
        share = min(1.0, sum(a if a >= 0 else denom // width for _, a in entries) / denom)
        ours = entries[0][0]
        if direction == "forward":
            txid = f"#{tx_id}"
            moves += [
                (tx_id, ours, addr, int(value * share), (txid, n))
                for n, addr, value in tx_out
                if addr and addr not in own
            ]
        else:
            for _, addr, value, prev, vout in tx_in:
                if addr is None or addr not in own:
                    amount = int((value if value is not None else denom / max(len(tx_in), 1)) * share)
                    moves.append((tx_id, ours, addr or 0, amount, (prev, vout)))
    return moves


def _next_frontier(
    session: Session, chain: str, direction: str, follow: dict[tuple[str, int], tuple[int, int]]
) -> Frontier:
    """The transactions that spend the traced outputs (forward) or created the traced inputs (backward)."""
    frontier: Frontier = defaultdict(list)
    if not follow:
        return frontier
    if direction == "forward":
        txids = dict(_txids(session, {int(t[1:]) for t, _ in follow}))
        wanted = {(txids[int(t[1:])], n): v for (t, n), v in follow.items() if int(t[1:]) in txids}
        for txid_part in chunks(sorted({t for t, _ in wanted})):
            stmt = select(CryptoInput.tx_id, CryptoInput.prev_txid, CryptoInput.prev_vout).where(
                CryptoInput.prev_txid.in_(txid_part)
            )
            for spender, prev, vout in session.execute(stmt):
                if (prev, vout) in wanted:
                    frontier[spender].append(wanted[(prev, vout)])
        return frontier
    by_txid: dict[str, int] = {}
    for txid_part in chunks(sorted({p for p, _ in follow})):
        stmt2 = select(CryptoTx.txid, CryptoTx.id).where(CryptoTx.chain == chain, CryptoTx.txid.in_(txid_part))
        by_txid.update(pairs(session.execute(stmt2)))
    for (prev, _vout), entry in follow.items():
        if prev in by_txid:
            frontier[by_txid[prev]].append(entry)
    return frontier


def trace(session: Session, actor: Actor, chain: str, members: Sequence[int], *, direction: str, hops: int) -> Exposure:
    """Trace value from (forward) or to (backward) a cluster over ``hops`` transactions, by haircut.

    Haircut: a transaction passes on the share of its value that came from the traced flow, to every output
    (forward) or from every input (backward) in proportion to value. A flow that reaches a cluster carrying a
    tag the actor may see is attributed to its categories and not followed further; flows back into the
    traced cluster are not followed. Direct exposure is the first hop's, indirect the later hops'.
    """
    own = set(members)
    seed_clusters = set(_clusters(session, own).values())
    found = Exposure({}, {}, 0, [], {}, False)
    exposure: list[dict[str, int]] = [defaultdict(int), defaultdict(int)]
    frontier = _start(session, own, direction)
    for hop in range(1, hops + 1):
        if not frontier:
            break
        if len(frontier) > MAX_FRONTIER:
            found.truncated = True
            frontier = dict(sorted(frontier.items())[:MAX_FRONTIER])
        ins, outs = _tx_sides(session, list(frontier))
        moves = _moves(frontier, ins, outs, own, direction)
        cluster_map = _clusters(session, [m[2] for m in moves if m[2]])
        tagged = _tagged_clusters(session, actor, chain, set(cluster_map.values()))
        follow: dict[tuple[str, int], tuple[int, int]] = {}
        for tx_id, ours, other, amount, key in moves:
            if amount <= 0:
                continue
            cats = tagged.get(cluster_map.get(other, -1), set())
            if len(found.edges) < MAX_EDGES:
                src, dst = (ours, other) if direction == "forward" else (other, ours)
                found.edges.append(Flow(src, dst, amount, tx_id, hop))
            found.truncated |= len(found.edges) >= MAX_EDGES
            found.total += amount if hop == 1 else 0
            for cat in cats:
                exposure[hop > 1][cat] += amount
            if cats:
                found.node_tags[other] = sorted(cats)
            elif other and cluster_map.get(other) not in seed_clusters:
                follow[key] = (other, amount)
        frontier = _next_frontier(session, chain, direction, follow)
    found.direct, found.indirect = dict(exposure[0]), dict(exposure[1])
    return found


def _txids(session: Session, ids: Iterable[int]) -> Iterator[tuple[int, str]]:
    for part in chunks(sorted(set(ids))):
        yield from session.execute(select(CryptoTx.id, CryptoTx.txid).where(CryptoTx.id.in_(part)))


def tx_info(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, datetime | None]]:
    """Map transaction ids to (txid, block time)."""
    out: dict[int, tuple[str, datetime | None]] = {}
    for part in chunks(sorted(set(ids))):
        for tx_id, txid, time in session.execute(
            select(CryptoTx.id, CryptoTx.txid, CryptoTx.block_time).where(CryptoTx.id.in_(part))
        ):
            out[tx_id] = (txid, time)
    return out


def exposure_report(
    session: Session,
    actor: Actor,
    chain: str,
    seed: CryptoAddress,
    *,
    direction: str,
    hops: int,
    cluster: Cluster | None = None,
) -> dict[str, Any]:
    """Trace and describe: the shape of ``ExposureOut``."""
    cluster = cluster or cluster_of(session, seed)
    found = trace(session, actor, chain, cluster.ids, direction=direction, hops=hops)
    texts = address_texts(session, [x for e in found.edges for x in (e.source, e.target)] + list(found.node_tags))
    txs = tx_info(session, [e.tx_id for e in found.edges])
    return {
        "chain": chain,
        "seed": seed.address,
        "direction": direction,
        "hops": hops,
        "method": "haircut",
        "direct": dict(sorted(found.direct.items())),
        "indirect": dict(sorted(found.indirect.items())),
        "total": found.total,
        "edges": [
            {
                "source": texts.get(e.source, "?"),
                "target": texts.get(e.target, "?"),
                "amount": e.amount,
                "txid": txs.get(e.tx_id, ("", None))[0],
                "time": txs.get(e.tx_id, ("", None))[1],
                "hop": e.hop,
            }
            for e in found.edges
        ],
        "node_tags": {texts.get(k, "?"): v for k, v in found.node_tags.items()},
        "truncated": found.truncated,
    }


# --- lists -------------------------------------------------------------------------------------------------


def list_tags(
    session: Session, actor: Actor, *, category: str | None, own: bool, page: int, page_size: int
) -> Page[CryptoTag]:
    """Return a page of the tags the actor may see."""
    stmt = select(CryptoTag).where(tag_visibility_filter(actor))
    if category:
        stmt = stmt.where(CryptoTag.category == category)
    if own:
        stmt = stmt.where(CryptoTag.owner_country == actor.country)
    return paginate(session, stmt.order_by(CryptoTag.created_at.desc(), CryptoTag.id), page=page, page_size=page_size)


def list_wallets(session: Session, actor: Actor, *, own: bool, page: int, page_size: int) -> Page[CryptoWallet]:
    """Return a page of the wallets the actor may see."""
    stmt = select(CryptoWallet).where(wallet_visibility_filter(actor))
    if own:
        stmt = stmt.where(CryptoWallet.owner_country == actor.country)
    return paginate(
        session, stmt.order_by(CryptoWallet.created_at.desc(), CryptoWallet.id), page=page, page_size=page_size
    )


def list_investigations(session: Session, actor: Actor) -> Sequence[CryptoInvestigation]:
    """Return the actor's country's investigations, newest first."""
    stmt = select(CryptoInvestigation).where(CryptoInvestigation.owner_country == actor.country)
    return session.scalars(stmt.order_by(CryptoInvestigation.created_at.desc()).limit(200)).all()


def ledger_counts(session: Session) -> dict[str, int]:
    """Return how many transactions, addresses and merges the imported slices hold."""
    return {
        "transactions": session.scalar(select(func.count()).select_from(CryptoTx)) or 0,
        "addresses": session.scalar(select(func.count()).select_from(CryptoAddress)) or 0,
        "links": session.scalar(select(func.count()).select_from(CryptoLink)) or 0,
        "coinjoins": session.scalar(select(func.count()).select_from(CryptoTx).where(CryptoTx.coinjoin.is_(True))) or 0,
    }


def wallet_ftm(wallet: CryptoWallet, holder_entity_id: str | None = None) -> dict[str, Any]:
    """Return the wallet as a FollowTheMoney ``CryptoWallet`` entity."""
    props: dict[str, list[str]] = {
        "publicKey": [wallet.address],
        "currency": [wallet.chain.upper()],
        "country": [wallet.owner_country.lower()],
    }
    if wallet.label:
        props["summary"] = [wallet.label]
    if holder_entity_id:
        props["holder"] = [holder_entity_id]
    return {"id": f"crypto-wallet-{wallet.id}", "schema": "CryptoWallet", "properties": props}
