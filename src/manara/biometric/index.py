"""The in-process biometric index: faiss over enrolled templates, built from the database and kept
fresh from the outbox (like ``manara.screening.index``).

Visibility is applied inside faiss through an id selector (a bitmap of the ids the searcher may see), i.e.
*before* ranking: a template the searcher may not see can neither appear nor push a visible one down the
list. Database reads never
happen under the index lock. A gallery is searched exactly (flat L2) until it holds
``MANARA_BIOMETRIC_ANN_MIN`` templates; from then on it becomes an inverted-file index (IVF, k-means
cells trained on the gallery itself) probed in ``MANARA_BIOMETRIC_ANN_NPROBE`` cells, with the same
selector applied while scanning (see docs/benchmarks.md for its recall and latency at 10^6). A
searcher who may see only a small part of a large gallery gets every cell scanned, so a sparse
visible set never comes back short.

Fingerprint templates (modality ``finger``) are minutiae sets compared pairwise, not vectors in a
metric space: they are kept outside faiss in ``minutiae`` (per engine), under the same entries, the
same visibility filter (``visible_minutiae``) and the same outbox refresh. ``save``/``load`` write and
read an on-disk snapshot of both modalities.
"""

from __future__ import annotations

import logging
import math
import threading
import zipfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import orjson
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.orm import Session

from manara import snapshot_trust
from manara.biometric.access import template_visible_to
from manara.biometric.engines import is_pairwise, vector_from_bytes
from manara.biometric.models import BiometricTemplate
from manara.entity.models import Entity
from manara.outbox.cursor import OutboxCursor
from manara.settings import get_settings

log = logging.getLogger("manara.biometric")
RELEVANT_TOPICS = ("biometric.", "entity.")
EngineKey = tuple[str, str]  # (engine name, template version)


@dataclass(frozen=True)
class Entry:
    """What the index keeps of a template, enough to filter by visibility and to answer."""

    template_id: str
    engine: EngineKey
    owner: str
    visibility: str
    shared_with: tuple[str, ...]
    subject_pk: str
    subject_status: str
    subject_visibility: str
    subject_shared_with: tuple[str, ...]
    notice_id: str | None
    modality: str = "face"
    finger_position: int | None = None

    def visible_to(self, country: str) -> bool:
        """Tell whether members of ``country`` may see this template: its scope and its subject's must allow."""
        status = self.subject_status
        return template_visible_to(self.owner, self.visibility, list(self.shared_with), status, country) and (
            template_visible_to(self.owner, self.subject_visibility, list(self.subject_shared_with), status, country)
        )


SPARSE_SHARE = 0.05  # a searcher seeing less than this share of an IVF gallery gets every cell scanned
SNAPSHOT_FORMAT = 2  # 2: fingerprint minutiae sets saved beside the faiss galleries


def approximate_index(dim: int, expected: int, kind: str = "ivf") -> Any:
    """Return an untrained approximate faiss index for about ``expected`` vectors of ``dim``.

    ``ivf``: IVF with 4·sqrt(N) cells rounded to a power of two (4,096 at 10^6), exact (flat) vectors
    inside cells, so it supports ids, removal and selectors. ``hnsw``: HNSW with 32 links per node (benchmark only:
    faiss HNSW cannot remove vectors).
    """
    if kind == "hnsw":
        hnsw = faiss.IndexHNSWFlat(dim, 32)
        hnsw.hnsw.efConstruction = 40
        return hnsw
    nlist = 2 ** max(4, round(math.log2(4 * math.sqrt(max(expected, 1)))))
    return faiss.index_factory(dim, f"IVF{nlist},Flat")


def visibility_selector(allowed: NDArray[np.int64]) -> tuple[Any, NDArray[np.uint8]]:
    """Return a faiss selector admitting exactly the ids in ``allowed``, and the bitmap behind it.

    One bit per id: faiss tests each scanned vector in constant time (an ``IDSelectorBatch`` hashes each
    id, which doubled the cost of an IVF search at 10^6 templates). The bitmap must outlive the search.
    """
    mask = np.zeros(int(allowed.max()) + 1 if len(allowed) else 1, dtype=bool)
    mask[allowed] = True
    bits = np.packbits(mask, bitorder="little")
    return faiss.IDSelectorBitmap(len(bits), faiss.swig_ptr(bits)), bits


def search_params(index: Any, selector: Any, nprobe: int) -> Any:
    """Return faiss search parameters applying ``selector`` (or none) and, for IVF, ``nprobe`` cells."""
    params: Any
    if isinstance(index, faiss.IndexIVF):
        params = faiss.SearchParametersIVF()
        params.nprobe = min(nprobe, index.nlist)
    else:
        params = faiss.SearchParameters()
    if selector is not None:
        params.sel = selector
    return params


