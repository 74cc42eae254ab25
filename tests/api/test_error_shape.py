"""One error shape, ``{"error": {"code", "message", "details", "request_id"}}``, for every failure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import Net
from manara.app import create_app
from manara.entity.models import Entity
from manara.identity import Role
from manara.settings import get_settings


def assert_canonical(resp: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """Assert the canonical error shape and that the request id is echoed; return the error."""
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "details", "request_id"}
    assert isinstance(error["code"], str) and isinstance(error["message"], str) and isinstance(error["details"], dict)
    assert error["request_id"] and error["request_id"] == resp.headers["x-request-id"]
    if code is not None:
        assert error["code"] == code
    return error


def test_400_401_403_404_405(client: TestClient, session: Session, net: Net) -> None:
    officer = net.user("MA", Role.BUREAU_OFFICER).headers
    admin = net.user("MA", Role.ADMINISTRATOR).headers
    assert_canonical(client.get("/api/v1/me"), 401, "unauthenticated")
    assert_canonical(client.get("/api/v1/users", headers=officer), 403, "forbidden")
    error = assert_canonical(client.get("/api/v1/notices/nope", headers=officer), 404, "not_found")
    assert error["details"] == {"kind": "notice", "id": "nope"}
    assert_canonical(client.get("/api/v1/no-such-route", headers=officer), 404, "not_found")
    assert_canonical(client.delete("/api/v1/notices", headers=officer), 405)
    key = {"name": "x", "scopes": ["no:such"]}
    user_id = net.user("MA", Role.ANALYST).actor.user_id
    assert_canonical(client.post(f"/api/v1/users/{user_id}/api-keys", json=key, headers=admin), 422, "validation_error")


def test_409_conflict_and_invalid_transition(client: TestClient, net: Net) -> None:
    admin = net.user("FR", Role.ADMINISTRATOR).headers
    body = {"username": "fr.duplicate", "role": "analyst"}
    assert client.post("/api/v1/users", json=body, headers=admin).status_code == 201
    assert_canonical(client.post("/api/v1/users", json=body, headers=admin), 409, "conflict")
    officer = net.user("FR", Role.BUREAU_OFFICER).headers
    created = client.post(
        "/api/v1/notices",
        json={"type": "orange", "title": "Parcel bombs", "details": {"threat": "Parcel bombs sent by post"}},
        headers=officer,
    ).json()
    assert client.post(f"/api/v1/notices/{created['id']}/submit", headers=officer).status_code == 200
    error = assert_canonical(
        client.post(f"/api/v1/notices/{created['id']}/submit", headers=officer), 409, "invalid_transition"
    )
    assert error["details"] == {"status": "submitted", "action": "submit"}


def test_415_and_malformed_json_422(client: TestClient, session: Session, net: Net) -> None:
    officer = net.user("MA", Role.BUREAU_OFFICER).headers
    assert_canonical(
        client.post("/api/v1/entities/import", content=b"{}", headers={**officer, "Content-Type": "text/csv"}),
        415,
        "unsupported_media_type",
    )
    resp = client.post(
        "/api/v1/notices", content=b'{"type": "red", "title": ', headers={**officer, "Content-Type": "application/json"}
    )
    error = assert_canonical(resp, 422, "validation_error")
    assert error["details"]["errors"]
    before = session.scalar(select(func.count(Entity.id)))
    resp = client.post(
        "/api/v1/entities",
        content=b'{"id": "x", "schema": "Person", "properties": [1]',
        headers={**officer, "Content-Type": "application/json"},
    )
    assert_canonical(resp, 422, "validation_error")
    assert session.scalar(select(func.count(Entity.id))) == before


@pytest.mark.parametrize("path", ["/api/v1/screen", "/api/v1/notices", "/api/v1/entities"])
def test_without_a_valid_key_a_bad_body_gets_401_not_422(client: TestClient, net: Net, path: str) -> None:
    # FastAPI parses the body before any dependency runs: the key is checked first all the same.
    for body in (b'{"names": ["Karim', b'{"names": 5}', b"\xff\xfe"):
        for headers in ({}, {"Authorization": "Bearer mnr_nope_nope"}, {"X-API-Key": "garbage"}):
            resp = client.post(path, content=body, headers={**headers, "Content-Type": "application/json"})
            assert_canonical(resp, 401, "unauthenticated")
            assert resp.headers["www-authenticate"] == "Bearer"
    officer = net.user("FR", Role.FRONTLINE_OFFICER).headers
    resp = client.post(path, content=b'{"names": ["Karim', headers={**officer, "Content-Type": "application/json"})
    assert_canonical(resp, 422, "validation_error")  # with a valid key, the body's fault is explained


def test_validation_errors_do_not_echo_the_input(client: TestClient, net: Net) -> None:
    officer = net.user("MA", Role.BUREAU_OFFICER).headers
    hostile = "<script>alert(1)</script>" * 10
    resp = client.post("/api/v1/notices", json={"type": hostile, "title": "x"}, headers=officer)
    assert_canonical(resp, 422)
    assert "<script>" not in resp.text


@pytest.mark.parametrize(
    "params", [{"page": 0}, {"page": "abc"}, {"page_size": 0}, {"page_size": -5}, {"page": 10_000_001}]
)
def test_pagination_params_are_validated(client: TestClient, net: Net, params: dict[str, Any]) -> None:
    headers = net.user("EG", Role.ANALYST).headers
    for path in ("/api/v1/notices", "/api/v1/entities"):
        error = assert_canonical(client.get(path, params=params, headers=headers), 422, "validation_error")
        assert error["details"]["errors"][0]["field"].startswith("query.page")


def test_page_size_is_capped(client: TestClient, net: Net) -> None:
    resp = client.get("/api/v1/notices", params={"page_size": 100_000}, headers=net.user("EG", Role.ANALYST).headers)
    assert resp.status_code == 200 and resp.json()["page_size"] == get_settings().page_size_max


@pytest.fixture
def small_app(app: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The application built with a 2 kB request limit and a route that fails unexpectedly."""
    monkeypatch.setenv("MANARA_MAX_REQUEST_BYTES", "2048")
    get_settings.cache_clear()
    try:
        application = create_app(workers=False)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert get_settings().max_request_bytes != 2048

    def boom() -> None:
        raise RuntimeError("secret internal detail")

    application.add_api_route("/api/v1/boom", boom, methods=["GET"])
    application.dependency_overrides.update(app.dependency_overrides)
    with TestClient(application, raise_server_exceptions=False) as c:
        yield c


def test_413_body_over_the_limit(small_app: TestClient, net: Net, session: Session) -> None:
    officer = net.user("MA", Role.BUREAU_OFFICER).headers
    big = {"type": "blue", "title": "x", "summary": "y" * 5000}
    assert_canonical(small_app.post("/api/v1/notices", json=big, headers=officer), 413, "payload_too_large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit must hold on the stream too
        yield b'{"type": "blue", "title": "x", "summary": "'
        for _ in range(10):
            yield b"y" * 500
        yield b'"}'

    resp = small_app.post("/api/v1/notices", content=chunks(), headers={**officer, "Content-Type": "application/json"})
    assert_canonical(resp, 413, "payload_too_large")


def test_500_is_canonical_and_hides_the_cause(small_app: TestClient) -> None:
    resp = small_app.get("/api/v1/boom", headers={"X-Request-ID": "req-500-check"})
    error = assert_canonical(resp, 500, "internal_error")
    assert error["request_id"] == "req-500-check" and "secret internal detail" not in resp.text
