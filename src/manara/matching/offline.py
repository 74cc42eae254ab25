"""Offline batch matching: FtM JSON lines queries against an FtM JSON lines gallery."""

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from manara.matching.index import Matcher
from manara.matching.record import record_from_ftm

_MATCHABLE = frozenset({"Person", "LegalEntity", "Thing"})


def _entities(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as src:
        for line in src:
            if line.strip():
                entity = json.loads(line)
                if isinstance(entity, dict):
                    yield entity


def run_match(
    gallery: Path, queries: Path, limit: int, out: TextIO, progress: Callable[[int], None] | None = None
) -> int:
    """Index the gallery, screen each query and write one JSON line per query; return the query count."""
    matcher = Matcher()
    for entity in _entities(gallery):
        if entity.get("schema", "Person") in _MATCHABLE:
            matcher.add(record_from_ftm(entity))
    count = 0
    for entity in _entities(queries):
        results = matcher.search(record_from_ftm(entity), limit=limit)
        row = {
            "query": entity.get("id"),
            "results": [{"id": r.id, "score": r.score, "match": r.match} for r in results],
        }
        out.write(json.dumps(row) + "\n")
        count += 1
        if progress is not None:
            progress(count)
    return count
