"""Pick the name builder for a country: Arabic script, European/Turkish Latin, or Cyrillic."""

from __future__ import annotations

import random

from manara.demo.name_arabic import CONVENTIONS, arabic_name
from manara.demo.name_cyrillic import cyrillic_name
from manara.demo.name_latin import latin_name
from manara.demo.name_pool import PersonName

ARABIC_COUNTRIES = frozenset(CONVENTIONS)
CYRILLIC_COUNTRIES = frozenset({"RU", "UA"})


def make_name(country: str, rng: random.Random, male: bool) -> PersonName:
    """Build a realistic name for a national of `country` (ISO alpha-2, upper case)."""
    if country in ARABIC_COUNTRIES:
        return arabic_name(country, rng, male)
    if country in CYRILLIC_COUNTRIES:
        return cyrillic_name(country, rng, male)
    return latin_name(country, rng, male)
