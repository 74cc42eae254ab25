"""`manara jobs retention`: batch screening files and raw drone messages past their retention, audited."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import Net, _uow
from manara.audit.models import AuditEvent
from manara.db.base import utcnow
from manara.drone.models import DroneMessage, DroneReceiver
from manara.idempotency import IdempotentResponse
from manara.identity import Role
from manara.ops.retention import run_retention
from manara.screening.jobs import job_paths
from manara.screening.models import ScreeningJob
from manara.settings import get_settings


def _job(session: Session, net: Net, data_dir: Path, hours_ago: float) -> str:
    officer = net.user("FR", Role.FRONTLINE_OFFICER).actor
    finished = utcnow() - timedelta(hours=hours_ago)
    job = ScreeningJob(
        country="FR",
        user_id=officer.user_id,
        username=officer.username,
        role=str(officer.role),
        input_format="csv",
        status="done",
        finished_at=finished,
    )
    session.add(job)
    session.flush()
    for path in job_paths(data_dir, job.id):
        path.write_bytes(b"id,names\n1,Karim Benali\n")
    return job.id


def _message(session: Session, receiver: DroneReceiver, expires_in_hours: float) -> str:
    now = utcnow()
    message = DroneMessage(
        receiver_id=receiver.id,
        owner_country="MA",
        received_at=now - timedelta(hours=80),
        transport="ble4",
        source="AA:BB:CC:DD:EE:FF",
        msg_type=0,
        payload=b"\x02" * 25,
        sha256="0" * 64,
        expires_at=now + timedelta(hours=expires_in_hours),
    )
    session.add(message)
    session.flush()
    return message.id


def test_retention_purges_what_is_past_its_time_and_nothing_else(session: Session, net: Net, data_dir: Path) -> None:
    hours = get_settings().batch_retention_hours
    old_job, young_job = _job(session, net, data_dir, hours + 2), _job(session, net, data_dir, hours - 2)
    receiver = DroneReceiver(owner_country="MA", name="Casablanca port", latitude=33.6, longitude=-7.6, created_by="x")
    session.add(receiver)
    session.flush()
    expired, current = _message(session, receiver, -1), _message(session, receiver, 5)
    kept_hours = get_settings().idempotency_hours
    for key, age in (("old", kept_hours + 1), ("young", kept_hours - 1)):
        session.add(IdempotentResponse(scope="s", key=key, route="POST /api/v1/cases", status=201,
                                       created_at=utcnow() - timedelta(hours=age)))  # fmt: skip
    session.commit()

    report = run_retention(lambda: _uow(session), get_settings())

    assert (report.batch_jobs, report.drone_messages, report.tip_contacts, report.idempotent_answers) == (1, 1, 0, 1)
    assert str(report) == (
        "purged the files of 1 batch screening jobs, 1 raw drone messages and the contact data of 0 public tips; "
        "forgot 1 answers kept for Idempotency-Key replays"
    )
    assert session.scalars(select(IdempotentResponse.key)).all() == ["young"]
    assert not any(p.exists() for p in job_paths(data_dir, old_job))
    assert all(p.exists() for p in job_paths(data_dir, young_job))
    session.expire_all()
    assert session.get(ScreeningJob, old_job).status == "purged"  # type: ignore[union-attr]
    assert session.get(ScreeningJob, young_job).status == "done"  # type: ignore[union-attr]
    assert session.get(DroneMessage, expired) is None and session.get(DroneMessage, current) is not None
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.in_(("screening.purged", "drone.messages_purged")))
    ).all()
    assert sorted(actions) == ["drone.messages_purged", "screening.purged"]

    again = run_retention(lambda: _uow(session), get_settings())  # nothing left: nothing purged, nothing audited
    assert (again.batch_jobs, again.drone_messages, again.tip_contacts) == (0, 0, 0)
    count = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "drone.messages_purged")
    assert session.scalar(count) == 1
