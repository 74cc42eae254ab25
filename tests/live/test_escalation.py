"""The escalation job: overdue hits and reviews are escalated once, audited, with an outbox event."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net, _uow
from factories import counts, make_notice
from live.helpers import make_hit, outbox_ids
from manara.audit.models import AuditEvent
from manara.db.base import utcnow
from manara.identity import Role
from manara.live.escalation import escalate_overdue
from manara.live.models import QueueEscalation
from manara.outbox.models import OutboxEvent
from manara.screening.index import ScreeningIndex
from manara.screening.jobs import JobRunner


def test_an_overdue_hit_is_escalated_once_with_its_event(session: Session, net: Net) -> None:
    fr = net.user("FR", Role.FRONTLINE_OFFICER).actor
    late, on_time = make_hit(session, fr, "MA", overdue=True), make_hit(session, fr, "MA")
    assert escalate_overdue(session, utcnow()) == 1
    session.commit()
    events = session.scalars(select(OutboxEvent).where(OutboxEvent.topic == "hit.escalated")).all()
    assert [e.payload["id"] for e in events] == [late.id] and events[0].country == "MA"
    assert events[0].payload["querying"] == "FR" and "escalated_at" in events[0].payload
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "hit.escalated")).all()
    assert len(audit) == 1 and audit[0].target_ids == [late.id] and audit[0].username == "system"
    before = counts(session)
    assert escalate_overdue(session, utcnow()) == 0  # idempotent: a second run (or a restart) does nothing
    assert counts(session) == before
    assert session.get(QueueEscalation, ("hit", on_time.id)) is None
    assert escalate_overdue(session, utcnow() + timedelta(days=1)) == 1  # its turn comes when it is late
    assert len(outbox_ids(session, "hit.escalated")) == 2


def test_answered_hits_are_not_escalated(session: Session, net: Net) -> None:
    from manara.hit.actions import do_judge_hit

    hit = make_hit(session, net.user("FR", Role.FRONTLINE_OFFICER).actor, "MA", overdue=True)
    do_judge_hit(session, net.user("MA", Role.BUREAU_OFFICER).actor, hit, "rejected", "")
    assert escalate_overdue(session, utcnow()) == 0


def test_a_review_waiting_too_long_is_escalated(session: Session, net: Net) -> None:
    notice = make_notice(session, net.user("MA", Role.BUREAU_OFFICER).actor, status="submitted")
    assert escalate_overdue(session, utcnow()) == 0
    notice.submitted_at = utcnow() - timedelta(hours=25)
    session.commit()
    assert escalate_overdue(session, utcnow()) == 1
    event = session.scalars(select(OutboxEvent).where(OutboxEvent.topic == "notice.escalated")).one()
    assert event.payload["reference"] == notice.reference and event.payload["status"] == "submitted"
    assert escalate_overdue(session, utcnow()) == 0


def test_the_job_runner_escalates_on_its_schedule(session: Session, net: Net, tmp_path: Path) -> None:
    fr = net.user("FR", Role.FRONTLINE_OFFICER).actor
    make_hit(session, fr, "MA", overdue=True)
    runner = JobRunner(lambda: _uow(session), ScreeningIndex(), tmp_path, escalate_every=30)
    runner._escalate()
    assert len(outbox_ids(session, "hit.escalated")) == 1
    make_hit(session, fr, "EG", overdue=True)
    runner._escalate()  # not due again for 30 s
    assert len(outbox_ids(session, "hit.escalated")) == 1
    runner.next_escalation = 0.0  # as after a restart: the state is in the database, nothing repeats
    runner._escalate()
    assert len(outbox_ids(session, "hit.escalated")) == 2
