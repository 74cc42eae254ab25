"""Idempotency-Key on every creating request: a retry with the same key and body gets the first answer back and
creates nothing; the same key with another body is a conflict; a failed request releases its key; keys are
scoped to the credential; the body is never echoed in errors."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import Net
from manara.case.models import Case
from manara.idempotency import IdempotentResponse
from manara.identity import Role

CASES = "/api/v1/cases"


def _cases(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Case)) or 0


def test_a_retried_creation_returns_the_first_answer_and_creates_nothing(
    client: TestClient, session: Session, net: Net
) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    body = {"title": "Fuel smuggling ring", "invite": ["FR"]}
    first = client.post(CASES, json=body, headers={**ma, "Idempotency-Key": "case-1"})
    assert first.status_code == 201, first.text
    again = client.post(CASES, json=body, headers={**ma, "Idempotency-Key": "case-1"})
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert _cases(session) == 1
    other = client.post(CASES, json={**body, "title": "Another"}, headers={**ma, "Idempotency-Key": "case-1"})
    assert other.status_code == 409 and other.json()["error"]["code"] == "conflict"
    assert "Another" not in other.text
    fresh = client.post(CASES, json=body, headers={**ma, "Idempotency-Key": "case-2"})
    assert fresh.status_code == 201 and fresh.json()["id"] != first.json()["id"]
    assert client.post(CASES, json=body, headers=ma).status_code == 201  # no key: no replay
    assert _cases(session) == 3


def test_keys_are_scoped_to_the_credential(client: TestClient, session: Session, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    fr = net.user("FR", Role.BUREAU_OFFICER).headers
    body = {"title": "Shared key name"}
    mine = client.post(CASES, json=body, headers={**ma, "Idempotency-Key": "k"}).json()
    theirs = client.post(CASES, json=body, headers={**fr, "Idempotency-Key": "k"})
    assert theirs.status_code == 201 and theirs.json()["id"] != mine["id"]
    assert theirs.json()["owner_country"] == "FR"


def test_a_refused_request_releases_its_key(client: TestClient, session: Session, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    bad = client.post(CASES, json={"title": ""}, headers={**ma, "Idempotency-Key": "retry-me"})
    assert bad.status_code == 422
    good = client.post(CASES, json={"title": "Corrected"}, headers={**ma, "Idempotency-Key": "retry-me"})
    assert good.status_code == 201
    anonymous = client.post(CASES, json={"title": "x"}, headers={"Idempotency-Key": "anon"})
    assert anonymous.status_code == 401
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(IdempotentResponse)) == 1


def test_malformed_keys_are_refused(client: TestClient, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    for key in ("x" * 101, " ", "tab\there"):
        got = client.post(CASES, json={"title": "t"}, headers={**ma, "Idempotency-Key": key})
        assert got.status_code == 422, key
