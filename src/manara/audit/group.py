"""Group commit: concurrent requests share one write transaction for their audit records (and hits).

Every screening request appends to the audit chain, and a database (SQLite) has one writer at a time,
so a transaction per request makes requests queue for the write lock and pay a commit each. Instead,
a request hands its write work to this process's writer thread and waits; the writer takes whatever
work has queued meanwhile (up to ``max_batch``), runs each piece in its own SAVEPOINT of one
transaction, commits once, and only then wakes the waiters. A request therefore still answers only
after its audit record is durable, and one failing piece rolls back alone.

The audit records of a batch are not written piece by piece: `manara.audit.actions.record` collects
them on the session (`manara.audit.chain.DEFER`), the records of a piece that fails are dropped with its
SAVEPOINT, and the survivors are chained in queue order with one `manara.audit.chain.write` (head read
once, one insert, head moved once, in SQLAlchemy Core) just before the commit. The chain stays linear
across processes because that head read locks the row (``SELECT … FOR UPDATE`` on PostgreSQL;
``BEGIN IMMEDIATE`` already holds the database write lock on SQLite) until the commit. An event's
``seq`` and ``hash`` are therefore set only when its batch is written: read them after `run` returns.
The writer thread exits when idle and is started again by the next request.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections import deque
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from manara.audit import chain
from manara.audit.models import AuditEvent

T = TypeVar("T")
SessionFactory = Callable[[], AbstractContextManager[Session]]


@dataclass(eq=False)
class _Job(Generic[T]):
    work: Callable[[Session], T]
    factory: SessionFactory
    context: contextvars.Context  # the request's (request id for the audit record)
    done: threading.Event = field(default_factory=threading.Event)
    wake: Callable[[], object] | None = None  # how an awaiting coroutine is woken, from the writer thread
    result: Any = None
    error: BaseException | None = None

    def outcome(self) -> T:
        if self.error is not None:
            raise self.error
        result: T = self.result
        return result


class GroupCommit:
    """One writer thread per process that commits the queued write work in shared transactions."""

    def __init__(self, *, max_batch: int = 64, idle_seconds: float = 5.0) -> None:
        self.max_batch, self.idle_seconds = max_batch, idle_seconds
        self._queue: deque[_Job[Any]] = deque()
        self._cond = threading.Condition()
        self._running = False
        self.batches = 0  # transactions committed (for tests and benchmarks)
        self.jobs = 0

    def run(self, factory: SessionFactory, work: Callable[[Session], T]) -> T:
        """Run ``work(session)`` in a transaction of ``factory`` shared with concurrent callers; return its
        result once committed, or raise its exception (or the commit's)."""
        job: _Job[T] = _Job(work, factory, contextvars.copy_context())
        self._enqueue(job)
        job.done.wait()
        return job.outcome()

    async def submit(self, factory: SessionFactory, work: Callable[[Session], T]) -> T:
        """Like run(), for a coroutine: the event loop serves other requests while the batch commits."""
        loop = asyncio.get_running_loop()
        woken: asyncio.Future[None] = loop.create_future()

        def wake() -> None:
            if not woken.done():
                woken.set_result(None)

        job: _Job[T] = _Job(work, factory, contextvars.copy_context(), wake=lambda: loop.call_soon_threadsafe(wake))
        self._enqueue(job)
        await asyncio.shield(woken)  # a cancelled request still has its work committed (or not) as a whole
        return job.outcome()

    def _enqueue(self, job: _Job[Any]) -> None:
        with self._cond:
            self._queue.append(job)
            if not self._running:
                self._running = True
                threading.Thread(target=self._loop, name="manara-group-commit", daemon=True).start()
            else:
                self._cond.notify()

    def _take(self) -> list[_Job[Any]] | None:
        """Wait for work; return the next batch (same session factory), or None to exit when idle."""
        with self._cond:
            if not self._queue:
                self._cond.wait(self.idle_seconds)
                if not self._queue:
                    self._running = False
                    return None
            factory = self._queue[0].factory
            batch: list[_Job[Any]] = []
            while self._queue and len(batch) < self.max_batch and self._queue[0].factory is factory:
                batch.append(self._queue.popleft())
            return batch

    def _loop(self) -> None:
        try:
            while (batch := self._take()) is not None:
                self._commit(batch)
        finally:  # only reached early when the interpreter is going down: let the next caller restart
            with self._cond:
                self._running = False

    @staticmethod
    def _run_pieces(session: Session, batch: list[_Job[Any]]) -> list[AuditEvent]:
        """Run each piece in its SAVEPOINT; return the audit records of those that succeeded, in order."""
        pending: list[AuditEvent] = []
        session.info[chain.DEFER] = pending
        try:
            for job in batch:
                kept = len(pending)
                try:
                    with session.begin_nested():
                        job.result = job.context.run(job.work, session)
                except Exception as exc:  # noqa: BLE001 - handed to the waiting request, which raises it
                    job.error = exc
                    del pending[kept:]  # its audit records go with its SAVEPOINT
        finally:
            del session.info[chain.DEFER]
        return pending

    def _commit(self, batch: list[_Job[Any]]) -> None:
        try:
            with batch[0].factory() as session:
                pending = self._run_pieces(session, batch)
                if pending:
                    chain.write(session, pending)
            self.batches += 1
            self.jobs += len(batch)
        except BaseException as exc:  # the commit failed: nothing of the batch is durable
            for job in batch:
                if job.error is None:
                    job.error, job.result = exc, None
            if not isinstance(exc, Exception):
                raise
        finally:
            for job in batch:
                job.done.set()
                if job.wake is not None:
                    try:
                        job.wake()
                    except RuntimeError:  # the request's event loop is closed: nobody waits any more
                        pass


WRITER = GroupCommit()  # this process's writer
