"""Seeded, fast generation of realistic FtM Person entities and their related entities."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from typing import Any

from manara.crypto.addresses import script_to_address
from manara.demo.name_places import (
    AUTHORITIES,
    CITIES,
    COUNTRIES,
    ID_PATTERNS,
    ORG_SUFFIXES,
    PASSPORT_PATTERNS,
    PASSPORT_VALIDITY_YEARS,
    PLATE_PATTERNS,
    VEHICLE_MODELS,
)
from manara.demo.names import make_name

__all__ = ["COUNTRIES", "generate_persons", "generate_related", "name_variants"]

Entity = dict[str, Any]
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_ALNUM = "CFGHJKLMNPRTVWXYZ0123456789"  # German document alphabet: no vowels, no look-alikes
_ARABIC_PLATE = "أبدهوطي"
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
_BLOCK = 64


def _compile(pattern: str) -> list[tuple[int, list[str]]]:
    """Turn a pattern into steps: (digit count, []) or (0, table of strings to draw one from)."""
    steps: list[tuple[int, list[str]]] = []
    for c in pattern:
        if c == "9" and steps and steps[-1][0]:
            steps[-1] = (steps[-1][0] + 1, [])
        elif c == "9":
            steps.append((1, []))
        elif c in _ALPHABETS:
            steps.append((0, list(_ALPHABETS[c])))
        else:
            steps.append((0, [c]))
    merged: list[tuple[int, list[str]]] = []
    for count, table in steps:  # pre-join letter pairs so one draw yields two characters
        if merged and not count and not merged[-1][0] and len(merged[-1][1]) * len(table) <= 1024:
            merged[-1] = (0, [a + b for a in merged[-1][1] for b in table])
        else:
            merged.append((count, table))
    return merged


_ALPHABETS = {"@": _LETTERS, "*": _ALNUM, "#": _ARABIC_PLATE}
_COMPILED: dict[str, list[tuple[int, list[str]]]] = {}


def _fill(pattern: str, rng: random.Random) -> str:
    """Fill a pattern: '@' letter, '9' digit, '*' document alphanumeric, '#' Arabic letter."""
    steps = _COMPILED.get(pattern)
    if steps is None:
        steps = _COMPILED[pattern] = _compile(pattern)
    rand = rng.random
    return "".join(
        [f"{int(rand() * 10**count):0{count}d}" if count else table[int(rand() * len(table))] for count, table in steps]
    )


def _birth_date(rng: random.Random) -> tuple[int, int, int]:
    """Adults born 1950-2005, most in the 1970s-1990s."""
    year = 1950 + int((rng.random() + rng.random()) * 28)
    month = 1 + int(rng.random() * 12)
    day = 1 + int(rng.random() * _DAYS[month - 1])
    return year, month, day


def _tr_identity(rng: random.Random) -> str:
    """Turkish T.C. Kimlik number with its two check digits."""
    d = [1 + int(rng.random() * 9)] + [int(rng.random() * 10) for _ in range(8)]
    d10 = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
    d11 = (sum(d) + d10) % 10
    return "".join(map(str, [*d, d10, d11]))


def _id_number(cc: str, rng: random.Random, born: tuple[int, int, int], male: bool) -> str:
    """A national identity number in the shape used by the country."""
    year, month, day = born
    if cc == "ES":
        digits = int(rng.random() * 100_000_000)
        return f"{digits:08d}{_DNI_LETTERS[digits % 23]}"
    if cc == "TR":
        return _tr_identity(rng)
    if cc == "EG":  # century digit, birth date, governorate, serial (odd for men), check digit
        serial = int(rng.random() * 500) * 2 + (1 if male else 0)
        gov = (1, 2, 3, 4, 12, 13, 14, 21, 88)[int(rng.random() * 9)]
        return f"{2 if year < 2000 else 3}{year % 100:02d}{month:02d}{day:02d}{gov:02d}{serial:03d}{_fill('99', rng)}"
    if cc == "AE":
        return f"784-{year}-{_fill('9999999', rng)}-{int(rng.random() * 10)}"
    if cc == "BE":  # registre national: birth date, serial (odd for men), mod 97 check
        serial = int(rng.random() * 499) * 2 + (1 if male else 2)
        base = int(f"{'2' if year >= 2000 else ''}{year % 100:02d}{month:02d}{day:02d}{serial:03d}")
        return f"{year % 100:02d}.{month:02d}.{day:02d}-{serial:03d}.{97 - base % 97:02d}"
    return _fill(ID_PATTERNS[cc], rng)


def _seed_base(cc: str, seed: int) -> int:
    digest = hashlib.sha256(f"manara-demo:{cc}:{seed}".encode()).digest()
    return int.from_bytes(digest[:8], "big") << 32


def _person(cc: str, entity_id: str, rng: random.Random, male: bool | None = None) -> Entity:
    """Build one Person entity dict; every draw comes from rng so the result is reproducible."""
    if male is None:
        male = rng.random() < 0.55
    pn = make_name(cc, rng, male)
    born = _birth_date(rng)
    cities = CITIES[cc]
    props: dict[str, list[str]] = {
        "name": [pn.name],
        "firstName": [pn.first],
        "lastName": [pn.last],
        "gender": ["male" if male else "female"],
        "nationality": [cc.lower()],
        "birthDate": [f"{born[0]}-{born[1]:02d}-{born[2]:02d}" if rng.random() < 0.9 else str(born[0])],
        "birthPlace": [cities[int(rng.random() * len(cities))]],
        "passportNumber": [_fill(PASSPORT_PATTERNS[cc], rng)],
    }
    if pn.aliases:
        props["alias"] = list(pn.aliases)
    if pn.weak_aliases:
        props["weakAlias"] = list(pn.weak_aliases)
    if pn.father:
        props["fatherName"] = [pn.father]
    if pn.middle:
        props["middleName"] = [pn.middle]
    if rng.random() < 0.3:
        props["idNumber"] = [_id_number(cc, rng, born, male)]
    return {"id": entity_id, "schema": "Person", "properties": props}


def _country(country: str) -> str:
    cc = country.upper()
    if cc not in COUNTRIES:
        raise ValueError(f"unsupported country {country!r}; choose one of {sorted(COUNTRIES)}")
    return cc


def generate_persons(country: str, n: int, *, seed: int = 0, start: int = 0) -> Iterator[dict[str, Any]]:
    """Yield n Person entities for a country; person i is the same whatever start and n are."""
    cc = _country(country)
    base = _seed_base(cc, seed)
    prefix = f"demo-{cc.lower()}-" if seed == 0 else f"demo-{cc.lower()}-s{seed}-"
    rng = random.Random()  # noqa: S311 - reproducible demo data, not security
    end = start + n
    # Reseeding costs ~12 us, so persons share one seed per block; the persons of a block that
    # precede `start` are generated and dropped so that person i never depends on `start`.
    for block in range(start // _BLOCK, (end + _BLOCK - 1) // _BLOCK):
        rng.seed(base + block)
        first = block * _BLOCK
        for i in range(first, min(first + _BLOCK, end)):
            person = _person(cc, f"{prefix}{i}", rng)
            if i >= start:
                yield person


def name_variants(person: dict[str, Any]) -> list[str]:
    """Return every spelling of the person's name: primary form first, then aliases."""
    props = person["properties"]
    out: list[str] = []
    for value in [*props.get("name", []), *props.get("alias", [])]:
        if value not in out:
            out.append(value)
    return out