class _Gallery:
    """The faiss index of one engine and template version: exact until large, then IVF."""

    def __init__(self, dim: int, index: Any = None) -> None:
        self.index: Any = index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatL2(dim))
        self.dim = dim

    @property
    def approximate(self) -> bool:
        return isinstance(self.index, faiss.IndexIVF)

    def maybe_upgrade(self, ann_min: int) -> None:
        """Move a flat gallery that reached ``ann_min`` templates to an IVF index trained on its vectors."""
        total = int(self.index.ntotal)
        if self.approximate or total < max(ann_min, 1):
            return
        ids = faiss.vector_to_array(self.index.id_map).astype(np.int64)
        vectors = self.index.index.reconstruct_n(0, total)
        ivf = approximate_index(self.dim, total)
        sample = np.random.default_rng(0).choice(total, size=min(total, 40 * ivf.nlist), replace=False)
        ivf.train(vectors[np.sort(sample)])
        ivf.add_with_ids(vectors, ids)
        self.index = ivf


class BiometricIndex:
    """Enrolled templates of every engine, searchable 1:N under each member's visibility."""

    def __init__(self) -> None:
        self.galleries: dict[EngineKey, _Gallery] = {}
        self.minutiae: dict[EngineKey, dict[int, NDArray[np.float32]]] = {}  # pairwise-matched (fingerprints)
        self.entries: dict[int, Entry] = {}
        self.ids: dict[str, int] = {}
        self.by_subject: dict[str, set[str]] = {}
        self.next_id = 1
        self.built = False
        self.cursor = OutboxCursor(RELEVANT_TOPICS)
        self.lock = threading.RLock()
        self._allowed: dict[str, NDArray[np.int64]] = {}
        self._selectors: dict[str, tuple[Any, NDArray[np.uint8]]] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def ensure(self, session: Session) -> None:
        """Build on first use, then catch up with the outbox."""
        if not self.built:
            self.build(session)
        self.refresh(session)

    def build(self, session: Session) -> None:
        """Load every enrolled template."""
        self.cursor.start_at_end(session)  # before reading: later changes are replayed
        stmt = select(BiometricTemplate, Entity).join(Entity, BiometricTemplate.subject_pk == Entity.id)
        rows = session.execute(stmt)
        loaded = [_entry(t, e) for t, e in rows]
        with self.lock:
            for entry, vector in loaded:
                self.put(entry, vector, upgrade=False)
            self._upgrade()
            self.built = True

    def _upgrade(self) -> None:
        ann_min = get_settings().biometric_ann_min
        for gallery in self.galleries.values():
            gallery.maybe_upgrade(ann_min)

    def refresh(self, session: Session) -> int:
        """Apply outbox events not applied yet; return how many templates were re-read."""
        template_ids: set[str] = set()
        for topic, payload in self.cursor.pull(session):
            template_ids |= self._affected(topic, payload)
        changes = {tid: _load(session, tid) for tid in sorted(template_ids)}
        with self.lock:
            for template_id, loaded in changes.items():
                if loaded is None:
                    self.drop(template_id)
                else:
                    self.put(*loaded)
        return len(changes)

    def _affected(self, topic: str, payload: dict[str, Any]) -> set[str]:
        if topic.startswith("biometric."):
            return {str(payload["id"])}
        ids: list[str] = payload.get("ids") or []
        with self.lock:
            return {t for pk in ids for t in self.by_subject.get(str(pk), ())}

    def put(self, entry: Entry, vector: NDArray[np.float32], *, upgrade: bool = True) -> None:
        """Index (or re-index) one template."""
        with self.lock:
            self.drop(entry.template_id)
            internal = self.next_id
            self.next_id += 1
            if is_pairwise(entry.modality):  # minutiae sets have no vector space: kept for pairwise matching
                self.minutiae.setdefault(entry.engine, {})[internal] = vector
            else:
                gallery = self.galleries.get(entry.engine)
                if gallery is None:
                    gallery = self.galleries[entry.engine] = _Gallery(int(vector.shape[0]))
                gallery.index.add_with_ids(
                    vector.reshape(1, -1).astype(np.float32), np.array([internal], dtype=np.int64)
                )
                if upgrade:
                    gallery.maybe_upgrade(get_settings().biometric_ann_min)
            self.entries[internal] = entry
            self.ids[entry.template_id] = internal
            self.by_subject.setdefault(entry.subject_pk, set()).add(entry.template_id)
            self._allowed.clear()
            self._selectors.clear()

    def drop(self, template_id: str) -> None:
        """Remove a template if indexed."""
        with self.lock:
            internal = self.ids.pop(template_id, None)
            if internal is None:
                return
            entry = self.entries.pop(internal)
            if is_pairwise(entry.modality):
                self.minutiae.get(entry.engine, {}).pop(internal, None)
            else:
                self.galleries[entry.engine].index.remove_ids(
                    faiss.IDSelectorBatch(np.array([internal], dtype=np.int64))
                )
            self.by_subject.get(entry.subject_pk, set()).discard(template_id)
            self._allowed.clear()
            self._selectors.clear()

    def visible_count(self, engine: EngineKey, country: str) -> int:
        """Return the size of the gallery members of ``country`` search with ``engine``."""
        with self.lock:
            return len(self._allowed_ids(engine, country))

    def _allowed_ids(self, engine: EngineKey, country: str) -> NDArray[np.int64]:
        key = _cache_key(engine, country)
        allowed = self._allowed.get(key)
        if allowed is None:
            ids = [i for i, e in self.entries.items() if e.engine == engine and e.visible_to(country)]
            allowed = self._allowed[key] = np.array(ids, dtype=np.int64)
        return allowed

    def search(
        self, engine: EngineKey, country: str, probe: NDArray[np.float32], limit: int
    ) -> list[tuple[Entry, float]]:
        """Return up to ``limit`` (entry, squared L2 distance) pairs, nearest first, among visible templates."""
        with self.lock:
            gallery = self.galleries.get(engine)
            allowed = self._allowed_ids(engine, country) if gallery is not None else None
            if gallery is None or allowed is None or len(allowed) == 0 or probe.shape[0] != gallery.dim:
                return []
            nprobe = get_settings().biometric_ann_nprobe
            if gallery.approximate and len(allowed) < SPARSE_SHARE * gallery.index.ntotal:
                nprobe = gallery.index.nlist  # few visible templates: scan every cell, never come back short
            key = _cache_key(engine, country)
            selector = self._selectors.get(key)
            if selector is None:
                selector = self._selectors[key] = visibility_selector(allowed)
            params = search_params(gallery.index, selector[0], nprobe)  # visibility before ranking
            k = min(limit, len(allowed))
            distances, ids = gallery.index.search(probe.reshape(1, -1).astype(np.float32), k, params=params)
            return [
                (self.entries[int(i)], float(d))
                for d, i in zip(distances[0], ids[0], strict=True)
                if int(i) in self.entries
            ]

    def visible_minutiae(self, engine: EngineKey, country: str) -> list[tuple[Entry, NDArray[np.float32]]]:
        """Return the pairwise-matched templates members of ``country`` may see (visibility before ranking).

        Only references are copied under the lock: the caller compares outside it.
        """
        with self.lock:
            stored = self.minutiae.get(engine, {})
            return [
                (self.entries[int(i)], stored[int(i)]) for i in self._allowed_ids(engine, country) if int(i) in stored
            ]

    def save(self, folder: Path) -> None:
        """Write a snapshot into ``folder``: faiss galleries (faces), minutiae sets (fingerprints, one
        ``minutiae-<n>.npz`` per engine), template metadata of both, and the outbox position."""
        folder.mkdir(parents=True, exist_ok=True)
        with self.lock:
            galleries = []
            for n, (key, gallery) in enumerate(sorted(self.galleries.items())):
                faiss.write_index(gallery.index, str(folder / f"gallery-{n}.faiss"))
                galleries.append({"engine": list(key), "dim": gallery.dim, "file": f"gallery-{n}.faiss"})
            minutiae = []
            for n, (key, stored) in enumerate(sorted(self.minutiae.items())):
                _save_minutiae(folder / f"minutiae-{n}.npz", stored)
                minutiae.append({"engine": list(key), "file": f"minutiae-{n}.npz"})
            meta = {
                "format": SNAPSHOT_FORMAT,
                "low_water": self.cursor.low_water,
                "next_id": self.next_id,
                "galleries": galleries,
                "minutiae": minutiae,
                "entries": [[i, asdict(e)] for i, e in self.entries.items()],
            }
        tmp = folder / "templates.json.tmp"
        tmp.write_bytes(orjson.dumps(meta))
        tmp.replace(folder / "templates.json")  # written last: a snapshot without it is ignored
        snapshot_trust.seal(folder)  # digests and keyed MAC: only this deployment's snapshot is loaded

    def load(self, folder: Path) -> None:
        """Replace the contents with a snapshot written by save(); the next ensure() replays newer events."""
        snapshot_trust.verify(folder)  # before faiss or numpy parse anything: UntrustedSnapshot says why
        meta = orjson.loads((folder / "templates.json").read_bytes())
        if meta.get("format") != SNAPSHOT_FORMAT:
            raise ValueError(f"unknown biometric snapshot format {meta.get('format')!r}")
        galleries = {
            (g["engine"][0], g["engine"][1]): _Gallery(int(g["dim"]), faiss.read_index(str(folder / g["file"])))
            for g in meta["galleries"]
        }
        minutiae = {(m["engine"][0], m["engine"][1]): _load_minutiae(folder / m["file"]) for m in meta["minutiae"]}
        entries = {int(i): _entry_from_json(e) for i, e in meta["entries"]}
        stored = {i for per_engine in minutiae.values() for i in per_engine}
        missing = [e.template_id for i, e in entries.items() if is_pairwise(e.modality) and i not in stored]
        if missing:
            raise ValueError(f"biometric snapshot lacks the minutiae of {len(missing)} fingerprint templates")
        with self.lock:
            self.galleries, self.minutiae, self.entries = galleries, minutiae, entries
            self.ids = {e.template_id: i for i, e in entries.items()}
            self.by_subject = {}
            for entry in entries.values():
                self.by_subject.setdefault(entry.subject_pk, set()).add(entry.template_id)
            self.next_id = int(meta["next_id"])
            self.cursor.reset(int(meta["low_water"]))
            self._allowed.clear()
            self._selectors.clear()
            self.built = True


