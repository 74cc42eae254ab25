"""Training API: roles and countries (403 for a role without the permission, 404 for the invisible), the
whole flow over HTTP, verification and revocation, bad input, and training that gates access."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net
from manara.audit.models import AuditEvent
from manara.db.base import utcnow
from manara.identity import Role
from manara.member import keys as api_keys
from manara.settings import get_settings
from manara.training.models import Certificate
from training.helpers import course_body, elearning_body

API = "/api/v1/training"


@pytest.fixture(autouse=True)
def fresh_key_cache() -> Iterator[None]:
    api_keys.CACHE.clear()
    yield
    api_keys.CACHE.clear()


def _h(net: Net, country: str, role: Role) -> dict[str, str]:
    return net.user(country, role).headers


def _course(client: TestClient, net: Net, country: str = "FR", **over: Any) -> dict[str, Any]:
    r = client.post(f"{API}/courses", json=course_body(**over), headers=_h(net, country, Role.BUREAU_OFFICER))
    assert r.status_code == 201, r.text
    return dict(r.json())


def _session(client: TestClient, net: Net, course_id: str, seats: int = 1) -> dict[str, Any]:
    body = {
        "starts_on": "2027-02-01",
        "ends_on": "2027-02-03",
        "place": "Lyon",
        "seats": seats,
        "trainers": ["A. Martin"],
    }
    r = client.post(f"{API}/courses/{course_id}/sessions", json=body, headers=_h(net, "FR", Role.BUREAU_OFFICER))
    assert r.status_code == 201, r.text
    return dict(r.json())


def _certificate(client: TestClient, net: Net, officer: tuple[str, Role] = ("MA", Role.ANALYST)) -> dict[str, Any]:
    course = _course(client, net)
    run = _session(client, net, course["id"])
    r = client.post(
        f"{API}/enrolments",
        json={"course_id": course["id"], "session_id": run["id"], "language": "fr"},
        headers=_h(net, *officer),
    )
    assert r.status_code == 201, r.text
    eid = r.json()["id"]
    assert (
        client.post(f"{API}/enrolments/{eid}/approve", headers=_h(net, officer[0], Role.BUREAU_OFFICER)).status_code
        == 200
    )
    r = client.post(
        f"{API}/enrolments/{eid}/result",
        json={"attended": True, "score": 91, "passed": True},
        headers=_h(net, "FR", Role.BUREAU_OFFICER),
    )
    assert r.status_code == 200 and r.json()["status"] == "completed", r.text
    cert_id = r.json()["certificate_id"]
    r = client.get(f"{API}/certificates/{cert_id}", headers=_h(net, *officer))
    assert r.status_code == 200
    return dict(r.json())


@pytest.mark.parametrize("role", list(Role))
def test_catalogue_readable_by_every_role_managed_by_bureaus(client: TestClient, net: Net, role: Role) -> None:
    course = _course(client, net)
    r = client.get(f"{API}/courses", headers=_h(net, "EG", role))
    assert r.status_code == 200 and [c["id"] for c in r.json()["items"]] == [course["id"]]
    assert "modules" not in r.json()["items"][0]
    created = client.post(f"{API}/courses", json=course_body("X-2"), headers=_h(net, "EG", role))
    assert created.status_code == (201 if role in (Role.BUREAU_OFFICER, Role.ADMINISTRATOR) else 403)


def test_flow_over_http_with_waiting_list(client: TestClient, net: Net, session: Session) -> None:
    course = _course(client, net)
    run = _session(client, net, course["id"], seats=1)
    ids = []
    for role in (Role.ANALYST, Role.DUTY_OFFICER):
        r = client.post(
            f"{API}/enrolments", json={"course_id": course["id"], "session_id": run["id"]}, headers=_h(net, "MA", role)
        )
        ids.append(r.json()["id"])
        client.post(f"{API}/enrolments/{ids[-1]}/approve", headers=_h(net, "MA", Role.BUREAU_OFFICER))
    second = client.get(f"{API}/enrolments/{ids[1]}", headers=_h(net, "MA", Role.DUTY_OFFICER)).json()
    assert second["status"] == "waitlisted" and second["waitlist_position"] == 1
    sessions = client.get(f"{API}/courses/{course['id']}/sessions", headers=_h(net, "EG", Role.ANALYST)).json()
    assert sessions[0]["enrolled"] == 1 and sessions[0]["waitlisted"] == 1
    assert client.post(f"{API}/enrolments/{ids[0]}/cancel", headers=_h(net, "MA", Role.ANALYST)).status_code == 200
    assert (
        client.get(f"{API}/enrolments/{ids[1]}", headers=_h(net, "MA", Role.DUTY_OFFICER)).json()["status"]
        == "enrolled"
    )
    # enrolments are personal data: the owner and the officer's bureau see them, other members do not
    assert client.get(f"{API}/enrolments/{ids[1]}", headers=_h(net, "FR", Role.BUREAU_OFFICER)).status_code == 200
    assert client.get(f"{API}/enrolments/{ids[1]}", headers=_h(net, "EG", Role.BUREAU_OFFICER)).status_code == 404
    assert client.get(f"{API}/enrolments/{ids[1]}", headers=_h(net, "MA", Role.ANALYST)).status_code == 404
    listed = client.get(f"{API}/enrolments?mine=false", headers=_h(net, "EG", Role.BUREAU_OFFICER)).json()
    assert listed["total"] == 0
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "training.enrolments_viewed")).first()


def test_certificate_pdf_verify_and_revoke_over_http(client: TestClient, net: Net) -> None:
    cert = _certificate(client, net)
    vc = cert["credential"]
    assert cert["language"] == "fr" and vc["credentialSubject"]["achievement"]["name"] == "Bases des notices"
    r = client.get(f"{API}/certificates/{cert['id']}/pdf", headers=_h(net, "MA", Role.ANALYST))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert r.headers["content-type"] == "application/pdf"
    for who in (("EG", Role.BUREAU_OFFICER), ("MA", Role.DUTY_OFFICER)):
        assert client.get(f"{API}/certificates/{cert['id']}", headers=_h(net, *who)).status_code == 404
    assert client.get(f"{API}/certificates/{cert['id']}", headers=_h(net, "MA", Role.BUREAU_OFFICER)).status_code == 200
    verified = client.post(f"{API}/verify", json=vc, headers=_h(net, "EG", Role.FRONTLINE_OFFICER)).json()
    assert verified["status"] == "valid" and verified["certificate_id"] == cert["id"]
    tampered = client.post(
        f"{API}/verify", json={**vc, "validUntil": "2099-01-01T00:00:00Z"}, headers=_h(net, "EG", Role.ANALYST)
    )
    assert tampered.json()["status"] == "tampered"
    assert (
        client.post(f"{API}/verify", json={"x": 1}, headers=_h(net, "EG", Role.ANALYST)).json()["status"]
        == "unknown_issuer"
    )
    assert (
        client.post(
            f"{API}/certificates/{cert['id']}/revoke", json={"reason": "x"}, headers=_h(net, "MA", Role.BUREAU_OFFICER)
        ).status_code
        == 404
    )
    revoked = client.post(
        f"{API}/certificates/{cert['id']}/revoke", json={"reason": "fraud"}, headers=_h(net, "FR", Role.BUREAU_OFFICER)
    )
    assert revoked.status_code == 200
    # the very next check sees it (no cache between revocation and verification)
    assert client.post(f"{API}/verify", json=vc, headers=_h(net, "EG", Role.ANALYST)).json()["status"] == "revoked"
    keys = client.get(f"{API}/keys/FR", headers=_h(net, "EG", Role.ANALYST)).json()
    assert keys["keys"][0]["public_key"].startswith("z6Mk")
    assert "private" not in json.dumps(keys)


def test_elearning_over_http(client: TestClient, net: Net) -> None:
    r = client.post(f"{API}/courses", json=elearning_body(), headers=_h(net, "EG", Role.BUREAU_OFFICER))
    assert r.status_code == 201, r.text
    course = r.json()
    assessment = client.get(
        f"{API}/courses/{course['id']}/assessment", headers=_h(net, "MA", Role.FRONTLINE_OFFICER)
    ).json()
    assert "answer" not in json.dumps(assessment) and len(assessment["modules"][0]["questions"]) == 2
    e = client.post(
        f"{API}/enrolments",
        json={"course_id": course["id"], "language": "ar"},
        headers=_h(net, "MA", Role.FRONTLINE_OFFICER),
    ).json()
    assert e["status"] == "enrolled"
    r = client.post(
        f"{API}/enrolments/{e['id']}/assessment",
        json={"answers": [[1, 0]]},
        headers=_h(net, "MA", Role.FRONTLINE_OFFICER),
    )
    assert r.status_code == 200 and r.json()["status"] == "completed" and r.json()["certificate_id"]


@pytest.mark.parametrize(
    "body",
    [
        course_body(title={"en": "only English"}),
        course_body(title={**course_body()["title"], "de": "Deutsch"}),
        course_body(crime_areas=["knitting"]),
        course_body(hours="many"),
        course_body(code="bad code!"),
        course_body(qualifies_roles=["king"]),
        course_body(elearning=True),
        course_body(extra_field=1),
        course_body(title={**course_body()["title"], "en": "x" * 600}),
        elearning_body(modules=[{"title": "m", "questions": [{"text": "q", "options": ["a", "b"], "answer": 5}]}]),
    ],
)
def test_bad_course_input_is_a_clear_422(client: TestClient, net: Net, body: dict[str, Any]) -> None:
    r = client.post(f"{API}/courses", json=body, headers=_h(net, "FR", Role.BUREAU_OFFICER))
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "validation_error"


def test_malformed_json_duplicates_hostile_unicode_and_unknown_ids(client: TestClient, net: Net) -> None:
    h = {**_h(net, "FR", Role.BUREAU_OFFICER), "Content-Type": "application/json"}
    assert client.post(f"{API}/courses", content=b"{not json", headers=h).status_code == 422
    hostile = course_body("EVIL-1", title={k: v + "\u202e\u0000gnp.exe" for k, v in course_body()["title"].items()})
    r = client.post(f"{API}/courses", json=hostile, headers=_h(net, "FR", Role.BUREAU_OFFICER))
    assert r.status_code in (201, 422)
    if r.status_code == 201:
        assert "\u0000" not in json.dumps(r.json()["title"]) and "\u202e" not in r.json()["title"]["en"]
    _course(client, net)
    assert (
        client.post(f"{API}/courses", json=course_body(), headers=_h(net, "FR", Role.BUREAU_OFFICER)).status_code == 409
    )
    assert (
        client.post(f"{API}/enrolments", json={"course_id": "nope"}, headers=_h(net, "MA", Role.ANALYST)).status_code
        == 404
    )
    assert client.get(f"{API}/enrolments?status=weird", headers=_h(net, "MA", Role.ANALYST)).status_code == 422
    assert client.get(f"{API}/courses", headers={}).status_code == 401
    assert client.get(f"{API}/figures?country=1", headers=_h(net, "FR", Role.BUREAU_OFFICER)).status_code == 422
    assert client.get(f"{API}/figures", headers=_h(net, "FR", Role.ANALYST)).status_code == 403


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("MANARA_TRAINING_REQUIRED_COURSES", json.dumps({"*": ["NOT-101"], "document:write": ["DP-100"]}))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


DOC = {"number": "AB123456", "issuing_country": "MA", "status": "stolen"}


def test_gate_is_off_by_default(client: TestClient, net: Net) -> None:
    assert get_settings().training_required_courses == {}
    assert client.get("/api/v1/notices", headers=_h(net, "MA", Role.ANALYST)).status_code == 200
    assert client.get(f"{API}/requirements", headers=_h(net, "MA", Role.ANALYST)).json() == []


def test_gate_removes_permissions_until_the_course_is_completed_and_again_when_it_expires(
    client: TestClient, net: Net, session: Session, gate: None
) -> None:
    officer = ("MA", Role.ANALYST)
    assert client.get("/api/v1/members", headers=_h(net, *officer)).status_code == 403
    # training itself stays open: the officer sees what to take
    needs = client.get(f"{API}/requirements", headers=_h(net, *officer)).json()
    assert needs == [{"permission": "*", "course_code": "NOT-101", "held": False, "expires_at": None}]
    # administrators are never locked out by the network-wide gate
    assert client.get("/api/v1/members", headers=_h(net, "MA", Role.ADMINISTRATOR)).status_code == 200
    # the course owner's bureau officer is gated too: give FR's bureau its certificate through an e-learning run
    cert = _certificate_gated(client, net, session, officer)
    api_keys.CACHE.clear()
    assert client.get("/api/v1/members", headers=_h(net, *officer)).status_code == 200
    # the certificate expires: the permission is gone on the next request
    row = session.get(Certificate, cert)
    assert row is not None
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    api_keys.CACHE.clear()
    assert client.get("/api/v1/members", headers=_h(net, *officer)).status_code == 403
    # a bureau officer holding NOT-101 but not DP-100 may read notices but not report documents
    bureau = net.user("MA", Role.BUREAU_OFFICER)
    _certificate_gated(client, net, session, ("MA", Role.BUREAU_OFFICER))
    api_keys.CACHE.clear()
    assert client.get("/api/v1/members", headers=bureau.headers).status_code == 200
    assert client.post("/api/v1/documents", json=DOC, headers=bureau.headers).status_code == 403


def _certificate_gated(client: TestClient, net: Net, session: Session, officer: tuple[str, Role]) -> str:
    """Complete NOT-101 through the actions (the FR bureau running it may itself be gated)."""
    from manara.training import actions
    from manara.training.models import Course
    from training.helpers import complete, make_course, make_run

    fr = net.user("FR", Role.BUREAU_OFFICER).actor
    course = session.scalars(select(Course).where(Course.code == "NOT-101")).first() or make_course(session, fr)
    run = make_run(session, fr, course, seats=10)
    cert = complete(session, net.user(*officer).actor, net.user(officer[0], Role.BUREAU_OFFICER).actor, fr, course, run)
    session.commit()
    assert actions is not None
    return cert.id