def _date(rng: random.Random, first_year: int, last_year: int) -> tuple[int, int, int]:
    month = 1 + int(rng.random() * 12)
    return first_year + int(rng.random() * (last_year - first_year + 1)), month, 1 + int(rng.random() * 28)


def _iso(d: tuple[int, int, int]) -> str:
    return f"{d[0]}-{d[1]:02d}-{d[2]:02d}"


def _entity(entity_id: str, schema: str, **props: str | list[str]) -> Entity:
    return {
        "id": entity_id,
        "schema": schema,
        "properties": {k: v if isinstance(v, list) else [v] for k, v in props.items()},
    }


def _passport(person: Entity, cc: str, rng: random.Random) -> Entity:
    pid, props = person["id"], person["properties"]
    issued = _date(rng, 2016, 2024)
    expires = (issued[0] + PASSPORT_VALIDITY_YEARS.get(cc, 10), issued[1], issued[2])
    extra = {"authority": AUTHORITIES[cc]} if cc in AUTHORITIES else {}
    return _entity(
        f"{pid}-passport",
        "Passport",
        holder=pid,
        number=props["passportNumber"],
        country=cc.lower(),
        type="passport",
        startDate=_iso(issued),
        endDate=_iso(expires),
        givenName=props["firstName"],
        surname=props["lastName"],
        **extra,
    )


