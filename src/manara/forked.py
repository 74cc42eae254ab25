"""Run work on one large read-only object (an index) in forked processes that share it copy-on-write.

Building or loading an index of a million records takes minutes and gigabytes; ``fork`` gives every
worker the parent's copy for free, and only the arguments and results of the work cross process
boundaries. The parent's objects are frozen out of the cyclic garbage collector before the fork, so the
workers' collections do not touch (and copy) every page of the index. Where ``fork`` is unavailable,
or with one worker, the work runs in the calling process.

A worker that dies (killed, out of memory) breaks the pool: every pending result raises
``concurrent.futures.process.BrokenProcessPool`` instead of waiting forever.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, Generic, TypeVar

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

__all__ = ["BrokenProcessPool", "Workers", "default_workers", "forked_workers"]

_SHARED: Any = None  # set in the parent just before the workers fork; each worker keeps its copy


def default_workers() -> int:
    """Return the number of CPUs this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _ready() -> int:
    return os.getpid()


def _child_init(after_fork: Callable[[Any], None] | None) -> None:
    if after_fork is not None:
        after_fork(_SHARED)


def _run(task: Callable[[Any, Any], Any], arg: Any) -> Any:
    return task(_SHARED, arg)


class Workers(Generic[S]):
    """Submit ``task(shared, arg)`` calls; ``task`` must be a module-level function (sent by name)."""

    def __init__(self, shared: S, executor: ProcessPoolExecutor | None, count: int) -> None:
        self.shared, self.executor, self.count = shared, executor, count

    @property
    def forked(self) -> bool:
        """Tell whether the work runs in other processes."""
        return self.executor is not None

    def submit(self, task: Callable[[S, T], R], arg: T) -> Future[R]:
        """Start one call; in-process, it runs now and the future is already done."""
        if self.executor is not None:
            return self.executor.submit(_run, task, arg)
        future: Future[R] = Future()
        try:
            future.set_result(task(self.shared, arg))
        except Exception as exc:  # noqa: BLE001 - delivered through the future, as from a worker
            future.set_exception(exc)
        return future

    def map(self, task: Callable[[S, T], R], args: list[T]) -> list[R]:
        """Run ``task`` over ``args`` across the workers; results in the order of ``args``."""
        return [f.result() for f in [self.submit(task, a) for a in args]]


@contextmanager
def forked_workers(
    shared: S,
    workers: int,
    *,
    consistent: AbstractContextManager[Any] | None = None,
    after_fork: Callable[[S], None] | None = None,
) -> Iterator[Workers[S]]:
    """Yield ``Workers`` over ``workers`` forked processes sharing ``shared`` (in-process if ``workers`` ≤ 1).

    ``consistent`` is held while forking (e.g. the index lock, so no thread is half-way through an
    update); ``after_fork(shared)`` runs first in each worker (e.g. to replace that lock, which a
    worker inherits in whatever state it had).
    """
    global _SHARED
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield Workers(shared, None, 1)
        return
    executor = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=_child_init, initargs=(after_fork,)
    )
    try:
        with consistent or nullcontext():
            gc.freeze()
            _SHARED = shared
            try:
                executor.submit(_ready).result()  # with fork, the first submit starts every worker
            finally:
                _SHARED = None
                gc.unfreeze()
        yield Workers(shared, executor, workers)
    except BaseException:
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    executor.shutdown(wait=True)
