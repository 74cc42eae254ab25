"""Match entities against the index in forked worker processes.

The index (a million entities take minutes and gigabytes to build) is built once in the parent and
shared copy-on-write with the workers by ``fork``; only the entities to match and their candidates
cross process boundaries. Where ``fork`` is unavailable, or with one worker, matching runs in-process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from manara.analysis.xref import Candidate, EntityRow, XrefIndex

MatchMany = Callable[[list[list[EntityRow]]], list[list[Candidate]]]
_INDEX: XrefIndex | None = None  # set in the parent just before the workers fork


def _match(rows: list[EntityRow]) -> list[Candidate]:
    assert _INDEX is not None, "worker started without an index"  # noqa: S101 - programming error
    return [c for row in rows for c in _INDEX.candidates(row)]


def default_workers() -> int:
    """Return the number of CPUs this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextmanager
def matching_pool(index: XrefIndex, workers: int) -> Iterator[MatchMany]:
    """Yield a function mapping chunks of rows to their candidates, chunk by chunk, over ``workers``."""
    global _INDEX
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield lambda chunks: [[c for row in chunk for c in index.candidates(row)] for chunk in chunks]
        return
    _INDEX = index
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            _INDEX = None  # the workers hold their copy; the parent keeps its own reference
            yield lambda chunks: pool.map(_match, chunks, chunksize=1)
    finally:
        _INDEX = None
