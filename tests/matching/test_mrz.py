import pytest

from manara.matching.mrz import MRZError, check_digit, parse_td3

# The specimen passport of ICAO Doc 9303 part 4.
SPECIMEN = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"


@pytest.mark.parametrize(
    ("field", "digit"),
    [("L898902C3", "6"), ("740812", "2"), ("120415", "9"), ("ZE184226B<<<<<", "1"), ("<<<<<<<<<<<<<<", "0")],
)
def test_check_digit(field: str, digit: str) -> None:
    assert check_digit(field) == digit


def test_parse_specimen() -> None:
    mrz = parse_td3(SPECIMEN)
    assert mrz.valid
    assert (mrz.surname, mrz.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert (mrz.number, mrz.nationality, mrz.issuer) == ("L898902C3", "UTO", "UTO")
    assert mrz.birth_date == "1974-08-12"
    assert mrz.expiry_date == "2012-04-15"
    assert mrz.sex == "female"
    assert mrz.personal_number == "ZE184226B"


def test_parse_concatenated_lines() -> None:
    assert parse_td3(SPECIMEN.replace("\n", "")).valid


def test_corrupted_number_fails_its_check() -> None:
    mrz = parse_td3(SPECIMEN.replace("L898902C36", "L898902C46"))
    assert not mrz.checks["number"]
    assert not mrz.valid


def test_birth_century_is_inferred() -> None:
    line2 = "L898902C36UTO0408122F1204159ZE184226B<<<<<10"
    mrz = parse_td3(SPECIMEN.splitlines()[0] + "\n" + line2, current_year=2026)
    assert mrz.birth_date == "2004-08-12"


@pytest.mark.parametrize("text", ["", "P<UTO", "X" * 88, SPECIMEN.replace("P<", "I<"), SPECIMEN.lower() + "!"])
def test_malformed_zones_are_rejected(text: str) -> None:
    with pytest.raises(MRZError):
        parse_td3(text)


def test_holder_becomes_a_screening_query() -> None:
    line2 = "L898902C36IRQ7408122F1204159ZE184226B<<<<<10"
    person = parse_td3(SPECIMEN.splitlines()[0] + "\n" + line2).person("q1")
    assert person.names == ("ANNA MARIA ERIKSSON",)
    assert person.birth_dates == ("1974-08-12",)
    assert person.nationalities == ("iq",)
    assert person.gender == "female"
    assert person.documents == ("L898902C3",)
