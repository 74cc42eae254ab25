"""Normalise nationalities, genders and document numbers for comparison."""

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from rigour.territories import lookup_territory

_NOT_ALNUM = re.compile(r"[^A-Z0-9]")
_MAX_ID = 64


@lru_cache(maxsize=4096)
def normalize_country(value: str) -> str | None:
    """Return a lowercase ISO 3166 alpha-2 code for a code or country name, or None."""
    text = value.strip()[:100]
    if not text:
        return None
    if len(text) == 2 and text.isascii() and text.isalpha():
        return text.lower()
    territory = lookup_territory(text)
    return territory.code[:2] if territory is not None else None


def normalize_gender(value: str | None) -> str | None:
    """Return 'male', 'female' or None."""
    text = (value or "").strip().lower()
    if text in ("male", "m", "man"):
        return "male"
    if text in ("female", "f", "woman"):
        return "female"
    return None


def normalize_document(value: str) -> str | None:
    """Return an identifier with separators removed and O/0 confusion folded, or None if too short."""
    text = unicodedata.normalize("NFKC", value[: _MAX_ID * 4]).upper()
    text = _NOT_ALNUM.sub("", text)[:_MAX_ID].replace("O", "0")
    return text if len(text) >= 4 else None


def countries(values: Iterable[str]) -> frozenset[str]:
    """Normalise a list of nationalities into a set of alpha-2 codes."""
    return frozenset(c for c in map(normalize_country, values) if c)


def documents(values: Iterable[str]) -> frozenset[str]:
    """Normalise a list of document numbers into a set of keys."""
    return frozenset(d for d in map(normalize_document, values) if d)
