"""Write and read index snapshots: analysed records as JSON lines (no pickle: safe to load)."""

import json
import marshal
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from manara.matching.names import NameForm
from manara.matching.scorer import Prepared

FORMAT = "manara-matching-snapshot/1"
# The version of what a snapshot holds: the analysed records (scorer.prepare, names analysis) and, in a
# state, the blocking keys derived from them. Not the scorer's version: a refit of the weights reads the
# same records. Bump it whenever the analysis or the keys change, and every snapshot is rebuilt.
RECORDS = "manara-person-records/2"  # 2: birth-year keys


class SnapshotError(ValueError):
    """The snapshot is unreadable or was written by another analysis version: rebuild the index."""


def _dump(p: Prepared) -> dict[str, Any]:
    return {
        "id": p.id,
        "names": [[f.text, f.tokens, f.skels, f.loose, f.minor] for f in p.names],
        "dates": p.birth_dates,
        "countries": sorted(p.countries),
        "gender": p.gender,
        "documents": sorted(p.documents),
    }


class _Shared:
    """One object for each value records repeat (tokens, name forms, dates, countries), as a build shares
    them: a million records parsed each into its own copies took twice the memory of the index built."""

    def __init__(self) -> None:
        self.values: dict[Any, Any] = {}

    def __call__(self, value: Any) -> Any:
        return self.values.setdefault(value, value)

    def strings(self, items: Iterable[Any]) -> tuple[str, ...]:
        return self(tuple(sys.intern(str(x)) for x in items))  # type: ignore[no-any-return]

    def form(self, raw: Any) -> NameForm:
        tokens, skels, minor = self.strings(raw[1]), self.strings(raw[2]), self(tuple(bool(m) for m in raw[4]))
        return self(NameForm(str(raw[0]), tokens, skels, bool(raw[3]), minor))  # type: ignore[no-any-return]


def _load(d: dict[str, Any], share: _Shared) -> Prepared:
    gender = d["gender"]
    return Prepared(
        id=str(d["id"]),
        names=share(tuple(share.form(n) for n in d["names"])),
        birth_dates=share.strings(d["dates"]),
        countries=share(frozenset(share.strings(d["countries"]))),
        gender=None if gender is None else sys.intern(str(gender)),
        documents=share(frozenset(d["documents"])),
    )


def write(path: Path, records: Iterable[Prepared]) -> None:
    """Write a header line and one JSON line per analysed record, atomically."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"format": FORMAT, "records": RECORDS}) + "\n")
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
        expected = {"format": FORMAT, "records": RECORDS}
        if not isinstance(header, dict) or {k: header.get(k) for k in expected} != expected:
            raise SnapshotError(f"{path}: snapshot of another format or analysis version")
        share = _Shared()
        for line in src:
            try:
                yield _load(json.loads(line), share)
            except (json.JSONDecodeError, KeyError, IndexError, TypeError) as exc:
                raise SnapshotError(f"{path}: corrupt record") from exc


STATE_FORMAT = "manara-matching-state/1"
State = tuple[list[Any], dict[str, bytes], dict[str, list[str]]]


def _record(p: Prepared | None) -> Any:
    if p is None:
        return None
    return (
        p.id,
        [(f.text, f.tokens, f.skels, f.loose, f.minor) for f in p.names],
        p.birth_dates,
        tuple(sorted(p.countries)),
        p.gender,
        tuple(sorted(p.documents)),
    )


def write_state(
    path: Path, records: list[Prepared | None], postings: dict[str, bytes], neighbours: dict[str, list[str]]
) -> None:
    """Write the whole index state (records by slot, postings, fuzzy neighbours) at once, atomically.

    ``marshal`` of built-in types only: about ten times faster to load than re-deriving the keys of a
    million records, and unlike pickle it cannot make loading run code (types are checked on load).
    """
    tmp = path.with_name(path.name + ".tmp")
    header = json.dumps({"format": STATE_FORMAT, "records": RECORDS}).encode() + b"\n"
    tmp.write_bytes(header + marshal.dumps(([_record(r) for r in records], postings, neighbours)))
    tmp.replace(path)


def read_state(path: Path) -> tuple[list[Prepared | None], dict[str, bytes], dict[str, list[str]]]:
    """Return the records by slot, postings and neighbours of a state file; raise SnapshotError if unfit."""
    blob = path.read_bytes()
    head, _, body = blob.partition(b"\n")
    try:
        header = json.loads(head)
        expected = {"format": STATE_FORMAT, "records": RECORDS}
        if not isinstance(header, dict) or {k: header.get(k) for k in expected} != expected:
            raise SnapshotError(f"{path}: snapshot of another format or analysis version")
        raw, postings, neighbours = marshal.loads(body)  # noqa: S302 - built-in types only, checked below
        if not (isinstance(raw, list) and isinstance(postings, dict) and isinstance(neighbours, dict)):
            raise TypeError("unexpected state types")
        share = _Shared()
        records = [
            None
            if r is None
            else _load(
                {"id": r[0], "names": r[1], "dates": r[2], "countries": r[3], "gender": r[4], "documents": r[5]}, share
            )
            for r in raw
        ]
    except (json.JSONDecodeError, EOFError, ValueError, TypeError, IndexError) as exc:
        if isinstance(exc, SnapshotError):
            raise
        raise SnapshotError(f"{path}: corrupt state snapshot") from exc
    return records, postings, neighbours
