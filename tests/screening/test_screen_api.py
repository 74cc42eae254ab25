"""Screening through the API: visibility, hits to owners, index freshness, audit.

Answering hits is tested in tests/hit/, document checks in tests/document/."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import Net
from manara.audit.actions import AuditAction
from manara.audit.chain import verify_chain
from manara.audit.models import AuditEvent
from manara.identity import Role
from manara.screening import actions as service
from screening.helpers import publish_red, screen


def test_a_published_notice_is_found_by_another_member_and_raises_a_hit(client: TestClient, net: Net) -> None:
    notice = publish_red(client, net)
    fr = net.user("FR", Role.FRONTLINE_OFFICER)
    out = screen(client, fr.headers, names=["عبد الرحمن بن صالح"], birth_date="1985-04-12")
    top = out["results"][0]
    assert top["notice_id"] == notice["id"] and top["match"] is True and top["hit_id"]
    assert "URGENT" in top["next_step"]
    inbox = client.get("/api/v1/hits", headers=net.user("MA", Role.BUREAU_OFFICER).headers).json()
    assert [h["id"] for h in inbox["items"]] == [top["hit_id"]]
    assert inbox["items"][0]["status"] == "open" and inbox["items"][0]["querying_country"] == "FR"


def test_screening_sees_only_what_the_member_may_see(client: TestClient, net: Net) -> None:
    publish_red(client, net, visibility="countries", shared=["FR"])
    query = {"names": ["Abderrahmane Ben Salah"], "birth_date": "1985-04-12"}
    fr = screen(client, net.user("FR", Role.FRONTLINE_OFFICER).headers, **query)
    eg = screen(client, net.user("EG", Role.FRONTLINE_OFFICER).headers, **query)
    assert fr["results"] and eg["results"] == []


def test_cancelled_notice_leaves_the_index_at_once(client: TestClient, net: Net) -> None:
    notice = publish_red(client, net)
    fr = net.user("FR", Role.FRONTLINE_OFFICER).headers
    assert screen(client, fr, names=["Abderrahmane Ben Salah"], birth_date="1985-04-12")["results"]
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    client.post(f"/api/v1/notices/{notice['id']}/cancel", json={"reason": "arrested"}, headers=ma)
    assert screen(client, fr, names=["Abderrahmane Ben Salah"], birth_date="1985-04-12")["results"] == []


def test_reviewer_may_not_screen(client: TestClient, net: Net) -> None:
    response = client.post("/api/v1/screen", json={"names": ["x"]}, headers=net.user("FR", Role.REVIEWER).headers)
    assert response.status_code == 403


def test_screening_is_audited_with_the_query_terms(client: TestClient, net: Net, session: Any) -> None:
    from sqlalchemy import select

    from manara.audit.models import AuditEvent

    fr = net.user("FR", Role.FRONTLINE_OFFICER)
    screen(client, fr.headers, names=["Youssef El Idrissi"], birth_date="1987-03-14")
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "screening.searched")).one()
    assert event.user_id == fr.actor.user_id and event.query["names"] == ["Youssef El Idrissi"]


def test_every_screening_is_audited_once_with_its_request_id_and_the_chain_verifies(
    client: TestClient, net: Net, session: Session
) -> None:
    notice = publish_red(client, net)
    fr = net.user("FR", Role.FRONTLINE_OFFICER)
    for k in range(4):  # written by the group-commit writer thread, in the request's context
        response = client.post(
            "/api/v1/screen",
            json={"names": ["Abderrahmane Ben Salah"], "birth_date": "1985-04-12"},
            headers={**fr.headers, "X-Request-ID": f"screen-{k}"},
        )
        assert response.status_code == 200 and response.json()["results"][0]["hit_id"]
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == str(AuditAction.SCREENED))).all()
    assert sorted(e.request_id for e in events) == [f"screen-{k}" for k in range(4)]
    assert all(e.target_ids == [notice["id"]] and e.user_id == fr.actor.user_id for e in events)
    raised = session.scalars(select(AuditEvent).where(AuditEvent.action == str(AuditAction.HIT_RAISED))).all()
    assert [e.request_id for e in raised] == ["screen-0"]  # later screenings find the same open hit
    assert verify_chain(session).ok


def test_a_screening_that_fails_writes_nothing(
    client: TestClient, net: Net, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish_red(client, net)
    before = session.scalar(select(func.count()).select_from(AuditEvent))

    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("hit store down")

    monkeypatch.setattr(service, "do_raise_hit", broken)
    fr = net.user("FR", Role.FRONTLINE_OFFICER)
    failed = TestClient(client.app, raise_server_exceptions=False).post(
        "/api/v1/screen", json={"names": ["Abderrahmane Ben Salah"], "birth_date": "1985-04-12"}, headers=fr.headers
    )
    assert failed.status_code == 500
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_screening_reads_the_key_and_purpose_from_the_headers_like_every_other_route(
    client: TestClient, net: Net, session: Session
) -> None:
    fr = net.user("FR", Role.FRONTLINE_OFFICER)
    body = {"names": ["Youssef El Idrissi"]}
    token = fr.token
    forged = token[: token.rindex("_") + 1] + "x" * 43
    for headers in (
        {"X-API-Key": forged},
        {"Authorization": f"Bearer {forged}"},
        {"Authorization": "Bearer"},
        {"Authorization": f"Basic {token}"},
        {"Authorization": token},
        {"X-API-Key": ""},
    ):
        refused = client.post("/api/v1/screen", json=body, headers=headers)
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthenticated", headers
    for k, headers in enumerate(
        (
            {"X-API-Key": token},
            {"Authorization": f"bearer {token}"},
            {"X-API-Key": token, "Authorization": f"Bearer {forged}"},
        )
    ):
        purpose = f"border check {k}"
        screen(client, {**headers, "X-Manara-Purpose": purpose}, **body)
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
        assert (event.action, event.user_id, event.purpose) == ("screening.searched", fr.actor.user_id, purpose)
    bad = client.post("/api/v1/screen", json={"names": "not a list"}, headers=fr.headers)
    assert bad.status_code == 422  # the body is still validated
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/screen"]["post"]
    assert operation["security"] == [{"HTTPBearer": []}, {"APIKeyHeader": []}]
    assert "x-manara-purpose" in {p["name"] for p in operation["parameters"]}
    schemes = client.get("/openapi.json").json()["components"]["securitySchemes"]
    assert {"HTTPBearer", "APIKeyHeader"} <= set(schemes)