def _cache_key(engine: EngineKey, country: str) -> str:
    return f"{engine[0]}\x00{engine[1]}\x00{country}"


def _save_minutiae(path: Path, stored: dict[int, NDArray[np.float32]]) -> None:
    """Write one engine's minutiae sets as three arrays: internal ids, start offsets, concatenated values."""
    ids = np.array(sorted(stored), dtype=np.int64)
    sizes = [int(stored[int(i)].shape[0]) for i in ids]
    offsets = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)]).astype(np.int64)
    values = (
        np.concatenate([stored[int(i)].astype(np.float32) for i in ids]) if len(ids) else np.zeros(0, dtype=np.float32)
    )
    with path.open("wb") as out:
        np.savez(out, ids=ids, offsets=offsets, values=values)


def _load_minutiae(path: Path) -> dict[int, NDArray[np.float32]]:
    with np.load(path, allow_pickle=False) as data:
        ids, offsets, values = data["ids"], data["offsets"], data["values"].astype(np.float32)
    if len(offsets) != len(ids) + 1 or int(offsets[-1]) != len(values):
        raise ValueError(f"inconsistent minutiae file {path.name}")
    return {int(i): values[int(offsets[n]) : int(offsets[n + 1])].copy() for n, i in enumerate(ids)}


def _entry_from_json(data: dict[str, Any]) -> Entry:
    data = dict(data)
    data["engine"] = tuple(data["engine"])
    data["shared_with"] = tuple(data["shared_with"])
    data["subject_shared_with"] = tuple(data["subject_shared_with"])
    return Entry(**data)


