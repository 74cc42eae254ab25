"""The console audit page shows the credential of each event: API key, console session, who set it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import Net
from manara.identity import Role
from manara.member import sessions
from manara.member.service import get_user_by_username
from web.conftest import Console


def test_the_audit_page_shows_key_session_and_who_set_the_credential(
    console: Console, session: Session, net: Net
) -> None:
    officer = console.sign_in("MA", Role.BUREAU_OFFICER)  # password set by MA's administrator
    assert console.client.get("/console/notices").status_code == 200
    user = get_user_by_username(session, officer)
    assert user is not None
    [opened] = sessions.sessions_of(session, user.id)
    key_user = net.user("MA", Role.ANALYST)
    assert console.client.get("/api/v1/me", headers=key_user.headers).status_code == 200
    console.client.get("/api/v1/notices", headers=key_user.headers)
    auditor = Console(TestClient(console.client.app, raise_server_exceptions=False), session, net)
    auditor.sign_in("MA", Role.ADMINISTRATOR)
    page = auditor.client.get("/console/admin/audit")
    assert page.status_code == 200 and "Credential" in page.text
    assert f"s:{opened.id}" in page.text
    assert f"Set by {net.user('MA', Role.ADMINISTRATOR).actor.user_id}" in page.text
    assert "API key <code>" in page.text
