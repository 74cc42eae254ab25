"""Batch screening of passenger lists (CSV or FtM JSON lines), in chunks, with progress.

CSV header (UTF-8, comma-separated; only ``names`` is required, other columns are ignored):
``id,names,birth_date,nationality,gender,document_number,document_country`` — several names of one
passenger are separated by ``|``; ``birth_date`` is YYYY, YYYY-MM or YYYY-MM-DD.
"""

from __future__ import annotations

import csv
import io
import itertools
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import IO, Any

import orjson
from pydantic import ValidationError
from sqlalchemy.orm import Session

from manara.errors import Forbidden
from manara.forked import BrokenProcessPool, Workers, forked_workers
from manara.identity import Actor, Perm
from manara.matching import MatchResult, record_from_ftm
from manara.screening.actions import do_finish_screening, do_log_batch_chunk
from manara.screening.index import IndexWarmingUp, ScreeningIndex, Target
from manara.screening.schemas import ScreenIn
from manara.screening.service import search_person

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
        "birth_date": clean.get("birth_date") or None,
        "nationality": clean.get("nationality") or None,
        "gender": (clean.get("gender") or "").lower() or None,
        "documents": [{"number": doc, "country": clean.get("document_country") or None}] if doc else [],
    }


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
        data = {
            "names": list(person.names),
            "birth_date": next(iter(person.birth_dates), None),
            "nationality": next(iter(person.nationalities), None),
            "gender": person.gender,
            "documents": [{"number": d} for d in person.documents],
        }
        yield number, person.id or str(number), _query(data)


def open_rows(handle: IO[bytes], fmt: str) -> Iterator[Row]:
    """Return the passenger rows of a CSV or JSON-lines upload."""
    if fmt == "csv":
        return csv_rows(io.TextIOWrapper(handle, encoding="utf-8-sig", errors="replace", newline=""))
    return jsonl_rows(handle)


Found = list[tuple[MatchResult, Target]]
REFORK_SECONDS = 30.0  # forked workers see notices published during a batch within this delay


class WorkerDied(RuntimeError):
    """A scoring worker process ended abruptly; the rows written so far are kept."""


def _search_chunk(index: ScreeningIndex, task: tuple[Actor, list[Row]]) -> list[Found | None]:
    """The engine half of a chunk (no database): candidates of each valid row; runs in a worker."""
    actor, chunk = task
    return [
        None if isinstance(query, str) else [(r, t) for r, t in search_person(actor, index, query) if r.score > 0]
        for _, _, query in chunk
    ]


def _write_chunk(
    session: Session,
    actor: Actor,
    chunk: list[Row],
    found: list[Found | None],
    lines: list[bytes],
    counts: BatchCounts,
) -> None:
    """The database half of a chunk, in the parent: raise hits, check documents, one audit event."""
    audited: list[dict[str, Any]] = []
    for (number, ident, query), candidates in zip(chunk, found, strict=True):
        counts.processed += 1
        if isinstance(query, str) or candidates is None:
            counts.errors += 1
            lines.append(orjson.dumps({"row": number, "id": ident, "error": query}) + b"\n")
            continue
        result = do_finish_screening(session, actor, query, candidates, audit=False)
        matches = [r for r in result.results if r.match]
        counts.matched += bool(matches)
        counts.hits += sum(1 for r in matches if r.hit_id)
        line = {
            "row": number,
            "id": ident,
            "match": bool(matches),
            "results": [r.model_dump() for r in result.results],
            "documents": [d.model_dump() for d in result.documents],
        }
        lines.append(orjson.dumps(line) + b"\n")
        audited.append(
            {
                "row": number,
                "names": query.names,
                "birth_date": query.birth_date,
                "results": [r.notice_id for r in result.results],
            }
        )
    do_log_batch_chunk(session, actor, audited)


def _chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Pipeline:
    """Chunks in flight: searched by the workers, written by this process in input order."""

    def __init__(
        self, factory: SessionFactory, actor: Actor, out: IO[bytes], progress: Callable[[BatchCounts], None] | None
    ) -> None:
        self.factory, self.actor, self.out, self.progress = factory, actor, out, progress
        self.counts = BatchCounts()
        self.pending: deque[tuple[list[Row], Future[list[Found | None]]]] = deque()

    def drain(self, keep: int) -> None:
        """Write chunks in order until at most ``keep`` are in flight."""
        while len(self.pending) > keep:
            chunk, future = self.pending.popleft()
            try:
                found = future.result()
            except BrokenProcessPool as exc:
                raise WorkerDied(
                    f"a screening worker process died after {self.counts.processed} passengers; "
                    "their results and hits are kept; screen the list again"
                ) from exc
            lines: list[bytes] = []
            with self.factory() as session:
                _write_chunk(session, self.actor, chunk, found, lines, self.counts)
            self.out.writelines(lines)  # after the commit: a written line is never a rolled-back hit
            self.out.flush()
            if self.progress:
                self.progress(self.counts)

    def feed(
        self,
        pool: Workers[ScreeningIndex],
        chunks: Iterator[list[Row]],
        index: ScreeningIndex,
        catch_up: Callable[[], None],
    ) -> bool:
        """Search and write chunks; return False when the workers' copy of the index is out of date."""
        generation, forked_at = index.generation, time.monotonic()
        for chunk in chunks:
            self.pending.append((chunk, pool.submit(_search_chunk, (self.actor, chunk))))
            self.drain(2 * pool.count if pool.forked else 0)
            if not pool.forked:
                catch_up()
            elif time.monotonic() - forked_at > REFORK_SECONDS:
                catch_up()
                if index.generation != generation:
                    self.drain(0)
                    return False
        self.drain(0)
        return True


def run_batch(
    factory: SessionFactory,
    actor: Actor,
    index: ScreeningIndex,
    rows: Iterable[Row],
    out: IO[bytes],
    *,
    chunk_size: int = 500,
    progress: Callable[[BatchCounts], None] | None = None,
    workers: int = 1,
) -> BatchCounts:
    """Screen every row, writing one JSON line of results per row, in input order.

    Each chunk's candidates are searched by one of ``workers`` forked processes sharing the index
    (in-process with one worker, or when the whole list fits in one chunk); its hits, document checks
    and audit event are written by this process in one unit of work, and its lines are written to
    ``out`` only once that unit of work has committed. The workers are forked again (at most every
    REFORK_SECONDS) when notices changed meanwhile. A worker that dies raises WorkerDied: the rows
    committed before stay committed and written.
    """
    if not actor.can(Perm.SCREEN):
        raise Forbidden("this role may not screen")
    chunks = _chunks(rows, chunk_size)
    first = next(chunks, None)
    if first is None:
        return BatchCounts()
    parallel = workers > 1 and len(first) >= chunk_size
    pipeline = _Pipeline(factory, actor, out, progress)

    def catch_up() -> None:
        if index.lazy_build:  # notices published meanwhile are found by the next chunks
            with factory() as session:
                index.ensure(session)

    remaining: Iterator[list[Row]] = itertools.chain([first], chunks)
    done = False
    while not done:
        catch_up()
        if not index.built:
            raise IndexWarmingUp("the screening index is still loading; the job is retried when it has loaded")
        with forked_workers(
            index, workers if parallel else 1, consistent=index.lock, after_fork=ScreeningIndex.after_fork
        ) as pool:
            done = pipeline.feed(pool, remaining, index, catch_up)
    return pipeline.counts
