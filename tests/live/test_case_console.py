"""Cases in the live console: case events reach the addressed members only, the ``case`` queue lists
invitations awaiting a first response with their deadline, escalates them once, and acknowledges them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from case.helpers import API, open_case
from case.test_from_link import _link
from conftest import Net, NetUser
from manara.audit.models import AuditEvent
from manara.case import service as case_service
from manara.case.models import Case, CaseMember
from manara.db.base import utcnow
from manara.errors import Conflict, NotFound
from manara.identity import Role
from manara.live import queues
from manara.live.escalation import escalate_overdue
from manara.live.hub import latest_id, read_events
from manara.live.models import QueueAcknowledgement, QueueEscalation
from manara.outbox.models import OutboxEvent
from manara.web.feed import TOPICS
from manara.web.i18n import translations
from manara.web.live_views import feed_item, recent_items


def feed(session: Session, user: NetUser, lang: str = "en") -> list[dict[str, Any]]:
    """The user's feed lines (the dashboard's, read from the outbox like a replay), newest first."""
    return recent_items(session, user.actor, translations(lang).gettext, latest_id(session))


def texts(session: Session, user: NetUser) -> list[str]:
    return [item["text"] for item in feed(session, user)]


def case_page(session: Session, user: NetUser) -> queues.QueuePage | None:
    return next((q for q in queues.queues_for(session, user.actor) if q.kind == "case"), None)


def make_late(session: Session, case_id: str, country: str) -> CaseMember:
    member = session.get(CaseMember, (case_id, country))
    assert member is not None
    member.due_at = utcnow() - timedelta(minutes=5)
    session.commit()
    return member


def test_an_invitation_reaches_the_invited_desk_and_nobody_else(client: TestClient, session: Session, net: Net) -> None:
    ma, fr, eg = (net.user(c, Role.BUREAU_OFFICER) for c in ("MA", "FR", "EG"))
    case = open_case(client, ma, invite=["FR"], priority="urgent")
    due = session.get(CaseMember, (case["id"], "FR"))
    assert due is not None and due.due_at is not None
    [line] = feed(session, fr)
    assert line["level"] == "urgent" and line["href"] == f"/console/cases/{case['id']}"
    assert line["text"] == f"Invitation to a case (Urgent): first response due {due.due_at:%Y-%m-%d %H:%M} UTC"
    assert feed(session, net.user("FR", Role.DUTY_OFFICER))  # the whole desk of the invited member
    assert feed(session, eg) == [] and feed(session, ma) == []  # a third country; the opener (not addressed)
    assert feed(session, net.user("FR", Role.FRONTLINE_OFFICER)) == []  # no case:read
    assert feed(session, net.user("FR", Role.ADMINISTRATOR)) == []
    # the live stream (replay path) judges the same rows the same way
    events = read_events(session, 0, None, TOPICS, 100)
    assert [e.topic for e in events if feed_item(fr.actor, e, translations("en").gettext)] == ["case.invited"]
    assert not [e for e in events if feed_item(eg.actor, e, translations("en").gettext)]


def test_messages_tasks_acceptance_and_closing_reach_the_other_members_only(
    client: TestClient, session: Session, net: Net
) -> None:
    ma, fr, eg = (net.user(c, Role.BUREAU_OFFICER) for c in ("MA", "FR", "EG"))
    cid = open_case(client, ma, invite=["FR"])["id"]
    assert (
        client.post(f"{API}/{cid}/messages", json={"body": "We hold a file on him."}, headers=fr.headers).status_code
        == 201
    )
    assert texts(session, ma)[:2] == ["FR posted a message in a case", "FR accepted a case invitation"]
    assert "FR posted a message in a case" not in texts(session, fr)  # not to its author
    assert feed(session, eg) == []
    assert client.post(f"{API}/{cid}/messages", json={"body": "Thanks."}, headers=ma.headers).status_code == 201
    assert texts(session, fr)[0] == "MA posted a message in a case" and feed(session, eg) == []
    analyst = net.user("FR", Role.ANALYST)
    assert (
        client.post(
            f"{API}/{cid}/tasks",
            json={
                "title": "Check the ferry lists",
                "assignee_country": "FR",
                "assignee_user_id": analyst.actor.user_id,
            },
            headers=ma.headers,
        ).status_code
        == 201
    )
    assert texts(session, analyst)[0] == "A case task was assigned to you"
    assert texts(session, fr)[0] != "A case task was assigned to you"  # assigned to one user of FR, not to fr.bureau
    assert (
        client.post(
            f"{API}/{cid}/tasks", json={"title": "Desk check", "assignee_country": "FR"}, headers=ma.headers
        ).status_code
        == 201
    )
    assert texts(session, fr)[0] == "A case task was assigned to you"  # assigned to the FR desk
    assert client.post(f"{API}/{cid}/close", headers=ma.headers).status_code == 200
    assert texts(session, fr)[0] == "A case was closed" == texts(session, ma)[0]
    assert feed(session, eg) == []


def test_the_case_queue_lists_escalates_and_acknowledges_invitations(
    client: TestClient, session: Session, net: Net
) -> None:
    ma, fr, eg = (net.user(c, Role.DUTY_OFFICER) for c in ("MA", "FR", "EG"))
    cid = open_case(client, ma, invite=["FR"], priority="high")["id"]
    member = session.get(CaseMember, (cid, "FR"))
    page = case_page(session, fr)
    assert page is not None and page.total == 1 and member is not None
    [item] = page.items
    assert (item.item_id, item.country, item.deadline_at, item.href) == (
        cid,
        "MA",
        member.due_at,
        f"/console/cases/{cid}",
    )
    assert item.escalated_at is None and not item.overdue(utcnow())
    assert case_page(session, ma) == queues.QueuePage("case", [], 0)  # the opener waits; it does not work on it
    assert case_page(session, eg) == queues.QueuePage("case", [], 0)
    assert case_page(session, net.user("FR", Role.FRONTLINE_OFFICER)) is None  # not a case role

    assert escalate_overdue(session, utcnow()) == 0  # not late yet
    make_late(session, cid, "FR")
    assert escalate_overdue(session, utcnow()) == 1
    session.commit()
    events = session.scalars(
        select(OutboxEvent).where(OutboxEvent.topic == "case.escalated").order_by(OutboxEvent.id)
    ).all()
    assert sorted(e.country or "" for e in events) == ["FR", "MA"]  # the late desk and the waiting opener
    assert events[0].payload["case_id"] == cid and events[0].payload["country"] == "FR"
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "case.escalated")).one()
    assert audit.target_ids == [cid] and audit.username == "system"
    assert escalate_overdue(session, utcnow()) == 0  # idempotent
    assert len(session.scalars(select(OutboxEvent).where(OutboxEvent.topic == "case.escalated")).all()) == 2
    [escalated] = case_page(session, fr).items  # type: ignore[union-attr]
    assert escalated.escalated_at is not None
    for user in (fr, ma):
        assert texts(session, user)[0] == "Overdue: a case (High priority) awaits a first response"
    assert feed(session, eg) == []

    with pytest.raises(NotFound):
        queues.acknowledge(session, eg.actor, "case", cid)  # not a member
    with pytest.raises(NotFound):
        queues.acknowledge(session, ma.actor, "case", cid)  # a member, but not the invited one
    queues.acknowledge(session, fr.actor, "case", cid)
    session.commit()
    ack = session.get(QueueAcknowledgement, ("case", cid, "FR"))
    assert ack is not None and ack.username == "fr.duty_officer"
    with pytest.raises(Conflict):
        queues.acknowledge(session, fr.actor, "case", cid)  # once per desk
    # acknowledging is not responding: the invitation still awaits its first response
    assert [w.case_id for w in case_service.awaiting_first_response(session, fr.actor)] == [cid]
    [acked] = case_page(session, fr).items  # type: ignore[union-attr]
    assert acked.acknowledged_by == "fr.duty_officer"
    assert texts(session, fr)[0] == "fr.duty_officer acknowledged " + cid[:8].upper()
    assert client.post(f"{API}/{cid}/accept", headers=fr.headers).status_code == 200
    assert case_page(session, fr) == queues.QueuePage("case", [], 0)  # answered: off the queue
    with pytest.raises(NotFound):
        queues.acknowledge(session, net.user("EG", Role.ANALYST).actor, "case", cid)


def test_each_invitation_of_a_case_is_escalated_on_its_own(client: TestClient, session: Session, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER)
    cid = open_case(client, ma, invite=["FR", "EG"])["id"]
    make_late(session, cid, "FR")
    assert escalate_overdue(session, utcnow()) == 1
    make_late(session, cid, "EG")
    assert escalate_overdue(session, utcnow()) == 1  # a second invitee of the same case is its own item
    keys = session.scalars(select(QueueEscalation.item_id).where(QueueEscalation.kind == "case")).all()
    assert sorted(keys) == sorted([cid[:34] + "FR", cid[:34] + "EG"])
    assert escalate_overdue(session, utcnow()) == 0


def test_a_sealed_invitation_never_reveals_the_hidden_country(client: TestClient, session: Session, net: Net) -> None:
    link_id, _, _ = _link(session, net)
    ma, fr = net.user("MA", Role.BUREAU_OFFICER), net.user("FR", Role.BUREAU_OFFICER)
    got = client.post(
        f"{API}/from-link/{link_id}", json={"title": "Possible match", "priority": "urgent"}, headers=fr.headers
    )
    assert got.status_code == 201, got.text
    cid = got.json()["id"]
    case = session.get(Case, cid)
    assert case is not None and [m.sealed for m in case.members] == [False, True]
    assert texts(session, ma)[0].startswith("Invitation to a case (Urgent)")  # the hidden side is told
    [item] = case_page(session, ma).items  # type: ignore[union-attr]
    assert item.country == "FR"
    make_late(session, cid, "MA")
    assert escalate_overdue(session, utcnow()) == 1
    session.commit()
    to_fr = session.scalars(
        select(OutboxEvent).where(OutboxEvent.country == "FR", OutboxEvent.topic.like("case.%"))
    ).all()
    assert {e.topic for e in to_fr} == {"case.opened", "case.escalated"}
    assert all("MA" not in str(e.payload) for e in to_fr)  # no payload addressed to the opener names MA
    opener_view = str(feed(session, fr)) + str(case_page(session, fr))
    assert "Overdue: a case (Urgent) awaits a first response" in opener_view and "MA" not in opener_view
    for lang in ("ar", "fr", "es"):
        assert "MA" not in str(feed(session, fr, lang))
    assert texts(session, ma)[0] == "Overdue: a case (Urgent) awaits a first response"


@pytest.mark.parametrize(
    ("lang", "invited", "overdue"),
    [
        ("ar", "دعوة إلى قضية", "متأخر: قضية"),
        ("fr", "Invitation à une affaire", "En retard : une affaire (Urgent"),
        ("es", "Invitación a un caso", "Con retraso: un caso"),
    ],
)
def test_case_lines_are_translated(
    client: TestClient, session: Session, net: Net, lang: str, invited: str, overdue: str
) -> None:
    cid = open_case(client, net.user("MA", Role.BUREAU_OFFICER), invite=["FR"], priority="urgent")["id"]
    make_late(session, cid, "FR")
    escalate_overdue(session, utcnow())
    session.commit()
    escalated, invitation = (item["text"] for item in feed(session, net.user("FR", Role.DUTY_OFFICER), lang))
    assert invited in invitation and overdue in escalated and "%(" not in invitation + escalated
