"""Engine and session factory; the unit of work is the only place that commits."""

from __future__ import annotations

import fcntl
import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from manara.settings import get_settings


class _WriterLock:
    """The turn of one writer of a SQLite database: a thread lock, then (for a database file) an exclusive
    ``flock`` on a file beside it, so the writers of every process on this machine wait in the kernel and
    wake as soon as the turn is free, instead of polling SQLite's busy handler (which sleeps up to 100 ms
    between tries: the latency tail of forked server workers). Opened per process: a descriptor inherited
    through ``fork`` would share its lock with the parent's other children."""

    def __init__(self, database: str | None) -> None:
        self.thread = threading.Lock()
        self.path = None if not database or database == ":memory:" else f"{database}.writer-lock"
        self.fd = -1  # opened on first use, in each process (see after_fork)
        _WRITER_LOCKS.add(self)

    def after_fork(self) -> None:
        """In a forked child: a lock of its own (the parent's may be held by a thread that did not fork)."""
        self.thread = threading.Lock()
        if self.fd >= 0:
            os.close(self.fd)
        self.fd = -1

    def acquire(self) -> None:
        self.thread.acquire()
        if self.path is None:
            return
        try:
            if self.fd < 0:
                self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except BaseException:
            self.thread.release()
            raise

    def release(self) -> None:
        if self.path is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        self.thread.release()


_WRITER_LOCKS: weakref.WeakSet[_WriterLock] = weakref.WeakSet()


def _writer_locks_after_fork() -> None:
    for lock in list(_WRITER_LOCKS):
        lock.after_fork()


os.register_at_fork(after_in_child=_writer_locks_after_fork)


def _sqlite_setup(engine: Engine) -> None:
    """Enable foreign keys and WAL, and make pysqlite's BEGIN explicit so SAVEPOINTs work."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    writer = _WriterLock(engine.url.database)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the lock up front (no deadlocking lock upgrades); read-only units use a deferred
        # BEGIN, which in WAL mode reads a snapshot without blocking or being blocked by the writer.
        if conn.get_execution_options().get("read_only"):
            conn.exec_driver_sql("BEGIN")
            return
        writer.acquire()
        conn.info["manara_writer"] = True
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            conn.info.pop("manara_writer", None)
            writer.release()
            raise

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(conn: Any) -> None:
        if conn.info.pop("manara_writer", False):
            writer.release()


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def make_engine(url: str) -> Engine:
    """Create an engine for ``url`` with the backend-specific settings applied."""
    json_args: dict[str, Any] = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **json_args)
        _sqlite_setup(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, **json_args)


@lru_cache
def get_engine() -> Engine:
    """Return the process-wide engine for the configured database."""
    return make_engine(get_settings().database_url)


@lru_cache
def get_sessionmaker() -> sessionmaker[Session]:
    """Return the process-wide session factory."""
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """Open a session in a transaction: commit on success, roll back on any exception."""
    with get_sessionmaker().begin() as session:
        yield session


@lru_cache
def get_read_sessionmaker() -> sessionmaker[Session]:
    """Return the session factory of read-only units of work."""
    return sessionmaker(bind=get_engine().execution_options(read_only=True), expire_on_commit=False)


@contextmanager
def read_only_unit() -> Iterator[Session]:
    """Open a session for reads only (authentication, index refresh); it must not write."""
    with get_read_sessionmaker().begin() as session:
        yield session


def is_postgres(session: Session) -> bool:
    """Tell whether ``session`` talks to PostgreSQL."""
    return session.get_bind().dialect.name == "postgresql"
