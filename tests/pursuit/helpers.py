"""Shared helpers of the pursuit tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import Net, NetUser
from factories import make_notice
from manara.identity import Role
from manara.notice.models import Notice

API = "/api/v1/pursuits"
OPS = "/api/v1/operations"


def wanted(session: Session, net: Net, owner: str = "MA", **kw: Any) -> Notice:
    """A published red notice of ``owner`` (reviewed by another member)."""
    reviewer = net.user("EG" if owner != "EG" else "FR", Role.REVIEWER).actor
    return make_notice(session, net.user(owner, Role.BUREAU_OFFICER).actor, status="published", reviewer=reviewer, **kw)


def open_pursuit(client: TestClient, user: NetUser, notice_id: str, members: list[str] | None = None) -> dict[str, Any]:
    """Open a pursuit through the API (asserting 201)."""
    got = client.post(API, json={"notice_id": notice_id, "members": members or []}, headers=user.headers)
    assert got.status_code == 201, got.text
    return dict(got.json())


def step(client: TestClient, user: NetUser, pursuit_id: str, to: str, **body: Any) -> Any:
    """Take a step; return the response."""
    return client.post(f"{API}/{pursuit_id}/steps", json={"to": to, **body}, headers=user.headers)