def _vehicle(person: Entity, cc: str, rng: random.Random) -> list[Entity]:
    pid = person["id"]
    plate = _fill(PLATE_PATTERNS.get(cc, "@@ 9999"), rng)
    model = VEHICLE_MODELS[int(rng.random() * len(VEHICLE_MODELS))]
    vehicle = _entity(
        f"{pid}-vehicle",
        "Vehicle",
        name=f"{model} {plate}",
        registrationNumber=plate,
        model=model,
        type="car",
        country=cc.lower(),
        buildDate=str(2005 + int(rng.random() * 19)),
    )
    owns = _entity(
        f"{pid}-owns-vehicle", "Ownership", owner=pid, asset=vehicle["id"], startDate=_iso(_date(rng, 2015, 2024))
    )
    return [vehicle, owns]


def _wallet(person: Entity, rng: random.Random) -> Entity:
    # A real P2WPKH address (bech32 with its checksum) of a random 20-byte key hash: imports check it.
    key, _ = script_to_address(bytes([0x00, 0x14]) + bytes(int(rng.random() * 256) for _ in range(20)))
    if key is None:  # pragma: no cover - a P2WPKH script always has an address
        raise RuntimeError("no address for a P2WPKH script")
    return _entity(f"{person['id']}-wallet", "CryptoWallet", publicKey=key, currencySymbol="BTC", holder=person["id"])


def _address(person: Entity, cc: str, rng: random.Random) -> list[Entity]:
    pid = person["id"]
    city = CITIES[cc][int(rng.random() * len(CITIES[cc]))]
    street = f"{1 + int(rng.random() * 180)}, {person['properties']['lastName'][0]} Street"
    address = _entity(
        f"{pid}-address", "Address", full=f"{street}, {city}", street=street, city=city, country=cc.lower()
    )
    link = _entity(f"{pid}-lives-at", "UnknownLink", subject=pid, object=address["id"], role="residence")
    return [address, link]


def _organization(person: Entity, cc: str, rng: random.Random) -> list[Entity]:
    pid = person["id"]
    suffixes = ORG_SUFFIXES.get(cc, ("Trading",))
    org_name = f"{person['properties']['lastName'][0]} {suffixes[int(rng.random() * len(suffixes))]}"
    org = _entity(f"{pid}-org", "Organization", name=org_name, country=cc.lower())
    member = _entity(
        f"{pid}-member-of",
        "Membership",
        member=pid,
        organization=org["id"],
        role=("manager", "partner", "employee")[int(rng.random() * 3)],
    )
    return [org, member]


def _relative(person: Entity, cc: str, rng: random.Random, kind: str) -> list[Entity]:
    pid = person["id"]
    male = person["properties"]["gender"][0] == "male"
    other = _person(cc, f"{pid}-{kind}", rng, male=not male if kind == "spouse" else None)
    if kind == "spouse":
        link = _entity(f"{pid}-family", "Family", person=pid, relative=other["id"], relationship="spouse")
    else:
        link = _entity(
            f"{pid}-associate-link", "Associate", person=pid, associate=other["id"], relationship="business associate"
        )
    return [other, link]


def generate_related(person: dict[str, Any], *, seed: int) -> list[dict[str, Any]]:
    """Return a Passport for the person and sometimes vehicles, wallets, places, organisations, people."""
    cc = _country(person["properties"]["nationality"][0])
    rng = random.Random(f"{person['id']}:{seed}")  # noqa: S311 - reproducible demo data
    out = [_passport(person, cc, rng)]
    if rng.random() < 0.25:
        out += _vehicle(person, cc, rng)
    if rng.random() < 0.1:
        out.append(_wallet(person, rng))
    if rng.random() < 0.4:
        out += _address(person, cc, rng)
    if rng.random() < 0.15:
        out += _organization(person, cc, rng)
    if rng.random() < 0.3:
        out += _relative(person, cc, rng, "spouse")
    if rng.random() < 0.15:
        out += _relative(person, cc, rng, "associate")
    return out
