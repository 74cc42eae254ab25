"""Match entities against the index in forked worker processes (see `manara.forked`).

The index (a million entities take minutes and gigabytes to build) is built once in the parent and
shared copy-on-write with the workers; only the entities to match and their candidates cross process
boundaries. Where ``fork`` is unavailable, or with one worker, matching runs in-process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from manara.analysis.xref import Candidate, EntityRow, XrefIndex
from manara.forked import default_workers, forked_workers

__all__ = ["MatchMany", "default_workers", "matching_pool"]

MatchMany = Callable[[list[list[EntityRow]]], list[list[Candidate]]]


def _match(index: XrefIndex, rows: list[EntityRow]) -> list[Candidate]:
    return [c for row in rows for c in index.candidates(row)]


@contextmanager
def matching_pool(index: XrefIndex, workers: int) -> Iterator[MatchMany]:
    """Yield a function mapping chunks of rows to their candidates, chunk by chunk, over ``workers``."""
    with forked_workers(index, workers) as pool:
        yield lambda chunks: pool.map(_match, chunks)
