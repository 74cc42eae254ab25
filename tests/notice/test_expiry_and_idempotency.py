"""The expiry job and re-validation; Idempotency-Key replays of notice creation."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import Net
from factories import counts, make_entity, make_notice
from manara.audit.models import AuditEvent
from manara.db.base import utcnow
from manara.identity import Role
from manara.notice.jobs import expire_due
from manara.notice.models import Notice

API = "/api/v1/notices"


def test_expiry_job_expires_due_notices_and_entities_and_revalidation_reactivates(
    client: TestClient, session: Session, net: Net
) -> None:
    owner = net.user("MA", Role.BUREAU_OFFICER)
    notice = make_notice(session, owner.actor, status="published", reviewer=net.user("FR", Role.REVIEWER).actor)
    draft = make_notice(session, owner.actor, status="draft")
    entity = make_entity(session, owner.actor, "exp-1", "Hamid Saidi", visibility="all")
    fr = net.user("FR", Role.ANALYST).headers
    assert client.get(f"/api/v1/entities/{entity.id}", headers=fr).status_code == 200
    assert expire_due(session, notice.review_date).notices == 0  # due only after the review date
    before = counts(session)
    report = expire_due(session, notice.review_date + timedelta(days=1))
    session.commit()
    assert report.notices == 1 and report.entities >= 1
    assert counts(session) == (before[0] + 1 + 1, before[1] + 1 + 1)  # one notice event, one entity batch event
    assert (notice.status, draft.status, entity.status) == ("expired", "draft", "expired")
    assert client.get(f"{API}/{notice.id}", headers=fr).status_code == 404
    assert client.get(f"/api/v1/entities/{entity.id}", headers=fr).status_code == 404
    assert client.get(f"{API}/{notice.id}", headers=owner.headers).json()["status"] == "expired"
    assert expire_due(session, notice.review_date + timedelta(days=1)) == report.__class__(0, 0)

    later = str(utcnow().date() + timedelta(days=200))
    revalidated = client.post(f"{API}/{notice.id}/revalidate", json={"review_date": later}, headers=owner.headers)
    assert revalidated.status_code == 200 and revalidated.json()["status"] == "published"
    assert revalidated.json()["closed_at"] is None and revalidated.json()["review_date"] == later
    entity_back = client.post(
        f"/api/v1/entities/{entity.id}/revalidate", json={"review_date": later}, headers=owner.headers
    )
    assert entity_back.status_code == 200 and entity_back.json()["status"] == "active"
    assert client.get(f"{API}/{notice.id}", headers=fr).status_code == 200
    assert client.get(f"/api/v1/entities/{entity.id}", headers=fr).status_code == 200


def test_cancelled_notices_cannot_be_revalidated(client: TestClient, session: Session, net: Net) -> None:
    owner = net.user("MA", Role.BUREAU_OFFICER)
    notice = make_notice(session, owner.actor, status="published", reviewer=net.user("FR", Role.REVIEWER).actor)
    client.post(f"{API}/{notice.id}/cancel", json={"reason": "arrested"}, headers=owner.headers)
    later = str(utcnow().date() + timedelta(days=200))
    resp = client.post(f"{API}/{notice.id}/revalidate", json={"review_date": later}, headers=owner.headers)
    assert resp.status_code == 409


BODY = {"type": "orange", "title": "Parcel bombs", "details": {"threat": "Parcel bombs sent by post"}}


def _notices(session: Session) -> int:
    return session.scalar(select(func.count(Notice.id))) or 0


def test_idempotency_key_replays_the_same_notice(client: TestClient, session: Session, net: Net) -> None:
    headers = {**net.user("EG", Role.BUREAU_OFFICER).headers, "Idempotency-Key": "create-42"}
    first = client.post(API, json=BODY, headers=headers)
    events = counts(session)
    again = client.post(API, json=BODY, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again.json()["reference"] == first.json()["reference"]
    assert _notices(session) == 1 and counts(session)[1] == events[1]
    assert session.scalar(select(func.count()).where(AuditEvent.action == "notice.created")) == 1


def test_same_key_with_another_body_is_a_conflict(client: TestClient, session: Session, net: Net) -> None:
    headers = {**net.user("EG", Role.BUREAU_OFFICER).headers, "Idempotency-Key": "create-43"}
    assert client.post(API, json=BODY, headers=headers).status_code == 201
    resp = client.post(API, json={**BODY, "title": "Letter bombs"}, headers=headers)
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "conflict"
    assert _notices(session) == 1


def test_keys_are_per_user_and_absent_keys_create_anew(client: TestClient, session: Session, net: Net) -> None:
    for user in (net.user("EG", Role.BUREAU_OFFICER), net.user("FR", Role.BUREAU_OFFICER)):
        assert client.post(API, json=BODY, headers={**user.headers, "Idempotency-Key": "k"}).status_code == 201
    plain = net.user("EG", Role.BUREAU_OFFICER).headers
    ids = {client.post(API, json=BODY, headers=plain).json()["id"] for _ in range(2)}
    assert len(ids) == 2
    assert _notices(session) == 4


def test_a_failed_create_does_not_burn_the_key(client: TestClient, session: Session, net: Net) -> None:
    headers = {**net.user("EG", Role.BUREAU_OFFICER).headers, "Idempotency-Key": "create-44"}
    bad = {**BODY, "visibility": "countries", "shared_with": ["DE"]}
    assert client.post(API, json=bad, headers=headers).status_code == 422
    assert client.post(API, json=BODY, headers=headers).status_code == 201
