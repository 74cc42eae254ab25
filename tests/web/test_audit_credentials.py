"""Console sessions in the audit chain: the session's reference, and who set the password (finding 4)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.audit.models import AuditEvent
from manara.identity import Role
from manara.member.actions import do_set_password
from manara.member.service import get_user_by_username
from web.conftest import PASSWORD, Console


def _events(session: Session, user_id: str) -> list[AuditEvent]:
    session.expire_all()
    stmt = select(AuditEvent).where(AuditEvent.user_id == user_id).order_by(AuditEvent.seq.desc())
    return list(session.scalars(stmt))


def test_a_session_opened_with_a_password_set_by_an_administrator_names_them(
    console: Console, session: Session
) -> None:
    admin = console.net.user("MA", Role.ADMINISTRATOR).actor
    officer = console.net.user("MA", Role.BUREAU_OFFICER).actor
    console.sign_in("MA", Role.BUREAU_OFFICER)  # the fixture's password is set by MA's administrator
    assert console.client.get("/console/notices").status_code == 200
    event = _events(session, officer.user_id)[0]
    assert event.credential is not None and event.credential["set_by"] == admin.user_id
    assert event.credential["session"].startswith("s:") and "api_key" not in event.credential

    user = get_user_by_username(session, officer.username)
    assert user is not None
    do_set_password(session, user, PASSWORD + "!", acting=officer)  # the officer's own password now
    session.commit()
    console.client.cookies.clear()
    assert console.login(officer.username, PASSWORD + "!").status_code == 303
    console.client.get("/console/notices")
    latest = _events(session, officer.user_id)[0]
    assert latest.credential is not None and "set_by" not in latest.credential
    assert latest.credential["session"] != event.credential["session"]  # another session
