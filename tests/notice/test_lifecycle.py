"""The notice lifecycle through the API: draft, submit, review by another country, publish, cancel."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import Net
from factories import make_entity, red_details
from manara.db.base import utcnow
from manara.identity import Role

API = "/api/v1/notices"


def _draft(client: TestClient, session: Session, net: Net, **over: Any) -> dict[str, Any]:
    officer = net.user("MA", Role.BUREAU_OFFICER)
    subject = make_entity(session, officer.actor, "karim", "Karim Benali")
    body = {
        "type": "red",
        "subject_id": subject.id,
        "title": "Karim Benali, armed robbery",
        "details": red_details(),
        **over,
    }
    resp = client.post(API, json=body, headers=officer.headers)
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


def _get(client: TestClient, net: Net, country: str, role: Role, notice_id: str) -> Any:
    return client.get(f"{API}/{notice_id}", headers=net.user(country, role).headers)


def _post(client: TestClient, net: Net, country: str, role: Role, path: str, body: Any = None) -> Any:
    return client.post(f"{API}/{path}", json=body, headers=net.user(country, role).headers)


def test_red_notice_from_draft_to_cancelled(client: TestClient, session: Session, net: Net) -> None:
    notice = _draft(client, session, net)
    assert notice["status"] == "draft" and notice["reference"].startswith("MA-R-") and notice["version"] == 1
    assert notice["subject"]["caption"] == "Karim Benali"
    submitted = _post(client, net, "MA", Role.BUREAU_OFFICER, f"{notice['id']}/submit").json()
    assert submitted["status"] == "submitted" and submitted["submitted_at"] and submitted["checks"]["flags"] == []
    assert _post(client, net, "MA", Role.REVIEWER, f"{notice['id']}/review", {"decision": "approve"}).status_code == 404
    queue = client.get(API, params={"review_queue": True}, headers=net.user("EG", Role.REVIEWER).headers).json()
    assert [n["id"] for n in queue["items"]] == [notice["id"]] and queue["total"] == 1
    published = _post(
        client, net, "EG", Role.REVIEWER, f"{notice['id']}/review", {"decision": "approve", "reasons": ["complete"]}
    ).json()
    assert published["status"] == "published" and published["published_at"]
    assert published["reviews"][0]["reviewer_country"] == "EG" and published["reviews"][0]["decision"] == "approve"
    assert _get(client, net, "FR", Role.FRONTLINE_OFFICER, notice["id"]).status_code == 200
    again = _post(client, net, "FR", Role.REVIEWER, f"{notice['id']}/review", {"decision": "approve"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_transition"
    assert _post(client, net, "MA", Role.BUREAU_OFFICER, f"{notice['id']}/cancel", {"reason": ""}).status_code == 422
    cancelled = _post(client, net, "MA", Role.BUREAU_OFFICER, f"{notice['id']}/cancel", {"reason": "arrested"}).json()
    assert cancelled["status"] == "cancelled" and cancelled["close_reason"] == "arrested" and cancelled["closed_at"]
    assert _get(client, net, "FR", Role.FRONTLINE_OFFICER, notice["id"]).status_code == 404
    assert _get(client, net, "MA", Role.ANALYST, notice["id"]).status_code == 200
    for path in ("submit", "cancel"):
        resp = _post(client, net, "MA", Role.BUREAU_OFFICER, f"{notice['id']}/{path}", {"reason": "x"})
        assert resp.status_code == 409, path


def test_refusal_needs_reasons_and_returns_to_draft_on_edit(client: TestClient, session: Session, net: Net) -> None:
    notice = _draft(client, session, net)
    _post(client, net, "MA", Role.BUREAU_OFFICER, f"{notice['id']}/submit")
    bare = _post(client, net, "FR", Role.REVIEWER, f"{notice['id']}/review", {"decision": "refuse"})
    assert bare.status_code == 422 and bare.json()["error"]["details"]["errors"][0]["field"] == "reasons"
    assert _get(client, net, "MA", Role.ANALYST, notice["id"]).json()["status"] == "submitted"
    refused = _post(
        client,
        net,
        "FR",
        Role.REVIEWER,
        f"{notice['id']}/review",
        {"decision": "refuse", "reasons": ["facts do not show participation"]},
    ).json()
    assert refused["status"] == "refused" and refused["reviews"][0]["reasons"]
    officer = net.user("MA", Role.BUREAU_OFFICER).headers
    patch = {"summary": "Witnesses place him in the bank."}
    edited = client.patch(f"{API}/{notice['id']}", json=patch, headers=officer)
    assert edited.status_code == 200 and edited.json()["status"] == "draft"
    assert edited.json()["summary"] == "Witnesses place him in the bank." and edited.json()["title"] == notice["title"]
    assert _post(client, net, "MA", Role.BUREAU_OFFICER, f"{notice['id']}/submit").json()["status"] == "submitted"


def test_edit_only_in_draft_or_refused(client: TestClient, session: Session, net: Net) -> None:
    notice = _draft(client, session, net)
    officer = net.user("MA", Role.BUREAU_OFFICER).headers
    _post(client, net, "MA", Role.BUREAU_OFFICER, f"{notice['id']}/submit")
    resp = client.patch(f"{API}/{notice['id']}", json={"title": "Changed"}, headers=officer)
    assert resp.status_code == 409 and resp.json()["error"]["details"] == {"status": "submitted", "action": "edit"}
    _post(client, net, "FR", Role.REVIEWER, f"{notice['id']}/review", {"decision": "approve"})
    assert client.patch(f"{API}/{notice['id']}", json={"title": "Changed"}, headers=officer).status_code == 409


def test_patch_distribution_only(client: TestClient, session: Session, net: Net) -> None:
    notice = _draft(client, session, net, visibility="countries", shared_with=["FR"])
    officer = net.user("MA", Role.BUREAU_OFFICER).headers
    later = str(utcnow().date() + timedelta(days=100))
    for patch in ({"shared_with": ["EG", "MA"]}, {"review_date": later}, {"visibility": "owner"}):
        resp = client.patch(f"{API}/{notice['id']}", json=patch, headers=officer)
        assert resp.status_code == 200, (patch, resp.text)
    final = resp.json()
    assert final["visibility"] == "owner" and final["review_date"] == later and final["version"] == 4


def test_reviewer_of_the_owner_country_gets_404(client: TestClient, session: Session, net: Net) -> None:
    notice = _draft(client, session, net)
    _post(client, net, "MA", Role.BUREAU_OFFICER, f"{notice['id']}/submit")
    for decision in ({"decision": "approve"}, {"decision": "refuse", "reasons": ["no"]}):
        resp = _post(client, net, "MA", Role.REVIEWER, f"{notice['id']}/review", decision)
        assert resp.status_code == 404 and resp.json()["error"]["code"] == "not_found"
    queue = client.get(API, params={"review_queue": True}, headers=net.user("MA", Role.REVIEWER).headers).json()
    assert queue["total"] == 0


def test_diffusion_is_published_at_once_under_review(client: TestClient, session: Session, net: Net) -> None:
    officer = net.user("MA", Role.BUREAU_OFFICER)
    subject = make_entity(session, officer.actor, "d1", "Yassine Alaoui")
    body = {
        "type": "diffusion",
        "subject_id": subject.id,
        "title": "Locate Yassine Alaoui",
        "details": {"purpose": "locate"},
    }
    notice = client.post(API, json=body, headers=officer.headers).json()
    published = _post(client, net, "MA", Role.BUREAU_OFFICER, f"{notice['id']}/submit").json()
    assert published["status"] == "published" and published["under_review"] is True and published["published_at"]
    frontline = net.user("EG", Role.FRONTLINE_OFFICER).headers
    assert client.get(f"{API}/{notice['id']}", headers=frontline).json()["under_review"] is True
    cleared = _post(client, net, "FR", Role.REVIEWER, f"{notice['id']}/review", {"decision": "approve"}).json()
    assert cleared["status"] == "published" and cleared["under_review"] is False
    queue = client.get(API, params={"review_queue": True}, headers=net.user("FR", Role.REVIEWER).headers).json()
    assert queue["total"] == 0


def test_refused_diffusion_is_withdrawn_from_other_members(client: TestClient, session: Session, net: Net) -> None:
    officer = net.user("MA", Role.BUREAU_OFFICER)
    subject = make_entity(session, officer.actor, "d2", "Nadia Filali")
    notice = client.post(
        API,
        json={"type": "diffusion", "subject_id": subject.id, "title": "Nadia Filali", "details": {"purpose": "arrest"}},
        headers=officer.headers,
    ).json()
    _post(client, net, "MA", Role.BUREAU_OFFICER, f"{notice['id']}/submit")
    refused = _post(
        client,
        net,
        "EG",
        Role.REVIEWER,
        f"{notice['id']}/review",
        {"decision": "refuse", "reasons": ["political offence"]},
    ).json()
    assert refused["status"] == "refused" and refused["under_review"] is False
    assert client.get(f"{API}/{notice['id']}", headers=net.user("FR", Role.ANALYST).headers).status_code == 404


def test_subject_must_be_an_own_entity(client: TestClient, session: Session, net: Net) -> None:
    foreign = make_entity(session, net.user("FR", Role.BUREAU_OFFICER).actor, "f1", "Jean Dupont", visibility="all")
    resp = client.post(
        API,
        json={"type": "blue", "title": "x", "subject_id": foreign.id},
        headers=net.user("MA", Role.BUREAU_OFFICER).headers,
    )
    assert resp.status_code == 404 and "Jean Dupont" not in resp.text


def test_revalidate_needs_a_future_date(client: TestClient, session: Session, net: Net) -> None:
    notice = _draft(client, session, net)
    _post(client, net, "MA", Role.BUREAU_OFFICER, f"{notice['id']}/submit")
    _post(client, net, "FR", Role.REVIEWER, f"{notice['id']}/review", {"decision": "approve"})
    today = str(utcnow().date())
    assert (
        _post(client, net, "MA", Role.BUREAU_OFFICER, f"{notice['id']}/revalidate", {"review_date": today}).status_code
        == 422
    )
    later = str(utcnow().date() + timedelta(days=30))
    resp = _post(client, net, "MA", Role.BUREAU_OFFICER, f"{notice['id']}/revalidate", {"review_date": later})
    assert resp.status_code == 200 and resp.json()["review_date"] == later
