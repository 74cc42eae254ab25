"""Streaming endpoints under a client that goes away: the export is on record first, nothing stays open."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import anyio
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net, _uow
from factories import make_entity
from manara.api import deps
from manara.api.streaming import closing_stream
from manara.audit.models import AuditEvent
from manara.identity import Role


def _exports(session: Session) -> list[AuditEvent]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "entity.exported")))


@pytest.mark.parametrize("spec", ["2.3", "2.4"])  # 2.3: Starlette sees http.disconnect; 2.4: send fails
def test_an_aborted_export_is_on_record_and_leaves_no_unit_open(
    app: Any, session: Session, net: Net, spec: str
) -> None:
    reader = net.user("MA", Role.ANALYST)
    for n in range(30):
        make_entity(session, reader.actor, f"x{n}", f"Karim Benali {n}")
    opened: list[str] = []
    closed: list[str] = []

    @contextmanager
    def tracked(kind: str) -> Iterator[Session]:
        opened.append(kind)
        try:
            with _uow(session) as s:
                yield s
        finally:
            closed.append(kind)

    app.dependency_overrides[deps.get_read_session_factory] = lambda: lambda: tracked("read")
    app.dependency_overrides[deps.get_session_factory] = lambda: lambda: tracked("write")
    recorded_before_first_line: list[bool] = []
    first_body = anyio.Event()

    async def receive() -> dict[str, Any]:
        if not first_body.is_set():
            await first_body.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body" and message.get("body") and not first_body.is_set():
            recorded_before_first_line.append(bool(_exports(session)))
            first_body.set()
            await anyio.sleep(0.05)  # the client is gone: Starlette cancels the stream
            return
        if message["type"] == "http.response.body" and first_body.is_set() and spec == "2.4":
            raise OSError("connection reset by peer")

    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": spec},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/api/v1/entities/export",
        "raw_path": b"/api/v1/entities/export",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"authorization", reader.headers["Authorization"].encode()), (b"host", b"testserver")],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "state": {},
    }
    gc.disable()  # what closes the unit must be the endpoint, not the garbage collector
    try:
        with contextlib.suppress(Exception):  # a server logs the client's disconnection and moves on
            anyio.run(app, scope, receive, send)
        assert recorded_before_first_line == [True]
        assert "write" not in opened  # the lines stream from a read-only unit
        assert sorted(opened) == sorted(closed)  # every unit opened (authentication, export) is closed
    finally:
        gc.enable()
    (event,) = _exports(session)
    assert event.user_id == reader.actor.user_id and event.extra == {"count": 30}


def test_closing_stream_closes_its_source_when_abandoned() -> None:
    state: list[str] = []

    def source() -> Iterator[int]:
        try:
            yield from range(100)
        finally:
            state.append("closed")

    async def main() -> None:
        stream = closing_stream(source())
        assert await stream.__anext__() == 0
        with anyio.move_on_after(0.01):
            async for _ in stream:
                await anyio.sleep(1)  # a stalled client; the scope cancels it
        await stream.aclose()

    anyio.run(main)
    assert state == ["closed"]


@pytest.mark.parametrize("n", [0, 3])
def test_closing_stream_yields_everything(n: int) -> None:
    async def main() -> list[int]:
        return [item async for item in closing_stream(iter(range(n)))]

    assert anyio.run(main) == list(range(n))
