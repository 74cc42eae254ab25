"""Shared helpers of the case tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from conftest import NetUser

API = "/api/v1/cases"


def open_case(client: TestClient, user: NetUser, **body: Any) -> dict[str, Any]:
    """Open a case through the API and return its body (asserting 201)."""
    payload = {"title": "Cannabis resin shipments via Tangier", "summary": "Joint investigation.", **body}
    got = client.post(API, json=payload, headers=user.headers)
    assert got.status_code == 201, got.text
    return dict(got.json())
