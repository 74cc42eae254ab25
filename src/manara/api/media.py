"""JSON API of media hash-sharing: banks, hashes (add, disable, re-enable, import, export), matching, match
reports and feedback to bank owners."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Query, Request, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from manara.api.conditional import IfMatch, require_match, send_tag
from manara.api.deps import CurrentActor, DbSession, DbSessionFactory, PageParams
from manara.errors import Forbidden, PayloadTooLarge, UnsupportedMedia, ValidationFailed
from manara.identity import Actor, Perm
from manara.media import actions, service
from manara.media.access import (
    access_bank_by_id,
    access_bank_for_owner,
    access_hash_for_owner,
    access_match_by_id,
    access_match_for_feedback,
)
from manara.media.index import MediaIndex, index_on
from manara.media.models import HashBank, MediaHash, MediaMatch
from manara.media.schemas import (
    AddedOut,
    BankIn,
    BankOut,
    BankUpdate,
    DisableIn,
    FeedbackIn,
    HashesIn,
    HashMatchIn,
    HashOut,
    Label,
    MatchHit,
    MatchOut,
    MatchReportOut,
    ProbeOut,
)
from manara.media.service import Found, Probe
from manara.pagination import PageOut
from manara.settings import get_settings
from manara.text import sanitize

router = APIRouter(prefix="/media", tags=["media"])
FILE_TYPES = ("image/", "video/", "application/octet-stream")
_FILE_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "image/*": {"schema": {"type": "string", "format": "binary"}},
            "video/*": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}
_UPLOAD_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "image/*": {"schema": {"type": "string", "format": "binary"}},
            "video/*": {"schema": {"type": "string", "format": "binary"}},
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            "application/json": {"schema": {"$ref": "#/components/schemas/HashMatchIn"}},
        },
    }
}


def media_index(request: Request) -> MediaIndex:
    """The application's media index (one per process, built on first use, refreshed from the outbox)."""
    return index_on(request.app.state)


def bank_out(bank: HashBank, count: int) -> BankOut:
    """Serialise a bank with its active hash count."""
    out = BankOut.model_validate(bank)
    out.hash_count = count
    return out


def hash_out(row: MediaHash, actor: Actor) -> HashOut:
    """Serialise a hash; provenance (source, note, reason) only for its owner."""
    out = HashOut.model_validate(row)
    if row.owner_country != actor.country:
        out.source, out.note, out.disabled_reason = "", "", ""
    return out


def match_hits(found: list[Found], rows: list[MediaMatch]) -> list[MatchHit]:
    """The caller's view of recorded matches."""
    return [
        MatchHit(
            match_id=row.id,
            hash_id=f.hash.id,
            bank_id=f.bank.id,
            bank_name=f.bank.name,
            owner_country=f.bank.owner_country,
            tlp=f.bank.tlp,
            labels=sorted(set(f.bank.labels) | set(f.hash.labels)),
            signal_type=f.hash.signal_type,
            distance=f.distance,
            variant=f.variant,
            query_share=f.query_share,
            target_share=f.target_share,
        )
        for f, row in zip(found, rows, strict=True)
    ]


def probe_out(probe: Probe) -> ProbeOut:
    """What the caller learns of its own probe."""
    return ProbeOut(
        kind=probe.kind,
        signal_type=str(probe.signal_type),
        quality=probe.quality,
        md5=probe.md5,
        sha256=probe.sha256,
        frames=len(probe.frames) if probe.frames else None,
    )


@router.post("/banks", response_model=BankOut, status_code=201)
def create_bank(body: BankIn, session: DbSession, actor: CurrentActor) -> BankOut:
    """Create a hash bank of your country (labels from the taxonomy, TLP, visibility)."""
    return bank_out(actions.do_create_bank(session, actor, body), 0)


@router.get("/banks", response_model=PageOut[BankOut])
def list_banks(session: DbSession, actor: CurrentActor, paging: PageParams, own: bool = False) -> PageOut[BankOut]:
    """List the banks you may see (``own=true``: your country's only)."""
    if not actor.can(Perm.MEDIA_READ):
        raise Forbidden("this role may not read hash banks")
    page = service.list_banks(session, actor, own=own, page=paging.page, page_size=paging.page_size)
    counts = service.hash_counts(session, [b.id for b in page.items])
    items = [bank_out(b, counts.get(b.id, 0)) for b in page.items]
    return PageOut(items=items, total=page.total, page=page.page, page_size=page.page_size)


@router.get("/banks/{bank_id}", response_model=BankOut)
def get_bank(bank_id: str, session: DbSession, actor: CurrentActor, response: Response) -> BankOut:
    """Return a bank you may see (``ETag``: its version, for ``If-Match`` on an update)."""
    bank = access_bank_by_id(session, actor, bank_id)
    send_tag(response, bank)
    return bank_out(bank, service.hash_counts(session, [bank.id]).get(bank.id, 0))


