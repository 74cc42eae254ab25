"""Screening from a machine-readable zone: the holder is found, the zone comes back as read with its check
digits, malformed zones are refused with the reason and nothing is recorded."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import Net
from factories import counts
from manara.identity import Role
from manara.matching.mrz import check_digit
from screening.helpers import publish_red

API = "/api/v1/screen/mrz"


def td3(surname: str, given: str, number: str, nationality: str, birth: str, sex: str = "M") -> str:
    """A TD3 zone with correct check digits (Doc 9303 part 4)."""
    one = f"P<{nationality}{surname}<<{given}".replace(" ", "<").ljust(44, "<")
    num = number.ljust(9, "<")
    expiry, optional = "300101", "<" * 14
    body = f"{num}{check_digit(num)}{nationality}{birth}{check_digit(birth)}{sex}{expiry}{check_digit(expiry)}"
    body += optional + "<"
    composite = body[0:10] + body[13:20] + body[21:43]
    return f"{one}\n{body}{check_digit(composite)}"


def td1(surname: str, given: str, number: str, nationality: str, birth: str, sex: str = "M") -> str:
    """A TD1 zone with correct check digits (Doc 9303 part 5)."""
    one = f"I<{nationality}{number}{check_digit(number)}".ljust(30, "<")
    expiry = "300101"
    two = f"{birth}{check_digit(birth)}{sex}{expiry}{check_digit(expiry)}{nationality}".ljust(29, "<")
    two += check_digit(one[5:30] + two[0:7] + two[8:15] + two[18:29])
    three = f"{surname}<<{given}".replace(" ", "<").ljust(30, "<")
    return "\n".join((one, two, three))


def test_a_passport_zone_finds_the_wanted_holder(client: TestClient, net: Net) -> None:
    notice = publish_red(client, net)
    fr = net.user("FR", Role.FRONTLINE_OFFICER)
    got = client.post(
        API, json={"mrz": td3("BEN<SALAH", "ABDERRAHMANE", "MA1234567", "MAR", "850412")}, headers=fr.headers
    )
    assert got.status_code == 200, got.text
    out = got.json()
    assert out["document"] == {
        "format": "TD3", "document_type": "P", "issuer": "MAR", "surname": "BEN SALAH",
        "given_names": "ABDERRAHMANE", "number": "MA1234567", "nationality": "MAR", "birth_date": "1985-04-12",
        "sex": "male", "expiry_date": "2030-01-01", "valid": True, "failed_checks": [],
    }  # fmt: skip
    top = out["results"][0]
    assert top["notice_id"] == notice["id"] and top["match"] is True and top["hit_id"]


def test_an_identity_card_zone_is_screened_and_a_failed_check_is_shown(client: TestClient, net: Net) -> None:
    notice = publish_red(client, net)
    zone = td1("BEN<SALAH", "ABDERRAHMANE", "MA1234567", "MAR", "850412")
    altered = zone.replace("MA1234567", "MA1234568", 1)  # the number no longer matches its check digit
    fr = net.user("FR", Role.FRONTLINE_OFFICER)
    out = client.post(API, json={"mrz": altered}, headers=fr.headers).json()
    assert out["document"]["format"] == "TD1" and out["document"]["valid"] is False
    assert out["document"]["failed_checks"] == ["number", "composite"]
    assert out["results"][0]["notice_id"] == notice["id"]


def test_malformed_zones_are_refused_with_the_reason_and_nothing_recorded(
    client: TestClient, session: Session, net: Net
) -> None:
    fr = net.user("FR", Role.FRONTLINE_OFFICER)
    before = counts(session)
    for zone in ("P<MAR" + "<" * 80, "I<MAR" * 18 + "\u202e", "x" * 201):
        got = client.post(API, json={"mrz": zone}, headers=fr.headers)
        assert got.status_code == 422, got.text
        assert got.json()["error"]["code"] == "validation_error"
    session.expire_all()
    assert counts(session) == before


def test_only_roles_that_screen_may_read_a_zone(client: TestClient, net: Net) -> None:
    got = client.post(API, json={"mrz": "garbage" * 10}, headers=net.user("FR", Role.REVIEWER).headers)
    assert got.status_code == 403
