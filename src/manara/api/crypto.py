"""JSON API of crypto tracing: address validation, ledger and tag imports, clusters with their evidence,
exposure and flows, wallet screening (hits to owners), tags, wallets, investigations, cases from clusters."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from manara.api.conditional import IfMatch, require_match, send_tag
from manara.api.deps import CurrentActor, DbSession, PageParams
from manara.crypto import actions, service
from manara.crypto.access import (
    access_investigation_by_id,
    access_tag_for_owner,
    access_wallet_by_id,
    access_wallet_for_owner,
    require_read,
    require_write,
)
from manara.crypto.addresses import address_to_script, parse_address
from manara.crypto.models import CryptoAddress, CryptoInvestigation
from manara.crypto.parse import FORMATS, read
from manara.crypto.schemas import (
    AddressIn,
    AddressOut,
    CaseFromClusterIn,
    ClusterOut,
    ExposureOut,
    ImportReportOut,
    InvestigationIn,
    InvestigationOut,
    InvestigationUpdate,
    ScreenIn,
    ScreenOut,
    TagIn,
    TagOut,
    WalletIn,
    WalletOut,
)
from manara.crypto.tags import read_ofac, read_tagpack
from manara.errors import NotFound, PayloadTooLarge, ValidationFailed
from manara.identity import Actor
from manara.pagination import PageOut
from manara.settings import get_settings
from manara.tlp import Tlp
from manara.visibility import Visibility

router = APIRouter(prefix="/crypto", tags=["crypto"])
Chain = Literal["btc", "eth", "trx"]


async def upload_body(request: Request) -> bytes:
    """Read the request body, refusing more than ``MANARA_MAX_REQUEST_BYTES``."""
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > get_settings().max_request_bytes:
            raise PayloadTooLarge("upload too large", limit=get_settings().max_request_bytes)
    if not data:
        raise ValidationFailed("empty upload", [{"field": "body", "message": "send the file as the request body"}])
    return bytes(data)


Upload = Annotated[bytes, Depends(upload_body)]


def seed_of(session: DbSession, actor: Actor, chain: str, address: str) -> CryptoAddress:
    """Return a stored address after validating it; NotFound when no imported slice names it."""
    require_read(actor)
    text = parse_address(address, chain).text
    seed = service.address_row(session, chain, text)
    if seed is None:
        raise NotFound("crypto_address", text)
    return seed


def cluster_out(
    session: DbSession, actor: Actor, seed: CryptoAddress, found: CryptoInvestigation | None
) -> dict[str, Any]:
    """Assemble a cluster's page: addresses, evidence, visible tags and wallets, totals."""
    cluster = service.investigation_cluster(session, found, seed) if found else service.cluster_of(session, seed)
    texts = service.cluster_addresses(session, cluster)
    tags = service.visible_tags_on(session, actor, seed.chain, texts)
    wallets = service.visible_wallets_on(session, actor, seed.chain, texts)
    received, sent, n_tx = service.cluster_totals(session, cluster.ids)
    actions.do_log_crypto_read(session, actor, "cluster", [seed.address], {"size": len(texts)})
    return {
        "chain": seed.chain,
        "seed": seed.address,
        "cluster_id": cluster.cluster_id,
        "heuristics": list(cluster.heuristics),
        "size": len(texts),
        "addresses": texts[:1000],
        "truncated": cluster.truncated or len(texts) > 1000,
        "evidence": service.evidence(session, cluster.links[:500]),
        "tags": [
            {k: getattr(t, k) for k in ("address", "label", "category", "confidence", "source", "owner_country", "tlp")}
            for t in tags
        ],
        "categories": service.categories(tags),
        "wallets": [WalletOut.model_validate(w) for w in wallets],
        "received": received,
        "sent": sent,
        "tx_count": n_tx,
    }


@router.post("/addresses/validate", response_model=AddressOut)
def validate_address(body: AddressIn, actor: CurrentActor) -> AddressOut:
    """Validate an address by its own rules (base58check, bech32/bech32m, EIP-55, TRON) and name its type."""
    require_read(actor)
    found = parse_address(body.address, body.chain)
    script = address_to_script(found).hex() if found.chain == "btc" else None
    return AddressOut(
        address=found.text, chain=found.chain, script_type=found.script_type, network=found.network, script_hex=script
    )


