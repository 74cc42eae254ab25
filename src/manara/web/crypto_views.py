"""Console pages of crypto tracing: look up an address, a cluster with the evidence of every merge, tags and
wallets, exposure drawn as a flow graph, imports, screening a wallet, and a case opened from a cluster. Same
access rules and write path as the API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from manara.api.deps import DbSession
from manara.crypto import actions, service
from manara.crypto.access import access_investigation_by_id, require_read
from manara.crypto.addresses import parse_address
from manara.crypto.models import HEURISTICS, TAG_CATEGORIES, CryptoAddress
from manara.crypto.parse import FORMATS, read
from manara.crypto.schemas import CaseFromClusterIn, InvestigationIn, InvestigationUpdate, TagIn, WalletIn
from manara.crypto.tags import read_ofac, read_tagpack
from manara.errors import Conflict, Forbidden, NotFound, PayloadTooLarge, ValidationFailed
from manara.identity import Actor, Perm
from manara.settings import get_settings
from manara.tlp import TLP_VALUES
from manara.web.deps import ConsoleActor, CsrfChecked
from manara.web.render import page

router = APIRouter()
Line = Annotated[str, Form(max_length=500)]
REFUSED = (ValidationFailed, Conflict, Forbidden, PayloadTooLarge, NotFound)
CHAINS = ("btc", "eth", "trx")


def btc(value: int | None) -> str:
    """Format satoshis as bitcoin (eight decimals)."""
    return "" if value is None else f"{value / 100_000_000:.8f}"


def _to(path: str) -> Response:
    return RedirectResponse(path, status_code=303)


def _messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return [f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors()]
    assert isinstance(exc, REFUSED)
    details = [f"{e.get('field', '')}: {e.get('message', '')}" for e in exc.data.get("errors") or []]
    return [exc.message, *details[:20]]


def _index(request: Request, session: DbSession, actor: Actor, *, status: int = 200, **extra: Any) -> Response:
    require_read(actor)
    tags = service.list_tags(session, actor, category=None, own=False, page=1, page_size=50)
    wallets = service.list_wallets(session, actor, own=False, page=1, page_size=50)
    actions.do_log_crypto_read(session, actor, "wallet", [w.id for w in wallets.items], {"page": "console"})
    context: dict[str, Any] = {
        "counts": service.ledger_counts(session),
        "tags": tags,
        "wallets": wallets,
        "investigations": service.list_investigations(session, actor)[:20],
        "categories": TAG_CATEGORIES,
        "tlps": TLP_VALUES,
        "formats": FORMATS,
        "chains": CHAINS,
        "may_write": actor.can(Perm.CRYPTO_WRITE),
        "errors": [],
        "notice": None,
        "form": {},
        "btc": btc,
    }
    context.update(extra)
    return page(request, "crypto/index.html", status=status, **context)


@router.get("/crypto")
def index(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Look up an address; the imported slices, tags, wallets and investigations the user may see."""
    return _index(request, session, actor)


@router.get("/crypto/lookup")
def lookup(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    address: Annotated[str, Query(max_length=200)] = "",
    chain: Annotated[str, Query(max_length=8)] = "btc",
) -> Response:
    """Validate an address and open its cluster (or say why not)."""
    require_read(actor)
    try:
        found = parse_address(address, chain if chain in CHAINS else None)
    except ValidationFailed as exc:
        return _index(request, session, actor, status=422, errors=_messages(exc), form={"address": address})
    if service.address_row(session, found.chain, found.text) is None:
        notice = "not_seen"
        return _index(request, session, actor, status=404, notice=notice, form={"address": found.text, "found": found})
    return _to(f"/console/crypto/cluster/{found.chain}/{found.text}")


def _seed(session: DbSession, actor: Actor, chain: str, address: str) -> CryptoAddress:
    require_read(actor)
    if chain not in CHAINS:
        raise NotFound("crypto_address", address)
    seed = service.address_row(session, chain, address)
    if seed is None:
        raise NotFound("crypto_address", address)
    return seed


