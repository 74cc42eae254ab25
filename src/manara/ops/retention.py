"""Retention: delete, on schedule, what the settings say may be kept only for a while.

What accumulates and is purged here (each purge audited by the domain action that does it):

- batch screening passenger lists and results, ``MANARA_BATCH_RETENTION_HOURS`` after the job ended
  (the job is marked ``purged``; audited ``screening.purged``);
- raw drone Remote ID messages past ``MANARA_DRONE_MESSAGE_RETENTION_HOURS`` (copies kept as incident
  evidence stay; audited ``drone.messages_purged``);
- the contact data of public tips older than ``MANARA_TIP_RETENTION_DAYS`` (the tip stays; audited by the
  pursuit domain's action);
- the answers kept for ``Idempotency-Key`` replays, ``MANARA_IDEMPOTENCY_HOURS`` after they were given (no
  personal data beyond the answer itself; not audited: they are copies of answers already audited).

Index snapshots (screening, biometric, cross-matching) are rewritten in place, one per index, so no old
snapshots pile up; audit checkpoints are evidence and are never purged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import exists, select

from manara.db.base import utcnow
from manara.drone.actions import do_purge_messages
from manara.drone.models import DroneMessage
from manara.idempotency import purge_idempotent_responses
from manara.identity import SYSTEM, Actor
from manara.pursuit.actions import do_purge_tip_contacts
from manara.screening.batch import SessionFactory
from manara.screening.jobs import purge_expired_jobs
from manara.settings import Settings


@dataclass(frozen=True)
class RetentionReport:
    """What one retention run deleted."""

    batch_jobs: int
    drone_messages: int
    tip_contacts: int
    idempotent_answers: int = 0

    def __str__(self) -> str:
        return (
            f"purged the files of {self.batch_jobs} batch screening jobs, {self.drone_messages} raw drone messages "
            f"and the contact data of {self.tip_contacts} public tips; forgot {self.idempotent_answers} answers kept "
            "for Idempotency-Key replays"
        )


def run_retention(
    factory: SessionFactory, settings: Settings, actor: Actor = SYSTEM, now: datetime | None = None
) -> RetentionReport:
    """Purge everything past its retention now; safe to run at any time and from several places."""
    now = now or utcnow()
    jobs = 0
    while purged := purge_expired_jobs(factory, Path(settings.data_dir), settings.batch_retention_hours, now=now):
        jobs += purged
    with factory() as session:
        due = session.scalar(select(exists().where(DroneMessage.expires_at <= now)))
        messages = do_purge_messages(session, actor, now) if due else 0
    with factory() as session:
        tips = do_purge_tip_contacts(session, actor, now)
    with factory() as session:
        answers = purge_idempotent_responses(session, now - timedelta(hours=settings.idempotency_hours))
    return RetentionReport(jobs, messages, tips, answers)
