"""JSON API of entities: submit, read, list, import and export FtM, revalidate, delete."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Annotated

from anyio.from_thread import run as run_async
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from manara.api.deps import CurrentActor, DbSession, DbSessionFactory, PageParams, ReadSessionFactory, require
from manara.api.streaming import closing_stream
from manara.entity import service as entity_service
from manara.entity.access import access_entity_by_id, access_entity_for_write
from manara.entity.actions import (
    do_delete_entity,
    do_log_entity_read,
    do_log_entity_search,
    do_revalidate_entity,
    do_upsert_entities,
    make_placement,
)
from manara.entity.ftm import validate_entity
from manara.entity.importer import export_lines, import_lines, log_export
from manara.entity.schemas import EntityIn, EntityOut, ImportReport
from manara.errors import UnsupportedMedia
from manara.identity import Actor, Perm
from manara.notice.schemas import RevalidateIn
from manara.pagination import PageOut
from manara.settings import get_settings
from manara.visibility import Visibility

router = APIRouter(prefix="/entities", tags=["entities"])
Writer = Annotated[Actor, Depends(require(Perm.ENTITY_WRITE))]
Reader = Annotated[Actor, Depends(require(Perm.ENTITY_READ))]
NDJSON = "application/x-ndjson"


@router.post("", response_model=EntityOut, status_code=201)
def submit_entity(body: EntityIn, session: DbSession, actor: Writer) -> EntityOut:
    """Create or replace one of your country's entities (idempotent by FtM id)."""
    valid = validate_entity(
        body.model_dump(by_alias=True, include={"id", "schema_", "properties"}),
        max_chars=get_settings().max_string_chars,
    )
    place = make_placement(session, actor, body.visibility, body.shared_with, body.review_date)
    do_upsert_entities(session, actor, [valid], place)
    entity = entity_service.get_by_natural_key(session, actor.country, valid.entity_id)
    assert entity is not None
    return EntityOut.model_validate(entity)


@router.get("", response_model=PageOut[EntityOut])
def list_entities(
    session: DbSession,
    actor: Reader,
    paging: PageParams,
    q: Annotated[str | None, Query(max_length=200)] = None,
    schema: Annotated[str | None, Query(max_length=40)] = None,
    owner: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
) -> PageOut[EntityOut]:
    """List entities you may see; the search is audited with its terms and result ids."""
    page = entity_service.list_entities(
        session, actor, q=q, schema=schema, owner=owner, page=paging.page, page_size=paging.page_size
    )
    query = {"q": q, "schema": schema, "owner": owner, "page": paging.page}
    do_log_entity_search(session, actor, [e.id for e in page.items], query)
    items = [EntityOut.model_validate(e) for e in page.items]
    return PageOut(items=items, total=page.total, page=page.page, page_size=page.page_size)


@router.post("/import", response_model=ImportReport)
async def import_entities(
    request: Request,
    factory: DbSessionFactory,
    actor: Writer,
    visibility: Visibility = Visibility.OWNER,
    shared_with: Annotated[list[str] | None, Query(max_length=300)] = None,
    review_date: date | None = None,
) -> ImportReport:
    """Import FtM JSON lines (``application/x-ndjson``); bad lines are reported by number, not written."""
    if request.headers.get("content-type", "").split(";")[0].strip() not in (NDJSON, "application/jsonl"):
        raise UnsupportedMedia(f"send FtM entities as {NDJSON}")
    settings = get_settings()
    with factory() as session:
        place = make_placement(session, actor, visibility, shared_with or [], review_date)
    lines = split_lines(request.stream(), settings.max_line_bytes)

    def run() -> ImportReport:
        return import_lines(
            factory,
            actor,
            _sync_lines(lines),
            place,
            max_line=settings.max_line_bytes,
            max_chars=settings.max_string_chars,
        )

    return await run_in_threadpool(run)


async def split_lines(chunks: AsyncIterator[bytes], max_line: int) -> AsyncIterator[bytes]:
    """Split a byte stream into lines without holding the whole body, in time linear in its size.

    Only each new chunk is searched for newlines (never the bytes already held), and a line longer than
    ``max_line`` stops being kept: its first ``max_line + 1`` bytes are yielded (the importer reports the
    line as too long, by number) and the rest is skipped up to the next newline."""
    line = bytearray()
    overlong = False
    async for chunk in chunks:
        start = 0
        while (end := chunk.find(b"\n", start)) != -1:
            if not overlong:
                line += chunk[start : min(end, start + max_line + 1 - len(line))]
            yield bytes(line)
            line.clear()
            overlong = False
            start = end + 1
        if not overlong:
            line += chunk[start : start + max_line + 1 - len(line)]
            overlong = len(line) > max_line
    if line:
        yield bytes(line)


def _sync_lines(lines: AsyncIterator[bytes]) -> Iterator[bytes]:
    """Consume an async line stream from a worker thread."""

    async def next_line() -> bytes | None:
        try:
            return await lines.__anext__()
        except StopAsyncIteration:
            return None

    while (line := run_async(next_line)) is not None:
        yield line


@router.get("/export", response_class=StreamingResponse)
def export_entities(
    session: DbSession,
    reads: ReadSessionFactory,
    actor: Reader,
    owner: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
) -> StreamingResponse:
    """Stream every entity you may see as FtM JSON lines; the export is audited before it starts.

    The audit event is committed with this handler's unit (before the response is sent), so a download
    aborted midway is on record; the lines are read from a read-only unit, closed when the stream ends
    however it ends (a client gone midway included), so no transaction outlives the download."""
    log_export(session, actor, owner=owner)

    def stream() -> Iterator[bytes]:
        with reads() as read_session:
            yield from export_lines(read_session, actor, owner=owner)

    return StreamingResponse(closing_stream(stream()), media_type=NDJSON)


@router.get("/{entity_pk}", response_model=EntityOut)
def get_entity(entity_pk: str, session: DbSession, actor: CurrentActor) -> EntityOut:
    """Return one entity you may see; the read is audited."""
    entity = access_entity_by_id(session, actor, entity_pk)
    do_log_entity_read(session, actor, entity)
    return EntityOut.model_validate(entity)


@router.post("/{entity_pk}/revalidate", response_model=EntityOut)
def revalidate_entity(entity_pk: str, body: RevalidateIn, session: DbSession, actor: CurrentActor) -> EntityOut:
    """Confirm one of your entities is still valid until a new review date."""
    entity = access_entity_for_write(session, actor, entity_pk)
    return EntityOut.model_validate(do_revalidate_entity(session, actor, entity, body.review_date))


@router.delete("/{entity_pk}", status_code=204)
def delete_entity(entity_pk: str, session: DbSession, actor: CurrentActor) -> None:
    """Delete one of your entities that no notice refers to."""
    do_delete_entity(session, actor, access_entity_for_write(session, actor, entity_pk))
