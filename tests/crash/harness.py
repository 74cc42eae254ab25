"""Crash safety (issue 21): a real ``manara serve`` process, killed with SIGKILL in the middle of some work,
then started again over the same database and data folder.

The whole process tree is killed (the server and the screening workers it forked), as a power cut or
the OOM killer of a container would: no ``finally`` block, no shutdown hook, no flushed buffer runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil
from sqlalchemy import text
from sqlalchemy.orm import Session

from manara.db.session import make_engine
from manara.identity import Actor, Role
from manara.member import actions as member_actions
from manara.member.models import User
from served import ROOT, database, running, seed_network

SERVE = [sys.executable, "-m", "manara.cli.main", "serve"]
SETUP = Actor(user_id="crash-setup", username="crash-setup", country="ZZ", role=Role.ADMINISTRATOR)


@dataclass
class Site:
    """A migrated, seeded database with API keys, and the folder the server runs in."""

    url: str
    tmp: Path
    keys: dict[str, str]  # username -> API key

    def headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[username]}"}

    def scalar(self, sql: str, **params: Any) -> Any:
        """One value read straight from the database (not through the server)."""
        engine = make_engine(self.url)
        try:
            with engine.connect() as conn:
                return conn.execute(text(sql), params).scalar()
        finally:
            engine.dispose()

    def execute(self, sql: str, **params: Any) -> None:
        """Change the database behind the server's back (what time or an operator would do)."""
        engine = make_engine(self.url)
        try:
            with engine.begin() as conn:
                conn.execute(text(sql), params)
        finally:
            engine.dispose()

    def rows(self, sql: str, **params: Any) -> list[Any]:
        engine = make_engine(self.url)
        try:
            with engine.connect() as conn:
                return list(conn.execute(text(sql), params).all())
        finally:
            engine.dispose()


def make_site(tmp: Path, suffix: str, usernames: tuple[str, ...]) -> Site:
    """Members MA, FR and EG with a user of every role each (``served.seed_network``), keys for ``usernames``."""
    url = database(tmp, suffix)
    seed_network(url)
    engine = make_engine(url)
    keys: dict[str, str] = {}
    with Session(engine, expire_on_commit=False) as session:
        for username in usernames:
            user = session.query(User).filter_by(username=username).one()
            _, keys[username] = member_actions.do_create_api_key(session, user, acting=SETUP)
        session.commit()
    engine.dispose()
    return Site(url, tmp, keys)


@contextmanager
def served(site: Site, **env: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """The server over the site's database; yields the process and its base URL."""
    with running(SERVE, site.url, site.tmp, MANARA_SHUTDOWN_GRACE_SECONDS="2", **env) as (proc, base, _log):
        yield proc, base


def kill9(proc: subprocess.Popen[bytes]) -> int:
    """SIGKILL the server and every process it started, at once; return how many processes died."""
    try:
        tree = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for p in tree:
        try:
            p.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess:
            pass
    proc.wait(timeout=10)
    psutil.wait_procs(tree[1:], timeout=10)
    return len(tree)


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, every: float = 0.05) -> Any:
    """Poll ``predicate`` until it returns something truthy; return that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def audit_verify(site: Site) -> subprocess.CompletedProcess[str]:
    """Run ``manara audit verify`` over the site's database."""
    env = {
        **os.environ,
        "MANARA_ENV": "test",
        "MANARA_DATABASE_URL": site.url,
        "MANARA_DATA_DIR": str(site.tmp / "data"),
    }
    env["PYTHONPATH"] = str(ROOT / "src")
    return subprocess.run(
        [sys.executable, "-m", "manara.cli.main", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def client(base: str, site: Site, username: str, timeout: float = 60) -> httpx.Client:
    return httpx.Client(base_url=base, headers=site.headers(username), timeout=timeout)
