"""Batch screening jobs: stored uploads, a runner that survives restarts, progress in the database."""

from __future__ import annotations

import logging
import os
import stat
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.audit.checkpoint import load_key, write_checkpoint
from manara.db.base import utcnow
from manara.forked import default_workers
from manara.identity import Actor, Role
from manara.live.escalation import escalate_overdue
from manara.notice.jobs import expire_due
from manara.screening.actions import (
    do_claim_job,
    do_finish_job,
    do_purge_jobs,
    do_record_job_progress,
    do_requeue_running_jobs,
)
from manara.screening.batch import BatchCounts, SessionFactory, open_rows, run_batch
from manara.screening.index import ScreeningIndex
from manara.screening.models import ScreeningJob
from manara.settings import get_settings

log = logging.getLogger("manara.jobs")


def job_paths(data_dir: Path, job_id: str) -> tuple[Path, Path]:
    """Return the input and result file paths of a job, in a folder only the server's user may enter (0700)."""
    folder = data_dir / "jobs"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if stat.S_IMODE(folder.stat().st_mode) != 0o700:
        folder.chmod(0o700)  # created before, or by a wider umask
    return folder / f"{job_id}.input", folder / f"{job_id}.results.jsonl"


def open_private(path: Path) -> BinaryIO:
    """Open ``path`` for writing (truncated), readable and writable by the server's user only (0600).

    Passenger lists and their results are personal data: never created world-readable, whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its mode through O_CREAT: narrow it
    return os.fdopen(fd, "wb")


def purge_expired_jobs(
    factory: SessionFactory, data_dir: Path, retention_hours: int, now: datetime | None = None, limit: int = 500
) -> int:
    """Delete the files of jobs finished more than ``retention_hours`` ago (marked ``purged`` first), and stray
    files older than that of no queued or running job (an upload cut midway); return how many jobs were purged.

    The mark commits before the files go: a crash in between leaves files of a purged job, which the next
    sweep deletes as strays; never a ``done`` job without its results."""
    cutoff = (now or utcnow()) - timedelta(hours=retention_hours)
    with factory() as session:
        expired = list(
            session.scalars(
                select(ScreeningJob.id)
                .where(ScreeningJob.status.in_(("done", "failed")), ScreeningJob.finished_at < cutoff)
                .order_by(ScreeningJob.finished_at)
                .limit(limit)
            )
        )
        do_purge_jobs(session, expired)
    for job_id in expired:
        for path in job_paths(data_dir, job_id):
            path.unlink(missing_ok=True)
    folder = data_dir / "jobs"
    if folder.is_dir():
        stale = [p for p in folder.iterdir() if p.is_file() and p.stat().st_mtime < cutoff.timestamp()]
        if stale:
            ids = {p.name.split(".", 1)[0] for p in stale}
            with factory() as session:
                active = set(
                    session.scalars(
                        select(ScreeningJob.id).where(
                            ScreeningJob.id.in_(sorted(ids)), ScreeningJob.status.in_(("queued", "running"))
                        )
                    )
                )
            for path in stale:
                if path.name.split(".", 1)[0] not in active:
                    path.unlink(missing_ok=True)
    return len(expired)


def _progress(factory: SessionFactory, job_id: str, counts: BatchCounts) -> None:
    with factory() as session:
        do_record_job_progress(session, job_id, counts)


def run_job(
    factory: SessionFactory, index: ScreeningIndex, data_dir: Path, job_id: str, workers: int | None = None
) -> None:
    """Run one queued (or failed) job from its stored input, scoring in ``workers`` forked processes (default:
    one per CPU); a failure is recorded on the job, never lost. A job running elsewhere or done is left alone."""
    with factory() as session:
        job = do_claim_job(session, job_id)
        if job is None:
            return  # missing, running elsewhere or done
        actor = Actor(user_id=job.user_id, username=job.username, country=job.country, role=Role(job.role))
        fmt = job.input_format
    source, target = job_paths(data_dir, job_id)
    try:
        with source.open("rb") as handle, open_private(target) as out:
            counts = run_batch(
                factory,
                actor,
                index,
                open_rows(handle, fmt),
                out,
                workers=workers or default_workers(),
                progress=lambda c: _progress(factory, job_id, c),
            )
        status, error = "done", None
    except Exception as exc:  # noqa: BLE001 - recorded on the job for the user
        log.exception("screening job %s failed", job_id)
        counts, status, error = BatchCounts(), "failed", str(exc)[:500]
    with factory() as session:
        do_finish_job(session, job_id, status, error, counts)


class JobRunner:
    """A background thread that runs queued jobs, re-runs jobs a restart interrupted, expires records past
    their review date every ``expiry_every`` seconds and escalates overdue queue items every
    ``escalate_every`` seconds."""

    def __init__(
        self,
        factory: SessionFactory,
        index: ScreeningIndex,
        data_dir: Path,
        interval: float = 1.0,
        expiry_every: float = 3600.0,
        escalate_every: float = 30.0,
        purge_every: float = 600.0,
    ) -> None:
        self.factory, self.index, self.data_dir, self.interval = factory, index, data_dir, interval
        self.expiry_every, self.next_expiry = expiry_every, 0.0
        self.escalate_every, self.next_escalation = escalate_every, 0.0
        self.purge_every, self.next_purge = purge_every, 0.0
        self.next_checkpoint = 0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="manara-jobs", daemon=True)

    def start(self) -> None:
        """Requeue interrupted jobs and start polling."""
        with self.factory() as session:
            do_requeue_running_jobs(session)
        self.thread.start()

    def _drain(self, every: float, attr: str, step: Callable[[Session], str | None]) -> None:
        """Run ``step`` in units of work until it has nothing left, if ``every`` seconds passed since last time."""
        if time.monotonic() < getattr(self, attr):
            return
        setattr(self, attr, time.monotonic() + every)
        while True:
            with self.factory() as session:
                done = step(session)
            if done is None:
                return
            log.info(done)

    def _expire(self) -> None:
        """Run the review-date expiry job when it is due."""

        def step(session: Session) -> str | None:
            report = expire_due(session, utcnow().date())
            if report.notices == 0 and report.entities == 0:
                return None
            return f"expired {report.notices} notices and {report.entities} entities"

        self._drain(self.expiry_every, "next_expiry", step)

    def _escalate(self) -> None:
        """Escalate overdue queue items when due (hits past their deadline, notices waiting for review)."""

        def step(session: Session) -> str | None:
            escalated = escalate_overdue(session, utcnow())
            return f"escalated {escalated} overdue items" if escalated else None

        self._drain(self.escalate_every, "next_escalation", step)

    def _purge(self) -> None:
        """Delete batch files past ``MANARA_BATCH_RETENTION_HOURS`` when due."""
        if time.monotonic() < self.next_purge:
            return
        self.next_purge = time.monotonic() + self.purge_every
        while purged := purge_expired_jobs(self.factory, self.data_dir, get_settings().batch_retention_hours):
            log.info("purged the files of %d batch screening jobs", purged)

    def _checkpoint(self) -> None:
        """Write a signed audit checkpoint when due and configured (``MANARA_AUDIT_CHECKPOINT_*``)."""
        settings = get_settings()
        if settings.audit_checkpoint_dir is None or time.monotonic() < self.next_checkpoint:
            return
        self.next_checkpoint = time.monotonic() + settings.audit_checkpoint_every_seconds
        with self.factory() as session:
            path = write_checkpoint(session, settings.audit_checkpoint_dir, load_key(settings))
        log.info("audit checkpoint written: %s", path)

    def _loop(self) -> None:
        while not self.stop.is_set():
            try:
                self._expire()
                self._escalate()
                self._purge()
                self._checkpoint()
                with self.factory() as session:
                    job_id = session.scalar(
                        select(ScreeningJob.id)
                        .where(ScreeningJob.status == "queued")
                        .order_by(ScreeningJob.created_at)
                        .limit(1)
                    )
                if job_id is None:
                    self.stop.wait(self.interval)
                    continue
                run_job(self.factory, self.index, self.data_dir, job_id)
            except Exception:  # noqa: BLE001 - keep the runner alive; the error is logged
                log.exception("job runner error")
                self.stop.wait(self.interval)
