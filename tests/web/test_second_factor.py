"""Optional TOTP second factor in the console: enrolment, sign-in with the code, lockout, replay, reset."""

from __future__ import annotations

import re
import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net
from manara.audit.models import AuditEvent
from manara.identity import Role
from manara.member.models import SignInThrottle, User
from manara.member.totp import STEP_SECONDS, _key, totp
from web.conftest import PASSWORD, Console, csrf_of

SECRET = re.compile(r'id="totp-secret">([A-Z2-7]+)<')


def _enrol(console: Console, session: Session) -> tuple[User, str]:
    """Sign in as the Moroccan bureau officer and turn the second factor on; return the user and secret."""
    username = console.sign_in("MA", Role.BUREAU_OFFICER)
    started = console.post("/console/account/totp/start", token_from="/console/account")
    assert started.status_code == 303 and started.headers["location"] == "/console/account"
    shown = console.client.get("/console/account")
    match = SECRET.search(shown.text)
    assert match and "otpauth://totp/Manara:" in shown.text and '<svg role="img"' in shown.text
    secret = match.group(1)
    wrong = console.post("/console/account/totp/confirm", {"code": "000000"}, token_from="/console/account")
    assert wrong.status_code == 422 and 'id="totp-code-error"' in wrong.text and secret not in wrong.text
    code = totp(_key(secret), time.time())
    confirmed = console.post("/console/account/totp/confirm", {"code": code}, token_from="/console/account")
    assert confirmed.status_code == 303
    assert secret not in console.client.get("/console/account").text  # never shown again
    user = session.scalars(select(User).where(User.username == username)).one()
    session.refresh(user)
    assert user.totp_confirmed_at is not None and user.totp_secret and secret not in user.totp_secret
    return user, secret


def _password_step(console: Console, username: str) -> str:
    console.client.cookies.clear()
    response = console.login(username)
    assert response.status_code == 303 and response.headers["location"].startswith("/console/login/code")
    assert console.client.get("/console/", follow_redirects=False).status_code == 303  # no session yet
    return csrf_of(console.client.get(response.headers["location"]).text)


def test_enrol_then_sign_in_needs_the_code_and_a_code_is_not_accepted_twice(console: Console, session: Session) -> None:
    user, secret = _enrol(console, session)
    token = _password_step(console, user.username)
    code = totp(_key(secret), time.time() + STEP_SECONDS)  # the next step: unused, inside the drift window
    assert console.client.post("/console/login/code", data={"code": "123456", "csrf_token": token}).status_code == 401
    ok = console.client.post(
        "/console/login/code", data={"code": code, "csrf_token": token, "next": "/console/"}, follow_redirects=False
    )
    assert ok.status_code == 303 and console.client.get("/console/").status_code == 200
    token = _password_step(console, user.username)
    replay = console.client.post("/console/login/code", data={"code": code, "csrf_token": token})
    assert replay.status_code == 401  # the same code again is refused
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.user_id == user.id)))
    assert {"user.totp_started", "user.totp_enabled", "auth.signed_in"} <= {e.action for e in events}
    assert all(secret not in f"{e.extra} {e.query}" for e in events)


def test_wrong_codes_count_towards_the_back_off(console: Console, session: Session) -> None:
    user, secret = _enrol(console, session)
    token = _password_step(console, user.username)
    for _ in range(5):
        response = console.client.post("/console/login/code", data={"code": "000000", "csrf_token": token})
        assert response.status_code == 401
    assert session.scalars(select(SignInThrottle.blocked_until)).one() is not None  # this address waits
    right = totp(_key(secret), time.time() + STEP_SECONDS)
    assert console.client.post("/console/login/code", data={"code": right, "csrf_token": token}).status_code == 401
    console.client.cookies.clear()
    assert console.login(user.username).status_code == 401  # waiting for the password step too


def test_the_code_page_needs_a_pending_sign_in_and_the_csrf_token(console: Console, session: Session) -> None:
    user, _ = _enrol(console, session)
    console.client.cookies.clear()
    assert console.client.get("/console/login/code", follow_redirects=False).status_code == 303
    _password_step(console, user.username)
    assert console.client.post("/console/login/code", data={"code": "123456"}).status_code == 403


def test_an_administrator_resets_a_lost_second_factor(console: Console, session: Session, net: Net) -> None:
    user, _ = _enrol(console, session)
    console.client.cookies.clear()
    console.sign_in("MA", Role.ADMINISTRATOR)
    url = f"/console/admin/users/{user.id}"
    assert 'id="user-totp">On' in console.client.get(url).text
    assert console.post(f"{url}/totp/reset", token_from=url).status_code == 303
    session.refresh(user)
    assert user.totp_secret is None and user.totp_confirmed_at is None
    reset = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.totp_reset")).one()
    assert reset.target_ids == [user.id] and reset.username == "ma.administrator"
    console.client.cookies.clear()
    assert console.login(user.username, PASSWORD).headers["location"] == "/console/"  # password alone again
    console.client.cookies.clear()
    console.sign_in("FR", Role.ADMINISTRATOR)  # another country's administrator: the user does not exist
    assert console.post(f"{url}/totp/reset", token_from="/console/admin/users").status_code == 404