def _entry(template: BiometricTemplate, subject: Entity) -> tuple[Entry, NDArray[np.float32]]:
    entry = Entry(
        template_id=template.id,
        engine=(template.engine, template.template_version),
        owner=template.owner_country,
        visibility=template.visibility,
        shared_with=tuple(template.shared_with),
        subject_pk=subject.id,
        subject_status=subject.status,
        subject_visibility=subject.visibility,
        subject_shared_with=tuple(subject.shared_with),
        notice_id=template.notice_id,
        modality=template.modality,
        finger_position=template.finger_position,
    )
    return entry, vector_from_bytes(template.vector)


def _load(session: Session, template_id: str) -> tuple[Entry, NDArray[np.float32]] | None:
    template = session.get(BiometricTemplate, template_id)
    subject = session.get(Entity, template.subject_pk) if template is not None else None
    return _entry(template, subject) if template is not None and subject is not None else None


def warm(index: BiometricIndex, factory: Callable[[], AbstractContextManager[Session]], snapshot: Path | None) -> None:
    """Load the snapshot when there is a usable one; otherwise build from the database and save one."""
    if snapshot is not None and (snapshot / "templates.json").exists():
        try:
            index.load(snapshot)
            log.info("biometric index loaded from %s (%d templates)", snapshot, len(index))
            return
        except (OSError, ValueError, KeyError, TypeError, RuntimeError, zipfile.BadZipFile):
            log.exception("unusable biometric snapshot %s; rebuilding", snapshot)
    with factory() as session:
        index.build(session)
    if snapshot is not None:
        index.save(snapshot)


def start_warmup(
    index: BiometricIndex, factory: Callable[[], AbstractContextManager[Session]], snapshot: Path | None
) -> threading.Thread:
    """Warm the index in a daemon thread at server start (searches catch up from the outbox)."""

    def run() -> None:
        try:
            warm(index, factory, snapshot)
        except Exception:  # noqa: BLE001 - the first search builds it instead
            log.exception("biometric index warm-up failed")

    thread = threading.Thread(target=run, name="manara-biometric-index", daemon=True)
    thread.start()
    return thread
