"""The credential behind each audited action: key id, and who minted the key when not its user (finding 4)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from conftest import Net
from manara.audit.chain import verify_chain
from manara.audit.models import AuditEvent
from manara.identity import Role


def _last(session: Session) -> AuditEvent:
    session.expire_all()
    return session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()


def test_acting_through_a_key_minted_by_an_administrator_names_the_administrator(
    client: TestClient, session: Session, net: Net
) -> None:
    admin = net.user("MA", Role.ADMINISTRATOR)
    officer = net.user("MA", Role.BUREAU_OFFICER)
    minted = client.post(
        f"/api/v1/users/{officer.actor.user_id}/api-keys", json={"name": "borrowed"}, headers=admin.headers
    )
    assert minted.status_code == 201 and minted.json()["minted_by"] == admin.actor.user_id
    assert _last(session).extra["minted_for_another"] is True  # type: ignore[index]
    client.get(
        "/api/v1/entities", params={"q": "benali"}, headers={"Authorization": f"Bearer {minted.json()['token']}"}
    )
    event = _last(session)
    assert (event.action, event.user_id) == ("entity.searched", officer.actor.user_id)
    assert event.credential == {"api_key": minted.json()["id"], "set_by": admin.actor.user_id}
    listed = client.get("/api/v1/audit", params={"action": "entity.searched"}, headers=admin.headers).json()
    assert listed["items"][0]["credential"] == event.credential  # visible where the log is read
    keys = client.get(f"/api/v1/users/{officer.actor.user_id}/api-keys", headers=admin.headers).json()
    assert {k["id"]: k["minted_by"] for k in keys}[minted.json()["id"]] == admin.actor.user_id


def test_the_credential_is_hashed_into_the_chain(client: TestClient, session: Session, net: Net) -> None:
    officer = net.user("FR", Role.ANALYST)
    client.get("/api/v1/entities", params={"q": "x"}, headers=officer.headers)
    event = _last(session)
    assert event.credential is not None and event.credential["api_key"]
    assert verify_chain(session).ok
    session.execute(
        text("UPDATE audit_event SET credential = NULL WHERE seq = :s"), {"s": event.seq}
    )  # hide who minted the key
    session.expire_all()
    report = verify_chain(session)
    assert not report.ok and report.broken_seq == event.seq


def test_system_events_keep_their_former_hash_shape(session: Session, net: Net) -> None:
    # events of actors without a credential (set-up, jobs) carry none: hashes of older logs still verify
    first = session.scalars(select(AuditEvent).order_by(AuditEvent.seq).limit(1)).one()
    assert first.credential is None and verify_chain(session).ok
