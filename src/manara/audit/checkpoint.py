"""Keyed checkpoints of the audit chain: what a rewrite of the whole log cannot forge.

The chain (`chain.py`) is plain SHA-256: whoever can write to the database can edit an event and
recompute every later hash and the head, and `verify_chain` passes. A checkpoint records the head
(``seq`` and ``hash``) at a moment, authenticated with HMAC-SHA256 under a key the database does not
hold (`MANARA_AUDIT_CHECKPOINT_KEY_FILE`), and is written to a folder meant to be copied off the
database host (`MANARA_AUDIT_CHECKPOINT_DIR`, by the job runner on schedule, or `manara audit
checkpoint`). `verify_checkpoints` then checks, for every checkpoint, that its signature is valid and
that the event at its ``seq`` still has its ``hash``: an event rewritten before a checkpoint changes that
hash (re-chaining cannot restore it without the key), and a log cut below a checkpoint lacks the event.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.audit.chain import ChainReport, verify_chain
from manara.audit.models import AuditEvent, AuditHead
from manara.db.base import utcnow
from manara.errors import ManaraError
from manara.settings import Settings

VERSION = 1
MIN_KEY_BYTES = 32
PREFIX = "audit-checkpoint-"


def load_key(settings: Settings, path: Path | None = None) -> bytes:
    """Read the checkpoint key from ``path`` (default: the setting); refuse a missing or short key."""
    path = path or settings.audit_checkpoint_key_file
    if path is None:
        raise ManaraError("no checkpoint key: set MANARA_AUDIT_CHECKPOINT_KEY_FILE (a file outside the database)")
    try:
        key = path.read_bytes().strip()
    except OSError as exc:
        raise ManaraError(f"cannot read the checkpoint key file {path}: {exc.strerror}") from exc
    if len(key) < MIN_KEY_BYTES:
        raise ManaraError(f"the checkpoint key must hold at least {MIN_KEY_BYTES} bytes")
    return key


def key_id(key: bytes) -> str:
    """Name a key without revealing it (which key signed a checkpoint, after a rotation)."""
    return hashlib.sha256(b"manara-audit-checkpoint-key:" + key).hexdigest()[:16]


def _signed_part(seq: int, head_hash: str, at: str) -> bytes:
    return orjson.dumps({"v": VERSION, "seq": seq, "hash": head_hash, "at": at}, option=orjson.OPT_SORT_KEYS)


def sign(key: bytes, seq: int, head_hash: str, at: str) -> str:
    """Return the HMAC-SHA256 of a checkpoint's fields."""
    return hmac.new(key, _signed_part(seq, head_hash, at), hashlib.sha256).hexdigest()


def make_checkpoint(session: Session, key: bytes, now: datetime | None = None) -> dict[str, Any]:
    """Return a signed checkpoint of the chain's current head."""
    head = session.get(AuditHead, 1)
    if head is None:
        raise ManaraError("the audit chain has no head row: run `manara db upgrade`")
    at = (now or utcnow()).isoformat(timespec="seconds")
    return {
        "version": VERSION,
        "seq": head.seq,
        "hash": head.hash,
        "at": at,
        "key_id": key_id(key),
        "mac": sign(key, head.seq, head.hash, at),
    }


def write_checkpoint(session: Session, folder: Path, key: bytes, now: datetime | None = None) -> Path:
    """Write a checkpoint of the current head to ``folder`` (created 0700; the file 0600, written atomically)."""
    checkpoint = make_checkpoint(session, key, now)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = checkpoint["at"].replace(":", "").replace("-", "").replace("+0000", "Z")
    path = folder / f"{PREFIX}{checkpoint['seq']:012d}-{stamp}.json"
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(orjson.dumps(checkpoint, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
        out.flush()
        os.fsync(out.fileno())
    tmp.replace(path)
    return path


@dataclass(frozen=True)
class CheckpointReport:
    """Outcome of verifying the chain against checkpoints: ``ok``, or the first problem found."""

    ok: bool
    chain: ChainReport
    checkpoints: int
    broken_seq: int | None = None
    reason: str | None = None


def read_checkpoints(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Return the checkpoints of ``folder``, oldest first (an unreadable file is reported, not skipped)."""
    found = []
    for path in sorted(folder.glob(f"{PREFIX}*.json")):
        try:
            data = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError) as exc:
            raise ManaraError(f"unreadable checkpoint {path.name}: {exc}") from exc
        if not isinstance(data, dict):
            raise ManaraError(f"unreadable checkpoint {path.name}: not a JSON object")
        found.append((path, data))
    return sorted(found, key=lambda item: int(item[1].get("seq", 0)))


def verify_checkpoints(session: Session, folder: Path, key: bytes) -> CheckpointReport:
    """Walk the chain, then check it against every checkpoint of ``folder``; report the first mismatch.

    A checkpoint whose signature is wrong (forged, altered, or signed with another key) is a failure too:
    a folder the attacker could write to proves nothing."""
    chain = verify_chain(session)
    if not chain.ok:
        return CheckpointReport(False, chain, 0, chain.broken_seq, chain.reason)
    checkpoints = read_checkpoints(folder)
    if not checkpoints:
        return CheckpointReport(False, chain, 0, None, f"no checkpoints in {folder}")
    for n, (path, cp) in enumerate(checkpoints):
        try:
            seq, head_hash, at, mac = int(cp["seq"]), str(cp["hash"]), str(cp["at"]), str(cp["mac"])
        except (KeyError, TypeError, ValueError):
            return CheckpointReport(False, chain, n, None, f"checkpoint {path.name} is malformed")
        if not hmac.compare_digest(sign(key, seq, head_hash, at), mac):
            return CheckpointReport(
                False, chain, n, seq, f"checkpoint {path.name} has a bad signature (altered, or another key)"
            )
        if seq == 0:
            continue  # taken before the first event
        stored = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq))
        if stored is None:
            return CheckpointReport(False, chain, n, seq, f"event {seq} of checkpoint {path.name} is gone (truncated)")
        if stored != head_hash:
            return CheckpointReport(
                False, chain, n, seq, f"event {seq} differs from checkpoint {path.name}: the log was rewritten"
            )
    return CheckpointReport(True, chain, len(checkpoints))
