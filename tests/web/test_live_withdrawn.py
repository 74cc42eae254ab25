"""The live feed checks a notice's current visibility at replay and at delivery (finding 8)."""

from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import Net, _uow
from factories import make_notice
from manara.identity import Role
from manara.live.hub import FeedHub, latest_id, read_events
from manara.notice.actions import do_cancel_notice
from manara.notice.models import Notice
from manara.settings import get_settings
from manara.web.live_views import event_stream, recent_items
from web.conftest import Console
from web.test_live import feed_ids


@pytest.fixture(autouse=True)
def short_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "live_connection_seconds", 0.3)
    monkeypatch.setattr(get_settings(), "live_poll_seconds", 60.0)


def _two_published(session: Session, net: Net) -> tuple[Notice, Notice]:
    ma = net.user("MA", Role.BUREAU_OFFICER).actor
    reviewer = net.user("EG", Role.REVIEWER).actor
    kept = make_notice(session, ma, status="published", reviewer=reviewer, title="Wanted: Karim Benali")
    withdrawn = make_notice(session, ma, status="published", reviewer=reviewer, title="Wanted: Sara Idrissi")
    return kept, withdrawn


def test_replay_leaves_out_a_notice_withdrawn_since(
    console: Console, client: TestClient, session: Session, net: Net
) -> None:
    kept, withdrawn = _two_published(session, net)
    console.sign_in("FR", Role.DUTY_OFFICER)
    _, before = feed_ids(client, params={"after": 0})
    assert f"/console/notices/{kept.id}" in before and f"/console/notices/{withdrawn.id}" in before
    do_cancel_notice(session, net.user("MA", Role.BUREAU_OFFICER).actor, withdrawn, "recovered: person found")
    session.commit()
    assert client.get(f"/console/notices/{withdrawn.id}").status_code == 404  # what the line would lead to
    _, after = feed_ids(client, params={"after": 0})
    assert f"/console/notices/{kept.id}" in after and withdrawn.id not in after
    recent = recent_items(session, net.user("FR", Role.DUTY_OFFICER).actor, str, latest_id(session))
    assert withdrawn.id not in str(recent) and kept.id in str(recent)
    client.cookies.clear()
    console.sign_in("MA", Role.DUTY_OFFICER)  # the owner still sees its own notice, and its events
    assert withdrawn.id in feed_ids(client, params={"after": 0})[1]


def test_live_delivery_leaves_out_a_notice_withdrawn_before_delivery(session: Session, net: Net) -> None:
    kept, withdrawn = _two_published(session, net)
    events = read_events(session, 0, None, ["notice.approved"], 100)
    do_cancel_notice(session, net.user("MA", Role.BUREAU_OFFICER).actor, withdrawn, "reported in error")
    session.commit()
    reader = net.user("FR", Role.DUTY_OFFICER).actor

    async def main() -> str:
        hub = FeedHub(lambda: _uow(session), 60.0, 100)
        stream = event_stream(hub, reader, str, None)
        frames = [await stream.__anext__()]  # subscribed: live events from now on
        hub.publish(events)
        frames += [frame async for frame in stream]
        if hub.task is not None:
            hub.task.cancel()
        return "".join(frames)

    text = asyncio.run(main())
    assert f"/console/notices/{kept.id}" in text and withdrawn.id not in text