@router.get("/crypto/cluster/{chain}/{address}")
def cluster_page(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    chain: str,
    address: str,
    investigation: Annotated[str | None, Query(max_length=36)] = None,
) -> Response:
    """A cluster: addresses, the evidence of every merge, tags (a tag labels its cluster) and wallets."""
    seed = _seed(session, actor, chain, address)
    found = access_investigation_by_id(session, actor, investigation) if investigation else None
    cluster = service.investigation_cluster(session, found, seed) if found else service.cluster_of(session, seed)
    texts = service.cluster_addresses(session, cluster)
    tags = service.visible_tags_on(session, actor, chain, texts)
    wallets = service.visible_wallets_on(session, actor, chain, texts)
    received, sent, n_tx = service.cluster_totals(session, cluster.ids)
    actions.do_log_crypto_read(session, actor, "cluster", [seed.address], {"size": len(texts)})
    return page(
        request,
        "crypto/cluster.html",
        seed=seed,
        cluster=cluster,
        addresses=texts[:500],
        evidence=service.evidence(session, cluster.links[:300]),
        tags=tags,
        wallets=wallets,
        categories=service.categories(tags),
        totals={"received": received, "sent": sent, "tx_count": n_tx},
        investigation=found,
        heuristics=HEURISTICS,
        may_write=actor.can(Perm.CRYPTO_WRITE),
        may_screen=actor.can(Perm.SCREEN),
        btc=btc,
    )


@router.get("/crypto/flow/{chain}/{address}")
def flow_page(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    chain: str,
    address: str,
    direction: Annotated[str, Query(pattern="^(forward|backward)$")] = "forward",
    hops: Annotated[int, Query(ge=1, le=6)] = 3,
) -> Response:
    """Exposure of the address's cluster and the flows behind it, drawn as a flow graph (and a table)."""
    seed = _seed(session, actor, chain, address)
    report = service.exposure_report(session, actor, chain, seed, direction=direction, hops=hops)
    actions.do_log_crypto_read(session, actor, "exposure", [seed.address], {"direction": direction, "hops": hops})
    graph = {
        "root": seed.address,
        "nodes": sorted({x for e in report["edges"] for x in (e["source"], e["target"])} | {seed.address}),
        "edges": [
            {"source": e["source"], "target": e["target"], "label": btc(e["amount"]), "hop": e["hop"]}
            for e in report["edges"]
        ],
        "tags": report["node_tags"],
    }
    return page(request, "crypto/flow.html", seed=seed, report=report, graph=graph, btc=btc)


@router.post("/crypto/tags", dependencies=[CsrfChecked])
def add_tag(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    chain: Line = "btc",
    address: Line = "",
    label: Line = "",
    category: Line = "",
    confidence: Annotated[int, Form(ge=0, le=100)] = 50,
    source: Line = "",
    tlp: Line = "amber",
    visibility: Line = "all",
    shared_with: Line = "",
) -> Response:
    """Tag an address as the user's country's."""
    shared = [c.strip().upper() for c in shared_with.replace(";", ",").split(",") if c.strip()]
    form = {"address": address, "label": label, "category": category, "source": source}
    try:
        body = TagIn.model_validate(
            {
                "chain": chain,
                "address": address,
                "label": label,
                "category": category,
                "confidence": confidence,
                "source": source,
                "tlp": tlp,
                "visibility": visibility,
                "shared_with": shared,
            }
        )
        with session.begin_nested():
            tag, _ = actions.do_add_tag(session, actor, body)
    except (ValidationError, *REFUSED) as exc:
        return _index(request, session, actor, status=422, errors=_messages(exc), form=form)
    return _to(f"/console/crypto/lookup?chain={tag.chain}&address={tag.address}")


@router.post("/crypto/wallets", dependencies=[CsrfChecked])
def add_wallet(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    chain: Line = "btc",
    address: Line = "",
    label: Line = "",
    entity_id: Line = "",
    visibility: Line = "all",
) -> Response:
    """Report a wallet; the cross-matches it raises are shown at once."""
    form = {"wallet_address": address, "wallet_label": label, "entity_id": entity_id}
    try:
        body = WalletIn.model_validate(
            {
                "chain": chain,
                "address": address,
                "label": label,
                "entity_id": entity_id or None,
                "visibility": visibility,
            }
        )
        with session.begin_nested():
            wallet, matches = actions.do_add_wallet(session, actor, body)
    except (ValidationError, *REFUSED) as exc:
        return _index(request, session, actor, status=422, errors=_messages(exc), form=form)
    return _index(request, session, actor, status=201, matches=matches, added=wallet)


