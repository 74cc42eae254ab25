"""The in-memory match index: exact Hamming range search over PDQ hashes by multi-index hashing, built from
the database and kept fresh from the outbox (a new or disabled hash is live at the next lookup, at most
``REFRESH_SECONDS`` later). It holds hashes and ids only; visibility is applied by the service."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.media.hashing import Frame, packed, parse_vpdq, vpdq_shares
from manara.media.models import MediaHash, SignalType
from manara.outbox.models import OutboxEvent

CHUNKS = 16  # 256 bits = 16 chunks of 16 bits: within distance 31, some chunk differs by at most 1 bit
_FLIPS = np.array([0] + [1 << k for k in range(16)], dtype=np.int64)
REFRESH_SECONDS = 2.0
DELTA_LIMIT = 20_000  # hashes added since the build are searched by brute force up to this many


class MultiIndex:
    """Exact range search (distance ≤ 31) over 256-bit hashes: 16 sorted 16-bit chunk tables, one probe of
    each chunk's value and its 16 one-bit neighbours (pigeonhole), then exact distances of the candidates.
    Memory: 32 bytes per hash + 16 × 4 bytes of chunk tables (about 1 GB for 10 million hashes)."""

    def __init__(self, codes: NDArray[np.uint64]) -> None:
        self.codes = np.ascontiguousarray(codes, dtype=np.uint64).reshape(-1, 4)
        n = len(self.codes)
        self.size = n
        chunks = self.codes.view(np.uint16).reshape(n, CHUNKS)
        self.order = np.empty((CHUNKS, n), dtype=np.int32)
        self.offsets = np.empty((CHUNKS, 65537), dtype=np.int64)
        for j in range(CHUNKS):
            keys = chunks[:, j]
            self.order[j] = np.argsort(keys, kind="stable")
            self.offsets[j, 0] = 0
            np.cumsum(np.bincount(keys, minlength=65536), out=self.offsets[j, 1:])

    def nbytes(self) -> int:
        """Memory held by the index's arrays."""
        return int(self.codes.nbytes + self.order.nbytes + self.offsets.nbytes)

    def search(self, query: NDArray[np.uint64], radius: int = 31) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Return (positions, distances) of every hash within ``radius`` (≤ 31) of one packed query."""
        if radius > 31:
            raise ValueError("the multi-index is exact up to distance 31")
        if self.size == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        q = np.ascontiguousarray(query, dtype=np.uint64).reshape(4)
        q16 = q.view(np.uint16).astype(np.int64)
        keys = q16[:, None] ^ _FLIPS[None, :]  # (16, 17)
        rows = np.arange(CHUNKS)[:, None]
        starts, ends = self.offsets[rows, keys].ravel(), self.offsets[rows, keys + 1].ravel()
        lengths = ends - starts
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        base = np.repeat(np.arange(CHUNKS), keys.shape[1]) * self.size + starts
        first = np.cumsum(lengths) - lengths
        flat = np.repeat(base - first, lengths) + np.arange(total)
        candidates = self.order.ravel()[flat]
        dist = np.bitwise_count(self.codes[candidates] ^ q).sum(axis=1)
        keep = dist <= radius
        # a hash near the query sits in several probed buckets: deduplicate the few kept, not every candidate
        found, first = np.unique(candidates[keep], return_index=True)
        return found.astype(np.int64), dist[keep][first].astype(np.int64)


def brute_force(codes: NDArray[np.uint64], query: NDArray[np.uint64], radius: int) -> NDArray[np.int64]:
    """Reference: positions of every hash within ``radius`` of ``query`` (used for the delta and in tests)."""
    dist = np.bitwise_count(codes ^ query.reshape(1, 4)).sum(axis=1)
    return np.flatnonzero(dist <= radius).astype(np.int64)


@dataclass(frozen=True)
class Candidate:
    """An index hit: the hash's id, its bank, and the distance (or vPDQ shares)."""

    hash_id: str
    bank_id: str
    distance: int
    query_share: float | None = None
    target_share: float | None = None


