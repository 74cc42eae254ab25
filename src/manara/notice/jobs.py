"""Scheduled jobs: expire records past their review date unless their owner re-validated them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.entity import actions as entity_actions
from manara.entity.models import Entity
from manara.identity import SYSTEM
from manara.notice.actions import do_expire_notice
from manara.notice.models import Notice, NoticeStatus


@dataclass(frozen=True)
class ExpiryReport:
    """How many records the expiry job expired."""

    notices: int
    entities: int


def expire_due(session: Session, today: date, *, batch: int = 1000) -> ExpiryReport:
    """Expire published notices and active entities whose review date is before ``today``."""
    notices = session.scalars(
        select(Notice).where(Notice.status == NoticeStatus.PUBLISHED, Notice.review_date < today).limit(batch)
    ).all()
    for notice in notices:
        do_expire_notice(session, SYSTEM, notice)
    entities = session.scalars(
        select(Entity).where(Entity.status == "active", Entity.review_date < today).limit(batch)
    ).all()
    entity_actions.do_expire_entities(session, SYSTEM, list(entities))
    return ExpiryReport(len(notices), len(entities))
