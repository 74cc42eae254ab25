"""Parse the machine-readable zones of travel documents (ICAO Doc 9303): TD3 passports (two lines of 44
characters), TD2 (two lines of 36) and TD1 identity cards (three lines of 30), with every check digit verified."""

import re
from dataclasses import dataclass

from manara.matching.identifiers import normalize_country
from manara.matching.record import PersonRecord

_WEIGHTS = (7, 3, 1)
_CHARS = re.compile(r"^[A-Z0-9<]+$")
# Line count and length of each format (Doc 9303 parts 4, 5 and 6).
FORMATS = {"TD1": (3, 30), "TD2": (2, 36), "TD3": (2, 44)}


class MRZError(ValueError):
    """The text is not a well-formed machine-readable zone."""


@dataclass(frozen=True)
class DocumentMRZ:
    """Fields of a machine-readable zone and whether each check digit verified."""

    format: str
    document_type: str
    issuer: str
    surname: str
    given_names: str
    number: str
    nationality: str
    birth_date: str
    sex: str | None
    expiry_date: str
    optional_data: str
    checks: dict[str, bool]

    @property
    def valid(self) -> bool:
        """Tell whether every check digit verified."""
        return all(self.checks.values())

    @property
    def failed_checks(self) -> list[str]:
        """The fields whose check digit did not verify (a misread or an altered document)."""
        return [name for name, ok in self.checks.items() if not ok]

    def person(self, record_id: str) -> PersonRecord:
        """Return the holder as a PersonRecord to screen (name, birth date, nationality, sex, number)."""
        name = f"{self.given_names} {self.surname}".strip()
        nationality = normalize_country(self.nationality) if self.nationality else None
        return PersonRecord(
            id=record_id,
            names=(name,) if name else (),
            birth_dates=(self.birth_date,) if self.birth_date else (),
            nationalities=(nationality,) if nationality else (),
            gender=self.sex,
            documents=(self.number,) if self.number else (),
        )


def char_value(char: str) -> int:
    """Return the ICAO 9303 value of an MRZ character (digits, A=10..Z=35, '<'=0)."""
    if char.isdigit():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == "<":
        return 0
    raise MRZError(f"invalid MRZ character {char!r}")


def check_digit(field: str) -> str:
    """Compute the ICAO 9303 check digit (weights 7, 3, 1, modulo 10) of a field."""
    return str(sum(char_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(field)) % 10)


def _check(field: str, digit: str) -> bool:
    # A '<' check digit is allowed only for an entirely empty optional field.
    if digit == "<":
        return set(field) <= {"<"}
    return check_digit(field) == digit


def _birth_date(yymmdd: str, current_year: int) -> str:
    if not yymmdd.isdigit():
        return ""
    year = 2000 + int(yymmdd[:2])
    if year > current_year:
        year -= 100
    return f"{year:04d}-{yymmdd[2:4]}-{yymmdd[4:6]}"


def _names(field: str) -> tuple[str, str]:
    surname, _, given = field.strip("<").partition("<<")
    return surname.replace("<", " ").strip(), given.replace("<", " ").strip()


def _lines(text: str) -> tuple[str, list[str]]:
    """Split a zone into its lines (newline-separated or concatenated) and tell its format."""
    lines = [ln.strip().upper() for ln in text.strip().splitlines() if ln.strip()]
    if len(lines) == 1:  # scanners and forms often join the lines
        for count, width in FORMATS.values():
            if len(lines[0]) == count * width:
                lines = [lines[0][i * width : (i + 1) * width] for i in range(count)]
                break
    for fmt, (count, width) in FORMATS.items():
        if len(lines) == count and all(len(ln) == width for ln in lines):
            if not all(_CHARS.match(ln) for ln in lines):
                raise MRZError("a machine-readable zone holds only the characters A-Z, 0-9 and '<'")
            return fmt, lines
    raise MRZError(
        "a machine-readable zone has three lines of 30 characters (TD1 identity card), "
        "two lines of 36 (TD2) or two lines of 44 (TD3 passport)"
    )


def _sex(char: str) -> str | None:
    return {"M": "male", "F": "female"}.get(char)


def _td3(one: str, two: str, current_year: int) -> DocumentMRZ:
    if one[0] != "P":
        raise MRZError("a TD3 passport zone starts with 'P'")
    surname, given = _names(one[5:44])
    composite = two[0:10] + two[13:20] + two[21:43]
    checks = {
        "number": _check(two[0:9], two[9]),
        "birth_date": _check(two[13:19], two[19]),
        "expiry_date": _check(two[21:27], two[27]),
        "optional_data": _check(two[28:42], two[42]),
        "composite": _check(composite, two[43]),
    }
    return DocumentMRZ("TD3", one[0:2].strip("<"), one[2:5].strip("<"), surname, given, two[0:9].strip("<"),
                       two[10:13].strip("<"), _birth_date(two[13:19], current_year), _sex(two[20]),
                       _birth_date(two[21:27], 2099), two[28:42].strip("<"), checks)  # fmt: skip


def _td2(one: str, two: str, current_year: int) -> DocumentMRZ:
    surname, given = _names(one[5:36])
    number, number_check = two[0:9], two[9]
    optional = two[28:35]
    if number_check == "<" and optional.strip("<"):  # a number longer than 9: the rest and its check follow
        rest = optional.strip("<")
        number, number_check, optional = number + rest[:-1], rest[-1], ""
    composite = two[0:10] + two[13:20] + two[21:35]
    checks = {
        "number": _check(number, number_check),
        "birth_date": _check(two[13:19], two[19]),
        "expiry_date": _check(two[21:27], two[27]),
        "composite": _check(composite, two[35]),
    }
    return DocumentMRZ("TD2", one[0:2].strip("<"), one[2:5].strip("<"), surname, given, number.strip("<"),
                       two[10:13].strip("<"), _birth_date(two[13:19], current_year), _sex(two[20]),
                       _birth_date(two[21:27], 2099), optional.strip("<"), checks)  # fmt: skip


def _td1(one: str, two: str, three: str, current_year: int) -> DocumentMRZ:
    number, number_check = one[5:14], one[14]
    optional = one[15:30]
    if number_check == "<" and optional.strip("<"):  # a number longer than 9: the rest and its check follow
        rest = optional.split("<", 1)[0]
        number, number_check, optional = number + rest[:-1], rest[-1], optional[len(rest) :]
    surname, given = _names(three)
    composite = one[5:30] + two[0:7] + two[8:15] + two[18:29]
    checks = {
        "number": _check(number, number_check),
        "birth_date": _check(two[0:6], two[6]),
        "expiry_date": _check(two[8:14], two[14]),
        "composite": _check(composite, two[29]),
    }
    optional_data = (optional.strip("<") + " " + two[18:29].strip("<")).strip()
    return DocumentMRZ("TD1", one[0:2].strip("<"), one[2:5].strip("<"), surname, given, number.strip("<"),
                       two[15:18].strip("<"), _birth_date(two[0:6], current_year), _sex(two[7]),
                       _birth_date(two[8:14], 2099), optional_data, checks)  # fmt: skip


def parse_mrz(text: str, current_year: int = 2026) -> DocumentMRZ:
    """Parse a TD1, TD2 or TD3 machine-readable zone and verify its check digits (a failed check is reported
    in ``checks``, not raised: a misread or an altered document is for the officer to see)."""
    fmt, lines = _lines(text)
    if fmt == "TD3":
        return _td3(lines[0], lines[1], current_year)
    if fmt == "TD2":
        return _td2(lines[0], lines[1], current_year)
    return _td1(lines[0], lines[1], lines[2], current_year)
