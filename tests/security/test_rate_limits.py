"""Finding 11: request rate limits per address, per API key and per user (429 with Retry-After), and a sign-in
back-off per (address, account) that an attacker elsewhere cannot turn into a lock-out of the victim."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net, _uow
from manara.api import deps
from manara.app import create_app
from manara.audit.models import AuditEvent
from manara.identity import Role
from manara.member import actions as member_actions
from manara.member.service import get_user_by_username
from manara.settings import get_settings
from web.conftest import PASSWORD, Console


def _app(session: Session, monkeypatch: pytest.MonkeyPatch, **limits: str) -> Any:
    monkeypatch.setenv("MANARA_RATE_LIMITS_ENABLED", "true")
    for name, value in limits.items():
        monkeypatch.setenv(f"MANARA_RATE_LIMIT_{name.upper()}", value)
    get_settings.cache_clear()
    application = create_app(workers=False)

    def get_session() -> Iterator[Session]:
        with _uow(session) as s:
            yield s

    application.dependency_overrides[deps.get_session] = get_session
    application.dependency_overrides[deps.get_session_factory] = lambda: lambda: _uow(session)
    application.dependency_overrides[deps.get_read_session_factory] = lambda: lambda: _uow(session)
    return application


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    yield
    get_settings.cache_clear()


def _client(app: Any, address: str) -> TestClient:
    return TestClient(app, raise_server_exceptions=False, client=(address, 40000))


def test_limits_are_off_in_tests_unless_asked_and_on_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    from manara.api.ratelimit import RateLimits

    assert RateLimits.from_settings(get_settings()) is None  # MANARA_ENV=test
    monkeypatch.setenv("MANARA_ENV", "dev")
    get_settings.cache_clear()
    limits = RateLimits.from_settings(get_settings())
    assert limits is not None and limits.per_address is not None and limits.sign_in is not None


def test_per_address(session: Session, net: Net, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(session, monkeypatch, per_address="5/minute", per_api_key="", per_user="")
    one, other = _client(app, "192.0.2.1"), _client(app, "192.0.2.2")
    headers = net.user("MA", Role.BUREAU_OFFICER).headers
    assert [one.get("/api/v1/me", headers=headers).status_code for _ in range(5)] == [200] * 5
    refused = one.get("/api/v1/me", headers=headers)
    assert refused.status_code == 429 and 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["error"]["code"] == "rate_limited"
    assert other.get("/api/v1/me", headers=headers).status_code == 200  # another address is not affected
    assert one.get("/health").status_code == 200  # probes are never limited


def test_per_api_key_whatever_the_address(session: Session, net: Net, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(session, monkeypatch, per_address="", per_api_key="4/minute", per_user="")
    key = net.user("MA", Role.BUREAU_OFFICER).headers
    another_key = net.user("MA", Role.ANALYST).headers
    codes = [_client(app, f"198.51.100.{i}").get("/api/v1/me", headers=key).status_code for i in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    assert _client(app, "198.51.100.9").get("/api/v1/me", headers=another_key).status_code == 200


def test_per_user_over_all_their_keys(session: Session, net: Net, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(session, monkeypatch, per_address="", per_api_key="", per_user="3/minute")
    officer = net.user("MA", Role.BUREAU_OFFICER)
    user = get_user_by_username(session, officer.actor.username)
    assert user is not None
    _, second = member_actions.do_create_api_key(session, user, acting=officer.actor)
    session.commit()
    client = _client(app, "203.0.113.5")
    first = officer.headers
    codes = [client.get("/api/v1/me", headers=h).status_code for h in (first, {"X-API-Key": second}, first)]
    assert codes == [200, 200, 200]
    refused = client.get("/api/v1/me", headers={"X-API-Key": second})  # a new key does not reset the user's count
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert client.get("/api/v1/me", headers=net.user("MA", Role.ANALYST).headers).status_code == 200


def test_sign_in_attempts_per_address(session: Session, net: Net, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(session, monkeypatch, per_address="", per_api_key="", per_user="", sign_in="3/minute")
    browser = Console(_client(app, "192.0.2.50"), session, net)
    codes = [browser.login("nobody", "x").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]


def test_an_attacker_elsewhere_cannot_lock_the_victim_out(
    session: Session, net: Net, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(session, monkeypatch, per_address="", per_api_key="", per_user="", sign_in="")
    attacker = Console(_client(app, "203.0.113.66"), session, net)
    victim = Console(_client(app, "192.0.2.10"), session, net)
    victim.set_password("fr.reviewer")
    for _ in range(12):  # well past the free failures: the attacker's address waits
        assert attacker.login("fr.reviewer", "guess").status_code == 401
    assert attacker.login("fr.reviewer", PASSWORD).status_code == 401  # refused unchecked while waiting
    assert victim.login("fr.reviewer", PASSWORD).status_code == 303  # the owner signs in from their address
    throttled = session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.throttled")).all()
    assert throttled and all(e.extra["address"] == "203.0.113.66" for e in throttled)
    waits = [e.extra["until"] for e in throttled]
    assert waits == sorted(waits) and len(set(waits)) == len(waits)  # each failure waits longer (back-off)


def test_unknown_usernames_wait_the_same_way(session: Session, net: Net, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(session, monkeypatch, per_address="", per_api_key="", per_user="", sign_in="")
    attacker = Console(_client(app, "203.0.113.67"), session, net)
    for _ in range(5):
        attacker.login("no.such.user", "guess")
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.throttled")).all()
    assert len(events) == 1 and events[0].extra["username"] == "no.such.user"
