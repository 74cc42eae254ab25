"""Engine and session factory; the unit of work is the only place that commits."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from manara.settings import get_settings


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

    writer = threading.Lock()  # this process's writers queue here (FIFO-ish) instead of busy-polling SQLite

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
