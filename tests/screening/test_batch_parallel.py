"""Batch screening scored in forked workers: same answers as in-process; a dead worker fails the job
clearly, and what was committed before is exactly what was written."""

from __future__ import annotations

import io
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net, _uow
from factories import make_notice
from manara.audit.actions import AuditAction
from manara.audit.models import AuditEvent
from manara.identity import Role
from manara.screening import batch
from manara.screening.batch import BatchCounts, csv_rows, run_batch
from manara.screening.index import ScreeningIndex
from manara.screening.jobs import run_job
from screening.helpers import publish_red

WANTED = ["Abderrahmane Ben Salah", "Karim Benali", "Samira Haddad"]
PARENT = os.getpid()
_search_chunk = batch._search_chunk


def passenger_csv(count: int, kill_at: int | None = None) -> str:
    """Passengers: every 7th a wanted person (another spelling for some), every 11th invalid, others strangers."""
    lines = ["id,names,birth_date,nationality"]
    for i in range(1, count + 1):
        if i == kill_at:
            lines.append(f"P{i},Kill Me Now,1970-01-01,FR")
        elif i % 11 == 0:
            lines.append(f"P{i},,1970,FR")  # no name: an error row
        elif i % 7 == 0:
            name = WANTED[i % 3] if i % 2 else WANTED[i % 3].replace("Karim", "Kareem").replace("Ben ", "Bin ")
            lines.append(f"P{i},{name},1985-04-12,MA")
        else:
            lines.append(f"P{i},Traveller{i} Dupont,19{50 + i % 50}-0{1 + i % 9}-1{i % 10},FR")
    return "\n".join(lines) + "\n"


def _die_on_marker(index: ScreeningIndex, task: tuple[Any, list[batch.Row]]) -> Any:
    """A scoring task whose worker dies (SIGKILL) on the marked passenger."""
    if any(not isinstance(q, str) and "Kill Me Now" in q.names for _, _, q in task[1]):
        if os.getpid() == PARENT:
            raise AssertionError("the marked chunk must be scored in a forked worker")
        os.kill(os.getpid(), signal.SIGKILL)
    return _search_chunk(index, task)


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record, for each pool the batch path opens, whether its workers were forked."""
    opened: list[bool] = []
    real = batch.forked_workers

    @contextmanager
    def spy(*args: Any, **kwargs: Any) -> Iterator[Any]:
        with real(*args, **kwargs) as pool:
            opened.append(pool.forked)
            yield pool

    monkeypatch.setattr(batch, "forked_workers", spy)
    return opened


def batch_events(session: Session) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.action == AuditAction.SCREENING_BATCH).order_by(AuditEvent.seq)
    return list(session.scalars(stmt))


def screen(session: Session, actor: Any, text: str, workers: int) -> tuple[list[Any], BatchCounts]:
    out = io.BytesIO()
    counts = run_batch(
        lambda: _uow(session), actor, ScreeningIndex(), csv_rows(io.StringIO(text)), out, chunk_size=4, workers=workers
    )
    return [orjson.loads(line) for line in out.getvalue().splitlines()], counts


def test_forked_workers_give_the_same_results_hits_and_audit_as_in_process(
    client: TestClient, net: Net, session: Session, forks: list[bool]
) -> None:
    for name in WANTED:
        publish_red(client, net, name=name)
    actor = net.user("FR", Role.FRONTLINE_OFFICER).actor
    text = passenger_csv(30)
    alone, alone_counts = screen(session, actor, text, 1)
    events_alone = len(batch_events(session))
    assert forks == [False]
    forked, forked_counts = screen(session, actor, text, 2)
    assert forks == [False, True]
    assert forked == alone and forked_counts == alone_counts
    assert [line["row"] for line in forked] == list(range(1, 31))
    assert alone_counts.matched >= 4 and alone_counts.hits >= 4 and alone_counts.errors == 2
    events = batch_events(session)
    assert len(events) == 2 * events_alone == 2 * 8  # one audit event per chunk of 4 rows, in both runs
    assert events[8:] and [e.query for e in events[8:]] == [e.query for e in events[:8]]


def test_a_killed_worker_fails_the_job_and_keeps_exactly_what_was_committed(
    client: TestClient, app: Any, net: Net, session: Session, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish_red(client, net)
    fr = net.user("FR", Role.FRONTLINE_OFFICER).headers
    job = client.post(
        "/api/v1/screen/batch", content=passenger_csv(1300, kill_at=1200), headers={**fr, "Content-Type": "text/csv"}
    ).json()
    monkeypatch.setattr(batch, "_search_chunk", _die_on_marker)
    run_job(lambda: _uow(session), app.state.screening_index, data_dir, job["id"], workers=2)
    status = client.get(f"/api/v1/screen/batch/{job['id']}", headers=fr).json()
    assert status["status"] == "failed" and "worker process died" in status["error"]
    written = (data_dir / "jobs" / f"{job['id']}.results.jsonl").read_bytes().splitlines()
    rows = [orjson.loads(line)["row"] for line in written]
    assert rows == list(range(1, len(rows) + 1)) and len(rows) in (0, 500, 1000)
    assert status["processed"] == len(rows)
    audited = [r["row"] for e in batch_events(session) for r in (e.query or {}).get("rows", [])]
    assert audited == [r for r in rows if r % 11]  # every committed row audited, nothing beyond
    # Nothing is lost: the stored input is intact and the whole list is screened when the job runs again.
    monkeypatch.setattr(batch, "_search_chunk", _search_chunk)
    run_job(lambda: _uow(session), app.state.screening_index, data_dir, job["id"], workers=2)
    status = client.get(f"/api/v1/screen/batch/{job['id']}", headers=fr).json()
    assert (status["status"], status["processed"], status["error"]) == ("done", 1300, None)
    assert len((data_dir / "jobs" / f"{job['id']}.results.jsonl").read_bytes().splitlines()) == 1300


def test_a_notice_published_during_a_batch_reaches_the_workers_of_later_chunks(
    client: TestClient, net: Net, session: Session, monkeypatch: pytest.MonkeyPatch, forks: list[bool]
) -> None:
    publish_red(client, net)
    officer = net.user("FR", Role.FRONTLINE_OFFICER).actor
    owner, reviewer = net.user("MA", Role.BUREAU_OFFICER).actor, net.user("EG", Role.REVIEWER).actor
    monkeypatch.setattr(batch, "REFORK_SECONDS", 0.0)
    published: list[str] = []

    def publish_once(counts: BatchCounts) -> None:
        if not published:  # after the first chunks are written, while the workers hold the old index
            published.append(make_notice(session, owner, status="published", reviewer=reviewer).id)

    text = "id,names,birth_date\n" + "".join(f"P{i},Karim Benali,1985-04-12\n" for i in range(1, 25))
    out = io.BytesIO()
    run_batch(
        lambda: _uow(session),
        officer,
        ScreeningIndex(),
        csv_rows(io.StringIO(text)),
        out,
        chunk_size=4,
        workers=2,
        progress=publish_once,
    )
    found = [[r["notice_id"] for r in orjson.loads(line)["results"]] for line in out.getvalue().splitlines()]
    assert forks[:2] == [True, True]  # forked again once the index changed
    assert published[0] not in found[0] and published[0] in found[-1]
