import pytest

from manara.matching.mrz import MRZError, check_digit, parse_mrz

# The specimen passport of ICAO Doc 9303 part 4.
SPECIMEN = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"


@pytest.mark.parametrize(
    ("field", "digit"),
    [("L898902C3", "6"), ("740812", "2"), ("120415", "9"), ("ZE184226B<<<<<", "1"), ("<<<<<<<<<<<<<<", "0")],
)
def test_check_digit(field: str, digit: str) -> None:
    assert check_digit(field) == digit


def test_parse_specimen() -> None:
    mrz = parse_mrz(SPECIMEN)
    assert mrz.valid
    assert (mrz.surname, mrz.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert (mrz.number, mrz.nationality, mrz.issuer) == ("L898902C3", "UTO", "UTO")
    assert mrz.birth_date == "1974-08-12"
    assert mrz.expiry_date == "2012-04-15"
    assert mrz.sex == "female"
    assert mrz.optional_data == "ZE184226B"


def test_parse_concatenated_lines() -> None:
    assert parse_mrz(SPECIMEN.replace("\n", "")).valid


def test_corrupted_number_fails_its_check() -> None:
    mrz = parse_mrz(SPECIMEN.replace("L898902C36", "L898902C46"))
    assert not mrz.checks["number"]
    assert not mrz.valid


def test_birth_century_is_inferred() -> None:
    line2 = "L898902C36UTO0408122F1204159ZE184226B<<<<<10"
    mrz = parse_mrz(SPECIMEN.splitlines()[0] + "\n" + line2, current_year=2026)
    assert mrz.birth_date == "2004-08-12"


@pytest.mark.parametrize(
    "text",
    ["", "P<UTO", "X" * 88 + "X", SPECIMEN.replace("P<", "I<"), SPECIMEN.lower() + "!", "A" * 30 + "\n" + "B" * 36],
)
def test_malformed_zones_are_rejected(text: str) -> None:
    with pytest.raises(MRZError):
        parse_mrz(text)


def test_holder_becomes_a_screening_query() -> None:
    line2 = "L898902C36IRQ7408122F1204159ZE184226B<<<<<10"
    person = parse_mrz(SPECIMEN.splitlines()[0] + "\n" + line2).person("q1")
    assert person.names == ("ANNA MARIA ERIKSSON",)
    assert person.birth_dates == ("1974-08-12",)
    assert person.nationalities == ("iq",)
    assert person.gender == "female"
    assert person.documents == ("L898902C3",)


# The specimen identity cards of ICAO Doc 9303 parts 5 (TD1) and 6 (TD2).
TD1 = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
TD2 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6"


@pytest.mark.parametrize(("text", "fmt"), [(TD1, "TD1"), (TD2, "TD2"), (TD1.replace("\n", ""), "TD1")])
def test_identity_card_specimens(text: str, fmt: str) -> None:
    mrz = parse_mrz(text)
    assert mrz.format == fmt and mrz.valid and mrz.failed_checks == []
    assert (mrz.document_type, mrz.number, mrz.nationality) == ("I", "D23145890", "UTO")
    assert (mrz.surname, mrz.given_names, mrz.birth_date, mrz.sex) == ("ERIKSSON", "ANNA MARIA", "1974-08-12", "female")


def test_an_altered_identity_card_fails_its_checks() -> None:
    mrz = parse_mrz(TD1.replace("7408122F", "7508122F"))
    assert mrz.failed_checks == ["birth_date", "composite"]


def test_a_td1_number_longer_than_nine_characters_continues_in_the_optional_data() -> None:
    number = "D231458907AB"
    head = f"I<UTO{number[:9]}<{number[9:]}{check_digit(number)}<"
    one = head + "<" * (30 - len(head))
    two_head = "7408122F1204159UTO<<<<<<<<<<<"
    two = two_head + check_digit(one[5:30] + two_head[0:7] + two_head[8:15] + two_head[18:29])
    mrz = parse_mrz(f"{one}\n{two}\nERIKSSON<<ANNA<MARIA<<<<<<<<<<")
    assert mrz.number == number and mrz.valid
