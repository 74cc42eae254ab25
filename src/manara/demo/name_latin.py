"""Build names of persons from European countries and Turkey, including immigrant minorities."""

from __future__ import annotations

import random

from manara.demo import name_data_europe as data
from manara.demo.name_arabic import arabic_name
from manara.demo.name_data_arabic import parse_pool
from manara.demo.name_pool import PersonName, Pool, dedupe

MALE = {cc: Pool(parse_pool(spec)) for cc, spec in data.MALE.items()}
FEMALE = {cc: Pool(parse_pool(spec)) for cc, spec in data.FEMALE.items()}
SURNAMES = {cc: Pool(parse_pool(spec)) for cc, spec in data.SURNAMES.items()}
# Share of residents with a name from another naming tradition: (origin, transliteration style).
MINORITIES: dict[str, list[tuple[float, str, str | None]]] = {
    "FR": [(0.05, "DZ", "fr_dz"), (0.04, "MA", "fr_ma"), (0.02, "TN", "fr_tn"), (0.02, "TR", None)],
    "BE": [(0.07, "MA", "fr_ma"), (0.03, "TR", None)],
    "NL": [(0.05, "MA", "fr_ma"), (0.05, "TR", None)],
    "DE": [(0.07, "TR", None), (0.02, "IQ", "en"), (0.01, "LB", "lev")],
    "ES": [(0.05, "MA", "fr_ma")],
    "IT": [(0.03, "MA", "fr_ma"), (0.02, "TN", "fr_tn"), (0.01, "EG", "eg")],
    "GB": [(0.03, "IQ", "en"), (0.02, "EG", "en")],
}
_ASCII = str.maketrans(
    {
        "á": "a",
        "à": "a",
        "â": "a",
        "ä": "a",
        "ç": "c",
        "é": "e",
        "è": "e",
        "ê": "e",
        "ë": "e",
        "í": "i",
        "ì": "i",
        "î": "i",
        "ï": "i",
        "ı": "i",
        "İ": "I",
        "ñ": "n",
        "ó": "o",
        "ò": "o",
        "ô": "o",
        "ö": "o",
        "ú": "u",
        "ù": "u",
        "û": "u",
        "ü": "u",
        "ş": "s",
        "Ş": "S",
        "ğ": "g",
        "Ç": "C",
        "Ö": "O",
        "Ü": "U",
        "Á": "A",
        "É": "E",
        "Í": "I",
        "Ó": "O",
        "Ú": "U",
        "ß": "ss",
    }
)
# German and Dutch registries transcribe umlauts instead of dropping them (Müller -> Mueller).
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def fold(text: str) -> str:
    """Strip diacritics the way machine-readable zones and old databases do."""
    return text.translate(_ASCII)


def _variants(name: str, country: str) -> list[str]:
    out = [fold(name)]
    if country in ("DE", "TR", "NL"):
        out.append(fold(name.translate(_GERMAN)))
    return out


def _given(country: str, male: bool, rng: random.Random) -> str:
    return (MALE if male else FEMALE)[country].pick(rng).replace("_", " ")


def _spanish(male: bool, rng: random.Random) -> PersonName:
    """Spanish names carry the father's and then the mother's first surname."""
    first = _given("ES", male, rng)
    s1 = SURNAMES["ES"].pick(rng).replace("_", " ")
    s2 = SURNAMES["ES"].pick(rng).replace("_", " ")
    name = f"{first} {s1} {s2}"
    aliases = [f"{first} {s1}", *_variants(name, "ES"), fold(f"{first} {s1}")]
    return PersonName(name=name, first=first, last=f"{s1} {s2}", father=None, aliases=dedupe(aliases, name))


def _minority(country: str, male: bool, rng: random.Random) -> PersonName | None:
    roll = rng.random()
    for share, origin, style in MINORITIES.get(country, ()):
        if roll < share:
            if origin == "TR":
                return latin_name("TR", rng, male)
            return arabic_name(origin, rng, male, style=style)
        roll -= share
    return None


def latin_name(country: str, rng: random.Random, male: bool) -> PersonName:
    """Build a name for a resident of a European country or Turkey."""
    minority = _minority(country, male, rng) if country in MINORITIES else None
    if minority is not None:
        return minority
    if country == "ES":
        return _spanish(male, rng)
    first = _given(country, male, rng)
    last = SURNAMES[country].pick(rng).replace("_", " ")
    if country == "NL" and last[0].islower():
        last_display = last  # Dutch tussenvoegsels stay lower case after a given name
    else:
        last_display = last
    name = f"{first} {last_display}"
    aliases = _variants(name, country)
    if country == "NL" and last[0].islower():
        aliases.append(f"{first} {last[0].upper()}{last[1:]}")
    return PersonName(name=name, first=first, last=last, father=None, aliases=dedupe(aliases, name))
