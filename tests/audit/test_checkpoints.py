"""Keyed checkpoints anchor the audit chain: a log rewritten and re-chained is detected."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import orjson
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from conftest import Net
from manara.audit.chain import event_hash, verify_chain
from manara.audit.checkpoint import load_key, verify_checkpoints, write_checkpoint
from manara.audit.models import AuditEvent, AuditHead
from manara.errors import ManaraError
from manara.identity import Role
from manara.member.actions import do_create_member
from manara.settings import Settings

KEY = b"k" * 16 + os.urandom(24).hex().encode()


def rewrite_and_rechain(session: Session, seq: int, username: str) -> None:
    """Edit event ``seq`` and recompute every later hash and the head, as an attacker with the database would."""
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.seq >= seq).order_by(AuditEvent.seq)))
    prev = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq - 1)) or "0" * 64
    events[0].username = username
    for event in events:
        event.prev_hash = prev
        event.hash = prev = event_hash(event)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=prev))
    session.flush()
    session.expire_all()


def test_a_rewritten_and_rechained_log_passes_the_chain_but_not_the_checkpoints(
    session: Session, net: Net, tmp_path: Path
) -> None:
    folder = tmp_path / "checkpoints"
    first = write_checkpoint(session, folder, KEY)
    do_create_member(session, "TN", acting=net.user("MA", Role.ADMINISTRATOR).actor)
    session.flush()
    write_checkpoint(session, folder, KEY)
    assert verify_checkpoints(session, folder, KEY).ok
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and stat.S_IMODE(first.stat().st_mode) == 0o600

    target = orjson.loads(first.read_bytes())["seq"] // 2
    rewrite_and_rechain(session, target, "someone.else")
    assert verify_chain(session).ok  # the plain hash chain cannot tell
    report = verify_checkpoints(session, folder, KEY)
    assert not report.ok and "rewritten" in (report.reason or "")
    assert report.broken_seq == orjson.loads(first.read_bytes())["seq"]


def test_a_forged_checkpoint_and_a_truncated_log_are_refused(session: Session, net: Net, tmp_path: Path) -> None:
    path = write_checkpoint(session, tmp_path, KEY)
    data = orjson.loads(path.read_bytes())
    assert not verify_checkpoints(session, tmp_path, b"another key, 32 bytes at least!!").ok  # another key
    path.write_bytes(orjson.dumps({**data, "seq": data["seq"] - 1}))  # moved to an event the attacker rewrote
    report = verify_checkpoints(session, tmp_path, KEY)
    assert not report.ok and "signature" in (report.reason or "")
    path.write_bytes(orjson.dumps({**data, "seq": data["seq"] + 5, "mac": ""}))
    assert not verify_checkpoints(session, tmp_path, KEY).ok
    assert not verify_checkpoints(session, tmp_path / "empty", KEY).ok  # no checkpoints proves nothing


def test_the_key_comes_from_a_file_and_must_be_long(tmp_path: Path) -> None:
    with pytest.raises(ManaraError, match="MANARA_AUDIT_CHECKPOINT_KEY_FILE"):
        load_key(Settings())
    short = tmp_path / "short.key"
    short.write_bytes(b"tooshort\n")
    with pytest.raises(ManaraError, match="32 bytes"):
        load_key(Settings(audit_checkpoint_key_file=short))
    good = tmp_path / "good.key"
    good.write_bytes(KEY + b"\n")
    assert load_key(Settings(audit_checkpoint_key_file=good)) == KEY
