"""Generated demo persons: reproducible, valid FtM, realistic names and document numbers."""

from __future__ import annotations

import re
import time
from collections import Counter
from typing import Any

import pytest
from followthemoney import model

from manara.demo.persons import COUNTRIES, generate_persons, generate_related, name_variants

ARABIC = re.compile("[\u0600-\u06ff]")
CYRILLIC = re.compile("[\u0400-\u04ff]")
ARABIC_COUNTRIES = ["MA", "DZ", "TN", "EG", "JO", "LB", "AE", "IQ", "SA", "LY"]
PASSPORTS = {
    "MA": r"[A-Z]{2}\d{7}",
    "DZ": r"\d{9}",
    "TN": r"[A-Z]\d{6}",
    "EG": r"A\d{8}",
    "FR": r"\d{2}[A-Z]{2}\d{5}",
    "ES": r"[A-Z]{3}\d{6}",
    "DE": r"C[CFGHJKLMNPRTVWXYZ0-9]{8}",
    "GB": r"\d{9}",
    "TR": r"U\d{8}",
    "LB": r"LR\d{7}",
    "UA": r"[A-Z]{2}\d{6}",
}


def _check_entity(entity: dict[str, Any]) -> None:
    proxy = model.get_proxy(entity, cleaned=False)
    assert proxy.schema.name == entity["schema"]
    # FtM drops values it cannot parse, so an exact round trip proves every value is valid.
    assert proxy.to_dict()["properties"] == entity["properties"], entity


def test_same_seed_same_persons() -> None:
    assert list(generate_persons("MA", 50, seed=7)) == list(generate_persons("MA", 50, seed=7))
    assert list(generate_persons("MA", 50, seed=7)) != list(generate_persons("MA", 50, seed=8))


def test_ranges_are_disjoint_and_independent_of_start() -> None:
    whole = list(generate_persons("EG", 300, seed=3))
    parts = list(generate_persons("EG", 130, seed=3)) + list(generate_persons("EG", 170, seed=3, start=130))
    assert parts == whole
    assert len({p["id"] for p in whole}) == 300
    assert whole[0]["id"] == "demo-eg-s3-0"
    assert next(generate_persons("fr", 1))["id"] == "demo-fr-0"


def test_unknown_country_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported country"):
        next(generate_persons("XX", 1))


@pytest.mark.parametrize("country", sorted(COUNTRIES))
def test_every_entity_is_valid_ftm(country: str) -> None:
    schemata: Counter[str] = Counter()
    for person in generate_persons(country, 150, seed=11):
        _check_entity(person)
        props = person["properties"]
        assert props["nationality"] == [country.lower()]
        assert props["gender"][0] in ("male", "female")
        related = generate_related(person, seed=1)
        assert related == generate_related(person, seed=1)
        ids = {person["id"]} | {e["id"] for e in related}
        for entity in related:
            _check_entity(entity)
            schemata[entity["schema"]] += 1
            proxy = model.get_proxy(entity, cleaned=False)
            for prop, value in proxy.itervalues():
                if prop.type.name == "entity":
                    assert value in ids, (prop.name, value)
        passport = related[0]
        assert passport["schema"] == "Passport"
        assert passport["properties"]["holder"] == [person["id"]]
        assert passport["properties"]["number"] == props["passportNumber"]
    assert {"Passport", "Vehicle", "Ownership", "Address", "Person", "Family"} <= set(schemata)


@pytest.mark.parametrize("country", ARABIC_COUNTRIES)
def test_arabic_countries_carry_arabic_script(country: str) -> None:
    for person in generate_persons(country, 100):
        aliases = person["properties"]["alias"]
        assert any(ARABIC.search(a) for a in aliases)
        assert not ARABIC.search(person["properties"]["name"][0])


@pytest.mark.parametrize("country", ["RU", "UA"])
def test_cyrillic_countries_carry_cyrillic_and_patronymic(country: str) -> None:
    for person in generate_persons(country, 100):
        props = person["properties"]
        assert any(CYRILLIC.search(a) for a in props["alias"])
        assert not CYRILLIC.search(props["name"][0])
        assert props["middleName"][0].endswith(("vich", "vych", "vna", "ich", "ichna"))


def test_same_arabic_name_has_many_latin_spellings() -> None:
    spellings: set[str] = set()
    for country in ("MA", "EG", "JO", "AE"):
        for person in generate_persons(country, 600):
            if person["properties"]["alias"][0].startswith("محمد "):
                spellings.update(v.split()[0] for v in name_variants(person) if not ARABIC.search(v))
    assert {"Mohamed", "Mohammed", "Muhammad", "Mohammad"} <= spellings


