"""Console administration and audit pages: restricted as the API's, secrets shown once, chain verification."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from conftest import Net
from factories import make_notice
from manara.audit.actions import AuditAction, record
from manara.audit.models import AuditEvent
from manara.identity import Role
from manara.member.models import ApiKey, User
from manara.member.service import get_user_by_username
from web.conftest import Console

ADMIN_PAGES = [
    "/console/admin/users",
    "/console/admin/members",
    "/console/admin/roles",
    "/console/admin/audit",
    "/console/admin/audit/verify",
]


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMINISTRATOR])
def test_other_roles_get_404_on_every_admin_page_and_form(console: Console, net: Net, role: Role) -> None:
    console.sign_in("MA", role)
    target = net.user("MA", Role.ANALYST).actor.user_id
    for url in [*ADMIN_PAGES, f"/console/admin/users/{target}"]:
        assert console.client.get(url).status_code == 404, url
    assert console.post(f"/console/admin/users/{target}/active", {"active": "false"}).status_code == 404
    assert "/console/admin" not in console.client.get("/console/").text  # not in the navigation either


def test_admin_pages_list_the_own_country_only(console: Console, net: Net) -> None:
    console.sign_in("MA", Role.ADMINISTRATOR)
    for url in ADMIN_PAGES:
        assert console.client.get(url).status_code == 200, url
    users = console.client.get("/console/admin/users").text
    assert "ma.reviewer" in users and "fr.reviewer" not in users
    fr_user = net.user("FR", Role.REVIEWER).actor.user_id
    assert console.client.get(f"/console/admin/users/{fr_user}").status_code == 404
    reset = console.post(f"/console/admin/users/{fr_user}/password", token_from="/console/admin/users")
    assert reset.status_code == 404
    roles = console.client.get("/console/admin/roles").text
    assert "notice:review" in roles and "Bureau officer" in roles


def test_create_user_with_messages_beside_fields_then_role_disable_and_password(
    console: Console, session: Session, net: Net
) -> None:
    console.sign_in("MA", Role.ADMINISTRATOR)
    taken = console.post(
        "/console/admin/users", {"username": "ma.reviewer", "role": "reviewer"}, token_from="/console/admin/users"
    )
    assert taken.status_code == 422 and 'id="u-username-error">This username is taken.' in taken.text
    users = "/console/admin/users"
    empty = console.post(users, {"username": "", "role": "reviewer"}, token_from=users)
    assert empty.status_code == 422 and 'id="u-username-error">This field is required.' in empty.text
    created = console.post(
        users, {"username": "ma.night", "full_name": "Night Desk", "role": "duty_officer"}, token_from=users
    )
    assert created.status_code == 303
    url = created.headers["location"]
    assert console.post(f"{url}/role", {"role": "reviewer"}, token_from=url).status_code == 303
    reset = console.post(f"{url}/password", token_from=url)
    assert reset.status_code == 303 and reset.headers["location"] == url
    shown = console.client.get(url)
    assert shown.headers["cache-control"] == "no-store"
    password = re.search(r'id="secret-value">([^<]+)<', shown.text)
    assert password
    assert password.group(1) not in console.client.get(url).text  # shown once only
    session.expire_all()
    user = get_user_by_username(session, "ma.night")
    assert user is not None and user.role == "reviewer" and user.password_hash
    assert console.post(f"{url}/active", {"active": "false"}, token_from=url).status_code == 303
    session.expire_all()
    assert user.active is False
    console.client.cookies.clear()
    assert console.login("ma.night", password.group(1)).status_code == 401  # disabled: no sign-in
    events = {e.action for e in session.scalars(select(AuditEvent)) if user.id in e.target_ids}
    assert {"user.created", "user.updated", "user.password_set"} <= events
    assert not any(password.group(1) in str(e.extra) for e in session.scalars(select(AuditEvent)))


def test_an_admin_may_not_disable_themself(console: Console, net: Net) -> None:
    console.sign_in("MA", Role.ADMINISTRATOR)
    url = f"/console/admin/users/{net.user('MA', Role.ADMINISTRATOR).actor.user_id}"
    response = console.post(f"{url}/active", {"active": "false"}, token_from=url)
    assert response.status_code == 422 and 'id="a-active-error"' in response.text


def test_api_key_shown_once_works_then_revoked(console: Console, session: Session, net: Net) -> None:
    analyst = net.user("MA", Role.ANALYST).actor.user_id
    url = f"/console/admin/users/{analyst}"
    console.sign_in("MA", Role.ADMINISTRATOR)
    bad = console.post(f"{url}/api-keys", {"name": "x", "days": "0"}, token_from=url)
    assert bad.status_code == 422 and 'id="k-days-error"' in bad.text
    assert 'id="k-name" name="name" maxlength="100" value="x"' in bad.text  # what was typed stays
    created = console.post(
        f"{url}/api-keys", {"name": "link chart", "days": "30", "scopes": "notice:read"}, token_from=url
    )
    assert created.status_code == 303 and created.headers["location"] == url
    token = re.search(r'id="secret-value">(mnr_[^<]+)<', console.client.get(url).text)
    assert token
    headers = {"Authorization": f"Bearer {token.group(1)}"}
    assert console.client.get("/api/v1/notices", headers=headers).status_code == 200
    assert console.client.get("/api/v1/entities", headers=headers).status_code == 403  # narrowed to its scope
    key = session.scalars(select(ApiKey).where(ApiKey.user_id == analyst, ApiKey.name == "link chart")).one()
    assert token.group(1) not in console.client.get(url).text
    assert console.post(f"{url}/api-keys/{key.id}/revoke", token_from=url).status_code == 303
    assert console.client.get("/api/v1/notices", headers=headers).status_code == 401


def test_audit_log_filters_and_pages(console: Console, session: Session, net: Net) -> None:
    notice = make_notice(session, net.user("MA", Role.BUREAU_OFFICER).actor)
    console.sign_in("MA", Role.ADMINISTRATOR)
    by_target = console.client.get("/console/admin/audit", params={"target": notice.id}).text
    assert "<code>notice.created</code>" in by_target and "<code>user.created</code>" not in by_target
    by_actor = console.client.get(
        "/console/admin/audit", params={"username": "ma.bureau_officer", "action": "notice.created"}
    ).text
    assert "1 events" in by_actor
    assert "0 events" in console.client.get("/console/admin/audit?from=2001-01-01&to=2001-01-31").text
    assert "fr.reviewer" not in console.client.get("/console/admin/audit?target=user").text  # own country only
    for _ in range(55):
        record(session, net.user("MA", Role.ANALYST).actor, AuditAction.NOTICE_SEARCHED, target_type="notice")
    session.commit()
    first = console.client.get("/console/admin/audit?action=notice.searched").text
    assert "55 events" in first and 'href="/console/admin/audit?action=notice.searched&page=2"' in first
    second = console.client.get("/console/admin/audit?action=notice.searched&page=2").text
    assert second.count("<code>notice.searched</code>") == 5


def test_audit_verify_shows_ok_then_the_broken_entry(console: Console, session: Session) -> None:
    console.sign_in("MA", Role.ADMINISTRATOR)
    assert "Chain OK" in console.client.get("/console/admin/audit/verify").text
    session.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(username="someone else"))
    session.commit()
    broken = console.client.get("/console/admin/audit/verify").text
    assert "Chain broken at entry 3" in broken and "edited" in broken


def test_admin_forms_need_the_csrf_token(console: Console, session: Session, net: Net) -> None:
    analyst = net.user("MA", Role.ANALYST).actor.user_id
    console.sign_in("MA", Role.ADMINISTRATOR)
    response = console.client.post(f"/console/admin/users/{analyst}/active", data={"active": "false"})
    assert response.status_code == 403
    user = session.get(User, analyst)
    assert user is not None and user.active


def test_admin_and_audit_pages_are_translated_and_arabic_is_right_to_left(console: Console) -> None:
    console.sign_in("MA", Role.ADMINISTRATOR)
    arabic = console.client.get("/console/admin/users?lang=ar").text
    assert 'dir="rtl"' in arabic and "مستخدم جديد" in arabic and "New user" not in arabic
    french = console.client.get("/console/admin/audit/verify?lang=fr").text
    assert "Chaîne intègre" in french and "Chain OK" not in french
    spanish = console.client.get("/console/admin/roles?lang=es").text
    assert "Roles y permisos" in spanish and "Agente de la oficina central nacional" in spanish
