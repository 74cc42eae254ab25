"""If-Match on the updates of assessments, webhook subscriptions and users: a stale ETag is refused with 412 and
changes nothing (notices, media banks, crypto investigations and case tasks are tested with their domains)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from assessment.helpers import new_draft
from conftest import Net
from manara.identity import Role


def _stale_update_refused(client: TestClient, url: str, headers: dict[str, str], first: Any, second: Any) -> None:
    tag = client.get(url, headers=headers).headers["ETag"]
    done = client.patch(url, json=first, headers={**headers, "If-Match": tag})
    assert done.status_code == 200, done.text
    assert done.headers["ETag"] != tag
    stale = client.patch(url, json=second, headers={**headers, "If-Match": tag})
    assert stale.status_code == 412 and stale.json()["error"]["details"]["etag"] == done.headers["ETag"]
    again = client.patch(url, json=second, headers={**headers, "If-Match": done.headers["ETag"]})
    assert again.status_code == 200, again.text


def test_an_assessment_edited_by_two_analysts(client: TestClient, net: Net) -> None:
    draft = new_draft(client, net)
    url = f"/api/v1/assessments/{draft['id']}"
    _stale_update_refused(client, url, net.user("MA", Role.ANALYST).headers, {"title": "First"}, {"title": "Second"})
    assert client.get(url, headers=net.user("MA", Role.ANALYST).headers).json()["title"] == "Second"


def test_a_webhook_subscription_changed_by_two_administrators(client: TestClient, net: Net) -> None:
    admin = net.user("MA", Role.ADMINISTRATOR).headers
    body = {"url": "http://127.0.0.1:9/hook", "event_types": ["hit.raised"], "description": "SOC"}
    created = client.post("/api/v1/webhooks", json=body, headers=admin)
    assert created.status_code == 201, created.text
    url = f"/api/v1/webhooks/{created.json()['id']}"
    _stale_update_refused(client, url, admin, {"description": "First"}, {"description": "Second"})


def test_a_user_changed_by_two_administrators(client: TestClient, net: Net) -> None:
    admin = net.user("MA", Role.ADMINISTRATOR).headers
    user_id = net.user("MA", Role.ANALYST).actor.user_id
    url = f"/api/v1/users/{user_id}"
    tag = client.patch(url, json={"role": "analyst"}, headers=admin).headers["ETag"]  # no change: its current tag
    done = client.patch(url, json={"role": "duty_officer"}, headers={**admin, "If-Match": tag})
    assert done.status_code == 200 and done.headers["ETag"] != tag
    stale = client.patch(url, json={"active": False}, headers={**admin, "If-Match": tag})
    assert stale.status_code == 412
    assert client.patch(url, json={"role": "analyst"}, headers={**admin, "If-Match": "*"}).status_code == 200