@router.post("/imports/ledger", response_model=ImportReportOut)
def import_ledger(
    actor: CurrentActor,  # first: credentials are checked before the body is read
    session: DbSession,
    data: Upload,
    format: Annotated[str, Query(pattern="^(raw-block|raw-tx|core-json|etl-jsonl)$")],
    skip_bad: bool = False,
) -> ImportReportOut:
    """Import a ledger slice (``format``: raw-block, raw-tx, core-json, etl-jsonl); idempotent. Bad records
    are listed by position and nothing is stored, unless ``skip_bad``."""
    require_write(actor)
    assert format in FORMATS
    report = actions.do_import_ledger(session, actor, read(format, data), format, skip_bad=skip_bad)
    return report


@router.post("/imports/tags", response_model=ImportReportOut)
def import_tags(
    actor: CurrentActor,  # first: credentials are checked before the body is read
    session: DbSession,
    data: Upload,
    format: Annotated[str, Query(pattern="^(tagpack|ofac)$")],
    currency: Annotated[str, Query(pattern="^(XBT|BTC|ETH|TRX)$")] = "XBT",
    visibility: Visibility = Visibility.ALL,
    tlp: Tlp = Tlp.CLEAR,
    skip_bad: bool = False,
) -> ImportReportOut:
    """Import a GraphSense TagPack (YAML) or an OFAC address list as your country's tags; idempotent."""
    require_write(actor)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationFailed("not UTF-8 text", [{"field": "body", "message": "send UTF-8 text"}]) from exc
    found = read_tagpack(text) if format == "tagpack" else read_ofac(text, currency)
    report = actions.do_import_tags(session, actor, found, format, visibility=visibility, tlp=tlp, skip_bad=skip_bad)
    return report


@router.get("/clusters/{chain}/{address}", response_model=ClusterOut)
def get_cluster(
    chain: Chain, address: str, session: DbSession, actor: CurrentActor, investigation_id: str | None = None
) -> dict[str, Any]:
    """The address's cluster: members, the evidence of every merge, tags (a tag labels its cluster), wallets.
    With ``investigation_id``, the investigation's heuristics and undone merges apply."""
    found = access_investigation_by_id(session, actor, investigation_id) if investigation_id else None
    return cluster_out(session, actor, seed_of(session, actor, chain, address), found)


