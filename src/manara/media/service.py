"""Media queries and pure helpers (probes, candidate filtering, signal formats); never writes."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from manara.errors import ValidationFailed
from manara.identity import Actor
from manara.media.access import bank_visibility_filter, can_match_bank, match_visibility_filter
from manara.media.hashing import (
    PDQ_MATCH_DISTANCE,
    PDQ_QUALITY_MIN,
    VPDQ_QUERY_SHARE,
    VPDQ_TARGET_SHARE,
    Frame,
    MediaRejected,
    crop_hashes,
    hash_image,
    hash_video,
    looks_like_image,
    normalize_hex,
    parse_vpdq,
    vpdq_signal,
)
from manara.media.index import MediaIndex
from manara.media.models import Feedback, HashBank, MediaHash, MediaMatch, SignalType
from manara.media.schemas import HashIn
from manara.media.taxonomy import LABELS
from manara.pagination import Page, paginate

# python-threatexchange's `dataset --print-signals --csv` columns; `category` is a SignalCategory name.
TX_CSV_FIELDS = ("collab", "signal_type", "signal_str", "category", "tags")
TX_SIGNAL_TYPES = {"pdq": SignalType.PDQ, "vpdq": SignalType.VPDQ, "video_md5": SignalType.MD5, "md5": SignalType.MD5}
TX_SIGNAL_TYPES["sha256"] = SignalType.SHA256
MAX_IMPORT_LINES = 1_000_000


@dataclass
class Probe:
    """What an uploaded file or a given hash was reduced to; the content itself is already gone."""

    kind: str  # image | video | hash
    signal_type: SignalType
    quality: int | None = None
    pdq: dict[str, str] = field(default_factory=dict)  # variant -> hex (pdq probes)
    frames: list[Frame] = field(default_factory=list)  # vpdq probes
    md5: str | None = None
    sha256: str | None = None

    @property
    def sighting(self) -> str:
        """The probe's own hash, as a bank that keeps sightings would record it."""
        if self.signal_type == SignalType.PDQ:
            return self.pdq["original"]
        if self.signal_type == SignalType.VPDQ:
            return vpdq_signal(self.frames)
        return self.md5 or self.sha256 or ""


@dataclass(frozen=True)
class Found:
    """A banked hash a probe matched, in a bank the actor may match against."""

    hash: MediaHash
    bank: HashBank
    distance: int
    variant: str = "original"
    query_share: float | None = None
    target_share: float | None = None


def signal_key(signal_type: str, signal: str) -> str:
    """The key hashes are deduplicated and looked up by: the hex itself, or SHA-256 of a vPDQ signal."""
    return hashlib.sha256(signal.encode()).hexdigest() if signal_type == SignalType.VPDQ else signal


def canonical_signal(item: HashIn) -> tuple[str, int | None]:
    """Validate a hash to bank; return its canonical form and quality. Low-quality hashes are refused."""
    if item.signal_type == SignalType.VPDQ:
        frames = parse_vpdq(item.signal)
        if not any(f.quality >= PDQ_QUALITY_MIN for f in frames):
            raise MediaRejected(f"every vpdq frame has quality below {PDQ_QUALITY_MIN}", ["low_quality"])
        return vpdq_signal(frames), min(100, max(f.quality for f in frames))
    signal = normalize_hex(item.signal, item.signal_type)
    if item.signal_type == SignalType.PDQ:
        if item.quality is not None and item.quality < PDQ_QUALITY_MIN:
            raise MediaRejected(f"PDQ quality {item.quality} below {PDQ_QUALITY_MIN}", ["low_quality"])
        if signal in ("0" * 64, "f" * 64):
            raise MediaRejected("a blank PDQ hash (uniform image) matches too much", ["low_quality"])
    return signal, item.quality


def probe_from_file(data: bytes) -> Probe:
    """Hash an uploaded image or video (with PDQ's variants); the bytes are not kept."""
    if looks_like_image(data):
        image = hash_image(data, variants=True)
        if image.quality < PDQ_QUALITY_MIN:
            raise MediaRejected(f"image PDQ quality {image.quality} below {PDQ_QUALITY_MIN}", ["low_quality"])
        return Probe("image", SignalType.PDQ, image.quality, dict(image.variants), [], image.md5, image.sha256)
    video = hash_video(data)
    usable = video.usable
    if not usable:
        raise MediaRejected(f"every video frame has PDQ quality below {PDQ_QUALITY_MIN}", ["low_quality"])
    quality = round(sum(f.quality for f in usable) / len(usable))
    return Probe("video", SignalType.VPDQ, quality, {}, video.frames, video.md5, video.sha256)


