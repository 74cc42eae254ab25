"""Batch screening files are private (0600 in a 0700 folder) and purged after their retention (finding 9);
the job runner also writes signed audit checkpoints on schedule."""

from __future__ import annotations

import os
import stat
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net, _uow
from manara.audit.checkpoint import verify_checkpoints
from manara.audit.models import AuditEvent
from manara.db.base import utcnow
from manara.identity import Role
from manara.screening.index import ScreeningIndex
from manara.screening.jobs import JobRunner, job_paths, purge_expired_jobs
from manara.screening.models import ScreeningJob
from manara.settings import get_settings
from screening.test_batch import CSV, run


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _submit(client: TestClient, net: Net) -> str:
    fr = net.user("FR", Role.FRONTLINE_OFFICER).headers
    job = client.post("/api/v1/screen/batch", content=CSV, headers={**fr, "Content-Type": "text/csv"})
    assert job.status_code == 202
    return str(job.json()["id"])


def test_uploads_and_results_are_private_whatever_the_umask(
    client: TestClient, app: Any, net: Net, session: Session, data_dir: Path
) -> None:
    old = os.umask(0o022)  # the usual umask: files 0644, folders 0755
    try:
        job_id = _submit(client, net)
        run(app, session, data_dir, job_id)
    finally:
        os.umask(old)
    source, results = job_paths(data_dir, job_id)
    assert (_mode(data_dir / "jobs"), _mode(source), _mode(results)) == (0o700, 0o600, 0o600)


def test_finished_jobs_are_purged_after_their_retention(
    client: TestClient, app: Any, net: Net, session: Session, data_dir: Path
) -> None:
    fr = net.user("FR", Role.FRONTLINE_OFFICER).headers
    old_id, new_id = _submit(client, net), _submit(client, net)
    run(app, session, data_dir, old_id)
    run(app, session, data_dir, new_id)
    old_job = session.get(ScreeningJob, old_id)
    assert old_job is not None and old_job.finished_at is not None
    old_job.finished_at -= timedelta(hours=get_settings().batch_retention_hours + 1)
    stray = data_dir / "jobs" / "0f0f0f0f-cut-upload.input"  # an upload cut before its job was queued
    stray.write_bytes(b"id,names\n")
    ancient = (utcnow() - timedelta(days=30)).timestamp()
    os.utime(stray, (ancient, ancient))
    session.commit()

    assert purge_expired_jobs(lambda: _uow(session), data_dir, get_settings().batch_retention_hours) == 1
    assert not any(p.exists() for p in job_paths(data_dir, old_id)) and not stray.exists()
    assert all(p.exists() for p in job_paths(data_dir, new_id))  # within its retention
    gone = client.get(f"/api/v1/screen/batch/{old_id}/results", headers=fr)
    assert gone.status_code == 409 and "purged" in gone.text
    assert client.get(f"/api/v1/screen/batch/{new_id}/results", headers=fr).status_code == 200
    session.expire_all()
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "screening.purged")).one()
    assert event.target_ids == [old_id]
    assert purge_expired_jobs(lambda: _uow(session), data_dir, get_settings().batch_retention_hours) == 0


def test_the_runner_purges_and_writes_checkpoints_on_schedule(
    session: Session, net: Net, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "anchor.key"
    key.write_bytes(os.urandom(32).hex().encode())
    folder = tmp_path / "anchors"
    monkeypatch.setenv("MANARA_AUDIT_CHECKPOINT_KEY_FILE", str(key))
    monkeypatch.setenv("MANARA_AUDIT_CHECKPOINT_DIR", str(folder))
    get_settings.cache_clear()
    runner = JobRunner(lambda: _uow(session), ScreeningIndex(), data_dir)
    runner._checkpoint()
    runner._checkpoint()  # not due again before MANARA_AUDIT_CHECKPOINT_EVERY_SECONDS
    runner._purge()
    assert len(list(folder.glob("audit-checkpoint-*.json"))) == 1
    assert verify_checkpoints(session, folder, key.read_bytes().strip()).ok
