"""Write and read index snapshots: analysed records as JSON lines (no pickle: safe to load)."""

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from manara.matching.names import NameForm
from manara.matching.scorer import ALGORITHM, Prepared

FORMAT = "manara-matching-snapshot/1"


class SnapshotError(ValueError):
    """The snapshot is unreadable or was written by another algorithm version: rebuild the index."""


def _dump(p: Prepared) -> dict[str, Any]:
    return {"id": p.id, "names": [[f.text, f.tokens, f.skels, f.loose, f.minor] for f in p.names],
            "dates": p.birth_dates, "countries": sorted(p.countries), "gender": p.gender,
            "documents": sorted(p.documents)}


def _load(d: dict[str, Any]) -> Prepared:
    names = tuple(NameForm(str(n[0]), tuple(n[1]), tuple(n[2]), bool(n[3]), tuple(n[4])) for n in d["names"])
    return Prepared(id=str(d["id"]), names=names, birth_dates=tuple(d["dates"]),
                    countries=frozenset(d["countries"]), gender=d["gender"],
                    documents=frozenset(d["documents"]))


def write(path: Path, records: Iterable[Prepared]) -> None:
    """Write a header line and one JSON line per analysed record, atomically."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"format": FORMAT, "algorithm": ALGORITHM}) + "\n")
        for record in records:
            out.write(json.dumps(_dump(record), ensure_ascii=False) + "\n")
    tmp.replace(path)


def read(path: Path) -> Iterator[Prepared]:
    """Yield the analysed records of a snapshot; raise SnapshotError if it does not fit this version."""
    with path.open(encoding="utf-8") as src:
        try:
            header = json.loads(src.readline())
        except json.JSONDecodeError as exc:
            raise SnapshotError(f"{path}: not a snapshot") from exc
        expected = {"format": FORMAT, "algorithm": ALGORITHM}
        if not isinstance(header, dict) or {k: header.get(k) for k in expected} != expected:
            raise SnapshotError(f"{path}: snapshot of another format or algorithm version")
        for line in src:
            try:
                yield _load(json.loads(line))
            except (json.JSONDecodeError, KeyError, IndexError, TypeError) as exc:
                raise SnapshotError(f"{path}: corrupt record") from exc
