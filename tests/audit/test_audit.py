"""Audited reads and searches, and the tamper-evident hash chain."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from conftest import Net
from factories import make_entity, make_notice
from manara.audit.chain import verify_chain
from manara.audit.models import AuditEvent
from manara.identity import Role


def _last(session: Session) -> AuditEvent:
    session.expire_all()
    return session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()


def test_reads_and_searches_are_audited_with_purpose_terms_and_request_id(
    client: TestClient, session: Session, net: Net
) -> None:
    entity = make_entity(session, net.user("MA", Role.BUREAU_OFFICER).actor, "a1", "Karim Benali", visibility="all")
    notice = make_notice(
        session,
        net.user("MA", Role.BUREAU_OFFICER).actor,
        status="published",
        reviewer=net.user("EG", Role.REVIEWER).actor,
    )
    reader = net.user("FR", Role.FRONTLINE_OFFICER)
    headers = {**reader.headers, "X-Manara-Purpose": "border check, case 2024/17"}
    calls = [
        (f"/api/v1/entities/{entity.id}", {}, "entity.viewed", [entity.id], None),
        ("/api/v1/entities", {"q": "benali"}, "entity.searched", [entity.id], {"q": "benali"}),
        (f"/api/v1/notices/{notice.id}", {}, "notice.viewed", [notice.id, notice.subject_id], None),
        ("/api/v1/notices", {"q": "karim"}, "notice.searched", [notice.id], {"q": "karim"}),
    ]
    for n, (path, params, action, targets, query) in enumerate(calls):
        resp = client.get(path, params=params, headers={**headers, "X-Request-ID": f"rq-{n}"})
        assert resp.status_code == 200 and resp.headers["x-request-id"] == f"rq-{n}"
        event = _last(session)
        assert (event.action, event.user_id, event.username) == (action, reader.actor.user_id, reader.actor.username)
        assert (event.country, event.role, event.purpose) == ("FR", "frontline_officer", "border check, case 2024/17")
        assert event.target_ids == targets and event.request_id == f"rq-{n}"
        assert query is None or query.items() <= (event.query or {}).items()
    client.get("/api/v1/entities/export", headers=headers)
    assert _last(session).action == "entity.exported" and _last(session).extra == {"count": 1}


def test_unsafe_request_ids_are_replaced(client: TestClient, net: Net) -> None:
    resp = client.get("/api/v1/me", headers={**net.user("EG", Role.ANALYST).headers, "X-Request-ID": "a b\r\n<x>"})
    assert resp.headers["x-request-id"] != "a b\r\n<x>" and len(resp.headers["x-request-id"]) == 32


def test_audit_list_shows_own_country_only_and_secrets_are_never_logged(client: TestClient, net: Net) -> None:
    admin = net.user("EG", Role.ADMINISTRATOR)
    user_id = net.user("EG", Role.ANALYST).actor.user_id
    created = client.post(f"/api/v1/users/{user_id}/api-keys", json={"name": "ci"}, headers=admin.headers).json()
    page = client.get("/api/v1/audit", params={"page_size": 500}, headers=admin.headers).json()
    assert page["total"] >= 1 and {e["country"] for e in page["items"]} <= {"EG"}
    assert created["token"] not in str(page) and created["token"].split("_", 2)[2] not in str(page)
    filtered = client.get("/api/v1/audit", params={"action": "api_key.created"}, headers=admin.headers).json()
    assert [e["target_ids"] for e in filtered["items"]] == [[created["id"]]]


def test_verify_chain_passes_on_an_untouched_log(client: TestClient, net: Net) -> None:
    resp = client.get("/api/v1/audit/verify", headers=net.user("MA", Role.ADMINISTRATOR).headers).json()
    assert resp["ok"] is True and resp["checked"] >= len(Role) * 3 and resp["broken_seq"] is None


def _seqs(session: Session) -> list[int]:
    return list(session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)))


def test_an_edited_row_is_detected(session: Session, net: Net) -> None:
    seqs = _seqs(session)
    target = seqs[len(seqs) // 2]
    session.execute(text("UPDATE audit_event SET username = 'someone.else' WHERE seq = :s"), {"s": target})
    session.expire_all()
    report = verify_chain(session)
    assert not report.ok and report.broken_seq == target and "edited" in (report.reason or "")


def test_an_edited_row_with_a_recomputed_hash_breaks_the_next_link(session: Session, net: Net) -> None:
    from manara.audit.chain import event_hash

    seqs = _seqs(session)
    target = seqs[3]
    event = session.get(AuditEvent, target)
    assert event is not None
    event.purpose = "forged"
    event.hash = event_hash(event)
    session.flush()
    session.expire_all()
    assert verify_chain(session).broken_seq == seqs[4]


def test_a_deleted_row_is_detected(session: Session, net: Net) -> None:
    seqs = _seqs(session)
    session.execute(text("DELETE FROM audit_event WHERE seq = :s"), {"s": seqs[5]})
    session.expire_all()
    report = verify_chain(session)
    assert not report.ok and report.broken_seq == seqs[5] and "deleted" in (report.reason or "")


def test_a_truncated_tail_is_detected_through_the_head(session: Session, net: Net) -> None:
    seqs = _seqs(session)
    session.execute(text("DELETE FROM audit_event WHERE seq = :s"), {"s": seqs[-1]})
    session.expire_all()
    report = verify_chain(session)
    assert not report.ok and report.broken_seq == seqs[-1] and report.checked == len(seqs) - 1
