"""The crime-area taxonomy: classification in four languages, notices, cases and subjects carrying areas."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import Net
from factories import make_entity, make_notice
from manara.assessment.actions import do_classify_crime_areas
from manara.crime import CRIME_AREA_VALUES, TRANSLATIONS, CrimeArea, from_offence, label
from manara.entity.models import Entity
from manara.identity import SYSTEM, Role


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Trafficking of cocaine and money laundering", {"drug_trafficking", "financial_crime"}),
        ("Trafic de stupéfiants en bande organisée", {"drug_trafficking"}),
        ("الاتجار بالمخدرات وغسل الأموال", {"drug_trafficking", "financial_crime"}),
        ("Blanqueo de capitales mediante criptomonedas", {"financial_crime", "crypto_crime"}),
        ("Participation in a terrorist organisation", {"terrorism"}),
        ("Aide à l'entrée irrégulière d'étrangers (passeur)", {"migrant_smuggling"}),
        ("Ransomware attack on a hospital", {"cybercrime"}),
        ("Theft of a lorry", set()),
        ("", set()),
    ],
)
def test_offences_are_classified_in_four_languages(text: str, expected: set[str]) -> None:
    assert {a.value for a in from_offence(text)} == expected


def test_the_taxonomy_has_sixteen_areas_labelled_in_every_language() -> None:
    assert len(CrimeArea) == 16 and len(CRIME_AREA_VALUES) == 16
    for lang in ("fr", "es", "ar"):
        assert set(TRANSLATIONS[lang]) == set(CrimeArea)
    assert label("terrorism", "ar") == "الإرهاب" and label("nonsense", "fr") == "nonsense"


def test_a_notice_takes_areas_from_its_offence_unless_the_owner_chooses(session: Session, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).actor
    auto = make_notice(session, ma, offence="International drug trafficking")
    assert auto.crime_areas == ["drug_trafficking"]


def test_the_api_carries_crime_areas_in_and_out(client: TestClient, net: Net, session: Session) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER)
    subject = make_entity(session, ma.actor, "ca-1")
    body = {
        "type": "red",
        "subject_id": subject.id,
        "title": "Wanted: smuggler",
        "details": {"offence": "Armed robbery"},
        "crime_areas": ["migrant_smuggling", "firearms", "migrant_smuggling"],
    }
    r = client.post("/api/v1/notices", json=body, headers=ma.headers)
    assert r.status_code == 201, r.text
    assert r.json()["crime_areas"] == ["migrant_smuggling", "firearms"]
    nid = r.json()["id"]
    r = client.patch(f"/api/v1/notices/{nid}", json={"crime_areas": ["terrorism"]}, headers=ma.headers)
    assert r.status_code == 200 and r.json()["crime_areas"] == ["terrorism"]
    bad = client.post("/api/v1/notices", json=body | {"crime_areas": ["witchcraft"]}, headers=ma.headers)
    assert bad.status_code == 422
    r = client.get("/api/v1/crime-areas?language=fr", headers=ma.headers)
    assert r.status_code == 200 and len(r.json()) == 16
    assert {"value": "terrorism", "label": "Terrorisme"} in r.json()
    r = client.post("/api/v1/crime-areas/classify", json={"text": "Contrefaçon de médicaments"}, headers=ma.headers)
    assert r.json() == {"crime_areas": ["counterfeit_goods"]}


def test_cases_carry_crime_areas(client: TestClient, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER)
    r = client.post("/api/v1/cases", json={"title": "Port", "crime_areas": ["maritime_crime"]}, headers=ma.headers)
    assert r.status_code == 201, r.text
    assert r.json()["crime_areas"] == ["maritime_crime"]


def test_backfill_classifies_notices_then_their_subjects(session: Session, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).actor
    notice = make_notice(session, ma, offence="Trafic de migrants")
    notice.crime_areas = []  # as before the migration
    own = make_notice(session, ma, offence="Armed robbery")
    own.crime_areas = ["vehicle_crime"]
    session.flush()
    counts = do_classify_crime_areas(session, SYSTEM)
    assert notice.crime_areas == ["migrant_smuggling"] and own.crime_areas == ["vehicle_crime"]
    assert counts["notices"] == 1 and counts["entities"] >= 1
    assert notice.subject_id is not None
    subject = session.get(Entity, notice.subject_id)
    assert subject is not None and subject.crime_areas == ["migrant_smuggling"]
