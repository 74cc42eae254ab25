"""Builders of the assessment tests: notices with crime areas, and a draft driven through its lifecycle."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from conftest import Net
from manara.db.base import utcnow
from manara.identity import Role


def period() -> dict[str, str]:
    """A 30-day period ending today (the notices the tests publish fall in it)."""
    today = utcnow().date()
    return {"period_start": (today - timedelta(days=29)).isoformat(), "period_end": today.isoformat()}


def new_draft(client: TestClient, net: Net, country: str = "MA", **over: Any) -> dict[str, Any]:
    """Create a draft as the country's analyst; return its JSON."""
    body: dict[str, Any] = {
        "title": "North Africa regional picture",
        "language": "en",
        "tlp": "amber",
        "regions": [],
        "countries": [],
        "dissemination": ["FR"],
        **period(),
    }
    body.update(over)
    r = client.post("/api/v1/assessments", json=body, headers=net.user(country, Role.ANALYST).headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


def publish(client: TestClient, net: Net, aid: str, owner: str = "MA", reviewer: str = "FR") -> dict[str, Any]:
    """Compute, submit to ``reviewer``, approve and publish; return the published assessment."""
    own = net.user(owner, Role.ANALYST).headers
    assert client.post(f"/api/v1/assessments/{aid}/compute", headers=own).status_code == 200
    r = client.post(f"/api/v1/assessments/{aid}/submit", json={"reviewer_country": reviewer}, headers=own)
    assert r.status_code == 200, r.text
    r = client.post(
        f"/api/v1/assessments/{aid}/review",
        json={"decision": "approve", "note": "sound"},
        headers=net.user(reviewer, Role.REVIEWER).headers,
    )
    assert r.status_code == 200, r.text
    r = client.post(f"/api/v1/assessments/{aid}/publish", headers=own)
    assert r.status_code == 200, r.text
    return dict(r.json())
