"""Shared helpers of the screening tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from conftest import Net, person
from manara.identity import ROLE_PERMS, Perm, Role

RED_DETAILS = {
    "offence": "Drug trafficking",
    "facts": "Shipments of cannabis resin through Tangier port.",
    "legal_provision": "Article 2 of Law 77-21",
    "max_penalty_years": 10,
    "warrant_reference": "MA-AW-1/2026",
    "issuing_authority": "Investigating judge, Tangier",
    "extradition_countries": ["FR"],
}
QUERY = {"names": ["Abderrahmane Ben Salah"], "birth_date": "1985-04-12"}  # finds the notice of `publish_red`


def can(role: Role, perm: Perm) -> bool:
    """Whether ``role`` holds ``perm``."""
    return perm in ROLE_PERMS[role]


def screen(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    """Screen ``body`` through the API as ``headers``; return the answer (asserted 200)."""
    response = client.post("/api/v1/screen", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def publish_red(
    client: TestClient,
    net: Net,
    *,
    visibility: str = "all",
    shared: list[str] | None = None,
    name: str = "Abderrahmane Ben Salah",
    owner: str = "MA",
) -> dict[str, Any]:
    """Submit a person and take a red notice about them to publication; return the notice."""
    bo = net.user(owner, Role.BUREAU_OFFICER)
    subject = person(f"subj-{name}", name, birthDate="1985-04-12", nationality="ma", passportNumber="MA1234567")
    entity = client.post("/api/v1/entities", json={**subject, "visibility": "owner"}, headers=bo.headers).json()
    body = {
        "type": "red",
        "title": "Wanted",
        "subject_id": entity["id"],
        "details": RED_DETAILS,
        "visibility": visibility,
        "shared_with": shared or [],
    }
    notice = client.post("/api/v1/notices", json=body, headers=bo.headers).json()
    assert client.post(f"/api/v1/notices/{notice['id']}/submit", headers=bo.headers).status_code == 200
    reviewer = net.user("EG" if owner != "EG" else "FR", Role.REVIEWER)
    reviewed = client.post(
        f"/api/v1/notices/{notice['id']}/review", json={"decision": "approve"}, headers=reviewer.headers
    )
    assert reviewed.status_code == 200, reviewed.text
    return dict(reviewed.json())