@router.patch("/banks/{bank_id}", response_model=BankOut)
def update_bank(
    bank_id: str,
    body: BankUpdate,
    session: DbSession,
    actor: CurrentActor,
    response: Response,
    if_match: IfMatch = None,
) -> BankOut:
    """Change one of your banks (labels, TLP, visibility, sightings, active); with ``If-Match``, only if nobody
    changed it since you read it (412 otherwise)."""
    bank = access_bank_for_owner(session, actor, bank_id)
    require_match(if_match, bank)
    bank = actions.do_update_bank(session, actor, bank, body)
    session.flush()
    send_tag(response, bank)
    return bank_out(bank, service.hash_counts(session, [bank.id]).get(bank.id, 0))


@router.get("/banks/{bank_id}/hashes", response_model=PageOut[HashOut])
def list_hashes(
    bank_id: str, session: DbSession, actor: CurrentActor, paging: PageParams, include_disabled: bool = False
) -> PageOut[HashOut]:
    """List a visible bank's hashes (disabled ones too for the owner with ``include_disabled``)."""
    bank = access_bank_by_id(session, actor, bank_id)
    disabled = include_disabled and bank.owner_country == actor.country
    page = service.list_hashes(session, bank, include_disabled=disabled, page=paging.page, page_size=paging.page_size)
    items = [hash_out(h, actor) for h in page.items]
    return PageOut(items=items, total=page.total, page=page.page, page_size=page.page_size)


@router.post("/banks/{bank_id}/hashes", response_model=AddedOut, status_code=201)
def add_hashes(bank_id: str, body: HashesIn, session: DbSession, actor: CurrentActor) -> AddedOut:
    """Add hashes (pdq, vpdq, video_md5, sha256) with provenance to one of your banks; duplicates are counted."""
    bank = access_bank_for_owner(session, actor, bank_id)
    rows, duplicates = actions.do_add_hashes(session, actor, bank, body.hashes)
    return AddedOut(added=[hash_out(r, actor) for r in rows], duplicates=duplicates)


@router.post("/banks/{bank_id}/import", response_model=AddedOut, status_code=201)
async def import_hashes(bank_id: str, request: Request, factory: DbSessionFactory, actor: CurrentActor) -> AddedOut:
    """Import hashes in python-threatexchange's signal formats (``text/csv`` from ``threatexchange dataset -P
    --csv``, or ``text/plain`` lines ``<signal_type> <signal>``) into one of your banks."""
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    if kind not in ("text/csv", "text/plain"):
        raise UnsupportedMedia("send signals as text/csv or text/plain")
    data = await read_body(request, get_settings().max_request_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed("the file is not UTF-8 text", [{"field": "file", "message": "UTF-8"}]) from exc

    def run() -> AddedOut:
        with factory() as session:
            bank = access_bank_for_owner(session, actor, bank_id)
            items = service.parse_signals(text)
            if not items:
                raise ValidationFailed("no signals in the file", [{"field": "file", "message": "empty"}])
            rows, duplicates = actions.do_add_hashes(session, actor, bank, items)
            return AddedOut(added=[hash_out(r, actor) for r in rows], duplicates=duplicates)

    return await run_in_threadpool(run)


@router.post("/banks/{bank_id}/files", response_model=AddedOut, status_code=201, openapi_extra=_FILE_DOC)
async def add_file(
    bank_id: str,
    request: Request,
    factory: DbSessionFactory,
    actor: CurrentActor,
    labels: Annotated[list[Label] | None, Query(max_length=9)] = None,
    source: Annotated[str, Query(max_length=500, description="provenance: where the material was found")] = "",
) -> AddedOut:
    """Hash an image or a video (raw body) into one of your banks: PDQ with centre-crop variants, or vPDQ, and
    MD5 and SHA-256. Only the hashes are kept."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not kind.startswith(FILE_TYPES):
        raise UnsupportedMedia("send the file as image/*, video/* or application/octet-stream")
    with factory() as session:
        access_bank_for_owner(session, actor, bank_id)  # 404 before any hashing work
    data = await read_body(request, get_settings().max_request_bytes)
    items = await run_in_threadpool(service.hashes_of_file, data, labels=labels or [], source=sanitize(source))
    del data

    def run() -> AddedOut:
        with factory() as session:
            bank = access_bank_for_owner(session, actor, bank_id)
            rows, duplicates = actions.do_add_hashes(session, actor, bank, items)
            return AddedOut(added=[hash_out(r, actor) for r in rows], duplicates=duplicates)

    return await run_in_threadpool(run)


@router.get("/banks/{bank_id}/export", response_class=Response)
def export_bank(
    bank_id: str, session: DbSession, actor: CurrentActor, format: Literal["csv", "txt"] = "csv"
) -> Response:
    """Export a visible bank's active hashes in python-threatexchange's formats (for HMA and other members)."""
    bank = access_bank_by_id(session, actor, bank_id)
    hashes = service.active_hashes(session, bank)
    actions.do_log_bank_export(session, actor, bank, len(hashes), format)
    body = service.export_signals(bank, hashes, fmt=format)
    media_type = "text/csv" if format == "csv" else "text/plain"
    return Response(body, media_type=f"{media_type}; charset=utf-8")


@router.post("/hashes/{hash_id}/disable", response_model=HashOut)
def disable_hash(hash_id: str, body: DisableIn, session: DbSession, actor: CurrentActor) -> HashOut:
    """Disable a hash of one of your banks (it stops matching within seconds); the reason is kept."""
    row = access_hash_for_owner(session, actor, hash_id)
    return hash_out(actions.do_disable_hash(session, actor, row, body.reason), actor)


@router.post("/hashes/{hash_id}/enable", response_model=HashOut)
def enable_hash(hash_id: str, session: DbSession, actor: CurrentActor) -> HashOut:
    """Re-enable a disabled hash of one of your banks."""
    row = access_hash_for_owner(session, actor, hash_id)
    return hash_out(actions.do_enable_hash(session, actor, row), actor)


async def read_body(request: Request, limit: int) -> bytes:
    """Read a request body into memory (never to disk), refusing it past ``limit`` bytes."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"upload larger than {limit} bytes", limit=limit)
        chunks.append(chunk)
    return b"".join(chunks)


def probe_from_json(data: bytes) -> tuple[Probe, str]:
    """Parse a JSON hash-match request into a probe and its context."""
    try:
        body = HashMatchIn.model_validate(orjson.loads(data))
    except orjson.JSONDecodeError as exc:
        raise ValidationFailed("malformed JSON", [{"field": "body", "message": str(exc)[:200]}]) from exc
    except ValidationError as exc:
        errors = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()]
        raise ValidationFailed("invalid hash match request", errors) from exc
    return service.probe_from_hash(body.signal_type, body.signal), body.context


