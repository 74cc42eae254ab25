"""`manara serve`: one process, or a supervisor and worker processes forked from one load of the
screening index.

The index of a million notices takes minutes to load and gigabytes to hold. With ``--workers N`` the
supervisor binds the socket and forks a loader, which loads the index (from the snapshot, or built from
the database and saved), freezes it out of the cyclic garbage collector, forks the N workers and exits:
the workers share its pages copy-on-write. Only the loader's exit makes this pay off: Python's reference
counts write to every object a search touches, so each worker slowly copies what it uses; with the
loader gone, a page is held at most once per worker (never more than N separate loads would hold), and
everything not yet copied is held once. The supervisor is the workers' "subreaper" (Linux), so they
become its children when the loader exits.

Each worker serves requests on the shared socket and keeps its index fresh from the outbox like a single
server does. The first worker alone runs the background jobs (batch screening, cross-matching, expiry,
escalation): one runner per deployment, so a restart re-queueing interrupted jobs never takes another
runner's job away. A worker that dies is replaced by a new loader and fork (the others keep serving);
SIGINT/SIGTERM are passed on to the workers for a graceful shutdown.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import socket
import sys
import time
from typing import Any

import uvicorn

from manara.db.session import get_engine, read_only_unit
from manara.screening.index import ScreeningIndex, settle
from manara.screening.refresher import warm
from manara.settings import get_settings

log = logging.getLogger("manara.serve")

APP = "manara.api.app:create_app"
PR_SET_CHILD_SUBREAPER = 36  # prctl option, linux/prctl.h
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
    if workers <= 1:
        uvicorn.Server(config).run()
        return
    logging.basicConfig(level=get_settings().log_level)  # the workers' app does the same; the loader logs first
    if not _become_subreaper():
        raise RuntimeError("--workers above 1 needs Linux (the forked workers' supervisor is a subreaper)")
    sock = config.bind_socket()  # listening starts with the first worker: until then, connections are refused
    try:
        _supervise(config, sock, workers)
    finally:
        sock.close()


def _become_subreaper() -> bool:
    """Make orphaned descendants (the workers, once their loader exits) children of this process."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return int(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) == 0


def _supervise(config: uvicorn.Config, sock: socket.socket, workers: int) -> None:
    loaders: dict[int, tuple[int, ...]] = {}  # loader pid -> the worker numbers it forks
    children: dict[int, int] = {}  # worker pid -> worker number
    stopping: list[int] = []

    def stop(signum: int, _frame: Any) -> None:
        stopping.append(signum)
        for pid in (*loaders, *children):
            _kill(pid, signal.SIGTERM)

    def start(numbers: tuple[int, ...]) -> None:
        pid, pipe = _fork_loader(config, sock, numbers, previous)
        loaders[pid] = numbers
        with os.fdopen(pipe, "rb") as reports:  # "<pid> <number>" per forked worker; EOF when the loader exits
            for line in reports:
                worker, number = map(int, line.split())
                children[worker] = number

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        start(tuple(range(workers)))
        while loaders or children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            code = os.waitstatus_to_exitcode(status)
            if pid in loaders:
                numbers = loaders.pop(pid)
                if code != 0 and not stopping:  # nothing forked: try again after a pause
                    log.error("loader of worker(s) %s exited with status %d; retrying", numbers, code)
                    time.sleep(RESTART_PAUSE)
                    start(numbers)
                continue
            number = children.pop(pid, -1)
            if number < 0 or stopping:
                continue
            log.error("worker %d (pid %d) exited with status %d; restarting it", number, pid, code)
            time.sleep(RESTART_PAUSE)
            if not stopping:
                start((number,))
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _fork_loader(
    config: uvicorn.Config, sock: socket.socket, numbers: tuple[int, ...], handlers: dict[signal.Signals, Any]
) -> tuple[int, int]:
    """Fork a loader: it loads the index, forks one worker per number, reports their pids and exits."""
    read, write = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write)
        return pid, read
    code = 1
    try:
        os.close(read)
        for s, handler in handlers.items():
            signal.signal(s, handler)
        global _PRELOADED
        settings = get_settings()
        index = ScreeningIndex(lazy_build=False)
        started = time.monotonic()
        warm(index, read_only_unit, settings.screening_snapshot)
        get_engine().dispose()  # no pooled connection may be shared by the forked workers
        settle()
        log.info("screening index ready (%d notices, %.0f s); forking worker(s) %s", len(index),
                    time.monotonic() - started, list(numbers))  # fmt: skip
        _PRELOADED = index
        for number in numbers:
            worker = _fork_worker(config, sock, number, write)
            os.write(write, f"{worker} {number}\n".encode())
        code = 0
    except BaseException:  # noqa: BLE001 - reported; the supervisor retries
        log.exception("loading the screening index for worker(s) %s failed", list(numbers))
    finally:
        os._exit(code)


def _fork_worker(config: uvicorn.Config, sock: socket.socket, number: int, report: int) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:  # the worker: never returns into the loader's code
        os.close(report)
        global _RUNS_JOBS
        _RUNS_JOBS = number == 0
        if _PRELOADED is not None:
            _PRELOADED.after_fork()
        uvicorn.Server(config).run(sockets=[sock])  # installs its own graceful SIGINT/SIGTERM handlers
        code = 0
    except BaseException:  # noqa: BLE001 - reported, then the worker exits and the supervisor replaces it
        log.exception("worker %d failed", number)
    finally:
        os._exit(code)


def _kill(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass
