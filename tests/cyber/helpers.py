"""Builders shared by the cyber tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import Net
from manara.case.actions import do_open_case
from manara.case.schemas import CaseIn
from manara.identity import Role

API = "/api/v1/cyber"


def add(client: TestClient, net: Net, country: str, kind: str, value: str, **over: Any) -> dict[str, Any]:
    """Record an indicator through the API as ``country``'s bureau officer; return its JSON."""
    body = {"kind": kind, "value": value, **over}
    response = client.post(f"{API}/indicators", json=body, headers=net.user(country, Role.BUREAU_OFFICER).headers)
    assert response.status_code == 201, response.text
    out: dict[str, Any] = response.json()
    return out


def open_case(session: Session, net: Net, country: str, invite: tuple[str, ...] = ()) -> str:
    """Open a case of ``country`` (inviting ``invite``); return its id."""
    actor = net.user(country, Role.BUREAU_OFFICER).actor
    case = do_open_case(session, actor, CaseIn(title="Phishing kit sold to several members", invite=list(invite)))
    session.commit()
    return case.id


def validate(bundle: dict[str, Any]) -> None:
    """Fail unless ``bundle`` is valid STIX 2.1 by stix2-validator."""
    from stix2validator import ValidationOptions, validate_instance

    result = validate_instance(bundle, ValidationOptions(version="2.1"))
    assert result.is_valid, [str(e) for e in result.errors] + [
        f"{r.object_id}: {e}" for r in (getattr(result, "object_results", None) or []) for e in r.errors
    ]
