"""Every notice action writes exactly one audit event and one outbox event, or neither when it fails."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net
from factories import counts, make_notice
from manara.audit.models import AuditEvent
from manara.db.base import utcnow
from manara.identity import Role
from manara.notice.models import Notice
from manara.outbox.models import OutboxEvent

FUTURE = str(utcnow().date() + timedelta(days=90))
# (state, actor country, role, method, suffix, body, status, audit action)
STEPS: dict[str, tuple[str, str, Role, str, str, Any, int, str]] = {
    "create": ("", "MA", Role.BUREAU_OFFICER, "POST", "", None, 201, "notice.created"),
    "update": ("draft", "MA", Role.BUREAU_OFFICER, "PATCH", "", {"title": "New title"}, 200, "notice.updated"),
    "submit": ("draft", "MA", Role.BUREAU_OFFICER, "POST", "/submit", None, 200, "notice.submitted"),
    "approve": ("submitted", "FR", Role.REVIEWER, "POST", "/review", {"decision": "approve"}, 200, "notice.approved"),
    "refuse": (
        "submitted",
        "EG",
        Role.REVIEWER,
        "POST",
        "/review",
        {"decision": "refuse", "reasons": ["vague"]},
        200,
        "notice.refused",
    ),
    "cancel": ("published", "MA", Role.BUREAU_OFFICER, "POST", "/cancel", {"reason": "found"}, 200, "notice.cancelled"),
    "revalidate": (
        "published",
        "MA",
        Role.BUREAU_OFFICER,
        "POST",
        "/revalidate",
        {"review_date": FUTURE},
        200,
        "notice.revalidated",
    ),
}
FAILING: dict[str, tuple[str, str, Role, str, str, Any, int]] = {
    "submit-incomplete": ("draft", "MA", Role.BUREAU_OFFICER, "POST", "/submit", None, 422),
    "refuse-without-reasons": ("submitted", "FR", Role.REVIEWER, "POST", "/review", {"decision": "refuse"}, 422),
    "edit-published": ("published", "MA", Role.BUREAU_OFFICER, "PATCH", "", {"title": "x"}, 409),
    "revalidate-past": (
        "published",
        "MA",
        Role.BUREAU_OFFICER,
        "POST",
        "/revalidate",
        {"review_date": "2001-01-01"},
        422,
    ),
    "review-own": ("submitted", "MA", Role.REVIEWER, "POST", "/review", {"decision": "approve"}, 404),
    "create-as-analyst": ("", "MA", Role.ANALYST, "POST", "", None, 403),
    "create-unknown-share": ("", "MA", Role.BUREAU_OFFICER, "POST", "", None, 422),
}
CREATE = {"type": "orange", "title": "Parcel bombs", "details": {"threat": "Parcel bombs sent by post"}}


def _target(session: Session, net: Net, state: str, case: str) -> str:
    if not state:
        return ""
    kwargs: dict[str, Any] = {"max_penalty_years": 1} if case == "submit-incomplete" else {}
    notice = make_notice(
        session,
        net.user("MA", Role.BUREAU_OFFICER).actor,
        status=state,
        reviewer=net.user("FR", Role.REVIEWER).actor,
        **kwargs,
    )
    return f"/{notice.id}"


def _body(case: str, body: Any) -> Any:
    if case == "create-unknown-share":
        return {**CREATE, "visibility": "countries", "shared_with": ["DE"]}
    return CREATE if case.startswith("create") else body


def _latest(session: Session, model: Any, order: Any) -> Any:
    return session.scalars(select(model).order_by(order.desc()).limit(1)).one()


@pytest.mark.parametrize("case", list(STEPS))
def test_each_action_writes_one_audit_and_one_outbox_event(
    client: TestClient, session: Session, net: Net, case: str
) -> None:
    state, country, role, method, suffix, body, status, action = STEPS[case]
    target = _target(session, net, state, case)
    before = counts(session)
    resp = client.request(
        method,
        f"/api/v1/notices{target}{suffix}",
        json=_body(case, body),
        headers={**net.user(country, role).headers, "X-Request-ID": f"evt-{case}"},
    )
    assert resp.status_code == status, resp.text
    assert counts(session) == (before[0] + 1, before[1] + 1)
    event, out = _latest(session, AuditEvent, AuditEvent.seq), _latest(session, OutboxEvent, OutboxEvent.id)
    assert event.action == action == out.topic and event.request_id == f"evt-{case}"
    assert event.target_ids == [resp.json()["id"]] == [out.payload["id"]]
    assert event.country == country and event.role == role.value and out.payload["status"] == resp.json()["status"]


@pytest.mark.parametrize("case", list(FAILING))
def test_a_failing_action_writes_neither(client: TestClient, session: Session, net: Net, case: str) -> None:
    state, country, role, method, suffix, body, status = FAILING[case]
    target = _target(session, net, state, case)
    snapshot = session.scalars(select(Notice.status, Notice.version)).all() if target else []
    before = counts(session)
    resp = client.request(
        method, f"/api/v1/notices{target}{suffix}", json=_body(case, body), headers=net.user(country, role).headers
    )
    assert resp.status_code == status, resp.text
    assert counts(session) == before
    assert session.scalars(select(Notice.status, Notice.version)).all() == snapshot


def test_an_error_after_the_action_rolls_everything_back(
    client: TestClient, session: Session, net: Net, monkeypatch: pytest.MonkeyPatch
) -> None:
    from manara.api import notice as router

    def broken(notice: Notice, **_: Any) -> Any:
        raise RuntimeError("serialisation failed")

    notice_id = _target(session, net, "draft", "")
    before = counts(session)
    monkeypatch.setattr(router, "notice_out", broken)
    resp = client.post(f"/api/v1/notices{notice_id}/submit", headers=net.user("MA", Role.BUREAU_OFFICER).headers)
    assert resp.status_code == 500
    session.expire_all()
    assert counts(session) == before and session.get(Notice, notice_id[1:]).status == "draft"  # type: ignore[union-attr]


def test_actions_chain_in_order(session: Session, net: Net) -> None:
    make_notice(
        session,
        net.user("MA", Role.BUREAU_OFFICER).actor,
        status="published",
        reviewer=net.user("EG", Role.REVIEWER).actor,
    )
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq.desc()).limit(3)).all()
    topics = session.scalars(select(OutboxEvent.topic).order_by(OutboxEvent.id.desc()).limit(3)).all()
    assert list(actions) == list(topics) == ["notice.approved", "notice.submitted", "notice.created"]
