"""Write and read index snapshots: analysed records as JSON lines (no pickle: safe to load)."""

import json
import marshal
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


STATE_FORMAT = "manara-matching-state/1"
State = tuple[list[Any], dict[str, bytes], dict[str, list[str]]]


def _record(p: Prepared | None) -> Any:
    if p is None:
        return None
    return (p.id, [(f.text, f.tokens, f.skels, f.loose, f.minor) for f in p.names], p.birth_dates,
            tuple(sorted(p.countries)), p.gender, tuple(sorted(p.documents)))  # fmt: skip


def write_state(path: Path, records: list[Prepared | None], postings: dict[str, bytes],
                neighbours: dict[str, list[str]]) -> None:  # fmt: skip
    """Write the whole index state (records by slot, postings, fuzzy neighbours) at once, atomically.

    ``marshal`` of built-in types only: about ten times faster to load than re-deriving the keys of a
    million records, and unlike pickle it cannot make loading run code (types are checked on load).
    """
    tmp = path.with_name(path.name + ".tmp")
    header = json.dumps({"format": STATE_FORMAT, "algorithm": ALGORITHM}).encode() + b"\n"
    tmp.write_bytes(header + marshal.dumps(([_record(r) for r in records], postings, neighbours)))
    tmp.replace(path)


def _forms(raw: Any, seen: dict[Any, NameForm]) -> tuple[NameForm, ...]:
    out = []
    for text, tokens, skels, loose, minor in raw:
        key = (text, tokens, skels, loose, minor)
        form = seen.get(key)
        if form is None:  # records spelling a name alike share one analysed form
            form = seen[key] = NameForm(str(text), tuple(tokens), tuple(skels), bool(loose), tuple(minor))
        out.append(form)
    return tuple(out)


def read_state(path: Path) -> tuple[list[Prepared | None], dict[str, bytes], dict[str, list[str]]]:
    """Return the records by slot, postings and neighbours of a state file; raise SnapshotError if unfit."""
    blob = path.read_bytes()
    head, _, body = blob.partition(b"\n")
    try:
        header = json.loads(head)
        expected = {"format": STATE_FORMAT, "algorithm": ALGORITHM}
        if not isinstance(header, dict) or {k: header.get(k) for k in expected} != expected:
            raise SnapshotError(f"{path}: snapshot of another format or algorithm version")
        raw, postings, neighbours = marshal.loads(body)  # noqa: S302 - built-in types only, checked below
        if not (isinstance(raw, list) and isinstance(postings, dict) and isinstance(neighbours, dict)):
            raise TypeError("unexpected state types")
        seen: dict[Any, NameForm] = {}
        records = [None if r is None else Prepared(id=str(r[0]), names=_forms(r[1], seen), birth_dates=tuple(r[2]),
                                                   countries=frozenset(r[3]), gender=r[4],
                                                   documents=frozenset(r[5])) for r in raw]  # fmt: skip
    except (json.JSONDecodeError, EOFError, ValueError, TypeError, IndexError) as exc:
        if isinstance(exc, SnapshotError):
            raise
        raise SnapshotError(f"{path}: corrupt state snapshot") from exc
    return records, postings, neighbours