def hashes_of_file(data: bytes, *, labels: Sequence[str], source: str) -> list[HashIn]:
    """The hashes a bank keeps for a file its owner adds: PDQ and its centre crops (cropped re-posts match),
    or the video's vPDQ frames; MD5 and SHA-256 for exact copies. The file itself is not kept."""
    common = {"labels": list(labels), "source": source}
    if looks_like_image(data):
        image = hash_image(data)
        if image.quality < PDQ_QUALITY_MIN:
            raise MediaRejected(f"image PDQ quality {image.quality} below {PDQ_QUALITY_MIN}", ["low_quality"])
        kinds: list[tuple[str, str, int | None, str]] = [("pdq", image.pdq, image.quality, "")]
        kinds += [("pdq", hexed, None, f"{name} crop") for name, hexed in crop_hashes(data).items()]
        md5, sha = image.md5, image.sha256
    else:
        video = hash_video(data)
        if not video.usable:
            raise MediaRejected(f"every video frame has PDQ quality below {PDQ_QUALITY_MIN}", ["low_quality"])
        kinds = [("vpdq", video.signal(), None, "")]
        md5, sha = video.md5, video.sha256
    kinds += [("video_md5", md5, None, ""), ("sha256", sha, None, "")]
    return [
        HashIn.model_validate({**common, "signal_type": kind, "signal": signal, "quality": quality, "note": note})
        for kind, signal, quality, note in kinds
    ]


def probe_from_hash(signal_type: SignalType, signal: str) -> Probe:
    """Turn a given hash into a probe."""
    if signal_type == SignalType.PDQ:
        return Probe("hash", signal_type, None, {"original": normalize_hex(signal, "pdq")})
    if signal_type == SignalType.VPDQ:
        frames = parse_vpdq(signal)
        return Probe("hash", signal_type, None, {}, frames)
    hexed = normalize_hex(signal, signal_type)
    if signal_type == SignalType.MD5:
        return Probe("hash", signal_type, None, md5=hexed)
    return Probe("hash", signal_type, None, sha256=hexed)


def find_matches(session: Session, actor: Actor, index: MediaIndex, probe: Probe) -> list[Found]:
    """Return the active hashes of banks the actor may match against that the probe matches, best first."""
    hits: dict[str, tuple[int, str, float | None, float | None]] = {}
    if probe.pdq:
        for hid, (dist, variant) in index.search_pdq(probe.pdq, PDQ_MATCH_DISTANCE).items():
            hits[hid] = (dist, variant, None, None)
    if probe.frames:
        for cand in index.search_video(probe.frames, VPDQ_QUERY_SHARE, VPDQ_TARGET_SHARE):
            hits[cand.hash_id] = (cand.distance, "frames", cand.query_share, cand.target_share)
    exact = [(SignalType.MD5, probe.md5), (SignalType.SHA256, probe.sha256)]
    for signal_type, value in exact:
        if value:
            stmt = select(MediaHash.id).where(MediaHash.signal_type == signal_type, MediaHash.signal_key == value)
            for hid in session.scalars(stmt):
                hits[hid] = (0, "exact", None, None)
    if not hits:
        return []
    rows = session.execute(
        select(MediaHash, HashBank)
        .join(HashBank, HashBank.id == MediaHash.bank_id)
        .where(MediaHash.id.in_(list(hits)), MediaHash.active.is_(True))
    ).all()
    found = [
        Found(h, b, hits[h.id][0], hits[h.id][1], hits[h.id][2], hits[h.id][3])
        for h, b in rows
        if can_match_bank(actor, b)  # visibility before results: the index knows nothing of it
    ]
    return sorted(found, key=lambda f: (f.distance, f.bank.owner_country, f.hash.id))


def list_banks(session: Session, actor: Actor, *, own: bool, page: int, page_size: int) -> Page[HashBank]:
    """A page of banks the actor may see (``own``: its country's only)."""
    stmt = select(HashBank).where(bank_visibility_filter(actor))
    if own:
        stmt = stmt.where(HashBank.owner_country == actor.country)
    return paginate(session, stmt.order_by(HashBank.owner_country, HashBank.name), page=page, page_size=page_size)


def hash_counts(session: Session, bank_ids: Sequence[str]) -> dict[str, int]:
    """Active hashes per bank."""
    if not bank_ids:
        return {}
    stmt = (
        select(MediaHash.bank_id, func.count())
        .where(MediaHash.bank_id.in_(list(bank_ids)), MediaHash.active.is_(True))
        .group_by(MediaHash.bank_id)
    )
    return {bank_id: int(n) for bank_id, n in session.execute(stmt).all()}


def list_hashes(
    session: Session, bank: HashBank, *, include_disabled: bool, page: int, page_size: int
) -> Page[MediaHash]:
    """A page of a bank's hashes, newest first."""
    stmt = select(MediaHash).where(MediaHash.bank_id == bank.id)
    if not include_disabled:
        stmt = stmt.where(MediaHash.active.is_(True))
    return paginate(session, stmt.order_by(MediaHash.added_at.desc(), MediaHash.id), page=page, page_size=page_size)


