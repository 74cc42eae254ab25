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
import ipaddress
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import uvicorn
from sqlalchemy.orm import Session

from manara import metrics
from manara.api.logs import configure_logging
from manara.db.session import get_engine, read_only_unit
from manara.demo.security import demo_credentials
from manara.screening.index import ScreeningIndex, settle
from manara.screening.refresher import warm
from manara.settings import UNSAFE_SECRETS, get_settings

log = logging.getLogger("manara.serve")

APP = "manara.app:create_app"
PR_SET_CHILD_SUBREAPER = 36  # prctl option, linux/prctl.h
RESTART_PAUSE = 1.0  # seconds before replacing a worker; doubled for each loader failure in a row, up to:
MAX_RESTART_PAUSE = 60.0
ORPHAN_CHECK = 1.0  # seconds between a worker's checks that its supervisor is alive

_PRELOADED: ScreeningIndex | None = None  # set in the loader before it forks; each worker uses its copy
_RUNS_JOBS = True  # False in every forked worker but the first


def preloaded_index() -> ScreeningIndex | None:
    """Return the index the loader loaded before forking this worker, if any."""
    return _PRELOADED


def runs_background_jobs() -> bool:
    """Tell whether this process runs the batch, cross-matching, expiry and escalation jobs."""
    return _RUNS_JOBS


def _config(host: str, port: int) -> uvicorn.Config:
    settings = get_settings()
    return uvicorn.Config(
        APP,
        factory=True,
        host=host,
        port=port,
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxies,  # X-Forwarded-For believed from these peers only
        log_level=settings.log_level.lower(),
        log_config=None,  # the app's structlog formatter (api/logs.py) handles uvicorn's loggers too
        access_log=False,  # replaced by the app's request line: route template, never the query string
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
    )


class UnsafeStart(RuntimeError):
    """The server refuses to start: the reason is in the message (finding 5)."""


def listens_beyond_loopback(host: str) -> bool:
    """Tell whether ``host`` lets other machines connect (anything but a loopback address or localhost)."""
    if host.strip().lower() == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return True  # a name: it may resolve to any interface


def check_start(host: str, factory: Callable[[], AbstractContextManager[Session]] = read_only_unit) -> None:
    """Refuse to serve with the public development secret beyond loopback, or production on demo credentials."""
    settings = get_settings()
    secret = settings.secret_key.get_secret_value()
    if listens_beyond_loopback(host) and (secret in UNSAFE_SECRETS or len(secret) < 32):
        raise UnsafeStart(
            f"refusing to listen on {host}: MANARA_SECRET_KEY is the public development value or shorter than "
            "32 characters, so anyone could forge console cookies; set a long random secret or listen on 127.0.0.1"
        )
    if settings.env == "prod":
        with factory() as session:
            found = demo_credentials(session)
        if found:
            raise UnsafeStart(
                "refusing to serve with MANARA_ENV=prod: the database holds demo credentials whose secrets are "
                f"public ({', '.join(found[:5])}{', …' if len(found) > 5 else ''}); use a database without the demo"
            )


def serve(host: str, port: int, workers: int) -> None:
    """Serve until interrupted: in this process when ``workers`` is 1, else in ``workers`` forked ones."""
    check_start(host)
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    if workers > 1:  # every worker counts into files of one folder; /metrics sums them (manara.metrics)
        metrics.use_multiprocess(settings.data_dir / "metrics")
    config = _config(host, port)
    if workers <= 1:
        uvicorn.Server(config).run()
        return
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
    supervisor = _Supervisor(config, sock)
    previous = {s: signal.signal(s, supervisor.stop) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    supervisor.handlers = previous
    try:
        supervisor.start(tuple(range(workers)))
        while supervisor.loaders or supervisor.children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            supervisor.exited(pid, os.waitstatus_to_exitcode(status))
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


class _Supervisor:
    """The supervisor's bookkeeping: loaders and workers by pid, and what to do when one exits."""

    def __init__(self, config: uvicorn.Config, sock: socket.socket) -> None:
        self.config, self.sock = config, sock
        self.loaders: dict[int, tuple[int, ...]] = {}  # loader pid -> the worker numbers it forks
        self.children: dict[int, int] = {}  # worker pid -> worker number
        self.handlers: dict[signal.Signals, Any] = {}  # restored in the loader and workers
        self.stopping, self.failures = False, 0

    def stop(self, _signum: int, _frame: Any) -> None:
        """Signal handler: stop every loader and worker gracefully, replace none."""
        self.stopping = True
        for pid in (*self.loaders, *self.children):
            _kill(pid, signal.SIGTERM)

    def start(self, numbers: tuple[int, ...]) -> None:
        """Fork a loader for the workers ``numbers``; return once it has forked them (or failed)."""
        if self.stopping:
            return
        pid, pipe = _fork_loader(self.config, self.sock, numbers, self.handlers)
        self.loaders[pid] = numbers
        with os.fdopen(pipe, "rb") as reports:  # "<pid> <number>" per forked worker; EOF when the loader exits
            for line in reports:
                worker, number = map(int, line.split())
                self.children[worker] = number

    def exited(self, pid: int, code: int) -> None:
        """Account for a child that exited: replace a dead worker, retry a failed loader."""
        if pid in self.loaders:
            numbers = self.loaders.pop(pid)
            self.failures = self.failures + 1 if code != 0 else 0
            if code != 0 and not self.stopping:  # nothing forked (database down?): retry, more and more slowly
                pause = min(MAX_RESTART_PAUSE, RESTART_PAUSE * 2**self.failures)
                log.error("loader of worker(s) %s exited with status %d; retrying in %.0f s", numbers, code, pause)
                time.sleep(pause)
                self.start(numbers)
            return
        number = self.children.pop(pid, -1)
        metrics.process_dead(pid)
        if number >= 0 and not self.stopping:
            log.error("worker %d (pid %d) exited with status %d; restarting it", number, pid, code)
            time.sleep(RESTART_PAUSE)
            self.start((number,))


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
        log.info(
            "screening index ready (%d notices, %.0f s); forking worker(s) %s",
            len(index),
            time.monotonic() - started,
            list(numbers),
        )
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
    supervisor = os.getppid()  # the loader's parent: the workers' parent once the loader has exited
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:  # the worker: never returns into the loader's code
        os.close(report)
        _stop_when_orphaned(supervisor)
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


def _stop_when_orphaned(supervisor: int) -> None:
    """Shut this worker down gracefully if the supervisor dies (even by SIGKILL): no worker outlives it."""

    def watch() -> None:
        while os.getppid() in (supervisor, loader):  # the loader is the parent until it exits
            time.sleep(ORPHAN_CHECK)
        log.error("the supervisor (pid %d) is gone; stopping worker %d", supervisor, os.getpid())
        os.kill(os.getpid(), signal.SIGTERM)

    loader = os.getppid()
    threading.Thread(target=watch, name="manara-orphan-watch", daemon=True).start()


def _kill(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass
