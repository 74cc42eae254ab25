"""Batch screening of passenger lists (CSV or FtM JSON lines), in chunks, with progress.

CSV header (UTF-8, comma-separated; only ``names`` is required, other columns are ignored):
``id,names,birth_date,nationality,gender,document_number,document_country`` — several names of one
passenger are separated by ``|``; ``birth_date`` is YYYY, YYYY-MM or YYYY-MM-DD.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import IO, Any

import orjson
from pydantic import ValidationError
from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.matching import record_from_ftm
from manara.member.roles import Actor
from manara.screening.index import ScreeningIndex
from manara.screening.schemas import ScreenIn
from manara.screening.service import screen_person

CSV_COLUMNS = ("id", "names", "birth_date", "nationality", "gender", "document_number", "document_country")
SessionFactory = Callable[[], AbstractContextManager[Session]]
Row = tuple[int, str, ScreenIn | str]


@dataclass
class BatchCounts:
    """Progress of a batch."""

    processed: int = 0
    matched: int = 0
    hits: int = 0
    errors: int = 0


def _query(data: dict[str, Any]) -> ScreenIn | str:
    """Validate one passenger; return the query or the reason it is invalid."""
    try:
        return ScreenIn.model_validate(data)
    except ValidationError as exc:
        return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5])


def _csv_row(row: dict[str, str | None]) -> dict[str, Any]:
    clean = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
    doc = clean.get("document_number")
    return {
        "names": [n.strip() for n in clean.get("names", "").split("|") if n.strip()],
        "birth_date": clean.get("birth_date") or None, "nationality": clean.get("nationality") or None,
        "gender": (clean.get("gender") or "").lower() or None,
        "documents": [{"number": doc, "country": clean.get("document_country") or None}] if doc else [],
    }  # fmt: skip


def csv_rows(lines: Iterable[str]) -> Iterator[Row]:
    """Parse a CSV passenger list; raise ValueError when the header lacks ``names``."""
    reader = csv.DictReader(lines)
    if reader.fieldnames is None or "names" not in [f.strip().lower() for f in reader.fieldnames]:
        raise ValueError(f"CSV header must include 'names' (columns: {', '.join(CSV_COLUMNS)})")
    for number, row in enumerate(reader, start=1):
        ident = (row.get("id") or str(number)).strip()
        yield number, ident, _query(_csv_row(row))


def jsonl_rows(lines: Iterable[bytes]) -> Iterator[Row]:
    """Parse FtM Person JSON lines (name, alias, birthDate, nationality, gender, passportNumber)."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entity = orjson.loads(line)
            person = record_from_ftm(entity)
        except (orjson.JSONDecodeError, AttributeError, TypeError) as exc:
            yield number, str(number), f"malformed line: {exc}"
            continue
        data = {"names": list(person.names), "birth_date": next(iter(person.birth_dates), None),
                "nationality": next(iter(person.nationalities), None), "gender": person.gender,
                "documents": [{"number": d} for d in person.documents]}  # fmt: skip
        yield number, person.id or str(number), _query(data)


def open_rows(handle: IO[bytes], fmt: str) -> Iterator[Row]:
    """Return the passenger rows of a CSV or JSON-lines upload."""
    if fmt == "csv":
        return csv_rows(io.TextIOWrapper(handle, encoding="utf-8-sig", errors="replace", newline=""))
    return jsonl_rows(handle)


def _screen_chunk(
    session: Session, actor: Actor, index: ScreeningIndex, chunk: list[Row], out: IO[bytes], counts: BatchCounts
) -> None:
    audited: list[dict[str, Any]] = []
    if index.lazy_build:
        index.ensure(session)  # once per chunk: notices published meanwhile are found by the next chunk
    for number, ident, query in chunk:
        counts.processed += 1
        if isinstance(query, str):
            counts.errors += 1
            out.write(orjson.dumps({"row": number, "id": ident, "error": query}) + b"\n")
            continue
        result = screen_person(session, actor, index, query, audit=False, catch_up=False)
        matches = [r for r in result.results if r.match]
        counts.matched += bool(matches)
        counts.hits += sum(1 for r in matches if r.hit_id)
        line = {"row": number, "id": ident, "match": bool(matches), "results": [r.model_dump() for r in result.results],
                "documents": [d.model_dump() for d in result.documents]}  # fmt: skip
        out.write(orjson.dumps(line) + b"\n")
        audited.append({"row": number, "names": query.names, "birth_date": query.birth_date,
                        "results": [r.notice_id for r in result.results]})  # fmt: skip
    record(session, actor, AuditAction.SCREENING_BATCH, target_type="notice",
           target_ids=sorted({n for a in audited for n in a["results"]}), query={"rows": audited})  # fmt: skip


def run_batch(
    factory: SessionFactory, actor: Actor, index: ScreeningIndex, rows: Iterable[Row], out: IO[bytes], *,
    chunk_size: int = 500, progress: Callable[[BatchCounts], None] | None = None,
) -> BatchCounts:  # fmt: skip
    """Screen every row, writing one JSON line of results per row; each chunk is one unit of work."""
    counts = BatchCounts()
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= chunk_size:
            with factory() as session:
                _screen_chunk(session, actor, index, chunk, out, counts)
            chunk.clear()
            if progress:
                progress(counts)
    if chunk:
        with factory() as session:
            _screen_chunk(session, actor, index, chunk, out, counts)
        if progress:
            progress(counts)
    return counts