def existing_keys(session: Session, bank: HashBank, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (signal_type, signal_key) pairs among ``keys`` the bank already holds (active or not)."""
    wanted = list(keys)
    found: set[tuple[str, str]] = set()
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        stmt = select(MediaHash.signal_type, MediaHash.signal_key).where(
            MediaHash.bank_id == bank.id, MediaHash.signal_key.in_([k for _, k in chunk])
        )
        found |= {(t, k) for t, k in session.execute(stmt).all()}
    return found


def list_matches(
    session: Session, actor: Actor, *, role: str, feedback: str | None, page: int, page_size: int
) -> Page[MediaMatch]:
    """Match reports: ``role`` "owner" (on your banks), "querier" (yours) or "any"; optionally by feedback."""
    stmt = select(MediaMatch).where(match_visibility_filter(actor))
    if role == "owner":
        stmt = stmt.where(MediaMatch.owner_country == actor.country)
    elif role == "querier":
        stmt = stmt.where(MediaMatch.querying_country == actor.country)
    if feedback is not None:
        stmt = stmt.where(MediaMatch.feedback == feedback)
    return paginate(session, stmt.order_by(MediaMatch.created_at.desc(), MediaMatch.id), page=page, page_size=page_size)


def awaiting_feedback(session: Session, actor: Actor, *, page: int, page_size: int) -> Page[MediaMatch]:
    """Your country's matches on which it has not yet given feedback to the bank owner."""
    return list_matches(session, actor, role="querier", feedback=Feedback.OPEN, page=page, page_size=page_size)


def parse_signals(text: str, *, default_labels: Sequence[str] = ()) -> list[HashIn]:
    """Read hashes in python-threatexchange's signal formats: the CSV of ``threatexchange dataset -P --csv``
    (``collab,signal_type,signal_str,category,tags``; rows of a NEGATIVE_CLASS category are skipped), or
    lines ``<signal_type> <signal>`` (``dataset -P -S``), or bare PDQ hashes one per line."""
    lines = text.splitlines()
    if len(lines) > MAX_IMPORT_LINES:
        raise ValidationFailed("too many lines", [{"field": "file", "message": f"at most {MAX_IMPORT_LINES}"}])
    items: list[HashIn] = []
    first = lines[0].strip().lower() if lines else ""
    if first.replace(" ", "").startswith("collab,signal_type,signal_str"):
        reader = csv.DictReader(io.StringIO(text))
        for n, row in enumerate(reader, start=2):
            if (row.get("category") or "").strip().upper() == "NEGATIVE_CLASS":
                continue
            tags = [t for t in (row.get("tags") or "").split() if t]
            items.append(_item(n, row.get("signal_type") or "", row.get("signal_str") or "", tags, default_labels))
        return items
    for n, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 1)
        if len(parts) == 1:
            items.append(_item(n, "pdq", parts[0], [], default_labels))
        else:
            items.append(_item(n, parts[0], parts[1], [], default_labels))
    return items


def _item(line: int, kind: str, signal: str, tags: list[str], default_labels: Sequence[str]) -> HashIn:
    signal_type = TX_SIGNAL_TYPES.get(kind.strip().lower())
    if signal_type is None:
        raise ValidationFailed(
            f"line {line}: unknown signal type {kind[:40]!r}",
            [{"field": "file", "message": "pdq, vpdq, video_md5, md5 or sha256"}],
        )
    labels = sorted({t for t in tags if t in LABELS} | set(default_labels))
    try:
        return HashIn.model_validate(
            {"signal_type": signal_type, "signal": signal.strip(), "labels": labels, "source": f"import line {line}"}
        )
    except ValueError as exc:
        raise ValidationFailed(
            f"line {line}: not a valid {kind[:40]} signal", [{"field": "file", "message": str(exc)[:200]}]
        ) from exc


def export_signals(bank: HashBank, hashes: Iterable[MediaHash], *, fmt: str) -> str:
    """Write a bank's active hashes in python-threatexchange's formats: ``csv`` (``dataset -P --csv``: the
    bank's name as collab, TRUE_POSITIVE as category, labels as tags) or ``txt`` (``<signal_type> <signal>``)."""
    out = io.StringIO()
    if fmt == "csv":
        writer = csv.DictWriter(out, list(TX_CSV_FIELDS), lineterminator="\n")
        writer.writeheader()
        for h in hashes:
            tags = " ".join(sorted(set(h.labels) | set(bank.labels)))
            writer.writerow(
                {
                    "collab": bank.name,
                    "signal_type": h.signal_type,
                    "signal_str": h.signal,
                    "category": "TRUE_POSITIVE",
                    "tags": tags,
                }
            )
    else:
        for h in hashes:
            out.write(f"{h.signal_type} {h.signal}\n")
    return out.getvalue()


def active_hashes(session: Session, bank: HashBank) -> Sequence[MediaHash]:
    """Every active hash of a bank, oldest first (exports)."""
    stmt = select(MediaHash).where(MediaHash.bank_id == bank.id, MediaHash.active.is_(True))
    return session.scalars(stmt.order_by(MediaHash.added_at, MediaHash.id)).all()