class MediaIndex:
    """Every active PDQ and vPDQ hash of every bank, refreshed from the outbox; thread-safe."""

    def __init__(self, refresh_seconds: float = REFRESH_SECONDS) -> None:
        self.refresh_seconds = refresh_seconds
        self._lock = threading.Lock()
        self._built = False
        self._checked = 0.0
        self._last_event = 0
        self._ids: list[str] = []
        self._banks: list[str] = []
        self._alive = np.zeros(0, dtype=bool)
        self._pos: dict[str, int] = {}
        self._main = MultiIndex(np.zeros((0, 4), dtype=np.uint64))
        self._delta: list[NDArray[np.uint64]] = []
        self._delta_from = 0
        self._videos: dict[str, tuple[str, list[Frame]]] = {}

    def ensure(self, session: Session) -> None:
        """Build the index on first use; afterwards apply hash events from the outbox (throttled)."""
        with self._lock:
            if not self._built:
                self._build(session)
            elif time.monotonic() - self._checked >= self.refresh_seconds:
                self._catch_up(session)

    def refresh_now(self, session: Session) -> None:
        """Apply pending outbox events at once (tests, and after a write in the same process)."""
        with self._lock:
            if not self._built:
                self._build(session)
            else:
                self._catch_up(session)

    def _latest_event(self, session: Session) -> int:
        stmt = select(OutboxEvent.id).order_by(OutboxEvent.id.desc()).limit(1)
        return int(session.scalar(stmt) or 0)

    def _build(self, session: Session) -> None:
        self._last_event = self._latest_event(session)
        rows = session.execute(
            select(MediaHash.id, MediaHash.bank_id, MediaHash.signal_type, MediaHash.signal).where(
                MediaHash.active.is_(True), MediaHash.signal_type.in_([SignalType.PDQ, SignalType.VPDQ])
            )
        ).all()
        pdq = [r for r in rows if r.signal_type == SignalType.PDQ]
        self._ids = [r.id for r in pdq]
        self._banks = [r.bank_id for r in pdq]
        self._pos = {r.id: i for i, r in enumerate(pdq)}
        self._alive = np.ones(len(pdq), dtype=bool)
        self._main = MultiIndex(packed([r.signal for r in pdq]))
        self._delta, self._delta_from = [], len(pdq)
        self._videos = {r.id: (r.bank_id, parse_vpdq(r.signal)) for r in rows if r.signal_type == SignalType.VPDQ}
        self._built, self._checked = True, time.monotonic()

    def _catch_up(self, session: Session) -> None:
        self._checked = time.monotonic()
        events = session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.id > self._last_event, OutboxEvent.topic.like("media.hash.%"))
            .order_by(OutboxEvent.id)
        ).all()
        latest = self._latest_event(session)
        changed = {str(hid) for e in events for hid in e.payload.get("hash_ids", [])}
        if changed:
            for row in session.execute(
                select(
                    MediaHash.id, MediaHash.bank_id, MediaHash.signal_type, MediaHash.signal, MediaHash.active
                ).where(MediaHash.id.in_(changed))
            ).all():
                self._apply(row.id, row.bank_id, row.signal_type, row.signal, row.active)
            if len(self._delta) > DELTA_LIMIT:
                self._build(session)
                return
        self._last_event = max(self._last_event, latest)

    def _apply(self, hash_id: str, bank_id: str, signal_type: str, signal: str, active: bool) -> None:
        if signal_type == SignalType.VPDQ:
            if active:
                self._videos[hash_id] = (bank_id, parse_vpdq(signal))
            else:
                self._videos.pop(hash_id, None)
            return
        if signal_type != SignalType.PDQ:
            return
        pos = self._pos.get(hash_id)
        if pos is not None:
            self._alive[pos] = active
            return
        if active:
            pos = len(self._ids)
            self._ids.append(hash_id)
            self._banks.append(bank_id)
            self._pos[hash_id] = pos
            self._alive = np.append(self._alive, True)
            self._delta.append(packed([signal])[0])

    @property
    def size(self) -> int:
        """Active PDQ hashes plus vPDQ videos held."""
        return int(self._alive.sum()) + len(self._videos)

    def search_pdq(self, queries: dict[str, str], radius: int) -> dict[str, tuple[int, str]]:
        """Return hash_id -> (best distance, variant) for every active PDQ hash near any query variant."""
        best: dict[str, tuple[int, str]] = {}
        with self._lock:
            delta = np.array(self._delta, dtype=np.uint64).reshape(-1, 4)
            for variant, hexed in queries.items():
                q = packed([hexed])[0]
                pos, dist = self._main.search(q, radius)
                if len(delta):
                    dpos = brute_force(delta, q, radius)
                    ddist = np.bitwise_count(delta[dpos] ^ q).sum(axis=1)
                    pos = np.concatenate([pos, dpos + self._delta_from])
                    dist = np.concatenate([dist, ddist])
                for p, d in zip(pos.tolist(), dist.tolist(), strict=True):
                    if not self._alive[p]:
                        continue
                    hid = self._ids[p]
                    if hid not in best or d < best[hid][0]:
                        best[hid] = (int(d), variant)
        return best

    def bank_of(self, hash_id: str) -> str | None:
        """The bank of an indexed PDQ hash."""
        pos = self._pos.get(hash_id)
        return None if pos is None else self._banks[pos]

    def search_video(self, frames: list[Frame], query_share: float, target_share: float) -> list[Candidate]:
        """Return every vPDQ video whose frames match the probe's by the vPDQ rule (shares both ways)."""
        with self._lock:
            videos = list(self._videos.items())
        out = []
        for hid, (bank_id, target) in videos:
            q, t = vpdq_shares(frames, target)
            if q >= query_share and t >= target_share and q > 0:
                out.append(Candidate(hid, bank_id, round(100 - q), q, t))
        return out


_INDEXES: dict[str, MediaIndex] = {}
_INDEXES_LOCK = threading.Lock()


def shared_index(key: str) -> MediaIndex:
    """Return the process's index for one database (``key``: its URL)."""
    with _INDEXES_LOCK:
        index = _INDEXES.get(key)
        if index is None:
            index = _INDEXES[key] = MediaIndex()
        return index


def index_on(state: object) -> MediaIndex:
    """The index kept on an application's state (one per process, built on first use)."""
    with _INDEXES_LOCK:
        index: MediaIndex | None = getattr(state, "media_index", None)
        if index is None:
            index = MediaIndex()
            state.media_index = index  # type: ignore[attr-defined]
        return index
