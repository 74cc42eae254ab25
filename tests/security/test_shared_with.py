"""Recipients of a shared record do not learn each other: ``shared_with`` is whole only for the owner, in the
API's answers and on console pages — a test per record kind."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import Net
from factories import make_entity, make_notice
from manara.cyber.schemas import IndicatorOut
from manara.drone.schemas import IncidentOut
from manara.identity import Role
from manara.visibility import VIEWER_COUNTRY, shares_for
from web.conftest import Console


def test_shares_for() -> None:
    assert shares_for("MA", "MA", ["FR", "EG"]) == ["FR", "EG"]
    assert shares_for("FR", "MA", ["FR", "EG"]) == ["FR"]
    assert shares_for("TN", "MA", ["FR", "EG"]) == []
    assert shares_for(None, "MA", ["FR", "EG"]) == ["FR", "EG"]  # outside a request: CLI, jobs


def test_notices(client: TestClient, session: Session, net: Net) -> None:
    owner = net.user("MA", Role.BUREAU_OFFICER)
    notice = make_notice(
        session, owner.actor, status="published", visibility="countries", shared=("FR", "EG"),
        reviewer=net.user("FR", Role.REVIEWER).actor,
    )  # fmt: skip
    session.commit()
    as_owner = client.get(f"/api/v1/notices/{notice.id}", headers=owner.headers).json()
    assert sorted(as_owner["shared_with"]) == ["EG", "FR"]
    as_fr = client.get(f"/api/v1/notices/{notice.id}", headers=net.user("FR", Role.BUREAU_OFFICER).headers)
    assert as_fr.status_code == 200 and as_fr.json()["shared_with"] == ["FR"]
    listed = client.get("/api/v1/notices", headers=net.user("EG", Role.BUREAU_OFFICER).headers).json()["items"]
    assert [n["shared_with"] for n in listed if n["id"] == notice.id] == [["EG"]]


def test_entities(client: TestClient, session: Session, net: Net) -> None:
    owner = net.user("MA", Role.BUREAU_OFFICER)
    entity = make_entity(session, owner.actor, "shared-1", visibility="countries", shared=("FR", "EG"))
    mine = client.get(f"/api/v1/entities/{entity.id}", headers=owner.headers)
    assert mine.status_code == 200 and sorted(mine.json()["shared_with"]) == ["EG", "FR"]
    theirs = client.get(f"/api/v1/entities/{entity.id}", headers=net.user("FR", Role.ANALYST).headers)
    assert theirs.status_code == 200 and theirs.json()["shared_with"] == ["FR"]


def test_media_banks_api_and_console(console: Console, session: Session, net: Net) -> None:
    owner = net.user("MA", Role.ANALYST)
    body = {"name": "Shared bank", "visibility": "countries", "shared_with": ["FR", "EG"], "tlp": "amber"}
    created = console.client.post("/api/v1/media/banks", json=body, headers=owner.headers)
    assert created.status_code == 201, created.text
    bank_id = created.json()["id"]
    assert sorted(created.json()["shared_with"]) == ["EG", "FR"]
    theirs = console.client.get(f"/api/v1/media/banks/{bank_id}", headers=net.user("FR", Role.ANALYST).headers)
    assert theirs.status_code == 200 and theirs.json()["shared_with"] == ["FR"]
    console.sign_in("FR", Role.ANALYST)
    page = console.client.get(f"/console/media/banks/{bank_id}")
    assert (
        page.status_code == 200 and "Shared with FR" in page.text and "EG" not in page.text.split("Shared with")[1][:40]
    )


def test_drone_incidents_and_cyber_indicators_serialise_for_the_viewer() -> None:
    fields = dict.fromkeys(IncidentOut.model_fields)
    incident = IncidentOut.model_construct(**{**fields, "owner_country": "MA", "shared_with": ["FR", "EG"]})
    token = VIEWER_COUNTRY.set("EG")
    try:
        assert incident.model_dump()["shared_with"] == ["EG"]
    finally:
        VIEWER_COUNTRY.reset(token)
    assert incident.model_dump()["shared_with"] == ["FR", "EG"]
    fields = dict.fromkeys(IndicatorOut.model_fields)
    indicator = IndicatorOut.model_construct(**{**fields, "owner_country": "FR", "shared_with": ["MA", "EG"]})
    token = VIEWER_COUNTRY.set("MA")
    try:
        assert indicator.model_dump()["shared_with"] == ["MA"]
    finally:
        VIEWER_COUNTRY.reset(token)
