"""`manara serve`: one process, or a parent that loads the screening index once and forks workers that
share it copy-on-write.

The index of a million notices takes minutes to load and gigabytes to hold. With ``--workers N`` the
parent loads it (from the snapshot, or built from the database and saved), freezes it out of the cyclic
garbage collector, opens the listening socket and forks N workers: each serves requests on the shared
socket with the parent's copy of the index, and keeps its copy fresh from the outbox like a single
server does (only the pages a change touches are copied). One worker, the first, also runs the
background jobs (batch screening, cross-matching, expiry, escalation): one runner per deployment, so a
restart's re-queueing of interrupted jobs never takes another runner's job away.

The parent starts no threads and holds no database connection across the fork. It restarts a worker
that dies (the new one is forked from the loaded index and catches up from the outbox), and passes
SIGINT/SIGTERM on to the workers for a graceful shutdown.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from typing import Any

import uvicorn

from manara.db.session import get_engine, read_only_unit
from manara.screening.index import ScreeningIndex, settle
from manara.screening.refresher import warm
from manara.settings import get_settings

log = logging.getLogger("manara.serve")

APP = "manara.api.app:create_app"
RESTART_PAUSE = 1.0  # seconds between restarts of a worker that keeps dying at start

_PRELOADED: ScreeningIndex | None = None  # set in the parent before the fork; each worker uses its copy
_RUNS_JOBS = True  # False in every forked worker but the first


def preloaded_index() -> ScreeningIndex | None:
    """Return the index the parent loaded before forking this worker, if any."""
    return _PRELOADED


def runs_background_jobs() -> bool:
    """Tell whether this process runs the batch, cross-matching, expiry and escalation jobs."""
    return _RUNS_JOBS


def _config(host: str, port: int) -> uvicorn.Config:
    level = get_settings().log_level.lower()
    return uvicorn.Config(APP, factory=True, host=host, port=port, proxy_headers=True, log_level=level)


def serve(host: str, port: int, workers: int) -> None:
    """Serve until interrupted: in this process when ``workers`` is 1, else in ``workers`` forked ones."""
    config = _config(host, port)
    if workers <= 1 or not hasattr(os, "fork"):
        uvicorn.Server(config).run()
        return
    global _PRELOADED
    settings = get_settings()
    index = ScreeningIndex(lazy_build=False)
    started = time.monotonic()
    warm(index, read_only_unit, settings.screening_snapshot)
    get_engine().dispose()  # no pooled connection may be shared by the forked workers
    settle()
    log.warning("screening index ready (%d notices, %.0f s); forking %d workers", len(index),
                time.monotonic() - started, workers)  # fmt: skip
    _PRELOADED = index
    sock = config.bind_socket()
    _supervise(config, sock, workers)


def _supervise(config: uvicorn.Config, sock: socket.socket, workers: int) -> None:
    children: dict[int, int] = {}  # pid -> worker number
    stopping: list[int] = []

    def stop(signum: int, _frame: Any) -> None:
        stopping.append(signum)
        for pid in children:
            _kill(pid, signal.SIGTERM)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        for number in range(workers):
            children[_fork(config, sock, number, previous)] = number
        while children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            number = children.pop(pid, -1)
            if number < 0 or stopping:
                continue
            log.error("worker %d (pid %d) exited with status %d; restarting it", number, pid,
                      os.waitstatus_to_exitcode(status))  # fmt: skip
            time.sleep(RESTART_PAUSE)
            if not stopping:
                children[_fork(config, sock, number, previous)] = number
    finally:
        sock.close()
        for s, handler in previous.items():
            signal.signal(s, handler)


def _fork(config: uvicorn.Config, sock: socket.socket, number: int, handlers: dict[signal.Signals, Any]) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:  # the worker: never returns into the parent's code
        global _RUNS_JOBS
        _RUNS_JOBS = number == 0
        for s, handler in handlers.items():
            signal.signal(s, handler)  # uvicorn installs its own graceful handlers in run()
        if _PRELOADED is not None:
            _PRELOADED.after_fork()
        uvicorn.Server(config).run(sockets=[sock])
        code = 0
    except BaseException:  # noqa: BLE001 - reported, then the worker exits and the parent restarts it
        log.exception("worker %d failed", number)
    finally:
        os._exit(code)


def _kill(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass
