"""Group commit: concurrent writers share transactions, each piece is audited exactly once, the chain holds."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from conftest import _postgres_db
from manara.audit.actions import AuditAction, record
from manara.audit.chain import GENESIS, verify_chain
from manara.audit.group import GroupCommit
from manara.audit.models import AuditEvent
from manara.db.migrate import upgrade
from manara.db.session import make_engine
from manara.identity import Actor, Role

GOLDEN = "ce68844400925e4da2ce760cf35b2b6264011f721a80d8e3c1298b87646adcbb"
ACTOR = Actor(user_id="u1", username="fr.fo", country="FR", role=Role.FRONTLINE_OFFICER)


@pytest.fixture
def committed_url(tmp_path: Path) -> str:
    """A database of its own, where work really commits (the shared test session rolls back)."""
    base = os.environ.get("MANARA_TEST_DATABASE_URL")
    if base and base.startswith("postgresql"):
        db_url = _postgres_db(base, "group")
    else:
        db_url = f"sqlite:///{tmp_path / 'group.db'}"
    upgrade(db_url)
    return db_url


@pytest.fixture
def engine(committed_url: str) -> Iterator[Engine]:
    eng = make_engine(committed_url)
    yield eng
    eng.dispose()


def _audit(i: int, fail: bool = False):  # type: ignore[no-untyped-def]
    def work(session: Session) -> AuditEvent:
        event = record(session, ACTOR, AuditAction.SCREENED, target_type="notice", target_ids=[f"t{i}"])
        session.flush()
        if fail:
            raise ValueError(f"piece {i} fails after writing")
        return event  # numbered and hashed when its batch is written

    return work


def _targets(engine: Engine) -> Counter[str]:
    with Session(engine) as session:
        return Counter(t for ids in session.scalars(select(AuditEvent.target_ids)) for t in ids)


def _verified(engine: Engine) -> int:
    with Session(engine) as session:
        report = verify_chain(session)
        assert report.ok, report
        return report.checked


def test_concurrent_writers_are_each_audited_once_and_the_chain_verifies(engine: Engine) -> None:
    factory = sessionmaker(bind=engine, expire_on_commit=False).begin
    group, start = GroupCommit(), threading.Barrier(16)
    seqs: list[int] = []
    lock = threading.Lock()

    def writer(k: int) -> None:
        start.wait()
        for j in range(10):
            seq = group.run(factory, _audit(k * 10 + j)).seq
            with lock:
                seqs.append(seq)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seqs) == list(range(1, 161))  # each caller got its own committed event
    assert _targets(engine) == Counter({f"t{i}": 1 for i in range(160)})
    assert _verified(engine) == 160
    assert group.jobs == 160 and group.batches <= 160


def _gated(group: GroupCommit, factory, pieces: list) -> list:  # type: ignore[no-untyped-def,type-arg]
    """Hold the writer on a first piece until ``pieces`` have queued behind it, so they share one batch."""
    gate, running = threading.Event(), threading.Event()
    outcomes: list = [None] * len(pieces)  # type: ignore[type-arg]

    def first(session: Session) -> AuditEvent:
        running.set()
        gate.wait(10)
        return _audit(-1)(session)

    def call(k: int) -> None:
        try:
            outcomes[k] = group.run(factory, pieces[k])
        except ValueError as exc:
            outcomes[k] = exc

    head = threading.Thread(target=group.run, args=(factory, first))
    head.start()
    assert running.wait(10), "the writer never started the first piece"  # the others queue behind it, not with it
    threads = [threading.Thread(target=call, args=(k,)) for k in range(len(pieces))]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(group._queue) < len(pieces) and time.monotonic() < deadline:  # noqa: SLF001
        time.sleep(0.01)
    gate.set()
    for thread in [head, *threads]:
        thread.join()
    return outcomes


def test_queued_work_shares_one_transaction_and_a_failing_piece_rolls_back_alone(engine: Engine) -> None:
    factory = sessionmaker(bind=engine, expire_on_commit=False).begin
    group = GroupCommit()
    outcomes = _gated(group, factory, [_audit(0), _audit(1, fail=True), _audit(2), _audit(3, fail=True), _audit(4)])
    assert group.batches == 2 and group.jobs == 6  # the gate's piece, then the five queued behind it together
    assert [isinstance(o, ValueError) for o in outcomes] == [False, True, False, True, False]
    assert _targets(engine) == Counter({"t-1": 1, "t0": 1, "t2": 1, "t4": 1})
    assert _verified(engine) == 4  # no gap where the failed pieces were rolled back


def test_a_failed_commit_fails_every_waiter(engine: Engine) -> None:
    group = GroupCommit()

    class Broken:
        def __init__(self) -> None:
            self.session = Session(engine)

        def __enter__(self) -> Session:
            return self.session

        def __exit__(self, *exc: object) -> None:
            self.session.rollback()
            self.session.close()
            raise RuntimeError("commit failed")

    with pytest.raises(RuntimeError, match="commit failed"):
        group.run(Broken, _audit(0))
    assert _targets(engine) == Counter()


def test_two_processes_appending_do_not_fork_the_chain(committed_url: str, engine: Engine) -> None:
    script = """
import sys, threading
from sqlalchemy.orm import sessionmaker
from manara.audit.actions import AuditAction, record
from manara.audit.group import GroupCommit
from manara.db.session import make_engine
from manara.identity import Actor, Role
actor = Actor(user_id="u", username="u", country="FR", role=Role.FRONTLINE_OFFICER)
factory = sessionmaker(bind=make_engine(sys.argv[1]), expire_on_commit=False).begin
group = GroupCommit()
def writer(k):
    for j in range(15):
        group.run(factory, lambda s, i=f"{sys.argv[2]}-{k}-{j}": record(s, actor, AuditAction.SCREENED, target_ids=[i]))
threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
[t.start() for t in threads]
[t.join() for t in threads]
"""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [
        subprocess.Popen([sys.executable, "-c", script, committed_url, name], env=env)  # noqa: S603
        for name in ("a", "b")
    ]
    assert [p.wait(120) for p in procs] == [0, 0]
    targets = _targets(engine)
    assert len(targets) == 120 and set(targets.values()) == {1}
    assert _verified(engine) == 120
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 120


def test_a_batch_is_chained_in_queue_order_with_one_head_read_and_one_insert(engine: Engine) -> None:
    factory = sessionmaker(bind=engine, expire_on_commit=False).begin
    group, statements = GroupCommit(), []

    def listen(*args: Any) -> None:
        if found := re.search(r"\b(audit_event|audit_head)\b", args[2]):
            statements.append(f"{args[2].split()[0]} {found[1]}")

    event.listen(engine, "before_cursor_execute", listen)
    try:
        outcomes = _gated(group, factory, [_audit(i) for i in range(8)])
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert group.batches == 2 and group.jobs == 9
    assert sorted(e.seq for e in outcomes) == list(range(2, 10))  # after the gate's event, one each
    # the eight pieces' records: one head read, one insert of all eight, one head update, in one transaction
    assert Counter(statements) == Counter({"SELECT audit_head": 2, "INSERT audit_event": 2, "UPDATE audit_head": 2})
    with Session(engine) as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        assert [r.seq for r in rows] == list(range(1, 10)) and len({r.occurred_at for r in rows[1:]}) == 1
        assert {r.seq: r.hash for r in rows[1:]} == {e.seq: e.hash for e in outcomes}  # what the callers got
    assert _verified(engine) == 9


def test_the_hash_format_is_unchanged() -> None:
    from datetime import UTC, datetime

    from manara.audit.chain import GENESIS, event_hash

    fields = {
        "seq": 7,
        "occurred_at": datetime(2026, 11, 29, 5, 30, 1, 250, tzinfo=UTC),
        "request_id": "rq-1",
        "user_id": "u1",
        "username": "fr.fo",
        "country": "FR",
        "role": "frontline_officer",
        "purpose": "border check",
        "action": "screening.searched",
        "target_type": "notice",
        "target_ids": ["n1", "n2"],
        "query": {"names": ["Ali Hassan"], "limit": 10},
        "extra": {"hits": []},
        "prev_hash": GENESIS,
    }
    # the digest the ORM append computed before the Core rewrite: existing chains keep verifying
    assert event_hash(AuditEvent(**fields)) == GOLDEN


def test_a_crash_mid_batch_loses_nothing_already_answered(committed_url: str, engine: Engine) -> None:
    script = """
import os, sys, threading
from sqlalchemy.orm import sessionmaker
from manara.audit.actions import AuditAction, record
from manara.audit.group import GroupCommit
from manara.db.session import make_engine
actor_args = dict(user_id="u", username="u", country="FR")
from manara.identity import Actor, Role
actor = Actor(**actor_args, role=Role.FRONTLINE_OFFICER)
factory = sessionmaker(bind=make_engine(sys.argv[1]), expire_on_commit=False).begin
group, lock = GroupCommit(), threading.Lock()
def piece(name):
    def work(session):
        record(session, actor, AuditAction.SCREENED, target_ids=[name])
        if name == "w3-6":
            os._exit(9)  # the process dies in the middle of a batch, before its commit
    return work
def writer(k):
    for j in range(10):
        group.run(factory, piece(f"w{k}-{j}"))
        with lock:
            print(f"w{k}-{j}", flush=True)  # answered
threads = [threading.Thread(target=writer, args=(k,)) for k in range(6)]
[t.start() for t in threads]
[t.join() for t in threads]
"""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run(
        [sys.executable, "-c", script, committed_url],
        env=env,
        capture_output=True,  # noqa: S603
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 9, proc.stderr
    answered = set(proc.stdout.split())
    stored = _targets(engine)
    assert 10 <= len(answered) < 60 and "w3-6" not in stored
    assert answered <= set(stored) and set(stored.values()) == {1}  # every answer is durable, once
    assert _verified(engine) == len(stored)


def test_a_migrated_database_has_the_head_row_every_first_append_locks(engine: Engine) -> None:
    # Without the row, `SELECT … FOR UPDATE` locks nothing and two processes' first appends both start at 1.
    with Session(engine) as session:
        assert session.execute(text("SELECT id, seq, hash FROM audit_head")).all() == [(1, 0, GENESIS)]
        assert verify_chain(session).ok


def test_without_its_head_row_the_chain_refuses_appends_and_fails_verification(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        session.execute(text("DELETE FROM audit_head"))
    with Session(engine) as session:
        report = verify_chain(session)
        assert not report.ok and "head row is missing" in (report.reason or "")
    with Session(engine) as session, pytest.raises(RuntimeError, match="no head row"), session.begin():
        record(session, ACTOR, AuditAction.SCREENED, target_ids=["t"])
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0
