"""Write path of crypto tracing: ledger imports (with clustering), tags, wallets, investigations, screening
hits and cases opened from a cluster. Every write appends its audit and outbox events; nothing commits."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.case.access import access_case_for_write
from manara.case.actions import do_open_case
from manara.case.models import Case
from manara.case.schemas import CaseIn
from manara.crypto import service
from manara.crypto.access import require_read, require_write
from manara.crypto.addresses import parse_address
from manara.crypto.heuristics import CONFIDENCE, UnionFind, is_coinjoin, merges_of
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
from manara.crypto.parse import Parsed, Tx, TxInput, TxOutput
from manara.crypto.schemas import (
    CaseFromClusterIn,
    ImportReportOut,
    InvestigationIn,
    InvestigationUpdate,
    TagIn,
    WalletIn,
)
from manara.crypto.tags import TagRead
from manara.db.base import Base, new_id, utcnow
from manara.entity.access import access_entity_by_id
from manara.entity.actions import make_placement
from manara.errors import Conflict, Forbidden, ValidationFailed
from manara.hit.actions import HitCandidate, do_raise_hit
from manara.identity import Actor, Perm
from manara.outbox.service import enqueue
from manara.visibility import Visibility, share_key

MAX_IMPORT_TXS = 200_000


def _table(model: type[Base]) -> Table:
    """The Core table of a model (bulk statements skip the ORM's per-row work)."""
    return cast(Table, model.__table__)


SPEND_FAMILY = {"p2sh-p2wpkh": "p2sh", "p2tr_keypath": "p2tr"}


ImportReport = ImportReportOut  # an import counts into the API's own shape


def _bad(message: str, errors: list[dict[str, str]]) -> ValidationFailed:
    return ValidationFailed(message, [{"field": e["position"], "message": e["error"]} for e in errors[:200]])


# --- ledger import -----------------------------------------------------------------------------------------


def _ensure_addresses(session: Session, chain: str, kinds: dict[str, str]) -> tuple[dict[str, int], int]:
    """Return ids of ``kinds``' addresses, inserting the new ones each as its own cluster; and how many are new."""
    ids = service.address_ids(session, chain, kinds)
    missing = [a for a in kinds if a not in ids]
    if missing:
        session.execute(
            insert(_table(CryptoAddress)),
            [{"chain": chain, "address": a, "script_type": kinds[a], "cluster_id": 0} for a in missing],
        )
        session.execute(update(CryptoAddress).where(CryptoAddress.cluster_id == 0).values(cluster_id=CryptoAddress.id))
        ids.update(service.address_ids(session, chain, missing))
    return ids, len(missing)


def _previous_outputs(
    session: Session, chain: str, outpoints: set[tuple[str, int]]
) -> dict[tuple[str, int], tuple[int | None, int]]:
    """Map stored outpoints (txid, n) to (address id, value)."""
    found: dict[tuple[str, int], tuple[int | None, int]] = {}
    txids = sorted({t for t, _ in outpoints})
    for part in service.chunks(txids):
        stmt = (
            select(CryptoTx.txid, CryptoOutput.n, CryptoOutput.address_id, CryptoOutput.value)
            .join(CryptoOutput, CryptoOutput.tx_id == CryptoTx.id)
            .where(CryptoTx.chain == chain, CryptoTx.txid.in_(part))
        )
        for txid, n, address_id, value in session.execute(stmt):
            if (txid, n) in outpoints:
                found[(txid, n)] = (address_id, value)
    return found


def _load_txs(session: Session, tx_ids: list[int]) -> dict[int, Tx]:
    """Rebuild stored transactions in the readers' shape (for clustering again after a backfill)."""
    ins, outs = service._tx_sides(session, tx_ids)
    texts = service.address_texts(
        session,
        [a for rows in ins.values() for _, a, _, _, _ in rows if a]
        + [a for rows in outs.values() for _, a, _ in rows if a],
    )
    kinds = {
        i: k
        for part in service.chunks(sorted(texts))
        for i, k in session.execute(
            select(CryptoAddress.id, CryptoAddress.script_type).where(CryptoAddress.id.in_(part))
        )
    }
    out = {}
    for tx_id in tx_ids:
        inputs = tuple(
            TxInput(p, v, texts.get(a) if a else None, value, kinds.get(a, "unknown") if a else "unknown")
            for _, a, value, p, v in sorted(ins.get(tx_id, []))
        )
        outputs = tuple(
            TxOutput(n, value, texts.get(a) if a else None, kinds.get(a, "nonstandard") if a else "nonstandard")
            for n, a, value in sorted(outs.get(tx_id, []))
        )
        out[tx_id] = Tx(str(tx_id), None, None, inputs, outputs)
    return out


def _merge_clusters(session: Session, pairs: list[tuple[int, int]]) -> None:
    """Merge the common-input clusters of each address pair (incremental: only the touched clusters move)."""
    if not pairs:
        return
    involved = {x for pair in pairs for x in pair}
    current = service._clusters(session, involved)
    uf = UnionFind()
    for a, b in pairs:
        uf.union(current[a], current[b])
    moves = []
    for group in uf.groups().values():
        if len(group) < 2:
            continue
        members = sorted(int(str(g)) for g in group)
        moves += [{"old": old, "root": members[0]} for old in members[1:]]
    if moves:
        table = _table(CryptoAddress)
        stmt = update(table).where(table.c.cluster_id == bindparam("old")).values(cluster_id=bindparam("root"))
        session.execute(stmt, moves)


def _resolve_inputs(session: Session, chain: str, new: list[Tx]) -> list[Tx]:
    """Complete inputs' addresses and values from previous outputs stored earlier or in this slice."""
    in_slice = {(t.txid, o.n): o for t in new for o in t.outputs}
    wanted = {(i.prev_txid, i.prev_vout) for t in new for i in t.inputs if (i.address is None or i.value is None)}
    stored = _previous_outputs(session, chain, {w for w in wanted if w not in in_slice})
    stored_texts = service.address_texts(session, [a for a, _ in stored.values() if a])
    known: dict[tuple[str, int], tuple[str | None, int]] = {k: (o.address, o.value) for k, o in in_slice.items()}
    known.update({k: (stored_texts.get(a) if a else None, v) for k, (a, v) in stored.items()})
    resolved: list[Tx] = []
    for t in new:
        inputs = []
        for i in t.inputs:
            address, value = known.get((i.prev_txid, i.prev_vout), (None, None))
            inputs.append(
                TxInput(
                    i.prev_txid,
                    i.prev_vout,
                    i.address or address,
                    i.value if i.value is not None else value,
                    i.spend_type,
                )
            )
        resolved.append(Tx(t.txid, t.block_height, t.block_time, tuple(inputs), t.outputs, t.is_coinbase, t.chain))
    return resolved


def _address_kinds(txs: list[Tx]) -> dict[str, str]:
    """Return every address of ``txs`` with its script type (outputs name it; spends imply it)."""
    kinds: dict[str, str] = {}
    for t in txs:
        for o in t.outputs:
            if o.address:
                kinds[o.address] = o.script_type
        for i in t.inputs:
            if i.address and i.address not in kinds:
                kinds[i.address] = SPEND_FAMILY.get(i.spend_type, i.spend_type)
    return kinds


def _store_txs(
    session: Session, chain: str, txs: list[Tx], ids: dict[str, int], coinjoin: dict[str, bool]
) -> dict[str, int]:
    """Insert transactions with their inputs and outputs; return their ids by txid."""
    now = utcnow()
    tx_rows = [
        {
            "chain": chain,
            "txid": t.txid,
            "block_height": t.block_height,
            "block_time": datetime.fromtimestamp(t.block_time, UTC) if t.block_time is not None else None,
            "n_inputs": len(t.inputs),
            "n_outputs": len(t.outputs),
            "is_coinbase": t.is_coinbase,
            "coinjoin": coinjoin[t.txid],
            "imported_at": now,
        }
        for t in txs
    ]
    for tx_part in service.chunks(tx_rows, 5000):
        session.execute(insert(_table(CryptoTx)), list(tx_part))
    tx_ids: dict[str, int] = {}
    for txid_part in service.chunks([t.txid for t in txs]):
        stmt = select(CryptoTx.txid, CryptoTx.id).where(CryptoTx.chain == chain, CryptoTx.txid.in_(txid_part))
        tx_ids.update(service.pairs(session.execute(stmt)))
    rows: list[dict[str, Any]] = [
        {
            "tx_id": tx_ids[t.txid],
            "n": o.n,
            "address_id": ids.get(o.address or ""),
            "script_type": o.script_type,
            "value": o.value,
        }
        for t in txs
        for o in t.outputs
    ]
    for out_part in service.chunks(rows, 5000):
        session.execute(insert(_table(CryptoOutput)), list(out_part))
    rows = [
        {
            "tx_id": tx_ids[t.txid],
            "n": n,
            "prev_txid": i.prev_txid,
            "prev_vout": i.prev_vout,
            "address_id": ids.get(i.address or ""),
            "spend_type": i.spend_type,
            "value": i.value,
        }
        for t in txs
        for n, i in enumerate(t.inputs)
    ]
    for in_part in service.chunks(rows, 5000):
        session.execute(insert(_table(CryptoInput)), list(in_part))
    return tx_ids


def do_import_ledger(
    session: Session, actor: Actor, parsed: Parsed, fmt: str, *, skip_bad: bool = False, complete_inputs: bool = True
) -> ImportReport:
    """Store a ledger slice idempotently, then cluster it incrementally.

    Bad records reject the whole import (nothing stored) unless ``skip_bad``; transactions already stored are
    counted and skipped. Inputs are completed from stored previous outputs (address, value), and inputs stored
    earlier are completed from the new outputs; the transactions whose inputs changed are clustered again.
    ``complete_inputs=False`` keeps only the addresses the spending data itself reveals (no completion).
    """
    require_write(actor)
    if parsed.errors and not skip_bad:
        raise _bad(f"{len(parsed.errors)} bad record(s): nothing stored", parsed.errors)
    if len(parsed.txs) > MAX_IMPORT_TXS:
        raise ValidationFailed(
            "too many transactions", [{"field": "file", "message": f"at most {MAX_IMPORT_TXS} per import"}]
        )
    report = ImportReport(
        format=fmt, transactions=len(parsed.txs), errors=parsed.errors[:200], skipped=len(parsed.errors)
    )
    chain = "btc"
    unique = list({t.txid: t for t in reversed(parsed.txs)}.values())[::-1]
    known: set[str] = set()
    for txid_part in service.chunks([t.txid for t in unique]):
        known.update(
            session.scalars(select(CryptoTx.txid).where(CryptoTx.chain == chain, CryptoTx.txid.in_(txid_part)))
        )
    new = [t for t in unique if t.txid not in known]
    report.known_transactions = len(parsed.txs) - len(new)
    report.new_transactions = len(new)
    if new:
        resolved = _resolve_inputs(session, chain, new) if complete_inputs else new
        kinds = _address_kinds(resolved)
        ids, report.addresses = _ensure_addresses(session, chain, kinds)
        coinjoin = {t.txid: is_coinjoin(t) for t in resolved}
        report.coinjoins = sum(coinjoin.values())
        tx_ids = _store_txs(session, chain, resolved, ids, coinjoin)
        touched = (
            _backfill_inputs(session, chain, [t.txid for t in resolved], set(tx_ids.values()))
            if complete_inputs
            else []
        )
        to_cluster: dict[int, Tx] = {tx_ids[t.txid]: t for t in resolved}
        for touched_part in service.chunks(touched):
            session.execute(delete(CryptoLink).where(CryptoLink.tx_id.in_(touched_part)))
        to_cluster.update(_load_txs(session, touched))
        report.links = _link(session, chain, to_cluster, ids)
    _audit_import(session, actor, report)
    return report


def _backfill_inputs(session: Session, chain: str, txids: list[str], new_ids: set[int]) -> list[int]:
    """Complete inputs stored earlier that spend the new outputs; return their transactions' ids."""
    touched: set[int] = set()
    for part in service.chunks(txids):
        stmt = select(
            CryptoInput.id,
            CryptoInput.tx_id,
            CryptoInput.prev_txid,
            CryptoInput.prev_vout,
            CryptoInput.address_id,
            CryptoInput.value,
        ).where(CryptoInput.prev_txid.in_(part))
        rows = [r for r in session.execute(stmt) if r[1] not in new_ids and (r[4] is None or r[5] is None)]
        if not rows:
            continue
        prev = _previous_outputs(session, chain, {(r[2], r[3]) for r in rows})
        for input_id, tx_id, p, v, address_id, value in rows:
            if (p, v) in prev:
                a_id, val = prev[(p, v)]
                session.execute(
                    update(CryptoInput)
                    .where(CryptoInput.id == input_id)
                    .values(address_id=address_id or a_id, value=value if value is not None else val)
                )
                touched.add(tx_id)
    return sorted(touched)


def _link(session: Session, chain: str, txs: dict[int, Tx], known: dict[str, int]) -> int:
    """Store the evidence links of ``txs`` and merge their common-input clusters; return the links stored."""
    merges = [(tx_id, m) for tx_id, t in txs.items() for m in merges_of(t)[1]]
    named = {x for _, m in merges for x in (m.a, m.b)}
    ids = {a: known[a] for a in named if a in known}
    ids.update(service.address_ids(session, chain, named - set(ids)))
    rows: list[dict[str, Any]] = list(
        {
            (ids[m.a], ids[m.b], tx_id, m.heuristic): {
                "a_id": ids[m.a],
                "b_id": ids[m.b],
                "tx_id": tx_id,
                "heuristic": m.heuristic,
                "confidence": m.confidence,
            }
            for tx_id, m in merges
            if m.a in ids and m.b in ids
        }.values()
    )
    for link_part in service.chunks(rows, 5000):
        session.execute(insert(_table(CryptoLink)), list(link_part))
    _merge_clusters(session, [(int(r["a_id"]), int(r["b_id"])) for r in rows if r["heuristic"] == "cioh"])
    return len(rows)


def _audit_import(session: Session, actor: Actor, report: ImportReport) -> None:
    counts = {k: v for k, v in vars(report).items() if k != "errors"}
    record(session, actor, AuditAction.CRYPTO_IMPORTED, target_type="crypto_ledger", extra=counts)
    enqueue(session, "crypto.imported", {"owner": actor.country, **counts}, country=actor.country)


# --- tags --------------------------------------------------------------------------------------------------


def do_import_tags(
    session: Session,
    actor: Actor,
    read: TagRead,
    fmt: str,
    *,
    visibility: Visibility = Visibility.ALL,
    shared_with: list[str] | None = None,
    tlp: str = "clear",
    skip_bad: bool = False,
) -> ImportReport:
    """Store tags read from a TagPack or an OFAC list as the actor's country's, idempotently."""
    require_write(actor)
    if read.errors and not skip_bad:
        raise _bad(f"{len(read.errors)} bad tag(s): nothing stored", read.errors)
    place = make_placement(session, actor, visibility, list(shared_with or []), None)
    existing: set[tuple[str, str, str, str]] = set()
    for part in service.chunks(sorted({t.address for t in read.tags})):
        stmt = select(CryptoTag.chain, CryptoTag.address, CryptoTag.label, CryptoTag.source).where(
            CryptoTag.owner_country == actor.country, CryptoTag.address.in_(part)
        )
        existing.update((a, b, c, d) for a, b, c, d in session.execute(stmt))
    now = utcnow()
    rows: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for t in read.tags:
        key = (t.chain, t.address, t.label, t.source)
        if key in existing or key in rows:
            continue
        rows[key] = {
            "id": new_id(),
            "chain": t.chain,
            "address": t.address,
            "label": t.label,
            "category": t.category,
            "confidence": t.confidence,
            "source": t.source,
            "actor": t.actor,
            "tlp": tlp,
            "owner_country": actor.country,
            "visibility": place.visibility.value,
            "shared_with": list(place.shared_with),
            "share_key": share_key(place.shared_with),
            "created_by": actor.user_id,
            "created_at": now,
            "updated_at": now,
        }
    for tag_part in service.chunks(list(rows.values()), 5000):
        session.execute(insert(_table(CryptoTag)), list(tag_part))
    report = ImportReport(
        format=fmt,
        tags=len(read.tags),
        new_tags=len(rows),
        skipped=read.skipped + len(read.errors),
        errors=read.errors[:200],
    )
    extra = {"format": fmt, "tags": report.tags, "new": report.new_tags, "skipped": report.skipped}
    record(session, actor, AuditAction.CRYPTO_TAGS_IMPORTED, target_type="crypto_tag", extra=extra)
    enqueue(session, "crypto.tags_imported", {"owner": actor.country, **extra}, country=actor.country)
    return report


def do_add_tag(session: Session, actor: Actor, data: TagIn) -> tuple[CryptoTag, list[dict[str, Any]]]:
    """Tag an address as your country's; the owners of other members' wallets in its cluster are told (hits)."""
    require_write(actor)
    address = parse_address(data.address, data.chain).text
    place = make_placement(session, actor, data.visibility, list(data.shared_with), None)
    dup = select(CryptoTag.id).where(
        CryptoTag.owner_country == actor.country,
        CryptoTag.chain == data.chain,
        CryptoTag.address == address,
        CryptoTag.label == data.label,
        CryptoTag.source == data.source,
    )
    if session.scalar(dup) is not None:
        raise Conflict("tag already recorded", address=address, label=data.label)
    tag = CryptoTag(
        chain=data.chain,
        address=address,
        label=data.label,
        category=data.category,
        confidence=data.confidence,
        source=data.source,
        actor=data.actor,
        tlp=data.tlp,
        owner_country=actor.country,
        visibility=place.visibility.value,
        shared_with=list(place.shared_with),
        share_key=share_key(place.shared_with),
        created_by=actor.user_id,
    )
    session.add(tag)
    session.flush()
    record(
        session,
        actor,
        AuditAction.CRYPTO_TAGGED,
        target_type="crypto_tag",
        target_ids=[tag.id],
        extra={"category": tag.category},
    )
    enqueue(
        session,
        "crypto.tagged",
        {"id": tag.id, "owner": actor.country, "category": tag.category},
        country=actor.country,
    )
    matches = _cross_match(session, actor, data.chain, address, kinds=("wallet",))
    return tag, matches


def do_delete_tag(session: Session, actor: Actor, tag: CryptoTag) -> None:
    """Delete one of your country's tags."""
    record(session, actor, AuditAction.CRYPTO_TAG_DELETED, target_type="crypto_tag", target_ids=[tag.id])
    enqueue(session, "crypto.tag_deleted", {"id": tag.id, "owner": actor.country}, country=actor.country)
    session.delete(tag)
    session.flush()


# --- wallets, screening, cross-matches -----------------------------------------------------------------------


def _fingerprint(chain: str, address: str) -> str:
    return hashlib.sha256(f"crypto:{chain}:{address}".encode()).hexdigest()


def _cross_match(
    session: Session, actor: Actor, chain: str, address: str, *, kinds: tuple[str, ...] = ("tag", "wallet")
) -> list[dict[str, Any]]:
    """Find other members' tags and wallets (visible to the actor) in ``address``'s cluster; raise a hit to
    each owner. Returns one match per record."""
    seed = service.address_row(session, chain, address)
    if seed is None:
        texts = [address]
    else:
        texts = service.cluster_addresses(session, service.cluster_of(session, seed))
    found: list[tuple[str, CryptoTag | CryptoWallet]] = []
    if "tag" in kinds:
        found += [("tag", t) for t in service.visible_tags_on(session, actor, chain, texts)]
    if "wallet" in kinds:
        found += [("wallet", w) for w in service.visible_wallets_on(session, actor, chain, texts)]
    matches = []
    for kind, rec in found:
        if rec.owner_country == actor.country:
            continue
        same = rec.address == address
        confidence = rec.confidence / 100 if isinstance(rec, CryptoTag) else 1.0
        score = round(confidence if same else confidence * CONFIDENCE["cioh"] * 0.9, 4)
        category = rec.category if isinstance(rec, CryptoTag) else "wallet"
        candidate = HitCandidate(
            target_type=f"crypto_{kind}",
            target_id=rec.id,
            owner_country=rec.owner_country,
            notice_type="crypto",
            algorithm="crypto-cluster-v1",
            score=score,
            threshold=0.0,
            features={"same_address": same, "category": category, "chain": chain},
            explanation=(
                f"{address} is the {kind}'s address"
                if same
                else f"{address} shares a common-input cluster with {rec.address}"
            ),
        )
        hit = do_raise_hit(
            session,
            actor,
            candidate,
            fingerprint=_fingerprint(chain, address),
            query={"chain": chain, "address": address},
        )
        matches.append(
            {
                "kind": kind,
                "record_id": rec.id,
                "owner_country": rec.owner_country,
                "address": rec.address,
                "category": category,
                "hit_id": hit.id if hit else None,
            }
        )
    return matches


def do_screen_wallet(session: Session, actor: Actor, chain: str, address: str) -> dict[str, Any]:
    """Screen a wallet against the network: other members' tags and wallets in its cluster raise hits."""
    require_read(actor)
    if not actor.can(Perm.SCREEN):
        raise Forbidden("this role may not screen")
    address = parse_address(address, chain).text
    matches = _cross_match(session, actor, chain, address)
    seed = service.address_row(session, chain, address)
    cluster = service.cluster_of(session, seed) if seed else None
    texts = service.cluster_addresses(session, cluster) if cluster else [address]
    cats = service.categories(service.visible_tags_on(session, actor, chain, texts))
    record(
        session,
        actor,
        AuditAction.CRYPTO_SCREENED,
        target_type="crypto_address",
        query={"chain": chain, "address": address},
        extra={"matches": len(matches)},
    )
    return {"chain": chain, "address": address, "cluster_size": len(texts), "matches": matches, "categories": cats}


def do_add_wallet(session: Session, actor: Actor, data: WalletIn) -> tuple[CryptoWallet, list[dict[str, Any]]]:
    """Report a wallet (FtM CryptoWallet) of a subject; it is cross-matched with the network at once."""
    require_write(actor)
    address = parse_address(data.address, data.chain).text
    if data.entity_id is not None:
        access_entity_by_id(session, actor, data.entity_id)
    if data.case_id is not None:
        access_case_for_write(session, actor, data.case_id)
    place = make_placement(session, actor, data.visibility, list(data.shared_with), data.review_date)
    dup = select(CryptoWallet.id).where(
        CryptoWallet.owner_country == actor.country, CryptoWallet.chain == data.chain, CryptoWallet.address == address
    )
    if session.scalar(dup) is not None:
        raise Conflict("wallet already reported", address=address)
    wallet = CryptoWallet(
        chain=data.chain,
        address=address,
        label=data.label,
        note=data.note,
        entity_id=data.entity_id,
        case_id=data.case_id,
        owner_country=actor.country,
        visibility=place.visibility.value,
        shared_with=list(place.shared_with),
        share_key=share_key(place.shared_with),
        review_date=place.review_date,
        created_by=actor.user_id,
    )
    session.add(wallet)
    session.flush()
    record(session, actor, AuditAction.CRYPTO_WALLET_ADDED, target_type="crypto_wallet", target_ids=[wallet.id])
    enqueue(session, "crypto.wallet_added", {"id": wallet.id, "owner": actor.country}, country=actor.country)
    matches = _cross_match(session, actor, data.chain, address)
    return wallet, matches


def do_delete_wallet(session: Session, actor: Actor, wallet: CryptoWallet) -> None:
    """Withdraw one of your country's wallets."""
    record(session, actor, AuditAction.CRYPTO_WALLET_DELETED, target_type="crypto_wallet", target_ids=[wallet.id])
    enqueue(session, "crypto.wallet_deleted", {"id": wallet.id, "owner": actor.country}, country=actor.country)
    session.delete(wallet)
    session.flush()


# --- investigations and cases ------------------------------------------------------------------------------


def do_open_investigation(session: Session, actor: Actor, data: InvestigationIn) -> CryptoInvestigation:
    """Open an investigation around a seed address with the heuristics switched on (CIOH by default)."""
    require_write(actor)
    address = parse_address(data.seed_address, data.chain).text
    if data.case_id is not None:
        access_case_for_write(session, actor, data.case_id)
    found = CryptoInvestigation(
        title=data.title,
        chain=data.chain,
        seed_address=address,
        heuristics=sorted(set(data.heuristics)),
        excluded_links=[],
        case_id=data.case_id,
        owner_country=actor.country,
        created_by=actor.user_id,
    )
    session.add(found)
    session.flush()
    record(
        session,
        actor,
        AuditAction.CRYPTO_INVESTIGATION_OPENED,
        target_type="crypto_investigation",
        target_ids=[found.id],
    )
    enqueue(session, "crypto.investigation_opened", {"id": found.id, "owner": actor.country}, country=actor.country)
    return found


def do_update_investigation(
    session: Session, actor: Actor, found: CryptoInvestigation, data: InvestigationUpdate
) -> CryptoInvestigation:
    """Switch heuristics on or off and undo or restore individual merges; the cluster is recomputed on read."""
    require_write(actor)
    if data.heuristics is not None:
        found.heuristics = sorted(set(data.heuristics))
    excluded = {int(x) for x in found.excluded_links} | set(data.exclude_links)
    excluded -= set(data.restore_links)
    found.excluded_links = [str(x) for x in sorted(excluded)]
    found.updated_at = utcnow()
    extra = {"heuristics": found.heuristics, "excluded": len(excluded)}
    record(
        session,
        actor,
        AuditAction.CRYPTO_INVESTIGATION_UPDATED,
        target_type="crypto_investigation",
        target_ids=[found.id],
        extra=extra,
    )
    enqueue(session, "crypto.investigation_updated", {"id": found.id, "owner": actor.country}, country=actor.country)
    return found


def do_open_case_from_cluster(
    session: Session, actor: Actor, data: CaseFromClusterIn
) -> tuple[Case, CryptoInvestigation]:
    """Open a case about a cluster: members whose visible tags or wallets sit in it are invited, your
    wallets' subjects are linked, and an investigation of the cluster is attached to the case."""
    require_write(actor)
    address = parse_address(data.address, data.chain).text
    seed = service.address_row(session, data.chain, address)
    texts = service.cluster_addresses(session, service.cluster_of(session, seed)) if seed else [address]
    tags = service.visible_tags_on(session, actor, data.chain, texts)
    wallets = service.visible_wallets_on(session, actor, data.chain, texts)
    invite = sorted(
        ({t.owner_country for t in tags} | {w.owner_country for w in wallets} | set(data.invite))
        - {actor.country, "ZZ"}
    )
    entity_ids = sorted({w.entity_id for w in wallets if w.owner_country == actor.country and w.entity_id})
    case = do_open_case(
        session,
        actor,
        CaseIn(
            title=data.title,
            summary=data.summary or f"Cluster of {address} ({len(texts)} addresses)",
            invite=invite,
            entity_ids=entity_ids[:50],
        ),
    )
    for wallet in wallets:
        if wallet.owner_country == actor.country and wallet.case_id is None:
            wallet.case_id = case.id
    found = do_open_investigation(
        session, actor, InvestigationIn(title=data.title, chain=data.chain, seed_address=address, case_id=case.id)
    )
    return case, found


# --- audited reads -----------------------------------------------------------------------------------------


def do_log_crypto_read(
    session: Session, actor: Actor, what: str, ids: list[str], query: dict[str, Any] | None = None
) -> None:
    """Audit a read of clusters, exposure, wallets or tags (personal data once tied to subjects)."""
    record(session, actor, AuditAction.CRYPTO_VIEWED, target_type=f"crypto_{what}", target_ids=ids[:200], query=query)
