"""The shared outbox tailer: ordered delivery across gaps, bounded queues, and the per-user stream."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from conftest import Net
from live.helpers import make_hit
from manara.identity import Role
from manara.live import hub as hub_module
from manara.live.hub import LAGGED, FeedEvent, FeedHub, Tail
from manara.web.i18n import translations
from manara.web.live_views import event_stream

NOW = datetime(2026, 11, 29, tzinfo=UTC)


def ev(i: int) -> FeedEvent:
    return FeedEvent(i, "hit.raised", {}, NOW)


def test_the_tail_waits_at_a_gap_then_delivers_the_late_event() -> None:
    tail = Tail(high=0)
    assert [e.id for e in tail.advance([ev(1), ev(2), ev(4)], now=0.0)] == [1, 2]
    assert tail.advance([ev(4)], now=1.0) == [] and tail.high == 2  # 3 may still commit
    assert [e.id for e in tail.advance([ev(4)], now=hub_module.GAP_WAIT + 0.1)] == [4]
    assert set(tail.skipped) == {3}
    assert [e.id for e in tail.late([ev(3)], now=7.0)] == [3] and not tail.skipped
    tail.advance([ev(6)], now=10.0)
    tail.advance([ev(6)], now=20.0)
    tail.late([], now=20.0 + 31)  # never committed (rolled back): forgotten after the late-commit window
    assert not tail.skipped


def test_a_connection_that_falls_behind_is_closed_not_buffered() -> None:
    async def main() -> None:
        hub = FeedHub(lambda: None, 60, buffer=2)  # type: ignore[arg-type,return-value]
        hub.tail = Tail(high=0)
        slow = await hub.subscribe()
        hub.publish([ev(1), ev(2), ev(3)])
        assert slow.queue.get_nowait() is LAGGED and slow not in hub.subscribers
        assert hub.task is not None
        hub.task.cancel()

    asyncio.run(main())


def test_the_stream_filters_live_events_per_user(session: Session, net: Net) -> None:
    @contextmanager
    def factory() -> Iterator[Session]:
        yield session

    ma = net.user("MA", Role.DUTY_OFFICER).actor
    fr = net.user("FR", Role.FRONTLINE_OFFICER).actor

    async def main() -> list[str]:
        hub = FeedHub(factory, 60, buffer=16)
        stream = event_stream(hub, ma, translations("en").gettext, None)
        frames = [await stream.__anext__()]  # retry
        make_hit(session, fr, "EG")  # another country's hit: never sent to MA
        mine = make_hit(session, fr, "MA")
        await hub.poll_once()
        frames.append(await stream.__anext__())
        await stream.aclose()
        assert not hub.subscribers and hub.task is not None
        hub.task.cancel()
        return [*frames, mine.id]

    retry, frame, hit_id = asyncio.run(main())
    assert retry.startswith("retry:")
    assert frame.startswith("id: ") and "event: feed" in frame and hit_id in frame and '"EG"' not in frame
