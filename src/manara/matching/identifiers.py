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


# Countries whose banks issue IBANs in the ISO 13616 form without being in SWIFT's IBAN registry (so not in
# python-stdnum's), with their length: Morocco and Algeria above all for Manara, the UEMOA and CEMAC zones,
# and others published in banks' lists of national IBAN formats. Length and the mod-97 check are enforced.
NATIONAL_IBAN_LENGTHS = {
    "MA": 28, "DZ": 26, "IR": 26, "AO": 25, "CV": 25, "GW": 25, "MZ": 25, "KM": 27, "MG": 27,
    "BF": 28, "BJ": 28, "CI": 28, "ML": 28, "NE": 28, "SN": 28, "TG": 28,
    "CF": 27, "CG": 27, "CM": 27, "GA": 27, "GQ": 27, "TD": 27,
}  # fmt: skip


def iban_problem(value: str) -> str | None:
    """Return why ``value`` is not a real IBAN (no such IBAN country, wrong length or format for that country,
    bad ISO 7064 checksum), or None when it is one; python-stdnum keeps the registry's per-country formats."""
    from stdnum import iban, numdb
    from stdnum.exceptions import ValidationError
    from stdnum.iso7064 import mod_97_10

    compact = iban.compact(value)
    national = NATIONAL_IBAN_LENGTHS.get(compact[:2])
    if national is not None:
        if len(compact) != national or not compact[2:4].isdigit() or not compact.isalnum():
            return f"an IBAN of {compact[:2]} has {national} characters"
        return (
            None if mod_97_10.is_valid(compact[4:] + compact[:4]) else "the number's checksum or check digit is invalid"
        )
    if not numdb.get("iban").info(compact)[0][1]:
        return f"no IBAN country {compact[:2]!r}"
    try:
        iban.validate(compact)
    except ValidationError as exc:
        return str(exc).lower().rstrip(".")
    return None


def bitcoin_problem(value: str) -> str | None:
    """Return why ``value`` is not a valid Bitcoin mainnet address (base58check or bech32/bech32m checksum,
    version, length), or None when it is one (python-stdnum)."""
    from stdnum import bitcoin
    from stdnum.exceptions import ValidationError

    try:
        bitcoin.validate(value)
    except ValidationError as exc:
        return str(exc).lower().rstrip(".")
    return None
