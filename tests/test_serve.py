"""`manara serve --workers 2`: the parent loads the screening index once and forks workers sharing it; the
workers stay fresh from the outbox, a dead worker is replaced, and SIGTERM stops everything cleanly."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.db.session import make_engine
from manara.identity import Actor, Role
from manara.member import actions as member_actions
from manara.member.models import User
from served import database, publish_red, running, seed_network

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="forked workers need fork()")
SETUP = Actor(user_id="serve-setup", username="serve-setup", country="ZZ", role=Role.ADMINISTRATOR)


def _children(pid: int) -> set[int]:
    """The live child processes of ``pid`` (read from /proc: no dependency for one test). Not Path.glob:
    a process that exits while /proc is listed makes it raise."""
    found = set()
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            fields = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # exited meanwhile
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(name))
    return found


def _workers(supervisor: int) -> set[int]:
    """The supervisor's children once its loader has forked them and exited (a loader has children)."""
    children = _children(supervisor)
    return children if len(children) == 2 and not any(_children(pid) for pid in children) else set()


def _actor(session: Session, username: str) -> Actor:
    user = session.scalars(select(User).where(User.username == username)).one()
    return Actor(user_id=user.id, username=username, country=user.country, role=Role(user.role))


def _found(base: str, token: str, name: str, requests: int = 16) -> list[bool]:
    """Screen ``name`` with ``requests`` concurrent fresh connections (spread over the workers by accept())."""

    def one(_: int) -> bool:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
            answer = client.post("/api/v1/screen", json={"names": [name], "birth_date": "1985-04-12"})
            assert answer.status_code == 200, answer.text
            return any(r["title"] == f"Fugitive: {name}" and r["match"] for r in answer.json()["results"])

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, range(requests)))


def _until(check: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_forked_workers_share_the_loaded_index_stay_fresh_and_are_replaced(tmp_path: Path) -> None:
    url = database(tmp_path, "serve")
    seed_network(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        officer = session.scalars(select(User).where(User.username == "fr.frontline_officer")).one()
        _, token = member_actions.do_create_api_key(session, officer, acting=SETUP)
        session.commit()
        owner, reviewer = _actor(session, "ma.bureau_officer"), _actor(session, "fr.reviewer")
    snapshot = tmp_path / "snapshot"
    command = [sys.executable, "-m", "manara.cli.main", "serve", "--workers", "2"]
    with running(command, url, tmp_path, MANARA_SCREENING_SNAPSHOT=str(snapshot)) as (proc, base, log):
        _until(lambda: _workers(proc.pid))  # the loader forked both and exited: they are the supervisor's now
        workers = _workers(proc.pid)
        assert (snapshot / "targets.json").exists()  # built once, by the loader, and saved for the next start
        assert all(_found(base, token, "Karim Benali"))

        # A notice published now is searchable in every worker within seconds.
        with Session(engine) as session:
            publish_red(session, owner, reviewer, "Layla Mansour", visibility="all")
        _until(lambda: all(_found(base, token, "Layla Mansour")))

        # A killed worker is replaced (a new loader loads the snapshot, forks it and exits); it catches up from
        # the outbox.
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        _until(lambda: (now := _workers(proc.pid)) and victim not in now)
        _until(lambda: all(_found(base, token, "Layla Mansour", requests=24)))
        assert all(_found(base, token, "Karim Benali"))

        workers = _workers(proc.pid)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0, log.read_text()
        assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
        assert "exited with status -9; restarting it" in log.read_text()
    engine.dispose()


def test_no_worker_outlives_a_killed_supervisor(tmp_path: Path) -> None:
    url = database(tmp_path, "orphans")
    seed_network(url)
    command = [sys.executable, "-m", "manara.cli.main", "serve", "--workers", "2"]
    with running(command, url, tmp_path) as (proc, _, log):
        _until(lambda: _workers(proc.pid))
        workers = _workers(proc.pid)
        proc.kill()  # SIGKILL: no chance to pass anything on
        proc.wait(10)
        _until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers), timeout=30)
        assert "is gone; stopping worker" in log.read_text()


def test_a_stop_waits_for_requests_in_progress_only_the_grace_period(tmp_path: Path) -> None:
    # A live-feed stream lasts minutes; without a grace period a SIGTERM would wait for every one of them.
    url = database(tmp_path, "grace")
    seed_network(url)
    engine = make_engine(url)
    with Session(engine) as session:
        officer = session.scalars(select(User).where(User.username == "fr.frontline_officer")).one()
        _, token = member_actions.do_create_api_key(session, officer, acting=SETUP)
        session.commit()
    engine.dispose()

    def trickle() -> Iterator[bytes]:  # an upload that would take a minute
        yield b"names,birth_date\n"
        for _ in range(600):
            time.sleep(0.1)
            yield b"Karim Benali,1985-04-12\n"

    command = [sys.executable, "-m", "manara.cli.main", "serve"]
    with running(command, url, tmp_path, MANARA_SHUTDOWN_GRACE_SECONDS="2") as (proc, base, log):
        upload = ThreadPoolExecutor(1).submit(
            httpx.post,
            f"{base}/api/v1/screen/batch",
            content=trickle(),
            timeout=120,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"},
        )
        time.sleep(1.5)
        assert not upload.done()
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == -signal.SIGTERM, log.read_text()  # uvicorn ends by re-raising the signal it caught
        assert time.monotonic() - started < 10
        assert "timeout graceful shutdown exceeded" in log.read_text()
        answer = upload.result(30)
        assert answer.status_code >= 500, answer.text  # cut off: never answered as if the list had been received
