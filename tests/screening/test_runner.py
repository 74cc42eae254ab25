"""The background job runner: it expires records past their review date on schedule."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from conftest import Net, _uow
from factories import make_notice
from manara.db.base import utcnow
from manara.identity import Role
from manara.screening.index import ScreeningIndex
from manara.screening.jobs import JobRunner


def test_runner_expires_overdue_notices_once_per_interval(session: Session, net: Net, tmp_path: Path) -> None:
    owner, reviewer = net.user("MA", Role.BUREAU_OFFICER).actor, net.user("FR", Role.REVIEWER).actor
    notice = make_notice(session, owner, status="published", reviewer=reviewer)
    notice.review_date = utcnow().date() - timedelta(days=1)
    session.flush()
    runner = JobRunner(lambda: _uow(session), ScreeningIndex(), tmp_path, expiry_every=3600)
    runner._expire()
    session.refresh(notice)
    assert notice.status == "expired"
    fresh = make_notice(session, owner, status="published", reviewer=reviewer)
    fresh.review_date = utcnow().date() - timedelta(days=1)
    session.flush()
    runner._expire()  # not due again for an hour
    session.refresh(fresh)
    assert fresh.status == "published"