@router.get("/clusters/{chain}/{address}/summary")
def cluster_summary(chain: Chain, address: str, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """A cluster summary for assessments: size, categories with confidence, members that know it, totals."""
    seed = seed_of(session, actor, chain, address)
    summary = service.cluster_summary(session, actor, chain, seed.address)
    actions.do_log_crypto_read(session, actor, "cluster", [seed.address], {"summary": True})
    return summary or {}


@router.get("/exposure/{chain}/{address}", response_model=ExposureOut)
def exposure(
    chain: Chain,
    address: str,
    session: DbSession,
    actor: CurrentActor,
    direction: Literal["forward", "backward"] = "forward",
    hops: Annotated[int, Query(ge=1, le=6)] = 3,
    investigation_id: str | None = None,
) -> dict[str, Any]:
    """Flows from (forward) or to (backward) the address's cluster over ``hops`` transactions, and its direct
    and indirect exposure to each category, by haircut; only tags you may see count."""
    seed = seed_of(session, actor, chain, address)
    found = access_investigation_by_id(session, actor, investigation_id) if investigation_id else None
    cluster = service.investigation_cluster(session, found, seed) if found else None
    report = service.exposure_report(session, actor, chain, seed, direction=direction, hops=hops, cluster=cluster)
    actions.do_log_crypto_read(session, actor, "exposure", [seed.address], {"direction": direction, "hops": hops})
    return report


@router.post("/screen", response_model=ScreenOut)
def screen_wallet(body: ScreenIn, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Screen a wallet against the network: other members' tags and wallets in its cluster raise hits to them."""
    return actions.do_screen_wallet(session, actor, body.chain, body.address)


@router.post("/tags", response_model=TagOut, status_code=201)
def add_tag(body: TagIn, session: DbSession, actor: CurrentActor) -> TagOut:
    """Tag an address as your country's (category, confidence, source, TLP, visibility)."""
    tag, _ = actions.do_add_tag(session, actor, body)
    return TagOut.model_validate(tag)


@router.get("/tags", response_model=PageOut[TagOut])
def list_tags(
    session: DbSession, actor: CurrentActor, paging: PageParams, category: str | None = None, own: bool = False
) -> PageOut[TagOut]:
    """List the tags you may see."""
    require_read(actor)
    page = service.list_tags(session, actor, category=category, own=own, page=paging.page, page_size=paging.page_size)
    return PageOut(
        items=[TagOut.model_validate(t) for t in page.items], total=page.total, page=page.page, page_size=page.page_size
    )


@router.delete("/tags/{tag_id}", status_code=204)
def delete_tag(tag_id: str, session: DbSession, actor: CurrentActor) -> None:
    """Delete one of your country's tags."""
    actions.do_delete_tag(session, actor, access_tag_for_owner(session, actor, tag_id))


@router.post("/wallets", status_code=201)
def add_wallet(body: WalletIn, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Report a wallet of a subject; the answer lists the cross-matches (hits raised to other members)."""
    wallet, matches = actions.do_add_wallet(session, actor, body)
    return {"wallet": WalletOut.model_validate(wallet).model_dump(mode="json"), "matches": matches}


@router.get("/wallets", response_model=PageOut[WalletOut])
def list_wallets(session: DbSession, actor: CurrentActor, paging: PageParams, own: bool = False) -> PageOut[WalletOut]:
    """List the wallets you may see; the read is audited."""
    require_read(actor)
    page = service.list_wallets(session, actor, own=own, page=paging.page, page_size=paging.page_size)
    actions.do_log_crypto_read(session, actor, "wallet", [w.id for w in page.items], {"own": own})
    items = [WalletOut.model_validate(w) for w in page.items]
    return PageOut(items=items, total=page.total, page=page.page, page_size=page.page_size)


@router.get("/wallets/{wallet_id}", response_model=WalletOut)
def get_wallet(wallet_id: str, session: DbSession, actor: CurrentActor) -> WalletOut:
    """One wallet you may see; the read is audited."""
    wallet = access_wallet_by_id(session, actor, wallet_id)
    actions.do_log_crypto_read(session, actor, "wallet", [wallet.id])
    return WalletOut.model_validate(wallet)


@router.get("/wallets/{wallet_id}/ftm")
def wallet_ftm(wallet_id: str, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """The wallet as a FollowTheMoney ``CryptoWallet`` entity."""
    wallet = access_wallet_by_id(session, actor, wallet_id)
    actions.do_log_crypto_read(session, actor, "wallet", [wallet.id], {"ftm": True})
    return service.wallet_ftm(wallet, wallet.entity_id)


@router.delete("/wallets/{wallet_id}", status_code=204)
def delete_wallet(wallet_id: str, session: DbSession, actor: CurrentActor) -> None:
    """Withdraw one of your country's wallets."""
    actions.do_delete_wallet(session, actor, access_wallet_for_owner(session, actor, wallet_id))


@router.post("/investigations", response_model=InvestigationOut, status_code=201)
def open_investigation(body: InvestigationIn, session: DbSession, actor: CurrentActor) -> InvestigationOut:
    """Open an investigation around a seed address, with the heuristics switched on (CIOH by default)."""
    return InvestigationOut.model_validate(actions.do_open_investigation(session, actor, body))


@router.get("/investigations", response_model=list[InvestigationOut])
def list_investigations(session: DbSession, actor: CurrentActor) -> list[InvestigationOut]:
    """Your country's investigations."""
    require_read(actor)
    return [InvestigationOut.model_validate(i) for i in service.list_investigations(session, actor)]


@router.get("/investigations/{investigation_id}", response_model=InvestigationOut)
def get_investigation(
    investigation_id: str, session: DbSession, actor: CurrentActor, response: Response
) -> InvestigationOut:
    """One of your country's investigations (``ETag``: its version, for ``If-Match`` on an update)."""
    found = access_investigation_by_id(session, actor, investigation_id)
    send_tag(response, found)
    return InvestigationOut.model_validate(found)


@router.patch("/investigations/{investigation_id}", response_model=InvestigationOut)
def update_investigation(
    investigation_id: str,
    body: InvestigationUpdate,
    session: DbSession,
    actor: CurrentActor,
    response: Response,
    if_match: IfMatch = None,
) -> InvestigationOut:
    """Switch heuristics, undo or restore merges (by evidence ``link_id``); with ``If-Match``, only if nobody
    changed the investigation since you read it (412 otherwise)."""
    found = access_investigation_by_id(session, actor, investigation_id)
    require_match(if_match, found)
    updated = actions.do_update_investigation(session, actor, found, body)
    session.flush()
    send_tag(response, updated)
    return InvestigationOut.model_validate(updated)


@router.post("/cases", status_code=201)
def case_from_cluster(body: CaseFromClusterIn, session: DbSession, actor: CurrentActor) -> dict[str, str]:
    """Open a case from a cluster: members whose records sit in it are invited; an investigation is attached."""
    case, found = actions.do_open_case_from_cluster(session, actor, body)
    return {"case_id": case.id, "investigation_id": found.id}