def run_match(factory: DbSessionFactory, actor: Actor, index: MediaIndex, probe: Probe, context: str) -> MatchOut:
    """Match a probe against every bank the actor may match, record the reports and answer."""
    with factory() as session:
        index.ensure(session)
        found = service.find_matches(session, actor, index, probe)
        rows = actions.do_record_matches(session, actor, probe, found, context)
        return MatchOut(probe=probe_out(probe), matches=match_hits(found, rows))


@router.post("/match", response_model=MatchOut, openapi_extra=_UPLOAD_DOC)
async def match(
    request: Request,
    factory: DbSessionFactory,
    actor: CurrentActor,
    context: Annotated[str, Query(max_length=200, description="your reference (case number); no content")] = "",
) -> MatchOut:
    """Match an image or a video (sent as the raw body, ``image/*``, ``video/*``) or a hash (``application/json``
    ``{"signal_type", "signal"}``) against every bank you may see. The file is hashed in memory and dropped;
    matches are reported to each bank's owner."""
    if not actor.can(Perm.MEDIA_MATCH):
        raise Forbidden("this role may not match media")
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    data = await read_body(request, get_settings().max_request_bytes)
    if kind == "application/json":
        probe, json_context = await run_in_threadpool(probe_from_json, data)
        context = json_context or context
    elif kind.startswith(FILE_TYPES):
        probe = await run_in_threadpool(service.probe_from_file, data)
    else:
        raise UnsupportedMedia("send an image/*, video/* or application/octet-stream body, or a JSON hash")
    del data  # the content goes no further than this function
    return await run_in_threadpool(run_match, factory, actor, media_index(request), probe, sanitize(context))


@router.get("/matches", response_model=PageOut[MatchReportOut])
def list_matches(
    session: DbSession,
    actor: CurrentActor,
    paging: PageParams,
    role: Literal["owner", "querier", "any"] = "any",
    feedback: Literal["open", "true_positive", "false_positive", "not_illegal"] | None = None,
) -> PageOut[MatchReportOut]:
    """Match reports: on your banks (``role=owner``), made by your country (``querier``), or both."""
    if not actor.can(Perm.MEDIA_READ):
        raise Forbidden("this role may not read match reports")
    page = service.list_matches(
        session, actor, role=role, feedback=feedback, page=paging.page, page_size=paging.page_size
    )
    actions.do_log_matches_read(session, actor, [m.id for m in page.items], {"role": role, "feedback": feedback or ""})
    items = [MatchReportOut.model_validate(m) for m in page.items]
    return PageOut(items=items, total=page.total, page=page.page, page_size=page.page_size)


@router.get("/matches/{match_id}", response_model=MatchReportOut)
def get_match(match_id: str, session: DbSession, actor: CurrentActor) -> MatchReportOut:
    """One match report (for its querying member and the bank's owner)."""
    row = access_match_by_id(session, actor, match_id)
    actions.do_log_matches_read(session, actor, [row.id], {"id": row.id})
    return MatchReportOut.model_validate(row)


@router.post("/matches/{match_id}/feedback", response_model=MatchReportOut)
def give_feedback(match_id: str, body: FeedbackIn, session: DbSession, actor: CurrentActor) -> MatchReportOut:
    """Tell the bank owner what your match turned out to be (true positive, false positive, not illegal)."""
    row = access_match_for_feedback(session, actor, match_id)
    return MatchReportOut.model_validate(actions.do_give_feedback(session, actor, row, body.feedback, body.note))
