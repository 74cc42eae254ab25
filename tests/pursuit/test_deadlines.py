"""Deadlines of provisional arrests in the live console's queues: a warning before the lapse (configurable
hours), one escalation when it lapses (the existing escalation job), acknowledgement by either desk, and the
live feed showing pursuit events to the pursuit's members only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net
from manara.audit.models import AuditEvent
from manara.db.base import utcnow
from manara.errors import NotFound
from manara.identity import Role
from manara.live import queues
from manara.live.escalation import escalate_overdue
from manara.outbox.models import OutboxEvent
from manara.pursuit.models import Pursuit
from manara.settings import get_settings
from manara.web.feed import render_for
from pursuit.helpers import open_pursuit, step, wanted


def _queue(session: Session, net: Net, country: str) -> queues.QueuePage:
    actor = net.user(country, Role.BUREAU_OFFICER).actor
    return next(q for q in queues.queues_for(session, actor) if q.kind == "pursuit")


def _arrest(client: TestClient, net: Net, session: Session) -> Pursuit:
    ma, fr = net.user("MA", Role.BUREAU_OFFICER), net.user("FR", Role.BUREAU_OFFICER)
    p = open_pursuit(client, ma, wanted(session, net).id, ["FR"])
    step(client, fr, p["id"], "located")
    assert step(client, fr, p["id"], "provisional_arrest").status_code == 200
    pursuit = session.get(Pursuit, p["id"])
    assert pursuit is not None
    return pursuit


def test_warning_window_then_one_escalation_to_both_members(client: TestClient, net: Net, session: Session) -> None:
    pursuit = _arrest(client, net, session)
    assert pursuit.deadline_at is not None
    # 40 days away: beyond the 72-hour warning window, not in the queue yet
    assert _queue(session, net, "MA").total == 0
    pursuit.deadline_at = utcnow() + timedelta(hours=get_settings().pursuit_warning_hours - 1)
    session.commit()
    for country in ("MA", "FR"):
        page = _queue(session, net, country)
        assert [i.item_id for i in page.items] == [pursuit.id] and page.items[0].escalated_at is None
    assert _queue(session, net, "EG").total == 0
    assert escalate_overdue(session, utcnow()) == 0
    assert escalate_overdue(session, pursuit.deadline_at + timedelta(seconds=1)) == 1
    session.commit()
    events = session.scalars(select(OutboxEvent).where(OutboxEvent.topic == "pursuit.escalated")).all()
    assert sorted(e.country or "" for e in events) == ["FR", "MA"]
    assert events[0].payload["pursuit_id"] == pursuit.id
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "pursuit.escalated")).all()
    assert escalate_overdue(session, pursuit.deadline_at + timedelta(days=1)) == 0  # once only
    assert _queue(session, net, "MA").items[0].escalated_at is not None
    # the feed: the members' users read the escalation, EG's never
    for e in events:
        for country in ("MA", "FR", "EG"):
            line = render_for(
                net.user(country, Role.BUREAU_OFFICER).actor, e.topic, e.payload, lambda s: s, address=e.country
            )
            assert (line is not None) == (country == e.country)


def test_the_request_stops_the_clock(client: TestClient, net: Net, session: Session) -> None:
    pursuit = _arrest(client, net, session)
    pursuit.deadline_at = utcnow() - timedelta(hours=1)
    session.commit()
    assert step(client, net.user("MA", Role.BUREAU_OFFICER), pursuit.id, "extradition_requested").status_code == 200
    assert escalate_overdue(session, utcnow()) == 0
    assert _queue(session, net, "MA").total == 0


@pytest.mark.parametrize("country,ok", [("MA", True), ("FR", True), ("EG", False)])
def test_acknowledge_by_either_desk(client: TestClient, net: Net, session: Session, country: str, ok: bool) -> None:
    pursuit = _arrest(client, net, session)
    user = net.user(country, Role.BUREAU_OFFICER)
    if ok:
        queues.acknowledge(session, user.actor, "pursuit", pursuit.id)
    else:
        with pytest.raises(NotFound):
            queues.acknowledge(session, user.actor, "pursuit", pursuit.id)
