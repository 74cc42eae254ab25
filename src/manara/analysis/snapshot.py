"""Snapshots of the cross-matching index: the next run loads one and re-reads only what changed since.

Two files: ``<path>`` (JSON lines: a header with the watermark, then each entity's node, identifier
keys and organisation names) and ``<path>.matcher`` (the screening engine's whole state: analysed
person records, blocking-key postings and fuzzy neighbours). Loading skips name analysis and key
derivation, the dominant costs of a build; the database
stays the truth: entities updated after the watermark are re-indexed, and entities no longer active
are dropped. The watermark is taken before the build reads anything, minus a margin for transactions
that wrote an earlier ``updated_at`` but committed later (re-indexing an entity twice is harmless).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from manara.analysis.xref import Node, XrefIndex
from manara.matching import ALGORITHM
from manara.matching.snapshot import SnapshotError

FORMAT = "manara-xref-snapshot/3"  # bump whenever identifier or organisation keys change
MARGIN = timedelta(minutes=10)


def _line(index: XrefIndex, node: Node) -> bytes:
    pk = node.pk
    return (
        orjson.dumps(
            [
                pk,
                node.owner,
                node.visibility,
                sorted(node.shared_with),
                node.schema,
                index.keys_of.get(pk, ()),
                index.org_names_of.get(pk, ()),
                sorted(index.org_countries.get(pk, ())),
            ]
        )
        + b"\n"
    )


def save(index: XrefIndex, path: Path, watermark: datetime) -> None:
    """Write the index as of ``watermark`` (the time its database read began), atomically."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as out:
        header = {"format": FORMAT, "algorithm": ALGORITHM, "watermark": (watermark - MARGIN).isoformat()}
        out.write(orjson.dumps(header) + b"\n")
        for node in index.nodes.values():
            out.write(_line(index, node))
    index.matcher.save_state(path.with_name(path.name + ".matcher"))
    tmp.replace(path)


def load(path: Path, threshold: float | None = None) -> tuple[XrefIndex, datetime]:
    """Return the index of a snapshot and its watermark; raise SnapshotError if it does not fit."""
    index = XrefIndex(threshold)
    with path.open("rb") as src:
        header: dict[str, Any] = orjson.loads(src.readline() or b"null") or {}
        if header.get("format") != FORMAT or header.get("algorithm") != ALGORITHM:
            raise SnapshotError(f"{path}: snapshot of another format or algorithm version")
        index.matcher.load_state(path.with_name(path.name + ".matcher"))
        for raw in src:
            pk, owner, vis, shared, schema, keys, names, countries = orjson.loads(raw)
            index.add_node(
                Node(pk, owner, vis, frozenset(shared), schema),
                tuple(map(tuple, keys)),
                tuple(names),
                frozenset(countries),
            )
    return index, datetime.fromisoformat(header["watermark"])