def _share(country: str, arabic_letter: str, french: str, english: str) -> float:
    """Share of names containing the letter whose primary spelling uses the French form."""
    counts: Counter[str] = Counter()
    for person in generate_persons(country, 1500):
        if arabic_letter in person["properties"]["alias"][0]:
            name = person["properties"]["name"][0].lower()
            counts["fr"] += french in name
            counts["en"] += english in name and french not in name
    return counts["fr"] / max(1, counts["fr"] + counts["en"])


@pytest.mark.parametrize("country", ["MA", "DZ", "TN"])
def test_maghreb_spells_the_french_way(country: str) -> None:
    assert _share(country, "ش", "ch", "sh") > 0.9
    assert _share(country, "و", "ou", "w") > 0.6


@pytest.mark.parametrize("country", ["EG", "JO", "AE"])
def test_mashriq_and_gulf_spell_the_english_way(country: str) -> None:
    assert _share(country, "ش", "ch", "sh") < 0.1


def test_egypt_writes_jim_as_g_and_algeria_as_dj() -> None:
    assert _share("EG", "ج", "g", "j") > 0.7
    assert _share("DZ", "ج", "dj", "j") > 0.6


def test_european_names_keep_diacritics_and_ascii_aliases() -> None:
    spanish = list(generate_persons("ES", 400))
    assert any("ñ" in p["properties"]["name"][0] or "á" in p["properties"]["name"][0] for p in spanish)
    for person in spanish:
        name = person["properties"]["name"][0]
        if name.isascii():
            continue
        assert any(alias.isascii() for alias in person["properties"]["alias"])
    two_surnames = sum(len(p["properties"]["lastName"][0].split()) >= 2 for p in spanish)
    assert two_surnames > 0.9 * len(spanish)  # the rest are Moroccan-born residents
    german = [p["properties"]["name"][0] for p in generate_persons("DE", 2000)]
    assert any("ü" in n or "ö" in n or "ß" in n for n in german)
    assert any(n.split()[0] in {"Mehmet", "Ahmet", "Mustafa", "Ayşe", "Fatma", "Emine"} for n in german)


@pytest.mark.parametrize("country", sorted(PASSPORTS))
def test_passport_numbers_follow_national_formats(country: str) -> None:
    for person in generate_persons(country, 200):
        assert re.fullmatch(PASSPORTS[country], person["properties"]["passportNumber"][0])


def test_identity_numbers_carry_valid_check_digits() -> None:
    dni = [p["properties"]["idNumber"][0] for p in generate_persons("ES", 300) if "idNumber" in p["properties"]]
    assert dni
    assert all(n[8] == "TRWAGMYFPDXBNJZSQVHLCKE"[int(n[:8]) % 23] for n in dni)
    kimlik = [p["properties"]["idNumber"][0] for p in generate_persons("TR", 300) if "idNumber" in p["properties"]]
    assert kimlik
    for number in kimlik:
        d = [int(c) for c in number]
        assert d[9] == ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
        assert d[10] == sum(d[:10]) % 10


def test_name_variants_lists_primary_then_aliases() -> None:
    person = next(generate_persons("TN", 1))
    variants = name_variants(person)
    assert variants[0] == person["properties"]["name"][0]
    assert set(person["properties"]["alias"]) <= set(variants)
    assert len(variants) == len(set(variants))
    assert not set(person["properties"].get("weakAlias", [])) & set(variants)


def test_common_given_names_dominate_with_a_long_tail() -> None:
    firsts = Counter(
        p["properties"]["firstName"][0] for p in generate_persons("EG", 3000) if p["properties"]["gender"] == ["male"]
    )
    top, _ = firsts.most_common(1)[0]
    assert top == "Mohamed"
    assert firsts[top] > 5 * firsts.most_common(20)[-1][1]
    assert len(firsts) > 120


def test_hundred_thousand_persons_generate_quickly() -> None:
    started = time.perf_counter()
    count = sum(1 for country in ("MA", "EG", "FR", "RU") for _ in generate_persons(country, 25_000, seed=5))
    elapsed = time.perf_counter() - started
    assert count == 100_000
    print(f"generated {count} persons in {elapsed:.2f}s: {count / elapsed:,.0f} persons/s")
