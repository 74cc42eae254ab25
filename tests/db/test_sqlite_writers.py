"""SQLite writers of several processes take turns through a kernel lock beside the database file."""

from __future__ import annotations

import os
import select
import signal
import time
from pathlib import Path

import pytest

from manara.db.session import _WriterLock

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")


def test_a_forked_process_waits_for_the_parents_write_turn_and_gets_it_when_released(tmp_path: Path) -> None:
    lock = _WriterLock(str(tmp_path / "x.db"))
    lock.acquire()  # the parent writes: held across the fork, as a server's parent could hold it
    ready, done = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its copy of the lock is its own, and it must wait for the parent's turn
        code = 1
        try:
            lock.acquire()
            os.write(done, b"got it")
            lock.release()
            code = 0
        finally:
            os._exit(code)
    try:
        time.sleep(0.3)
        assert select.select([ready], [], [], 0)[0] == []  # still waiting while the parent holds the turn
        lock.release()
        assert select.select([ready], [], [], 10)[0] == [ready] and os.read(ready, 16) == b"got it"
    finally:
        status = _reap(pid)
    assert os.waitstatus_to_exitcode(status) == 0
    lock.acquire()  # and the parent gets its turn back
    lock.release()


def _reap(pid: int, timeout: float = 10.0) -> int:
    """Wait for the child; kill it if it is stuck (a failing test must not hang the suite)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    return os.waitpid(pid, 0)[1]


def test_an_in_memory_database_has_no_lock_file(tmp_path: Path) -> None:
    lock = _WriterLock(":memory:")
    lock.acquire()
    lock.release()
    assert lock.path is None and list(tmp_path.iterdir()) == []