@router.post("/crypto/import", dependencies=[CsrfChecked])
def import_file(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    file: Annotated[UploadFile | None, File()] = None,
    fmt: Annotated[str, Form(max_length=20)] = "",
    skip_bad: Annotated[bool, Form()] = False,
) -> Response:
    """Import a ledger slice or a tag source from a file; bad records are listed by position."""
    try:
        if file is None or not file.filename:
            raise ValidationFailed("choose a file", [{"field": "file", "message": "nothing to import"}])
        limit = get_settings().max_request_bytes
        data = file.file.read(limit + 1)
        if len(data) > limit:
            raise PayloadTooLarge(f"file larger than {limit} bytes", limit=limit)
        with session.begin_nested():
            if fmt in FORMATS:
                report = actions.do_import_ledger(session, actor, read(fmt, data), fmt, skip_bad=skip_bad)
            elif fmt in ("tagpack", "ofac"):
                text = data.decode("utf-8", errors="replace")
                found = read_tagpack(text) if fmt == "tagpack" else read_ofac(text)
                report = actions.do_import_tags(session, actor, found, fmt, skip_bad=skip_bad)
            else:
                raise ValidationFailed("unknown format", [{"field": "format", "message": fmt[:20]}])
    except REFUSED as exc:
        return _index(request, session, actor, status=422, errors=_messages(exc))
    return _index(request, session, actor, report=report)


@router.post("/crypto/cluster/{chain}/{address}/screen", dependencies=[CsrfChecked])
def screen(request: Request, session: DbSession, actor: ConsoleActor, chain: str, address: str) -> Response:
    """Screen the address against the network: other members' records in its cluster raise hits to them."""
    seed = _seed(session, actor, chain, address)
    try:
        with session.begin_nested():
            result = actions.do_screen_wallet(session, actor, chain, seed.address)
    except REFUSED as exc:
        return _index(request, session, actor, status=403 if isinstance(exc, Forbidden) else 422, errors=_messages(exc))
    return page(request, "crypto/screened.html", seed=seed, result=result)


@router.post("/crypto/cluster/{chain}/{address}/case", dependencies=[CsrfChecked])
def open_case(
    request: Request, session: DbSession, actor: ConsoleActor, chain: str, address: str, title: Line = ""
) -> Response:
    """Open a case from the cluster and go to it."""
    seed = _seed(session, actor, chain, address)
    try:
        body = CaseFromClusterIn.model_validate(
            {"title": title or f"Cluster {seed.address}", "chain": chain, "address": seed.address}
        )
        with session.begin_nested():
            case, _ = actions.do_open_case_from_cluster(session, actor, body)
    except (ValidationError, *REFUSED) as exc:
        return _index(request, session, actor, status=422, errors=_messages(exc))
    return _to(f"/console/cases/{case.id}")


@router.post("/crypto/cluster/{chain}/{address}/investigate", dependencies=[CsrfChecked])
def investigate(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    chain: str,
    address: str,
    heuristics: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Open an investigation of the cluster with the heuristics ticked, and show the cluster under them."""
    seed = _seed(session, actor, chain, address)
    try:
        body = InvestigationIn.model_validate(
            {
                "title": f"Cluster {seed.address}",
                "chain": chain,
                "seed_address": seed.address,
                "heuristics": heuristics or [],
            }
        )
        with session.begin_nested():
            found = actions.do_open_investigation(session, actor, body)
    except (ValidationError, *REFUSED) as exc:
        return _index(request, session, actor, status=422, errors=_messages(exc))
    return _to(f"/console/crypto/cluster/{chain}/{seed.address}?investigation={found.id}")


@router.post("/crypto/investigations/{investigation_id}", dependencies=[CsrfChecked])
def update_investigation(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    investigation_id: str,
    heuristics: Annotated[list[str] | None, Form()] = None,
    exclude: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Switch an investigation's heuristics, or undo one merge (by its evidence number)."""
    found = access_investigation_by_id(session, actor, investigation_id)
    try:
        if exclude:
            update = InvestigationUpdate(exclude_links=[int(exclude)] if exclude.isdigit() else [])
        else:
            update = InvestigationUpdate.model_validate({"heuristics": heuristics or []})
        with session.begin_nested():
            actions.do_update_investigation(session, actor, found, update)
    except (ValidationError, *REFUSED) as exc:
        return _index(request, session, actor, status=422, errors=_messages(exc))
    return _to(f"/console/crypto/cluster/{found.chain}/{found.seed_address}?investigation={found.id}")
