"""Parse passport machine-readable zones (ICAO Doc 9303 TD3: two lines of 44 characters)."""

import re
from dataclasses import dataclass

from manara.matching.identifiers import normalize_country
from manara.matching.record import PersonRecord

_WEIGHTS = (7, 3, 1)
_LINE = re.compile(r"^[A-Z0-9<]{44}$")


class MRZError(ValueError):
    """The text is not a well-formed TD3 machine-readable zone."""


@dataclass(frozen=True)
class PassportMRZ:
    """Fields of a TD3 MRZ and whether each check digit verified."""

    document_type: str
    issuer: str
    surname: str
    given_names: str
    number: str
    nationality: str
    birth_date: str
    sex: str | None
    expiry_date: str
    personal_number: str
    checks: dict[str, bool]

    @property
    def valid(self) -> bool:
        """Tell whether every check digit verified."""
        return all(self.checks.values())

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


def parse_td3(text: str, current_year: int = 2026) -> PassportMRZ:
    """Parse a TD3 MRZ (two lines, newline-separated or concatenated) and verify check digits."""
    lines = [ln.strip().upper() for ln in text.strip().splitlines() if ln.strip()]
    if len(lines) == 1 and len(lines[0]) == 88:
        lines = [lines[0][:44], lines[0][44:]]
    if len(lines) != 2 or not all(_LINE.match(ln) for ln in lines):
        raise MRZError("a TD3 MRZ has two lines of 44 characters A-Z, 0-9 and '<'")
    one, two = lines
    if one[0] != "P":
        raise MRZError("a TD3 passport MRZ starts with 'P'")
    surname, given = _names(one[5:44])
    composite = two[0:10] + two[13:20] + two[21:43]
    checks = {
        "number": _check(two[0:9], two[9]),
        "birth_date": _check(two[13:19], two[19]),
        "expiry_date": _check(two[21:27], two[27]),
        "personal_number": _check(two[28:42], two[42]),
        "composite": _check(composite, two[43]),
    }
    sex = {"M": "male", "F": "female"}.get(two[20])
    return PassportMRZ(
        document_type=one[0:2].strip("<"),
        issuer=one[2:5].strip("<"),
        surname=surname,
        given_names=given,
        number=two[0:9].strip("<"),
        nationality=two[10:13].strip("<"),
        birth_date=_birth_date(two[13:19], current_year),
        sex=sex,
        expiry_date=_birth_date(two[21:27], 2099),
        personal_number=two[28:42].strip("<"),
        checks=checks,
    )
