"""Logs: one JSON line per request with the request id and the route template; no personal data in any line.

Passport numbers and names are sent in query strings, JSON bodies, form bodies and paths, to the app in this
process and to a real ``manara serve`` (uvicorn, whose own access log would print ``path?query``); every line
either writes is captured and searched for them."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net
from manara.api.logs import configure_logging
from manara.db.session import make_engine
from manara.identity import Actor, Role
from manara.member import actions as member_actions
from manara.member.models import User
from served import database, running, seed_network

PASSPORT = "ZK4471902"
NAME_PARTS = ("Benyoucef", "Ouarda")
SECRETS = (PASSPORT, *NAME_PARTS)


@pytest.fixture
def captured(client: TestClient) -> Iterator[io.StringIO]:
    """The app's log handler, writing into a buffer (the app is built, so its logging is configured)."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "manara")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)  # type: ignore[attr-defined]
    logging.getLogger().setLevel(logging.DEBUG)
    yield buffer
    handler.setStream(previous)  # type: ignore[attr-defined]
    logging.getLogger().setLevel(logging.INFO)


def _drive(http: httpx.Client | TestClient, headers: dict[str, str]) -> None:
    """Requests carrying the passport number and the name everywhere a client may put them."""
    name = " ".join(NAME_PARTS)
    http.get(f"/api/v1/documents/check?number={PASSPORT}&country=FR", headers=headers)
    http.get(f"/api/v1/search?q={name}&passport={PASSPORT}", headers=headers)
    http.post("/api/v1/screen", json={"names": [name], "documents": [{"number": PASSPORT}]}, headers=headers)
    http.post(
        "/api/v1/screen", content=f'{{"names": ["{name}", ', headers={**headers, "content-type": "application/json"}
    )
    http.post("/api/v1/screen", json={"names": name, "documents": PASSPORT}, headers=headers)  # wrong types: 422
    http.get(f"/api/v1/notices/{PASSPORT}", headers=headers)
    http.get(f"/console/search?q={name}")
    http.post("/console/sign-in", data={"username": name, "password": PASSPORT})
    http.get(f"/no/such/{PASSPORT}?name={name}")
    http.get(f"/api/v1/documents/check?number={PASSPORT}&country=FR")  # no key: 401


def _assert_clean(text: str) -> None:
    lowered = text.lower()
    for secret in SECRETS:
        assert secret.lower() not in lowered, f"{secret} leaked into the logs:\n{text}"


def test_no_personal_data_in_any_line_and_one_json_line_per_request(
    client: TestClient, net: Net, captured: io.StringIO
) -> None:
    user = net.user("MA", Role.FRONTLINE_OFFICER)
    _drive(client, user.headers)
    got = client.get(
        "/api/v1/documents/check?number=AB12345&country=FR", headers={**user.headers, "X-Request-ID": "trace-42"}
    )
    assert got.headers["x-request-id"] == "trace-42"
    text = captured.getvalue()
    _assert_clean(text)
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    requests = [line for line in lines if line.get("event") == "request"]
    assert len(requests) >= 11
    for line in requests:
        assert set(line) >= {"method", "route", "status", "duration_ms", "request_id", "timestamp", "level"}
        assert "?" not in line["route"]
    routes = {line["route"] for line in requests}
    assert {"/api/v1/documents/check", "/api/v1/screen", "/api/v1/notices/{notice_id}", "unmatched"} <= routes
    traced = [line for line in requests if line["request_id"] == "trace-42"]
    assert traced and traced[0]["route"] == "/api/v1/documents/check" and traced[0]["status"] == 200
    statuses = {line["status"] for line in requests}
    assert {200, 401, 404, 422} <= statuses


def test_a_hostile_request_id_is_replaced(client: TestClient, captured: io.StringIO) -> None:
    got = client.get("/health", headers={"X-Request-ID": f"{PASSPORT} {NAME_PARTS[0]}\u202e".encode()})
    rid = got.headers["x-request-id"]
    assert PASSPORT not in rid
    line = [json.loads(x) for x in captured.getvalue().splitlines() if '"request"' in x][-1]
    assert line["request_id"] == rid and line["route"] == "/health"


def test_query_strings_are_cut_from_any_line() -> None:
    buffer = io.StringIO()
    configure_logging("INFO", "json")
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "manara")
    previous = handler.setStream(buffer)  # type: ignore[attr-defined]
    try:
        logging.getLogger("some.library").warning("fetch failed: GET http://x/y?number=%s&n=Ouarda", PASSPORT)
        try:
            raise ValueError(f"bad url /api/v1/screen?passport={PASSPORT}")
        except ValueError:
            logging.getLogger("manara.test").exception("boom")
    finally:
        handler.setStream(previous)  # type: ignore[attr-defined]
    text = buffer.getvalue()
    assert PASSPORT not in text and "Ouarda" not in text
    assert "?[query removed]" in text


def test_text_format_for_development() -> None:
    buffer = io.StringIO()
    configure_logging("INFO", "text")
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "manara")
    previous = handler.setStream(buffer)  # type: ignore[attr-defined]
    try:
        logging.getLogger("manara.test").info("plain line %d", 7)
    finally:
        handler.setStream(previous)  # type: ignore[attr-defined]
        configure_logging("INFO", "json")
    text = buffer.getvalue()
    assert "plain line 7" in text and not text.lstrip().startswith("{")


def test_a_real_server_logs_no_personal_data(tmp_path: Path) -> None:
    """uvicorn's access log is off; its own lines and the app's go through the same JSON formatter."""
    url = database(tmp_path, "logs")
    seed_network(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        officer = session.scalars(select(User).where(User.username == "fr.frontline_officer")).one()
        setup = Actor(user_id="log-setup", username="log-setup", country="ZZ", role=Role.ADMINISTRATOR)
        _, token = member_actions.do_create_api_key(session, officer, acting=setup)
        session.commit()
    engine.dispose()
    command = [sys.executable, "-m", "manara.cli.main", "serve"]
    with running(command, url, tmp_path, MANARA_LOG_LEVEL="DEBUG") as (_, base, log):
        with httpx.Client(base_url=base, timeout=30) as http:
            _drive(http, {"Authorization": f"Bearer {token}"})
            got = http.get("/health", headers={"X-Request-ID": "served-7"})
            assert got.headers["x-request-id"] == "served-7"
    text = log.read_text()
    _assert_clean(text)
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("event") == "request"]
    assert any(line["request_id"] == "served-7" and line["route"] == "/health" for line in requests)
    assert any(line["route"] == "/api/v1/documents/check" for line in requests)
    assert '"GET /api/v1' not in text  # no uvicorn access line
    assert any(line.get("logger", "").startswith("uvicorn") for line in lines)  # uvicorn's own lines are JSON too
