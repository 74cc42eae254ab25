"""Console sign-in: success, failure that reveals nothing, lockout, logout, CSRF, session expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.audit.models import AuditEvent
from manara.identity import Role
from manara.member.models import SignInThrottle
from manara.member.service import get_user_by_username
from manara.web.session import SESSION_COOKIE
from web.conftest import PASSWORD, Console, csrf_of


def _actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def test_sign_in_sets_a_hardened_session_cookie_and_opens_the_dashboard(console: Console, session: Session) -> None:
    console.set_password("ma.bureau_officer")
    response = console.login("ma.bureau_officer")
    assert response.status_code == 303 and response.headers["location"] == "/console/"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=43200" in cookie
    assert "Secure" not in cookie  # only with MANARA_ENV=prod
    page = console.client.get("/console/")
    assert page.status_code == 200 and "ma.bureau_officer" in page.text
    assert "auth.signed_in" in _actions(session)


def test_failures_look_the_same_for_unknown_users_and_wrong_passwords(console: Console, session: Session) -> None:
    console.set_password("ma.bureau_officer")
    wrong = console.login("ma.bureau_officer", "not the password")
    unknown = console.login("nobody.at.all", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert SESSION_COOKIE not in wrong.headers.get("set-cookie", "")
    names = ("ma.bureau_officer", "nobody.at.all")
    assert wrong.text.replace(names[0], "X") == unknown.text.replace(names[1], "X")
    assert _actions(session).count("auth.sign_in_failed") == 2
    assert console.client.get("/console/", follow_redirects=False).status_code == 303


def test_five_failures_make_this_address_wait_not_the_account(console: Console, session: Session) -> None:
    console.set_password("fr.reviewer")
    for _ in range(5):
        assert console.login("fr.reviewer", "guess").status_code == 401
    assert "auth.throttled" in _actions(session)
    waiting = console.login("fr.reviewer")  # even the right password is refused from this address while it waits
    assert waiting.status_code == 401
    user = get_user_by_username(session, "fr.reviewer")
    assert user is not None and user.locked_until is None  # finding 11: no account lock anyone can trigger
    row = session.scalars(select(SignInThrottle)).one()
    assert row.blocked_until is not None
    row.blocked_until -= timedelta(minutes=15, seconds=1)  # the wait has passed
    session.commit()
    assert console.login("fr.reviewer").status_code == 303
    session.expire_all()
    assert session.scalars(select(SignInThrottle)).one_or_none() is None  # a success clears the pair


def test_four_failures_do_not_lock(console: Console) -> None:
    console.set_password("fr.reviewer")
    for _ in range(4):
        console.login("fr.reviewer", "guess")
    assert console.login("fr.reviewer").status_code == 303


def test_logout_ends_the_session(console: Console, session: Session) -> None:
    console.sign_in("MA", Role.BUREAU_OFFICER)
    response = console.post("/console/logout")
    assert response.status_code == 303 and response.headers["location"] == "/console/login"
    assert console.client.get("/console/notices", follow_redirects=False).status_code == 303
    assert "auth.signed_out" in _actions(session)


def test_forms_without_the_csrf_token_are_refused(console: Console) -> None:
    console.set_password("ma.bureau_officer")
    console.client.get("/console/login")
    no_token = console.client.post("/console/login", data={"username": "ma.bureau_officer", "password": "x" * 20})
    assert no_token.status_code == 403 and "<html" in no_token.text
    console.sign_in("MA", Role.BUREAU_OFFICER)
    forged = console.client.post("/console/logout", data={"csrf_token": "0" * 64}, follow_redirects=False)
    assert forged.status_code == 403
    assert console.client.get("/console/").status_code == 200  # still signed in


def test_a_session_older_than_twelve_hours_is_refused(console: Console, monkeypatch: pytest.MonkeyPatch) -> None:
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) - 12 * 3600 - 5)
    console.sign_in("MA", Role.BUREAU_OFFICER)  # the cookie is issued 12 h 5 s in the past
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    response = console.client.get("/console/notices", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/console/login")


def test_changing_the_password_ends_existing_sessions(console: Console) -> None:
    console.sign_in("MA", Role.BUREAU_OFFICER)
    console.set_password("ma.bureau_officer", "another long password")
    assert console.client.get("/console/", follow_redirects=False).status_code == 303


def test_a_user_without_a_password_cannot_sign_in(console: Console) -> None:
    assert console.login("eg.analyst", "").status_code == 401


def test_next_never_leaves_the_console(console: Console) -> None:
    console.set_password("ma.bureau_officer")
    form = console.client.get("/console/login?next=//evil.example/")
    data = {
        "username": "ma.bureau_officer",
        "password": PASSWORD,
        "csrf_token": csrf_of(form.text),
        "next": "//evil.example/",
    }
    response = console.client.post("/console/login", data=data, follow_redirects=False)
    assert response.headers["location"] == "/console/"
