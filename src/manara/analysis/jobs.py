"""Cross-matching as a server job: one run at a time per deployment, progress in the database.

The run is the same ``run_xref`` that ``manara xref`` calls. A run a restart interrupted is queued
again and resumes from the scope's watermark (links already stored are kept; the watermark moves
only when a run finishes). A run that fails ``MAX_ATTEMPTS`` times is marked failed, never retried
forever.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.analysis.actions import do_claim_run, do_finish_run, do_record_run_progress, do_requeue_runs
from manara.analysis.models import XrefRun
from manara.analysis.parallel import default_workers
from manara.analysis.run import SessionFactory, run_xref
from manara.errors import NotFound
from manara.identity import Actor, Perm, Role

log = logging.getLogger("manara.xref")
MAX_ATTEMPTS = 3
SNAPSHOT_NAME = "xref.snapshot"


def access_run(session: Session, actor: Actor, run_id: str) -> XrefRun:
    """Return a run the actor may follow (its own country's, or any for an administrator); else NotFound."""
    run = session.get(XrefRun, run_id)
    if run is None or not actor.can(Perm.XREF_RUN) or not _sees(actor, run):
        raise NotFound("xref_run", run_id)
    return run


def _sees(actor: Actor, run: XrefRun) -> bool:
    return actor.role == Role.ADMINISTRATOR or run.country == actor.country


def list_runs(session: Session, actor: Actor, limit: int = 20) -> list[XrefRun]:
    """Return the latest runs the actor may follow, newest first."""
    stmt = select(XrefRun).order_by(XrefRun.created_at.desc()).limit(limit)
    if actor.role != Role.ADMINISTRATOR:
        stmt = stmt.where(XrefRun.country == actor.country)
    return list(session.scalars(stmt))


def _claim(factory: SessionFactory) -> tuple[str, Actor, str, bool] | None:
    """Mark the queued run running and return (id, actor, scope, full), or None if nothing is queued."""
    with factory() as session:
        run = do_claim_run(session, max_attempts=MAX_ATTEMPTS)
        if run is None:
            return None
        actor = Actor(user_id=run.user_id, username=run.username, country=run.country, role=Role(run.role))
        return run.id, actor, run.scope, run.full


def execute(factory: SessionFactory, data_dir: Path, workers: int | None = None) -> str | None:
    """Run the queued run, if any, to its end; return its id. Failures are recorded on the run."""
    claimed = _claim(factory)
    if claimed is None:
        return None
    run_id, actor, scope, full = claimed

    def progress(done: int, total: int) -> None:
        with factory() as session:
            do_record_run_progress(session, run_id, done, total)

    values: dict[str, object]
    try:
        report = run_xref(
            factory,
            actor,
            country=None if scope == "*" else scope,
            full=full,
            progress=progress,
            workers=workers or default_workers(),
            snapshot=data_dir / SNAPSHOT_NAME,
        )
        values = {
            "status": "done",
            "indexed": report.indexed,
            "total": report.matched,
            "matched": report.matched,
            "links": report.links,
            "error": None,
        }
    except Exception as exc:  # noqa: BLE001 - recorded on the run for whoever follows it
        log.exception("cross-matching run %s failed", run_id)
        values = {"status": "failed", "error": str(exc)[:500]}
    with factory() as session:
        do_finish_run(session, run_id, values)
    return run_id


class XrefRunner:
    """A background thread that runs queued cross-matching runs and re-queues those a restart interrupted."""

    def __init__(self, factory: SessionFactory, data_dir: Path, interval: float = 2.0) -> None:
        self.factory, self.data_dir, self.interval = factory, data_dir, interval
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="manara-xref", daemon=True)

    def start(self) -> None:
        """Requeue interrupted runs and start polling."""
        requeue(self.factory)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.thread.start()

    def _loop(self) -> None:
        while not self.stop.is_set():
            try:
                if execute(self.factory, self.data_dir) is None:
                    self.stop.wait(self.interval)
            except Exception:  # noqa: BLE001 - keep the runner alive; the error is logged
                log.exception("xref runner error")
                self.stop.wait(self.interval)


def requeue(factory: SessionFactory) -> None:
    """Queue again the runs a stopped server left running (they resume from the watermark)."""
    with factory() as session:
        do_requeue_runs(session)
