"""Streaming responses that never outlive their client: the source is closed whatever ends the stream.

Starlette iterates a synchronous iterator in worker threads (``iterate_in_threadpool``) and cancels it
when the client disconnects, but leaves the iterator itself suspended: a generator holding a unit of
work (an open transaction, a write lock on SQLite) stays open until the garbage collector finds it.
``closing_stream`` closes it in ``finally``, shielded from the cancellation, in a worker thread.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TypeVar

import anyio
from anyio import to_thread

T = TypeVar("T")
_DONE = object()


async def closing_stream(source: Iterator[T]) -> AsyncIterator[T]:
    """Yield ``source``'s items, each read in a worker thread; close ``source`` however the stream ends."""

    def step() -> object:
        return next(source, _DONE)

    try:
        while (item := await to_thread.run_sync(step)) is not _DONE:
            yield item  # type: ignore[misc]
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            with anyio.CancelScope(shield=True):
                await to_thread.run_sync(close)
