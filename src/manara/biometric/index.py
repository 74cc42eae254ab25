"""The in-process biometric index: faiss over enrolled templates, built from the database and kept
fresh from the outbox (like ``manara.screening.index``).

Visibility is applied inside faiss through an id selector, i.e. *before* ranking: a template the
searcher may not see can neither appear nor push a visible one down the list. Database reads never
happen under the index lock. Search is exact (flat L2); an approximate index for galleries of millions
is a later step (see docs/biometrics.md).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import faiss
import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.biometric.access import template_visible_to
from manara.biometric.engines import vector_from_bytes
from manara.biometric.models import BiometricTemplate
from manara.entity.models import Entity
from manara.outbox.cursor import OutboxCursor

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


class _Gallery:
    """The faiss index of one engine and template version."""

    def __init__(self, dim: int) -> None:
        self.index = faiss.IndexIDMap2(faiss.IndexFlatL2(dim))
        self.dim = dim


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
                self.put(entry, vector)
            self.built = True

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

    def put(self, entry: Entry, vector: NDArray[np.float32]) -> None:
        """Index (or re-index) one template."""
        with self.lock:
            self.drop(entry.template_id)
            internal = self.next_id
            self.next_id += 1
            if entry.modality == "finger":  # minutiae sets have no vector space: kept for pairwise matching
                self.minutiae.setdefault(entry.engine, {})[internal] = vector
            else:
                gallery = self.galleries.get(entry.engine)
                if gallery is None:
                    gallery = self.galleries[entry.engine] = _Gallery(int(vector.shape[0]))
                gallery.index.add_with_ids(vector.reshape(1, -1).astype(np.float32),
                                           np.array([internal], dtype=np.int64))  # fmt: skip
            self.entries[internal] = entry
            self.ids[entry.template_id] = internal
            self.by_subject.setdefault(entry.subject_pk, set()).add(entry.template_id)
            self._allowed.clear()

    def drop(self, template_id: str) -> None:
        """Remove a template if indexed."""
        with self.lock:
            internal = self.ids.pop(template_id, None)
            if internal is None:
                return
            entry = self.entries.pop(internal)
            if entry.modality == "finger":
                self.minutiae.get(entry.engine, {}).pop(internal, None)
            else:
                self.galleries[entry.engine].index.remove_ids(
                    faiss.IDSelectorBatch(np.array([internal], dtype=np.int64)))  # fmt: skip
            self.by_subject.get(entry.subject_pk, set()).discard(template_id)
            self._allowed.clear()

    def visible_count(self, engine: EngineKey, country: str) -> int:
        """Return the size of the gallery members of ``country`` search with ``engine``."""
        with self.lock:
            return len(self._allowed_ids(engine, country))

    def _allowed_ids(self, engine: EngineKey, country: str) -> NDArray[np.int64]:
        key = f"{engine[0]}\x00{engine[1]}\x00{country}"
        allowed = self._allowed.get(key)
        if allowed is None:
            ids = [i for i, e in self.entries.items() if e.engine == engine and e.visible_to(country)]
            allowed = self._allowed[key] = np.array(ids, dtype=np.int64)
        return allowed

    def search(self, engine: EngineKey, country: str, probe: NDArray[np.float32], limit: int
               ) -> list[tuple[Entry, float]]:  # fmt: skip
        """Return up to ``limit`` (entry, squared L2 distance) pairs, nearest first, among visible templates."""
        with self.lock:
            gallery = self.galleries.get(engine)
            allowed = self._allowed_ids(engine, country) if gallery is not None else None
            if gallery is None or allowed is None or len(allowed) == 0 or probe.shape[0] != gallery.dim:
                return []
            params = faiss.SearchParameters()
            params.sel = faiss.IDSelectorBatch(allowed)  # visibility before ranking
            k = min(limit, len(allowed))
            distances, ids = gallery.index.search(probe.reshape(1, -1).astype(np.float32), k, params=params)
            return [(self.entries[int(i)], float(d)) for d, i in zip(distances[0], ids[0], strict=True)
                    if int(i) in self.entries]  # fmt: skip

    def visible_minutiae(self, engine: EngineKey, country: str) -> list[tuple[Entry, NDArray[np.float32]]]:
        """Return the pairwise-matched templates members of ``country`` may see (visibility before ranking).

        Only references are copied under the lock: the caller compares outside it.
        """
        with self.lock:
            stored = self.minutiae.get(engine, {})
            return [(self.entries[i], stored[int(i)]) for i in self._allowed_ids(engine, country) if int(i) in stored]


def _entry(template: BiometricTemplate, subject: Entity) -> tuple[Entry, NDArray[np.float32]]:
    entry = Entry(
        template_id=template.id, engine=(template.engine, template.template_version), owner=template.owner_country,
        visibility=template.visibility, shared_with=tuple(template.shared_with), subject_pk=subject.id,
        subject_status=subject.status, subject_visibility=subject.visibility,
        subject_shared_with=tuple(subject.shared_with), notice_id=template.notice_id, modality=template.modality,
        finger_position=template.finger_position,
    )  # fmt: skip
    return entry, vector_from_bytes(template.vector)


def _load(session: Session, template_id: str) -> tuple[Entry, NDArray[np.float32]] | None:
    template = session.get(BiometricTemplate, template_id)
    subject = session.get(Entity, template.subject_pk) if template is not None else None
    return _entry(template, subject) if template is not None and subject is not None else None
