"""Organisation names for cross-matching: legal forms removed, transliterated, compared as token sets.

"Atlas Trading SARL", "ATLAS TRADING S.A.R.L." and "Atlas Trading Société à responsabilité limitée"
share one key; so do "ООО Ромашка" and "Romashka OOO". Legal forms come from rigour's
organisation-type database (OCCRP, ISO 20275 and Wikipedia sources).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from rigour.names.org_types import remove_org_types
from rigour.text.normalize import Normalize, normalize
from rigour.text.translit import ascii_text

ORG_SCHEMATA = frozenset({"Organization", "Company", "LegalEntity", "PublicBody"})
ORG_ALGORITHM = "org-name-v1"
MIN_KEY_LENGTH = 5  # shorter names ("ABC", "Nur") say too little on their own
SAME_COUNTRY_SCORE = 0.9
OTHER_COUNTRY_SCORE = 0.7  # a namesake abroad is more often another company
_FLAGS = Normalize.CASEFOLD | Normalize.SQUASH_SPACES | Normalize.NFC
_NON_WORD = re.compile(r"[^\w]+")


@lru_cache(maxsize=65536)
def org_name_key(name: str) -> str | None:
    """Return the comparison key of an organisation name, or None if too little is left of it."""
    text = normalize(name, _FLAGS) or ""
    text = remove_org_types(text, " ", normalize_flags=_FLAGS)
    tokens = _NON_WORD.sub(" ", ascii_text(text).lower()).split()
    # Transliteration may reveal a legal form written in another script (ООО -> ooo): remove again.
    tokens = remove_org_types(" ".join(tokens), " ", normalize_flags=_FLAGS).split()
    key = " ".join(sorted(set(tokens)))
    return key if len(key.replace(" ", "")) >= MIN_KEY_LENGTH else None


def org_name_keys(schema: str, props: dict[str, Any]) -> set[str]:
    """Return the name keys of an organisation entity (none for other schemata)."""
    if schema not in ORG_SCHEMATA:
        return set()
    names = [str(v) for key in ("name", "alias", "previousName") for v in props.get(key) or [] if v]
    return {key for key in map(org_name_key, names) if key}


def org_countries(props: dict[str, Any]) -> set[str]:
    """Return the lower-case countries an organisation is tied to."""
    return {str(v).lower() for key in ("jurisdiction", "country") for v in props.get(key) or [] if v}
