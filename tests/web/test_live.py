"""The live dashboard over HTTP: SSE replay by Last-Event-ID, per-user visibility, queues, acknowledgement."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net
from factories import make_notice
from live.helpers import make_hit, outbox_ids
from manara.audit.models import AuditEvent
from manara.db.base import utcnow
from manara.hit.models import Hit
from manara.identity import Role
from manara.live.escalation import escalate_overdue
from manara.live.models import QueueAcknowledgement
from manara.settings import get_settings
from web.conftest import Console

FRAME_ID = re.compile(r"^id: (\d+)\nevent: feed\n", re.MULTILINE)


@pytest.fixture(autouse=True)
def short_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    """End each stream quickly (the test client reads whole responses); keep the tailer out of the way."""
    monkeypatch.setattr(get_settings(), "live_connection_seconds", 0.3)
    monkeypatch.setattr(get_settings(), "live_poll_seconds", 60.0)


def feed_ids(client: TestClient, **kwargs: object) -> tuple[list[int], str]:
    response = client.get("/console/feed", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
    return [int(i) for i in FRAME_ID.findall(response.text)], response.text


def test_last_event_id_replays_exactly_what_was_missed(
    console: Console, client: TestClient, session: Session, net: Net
) -> None:
    fr = net.user("FR", Role.FRONTLINE_OFFICER).actor
    first, second, third = (make_hit(session, fr, "MA") for _ in range(3))
    ids = outbox_ids(session, "hit.raised")
    console.sign_in("MA", Role.DUTY_OFFICER)
    replayed, text = feed_ids(client, headers={"Last-Event-ID": str(ids[0])})
    assert replayed == ids[1:]  # after the id, none before, in order
    assert second.id in text and third.id in text and first.id not in text
    assert feed_ids(client, params={"after": ids[1]})[0] == ids[2:]  # the page's position on first load
    assert feed_ids(client, params={"after": 0}, headers={"Last-Event-ID": str(ids[1])})[0] == ids[2:]  # header wins
    assert feed_ids(client)[0] == []  # no position: live events only


def test_another_countrys_hit_never_reaches_the_feed(
    console: Console, client: TestClient, session: Session, net: Net
) -> None:
    fr = net.user("FR", Role.FRONTLINE_OFFICER).actor
    theirs = make_hit(session, fr, "MA")
    console.sign_in("EG", Role.DUTY_OFFICER)
    ids, text = feed_ids(client, params={"after": 0})
    assert theirs.id not in text and ids == []
    client.cookies.clear()
    console.sign_in("FR", Role.DUTY_OFFICER)  # the querying member sees it
    assert theirs.id in feed_ids(client, params={"after": 0})[1]


def test_too_much_missed_asks_for_a_reload(
    console: Console, client: TestClient, session: Session, net: Net, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "live_replay_limit", 1)
    fr = net.user("FR", Role.FRONTLINE_OFFICER).actor
    make_hit(session, fr, "MA"), make_hit(session, fr, "MA")
    console.sign_in("MA", Role.DUTY_OFFICER)
    ids, text = feed_ids(client, params={"after": 0})
    assert ids == [] and "event: reset" in text


def test_the_feed_needs_a_session(client: TestClient) -> None:
    response = client.get("/console/feed", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/console/login")


def test_dashboard_shows_queues_escalated_first_and_the_recent_feed(
    console: Console, client: TestClient, session: Session, net: Net
) -> None:
    fr = net.user("FR", Role.FRONTLINE_OFFICER).actor
    calm, late = make_hit(session, fr, "MA"), make_hit(session, fr, "MA", overdue=True)
    make_hit(session, fr, "EG", overdue=True)
    escalate_overdue(session, utcnow())
    session.commit()
    console.sign_in("MA", Role.DUTY_OFFICER)
    page = client.get("/console/").text
    assert page.index(f'id="q-hit-{late.id}"') < page.index(f'id="q-hit-{calm.id}"')
    assert f'<tr id="q-hit-{late.id}" class="escalated">' in page and "Escalated" in page
    assert f'data-deadline="{calm.deadline_at.isoformat()}"' in page  # the server's deadline; JS counts down
    assert "Overdue: hit on a Red notice of MA raised by FR is unanswered" in page  # the feed without JS
    assert re.search(r'data-feed-url="/console/feed\?after=\d+"', page) and "/console/static/live.js" in page
    fragment = client.get("/console/dashboard/queues").text
    assert "<html" not in fragment and f"q-hit-{late.id}" in fragment
    assert page.count('class="escalated"') == 1  # EG's escalated hit is not MA's


def test_acknowledging_a_review_is_recorded_audited_and_shown(
    console: Console, client: TestClient, session: Session, net: Net
) -> None:
    notice = make_notice(session, net.user("MA", Role.BUREAU_OFFICER).actor, status="submitted")
    url = f"/console/queues/notice_review/{notice.id}/acknowledge"
    console.sign_in("MA", Role.REVIEWER)  # reviewers never review their own member's notices
    assert console.post(url).status_code == 404
    client.cookies.clear()
    console.sign_in("EG", Role.BUREAU_OFFICER)  # no review permission
    assert console.post(url).status_code == 404
    client.cookies.clear()
    console.sign_in("FR", Role.REVIEWER)
    page = client.get("/console/").text
    assert f'action="{url}"' in page and notice.reference in page
    fragment = console.post(url, token_from="/console/")
    assert fragment.status_code == 303
    ack = session.get(QueueAcknowledgement, ("notice_review", notice.id, "FR"))
    assert ack is not None and ack.username == "fr.reviewer" and ack.acknowledged_at <= utcnow()
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "queue.acknowledged")).one()
    assert audit.target_ids == [notice.id] and audit.username == "fr.reviewer"
    assert outbox_ids(session, "queue.acknowledged")
    shown = client.get("/console/dashboard/queues").text
    assert "fr.reviewer" in shown and f'action="{url}"' not in shown
    assert console.post(url).status_code == 409  # once per desk
    assert notice.status == "submitted"  # acknowledging is not resolving


def test_acknowledging_a_hit_from_the_queue_is_the_owners_step(
    console: Console, client: TestClient, session: Session, net: Net
) -> None:
    hit = make_hit(session, net.user("FR", Role.FRONTLINE_OFFICER).actor, "MA")
    url = f"/console/queues/hit/{hit.id}/acknowledge"
    for country in ("EG", "FR"):  # a stranger, and the querying member (sees the hit, may not answer it)
        console.sign_in(country, Role.DUTY_OFFICER)
        assert console.post(url).status_code == 404
        client.cookies.clear()
    console.sign_in("MA", Role.DUTY_OFFICER)
    assert console.post("/console/queues/nope/x/acknowledge").status_code == 404
    assert console.post(f"/console/queues/hit/{hit.id}x/acknowledge").status_code == 404
    row = client.post(
        url,
        data={"csrf_token": re.findall(r'value="([0-9a-f]{64})"', client.get("/console/").text)[0]},
        headers={"HX-Request": "true"},
    )
    assert row.status_code == 200 and "ma.duty_officer" in row.text and "<html" not in row.text
    stored = session.get(Hit, hit.id)
    assert stored is not None and stored.status == "acknowledged" and stored.judged_at is None


def test_new_strings_are_translated_on_the_dashboard(
    console: Console, client: TestClient, session: Session, net: Net
) -> None:
    hit = make_hit(session, net.user("FR", Role.FRONTLINE_OFFICER).actor, "MA")
    hit.deadline_at = utcnow() - timedelta(minutes=1)
    escalate_overdue(session, utcnow())
    session.commit()
    console.sign_in("MA", Role.DUTY_OFFICER)
    for lang, words in {
        "ar": ("البث المباشر", "مُصعَّد"),
        "fr": ("Fil en direct", "Escaladé"),
        "es": ("Actividad en directo", "Escalado"),
    }.items():
        text = client.get(f"/console/?lang={lang}").text
        assert all(w in text for w in words), lang
