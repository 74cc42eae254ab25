"""Streaming FtM JSON-lines import and export, in committed batches so a re-run resumes cleanly."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager

import orjson
from sqlalchemy import text
from sqlalchemy.orm import Session

from manara.db.session import is_postgres
from manara.entity.actions import Placement, do_log_export, do_log_import, do_upsert_entities
from manara.entity.ftm import ValidEntity, validate_entity
from manara.entity.schemas import ImportReport
from manara.entity.service import count_visible, iter_visible
from manara.errors import ManaraError
from manara.identity import Actor

MAX_REPORTED_ERRORS = 1000
SessionFactory = Callable[[], AbstractContextManager[Session]]


def _parse(line: bytes, *, max_line: int, max_chars: int) -> ValidEntity:
    """Parse and validate one JSON line; raise ManaraError with the reason."""
    if len(line) > max_line:
        raise ManaraError(f"line longer than {max_line} bytes")
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise ManaraError(f"malformed JSON: {exc}") from exc
    return validate_entity(data, max_chars=max_chars)


def _reason(exc: ManaraError) -> str:
    errors = exc.data.get("errors") or []
    details = "; ".join(f"{e.get('field')}: {e.get('message')}" for e in errors[:5])
    return f"{exc.message} ({details})" if details else exc.message


def import_lines(
    factory: SessionFactory,
    actor: Actor,
    lines: Iterable[bytes],
    place: Placement,
    *,
    batch_size: int = 1000,
    max_line: int = 256 * 1024,
    max_chars: int = 10_000,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import FtM entity lines; bad lines are reported by number and nothing of them is written.

    Each batch is one unit of work from ``factory``, so an interrupted import keeps whole batches
    only, and re-running the same file ends in the same state because upserts are idempotent.
    """
    report = ImportReport()
    batch: list[ValidEntity] = []

    next_analyze = [batch_size]

    def flush() -> None:
        with factory() as session:
            counts = do_upsert_entities(session, actor, batch, place)
            if report.created + len(counts.created) >= next_analyze[0] and is_postgres(session):
                # a table that grows fast keeps the planner's empty-table estimate (sequential scans for
                # the existence checks) until statistics are refreshed: refresh them as it doubles
                session.execute(text("ANALYZE entity"))
                next_analyze[0] *= 2
        report.created += len(counts.created)
        report.updated += len(counts.updated)
        report.unchanged += len(counts.unchanged)
        if progress:
            progress(len(batch))
        batch.clear()

    for number, raw in enumerate(lines, start=1):
        report.lines = number
        line = raw.strip()
        if not line:
            continue
        try:
            batch.append(_parse(line, max_line=max_line, max_chars=max_chars))
        except ManaraError as exc:
            if len(report.errors) < MAX_REPORTED_ERRORS:
                report.errors.append({"line": number, "reason": _reason(exc)})
            else:
                report.errors_truncated = True
            continue
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    with factory() as session:
        do_log_import(session, actor, report)
    return report


def export_lines(session: Session, actor: Actor, *, owner: str | None = None) -> Iterator[bytes]:
    """Yield the FtM JSON lines of every entity the actor may see (record the export first: `log_export`).

    Reads only, so it can stream from a read-only unit that holds no write lock while the client reads."""
    for entity in iter_visible(session, actor, owner=owner):
        yield orjson.dumps({"id": entity.entity_id, "schema": entity.schema, "properties": entity.properties}) + b"\n"


def log_export(session: Session, actor: Actor, *, owner: str | None = None) -> int:
    """Audit an export before it starts (an aborted download is still on record); return its size.

    The count is of the entities visible when the export was recorded."""
    count = count_visible(session, actor, owner=owner)
    do_log_export(session, actor, owner=owner, count=count)
    return count
