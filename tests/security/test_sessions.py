"""Finding 6: console sessions live on the server. Sign-out, a password change, a role change or a disabled
user end them; every request checks; open live feeds close within seconds; users see and end their sessions;
administrators end a user's. Finding 5: no password, no password session."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net
from manara.audit.models import AuditEvent
from manara.identity import Role
from manara.member import actions as member_actions
from manara.member import sessions
from manara.member.models import ConsoleSession, User
from manara.member.service import get_user_by_username
from manara.settings import get_settings
from manara.web.session import SESSION_COOKIE
from web.conftest import Console, csrf_of


def _open(session: Session, username: str) -> list[ConsoleSession]:
    user = get_user_by_username(session, username)
    assert user is not None
    session.expire_all()
    return list(sessions.sessions_of(session, user.id))


def _works(client: TestClient) -> bool:
    return client.get("/console/notices", follow_redirects=False).status_code == 200


def test_the_cookie_names_a_server_side_session_whose_digest_alone_is_stored(
    console: Console, session: Session
) -> None:
    username = console.sign_in("MA", Role.BUREAU_OFFICER)
    [opened] = _open(session, username)
    cookie = console.client.cookies[SESSION_COOKIE]
    assert opened.credential == "password" and opened.revoked_at is None
    assert opened.digest not in cookie and len(opened.digest) == 64
    assert opened.expires_at - opened.created_at == timedelta(hours=12)
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.session_opened")).all()
    assert [e.target_ids for e in events] == [[opened.id]]
    console.client.get("/console/notices")
    latest = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert latest is not None and latest.credential is not None
    assert latest.credential["session"] == f"s:{opened.id}"  # the credential in the audit chain


def test_sign_out_ends_the_session_so_a_saved_cookie_no_longer_works(console: Console, session: Session) -> None:
    username = console.sign_in("MA", Role.BUREAU_OFFICER)
    saved = console.client.cookies[SESSION_COOKIE]
    assert console.post("/console/logout", token_from="/console/account").status_code == 303
    console.client.cookies.set(SESSION_COOKIE, saved)  # the attacker's copy of the cookie
    assert not _works(console.client)
    assert _open(session, username) == []
    revoked = session.scalars(select(ConsoleSession)).one()
    assert revoked.revoked_reason == "sign_out"


@pytest.mark.parametrize("change", ["password", "role", "disabled", "admin"])
def test_password_role_state_changes_and_administrators_end_every_session(
    console: Console, session: Session, net: Net, change: str
) -> None:
    username = console.sign_in("MA", Role.BUREAU_OFFICER)
    other = TestClient(console.client.app, raise_server_exceptions=False)  # a second browser of the same user
    assert Console(other, session, net).login(username).status_code == 303
    assert _works(console.client) and _works(other) and len(_open(session, username)) == 2
    admin = net.user("MA", Role.ADMINISTRATOR)
    user = get_user_by_username(session, username)
    assert user is not None
    if change == "password":
        member_actions.do_set_password(session, user, "another long password", acting=admin.actor)
        session.commit()
    elif change == "role":
        response = console.client.patch(f"/api/v1/users/{user.id}", json={"role": "analyst"}, headers=admin.headers)
        assert response.status_code == 200
    elif change == "disabled":
        response = console.client.patch(f"/api/v1/users/{user.id}", json={"active": False}, headers=admin.headers)
        assert response.status_code == 200
    else:
        listed = console.client.get(f"/api/v1/users/{user.id}/sessions", headers=admin.headers)
        assert listed.status_code == 200 and len(listed.json()) == 2 and "digest" not in listed.json()[0]
        response = console.client.post(f"/api/v1/users/{user.id}/sessions/revoke", headers=admin.headers)
        assert response.status_code == 200 and response.json() == {"revoked": 2}
    assert not _works(console.client) and not _works(other)
    reasons = {s.revoked_reason for s in session.scalars(select(ConsoleSession))}
    assert reasons == {change}


def test_another_countrys_administrator_cannot_see_or_end_the_sessions(
    console: Console, session: Session, net: Net
) -> None:
    username = console.sign_in("MA", Role.BUREAU_OFFICER)
    user = get_user_by_username(session, username)
    assert user is not None
    foreign = net.user("FR", Role.ADMINISTRATOR).headers
    officer = net.user("MA", Role.DUTY_OFFICER).headers
    for headers in (foreign, officer):
        assert console.client.get(f"/api/v1/users/{user.id}/sessions", headers=headers).status_code in (403, 404)
        assert console.client.post(f"/api/v1/users/{user.id}/sessions/revoke", headers=headers).status_code in (
            403,
            404,
        )
    assert _works(console.client)


def test_a_user_without_a_password_gets_no_session(console: Console, session: Session) -> None:
    username = console.sign_in("MA", Role.BUREAU_OFFICER)
    user = get_user_by_username(session, username)
    assert user is not None
    user.password_hash = None  # e.g. an account moved to single sign-on
    session.commit()
    assert not _works(console.client)  # finding 5: the open password session no longer counts
    with pytest.raises(Exception, match="no console session"):
        member_actions.do_open_session(session, user, credential="password", user_agent="x")


def test_a_stolen_cookie_does_not_work_from_another_browser(console: Console, session: Session) -> None:
    console.sign_in("MA", Role.BUREAU_OFFICER)
    assert _works(console.client)
    cookie = console.client.cookies[SESSION_COOKIE]
    thief = TestClient(console.client.app, raise_server_exceptions=False, headers={"User-Agent": "curl/8"})
    thief.cookies.set(SESSION_COOKIE, cookie)
    assert not _works(thief)
    assert _works(console.client)


def test_an_expired_session_is_refused(console: Console, session: Session) -> None:
    username = console.sign_in("MA", Role.BUREAU_OFFICER)
    [opened] = _open(session, username)
    opened.expires_at -= timedelta(hours=12, seconds=1)
    session.commit()
    assert not _works(console.client)


def test_your_sessions_page_lists_and_ends_sessions(console: Console, session: Session, net: Net) -> None:
    username = console.sign_in("MA", Role.BUREAU_OFFICER)
    other = TestClient(console.client.app, raise_server_exceptions=False)
    assert Console(other, session, net).login(username).status_code == 303
    current, second = sorted(_open(session, username), key=lambda s: s.created_at)
    page = console.client.get("/console/account/sessions")
    assert page.status_code == 200 and f"session-{current.id}" in page.text and f"session-{second.id}" in page.text
    assert "This session" in page.text
    # the newest is the other browser's; end it from here
    ended = console.post(f"/console/account/sessions/{second.id}/revoke", token_from="/console/account/sessions")
    assert ended.status_code == 303 and not _works(other) and _works(console.client)
    # another user's session is 404
    intruder = TestClient(console.client.app, raise_server_exceptions=False)
    intruder_console = Console(intruder, session, net)
    intruder_console.sign_in("MA", Role.DUTY_OFFICER)
    refused = intruder_console.post(f"/console/account/sessions/{current.id}/revoke", token_from="/console/account")
    assert refused.status_code == 404 and _works(console.client)
    # ending the current one signs out
    out = console.post(f"/console/account/sessions/{current.id}/revoke", token_from="/console/account/sessions")
    assert out.status_code == 303 and out.headers["location"] == "/console/login"
    assert not _works(console.client)


def test_end_every_other_session_and_the_administrators_button(console: Console, session: Session, net: Net) -> None:
    username = console.sign_in("MA", Role.BUREAU_OFFICER)
    other = TestClient(console.client.app, raise_server_exceptions=False)
    assert Console(other, session, net).login(username).status_code == 303
    assert console.post("/console/account/sessions/revoke-others", token_from="/console/account").status_code == 303
    assert _works(console.client) and not _works(other)
    admin = Console(TestClient(console.client.app, raise_server_exceptions=False), session, net)
    admin.sign_in("MA", Role.ADMINISTRATOR)
    user = get_user_by_username(session, username)
    assert user is not None
    page = admin.client.get(f"/console/admin/users/{user.id}")
    assert 'id="revoke-sessions"' in page.text
    token = csrf_of(page.text)
    response = admin.client.post(
        f"/console/admin/users/{user.id}/sessions/revoke", data={"csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303 and not _works(console.client)
    fr_admin = Console(TestClient(console.client.app, raise_server_exceptions=False), session, net)
    fr_admin.sign_in("FR", Role.ADMINISTRATOR)
    assert (
        fr_admin.post(f"/console/admin/users/{user.id}/sessions/revoke", token_from="/console/account").status_code
        == 404
    )


def test_an_open_live_feed_closes_within_seconds_of_sign_out(
    console: Console, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "live_connection_seconds", 20.0)
    monkeypatch.setattr(get_settings(), "live_poll_seconds", 60.0)
    monkeypatch.setattr(get_settings(), "session_check_seconds", 0.2)
    username = console.sign_in("MA", Role.DUTY_OFFICER)
    [opened] = _open(session, username)
    real = sessions.is_usable
    calls: list[float] = []

    def signed_out_elsewhere(s: Session, session_id: str, user_agent: str) -> bool:
        calls.append(time.monotonic())
        if len(calls) == 2:  # between two checks, the user signs out in another tab
            found = s.get(ConsoleSession, session_id)
            assert found is not None
            member_actions.do_revoke_session(
                s, found, acting=console.net.user("MA", Role.ADMINISTRATOR).actor, reason="sign_out"
            )
        return real(s, session_id, user_agent)

    monkeypatch.setattr(sessions, "is_usable", signed_out_elsewhere)
    started = time.monotonic()
    response = console.client.get("/console/feed")
    took = time.monotonic() - started
    assert response.status_code == 200 and response.text.rstrip().endswith("event: signed_out\ndata: {}")
    assert len(calls) == 2 and took < 3.0  # not the 20 s of the connection
    assert session.get(ConsoleSession, opened.id) is not None


def test_the_disabled_user_check_is_the_same_for_every_request(session: Session, net: Net) -> None:
    officer = net.user("MA", Role.BUREAU_OFFICER).actor
    user = session.get(User, officer.user_id)
    assert user is not None
    member_actions.do_set_password(session, user, "a long enough password", acting=officer)
    opened, _ = member_actions.do_open_session(session, user, credential="password", user_agent="ua")
    assert sessions.is_usable(session, opened.id, "ua")
    assert not sessions.is_usable(session, opened.id, "another browser")
    user.active = False
    assert not sessions.is_usable(session, opened.id, "ua")
