"""Analyse a name into phonetic token forms ready for indexing and comparison."""

import sys
from dataclasses import dataclass
from functools import lru_cache

from manara.matching.arabic import TITLES, glued_article_variant, glued_connector_variant, is_kunya, merge_compounds
from manara.matching.phonetic import fold, skeleton
from manara.matching.text import name_script, romanize

# Scripts whose romanisation is unreliable (no vowels, syllabic or lossy): compare skeletons.
_EXACT_SCRIPTS = frozenset({"Latin", "Cyrillic", "Greek", "Armenian", "Georgian", "Common"})
MAX_FORMS = 32
BARE_PREFIX = "~"


@dataclass(frozen=True, slots=True)
class NameForm:
    """One analysed name: fine phonetic tokens, their skeletons and how loosely to compare them."""

    text: str
    tokens: tuple[str, ...]
    skels: tuple[str, ...]
    loose: bool
    minor: tuple[bool, ...]


def token_key(fine: str, skel: str) -> str:
    """Return the index key of one token: its skeleton, or its fine form if it has no consonant."""
    return skel if skel else BARE_PREFIX + fine


@lru_cache(maxsize=500_000)
def _token(token: str) -> tuple[str, str, bool]:
    """Return a token's fine form, skeleton and whether it is minor (names repeat their tokens heavily)."""
    return sys.intern(fold(token)), sys.intern(skeleton(token)), token in TITLES or is_kunya(token)


def _form(text: str, tokens: list[str], loose: bool) -> NameForm:
    fine, skels, minor = zip(*map(_token, tokens), strict=True)
    return NameForm(text, fine, skels, loose, minor)


@lru_cache(maxsize=200_000)
def analyze_name(name: str) -> tuple[NameForm, ...]:
    """Return the forms of a name: the main one, plus one without glued articles and one with a
    glued Ben/Bin (Ben Ali -> benali) where they apply."""
    raw = romanize(name)
    tokens = merge_compounds(raw)
    if not tokens:
        return ()
    loose = name_script(name) not in _EXACT_SCRIPTS
    forms = [_form(name, tokens, loose)]
    variant = [glued_article_variant(t) or t for t in tokens]
    if variant != tokens:
        forms.append(_form(name, variant, loose))
    glued = glued_connector_variant(raw)
    if glued is not None:
        forms.append(_form(name, merge_compounds(glued), loose))
    return tuple(forms)


def analyze_names(names: tuple[str, ...]) -> tuple[NameForm, ...]:
    """Analyse all names of a record, dropping duplicates, at most MAX_FORMS."""
    seen: dict[tuple[str, ...], NameForm] = {}
    for name in names:
        for form in analyze_name(name):
            key = (*sorted(form.tokens), str(form.loose))
            seen.setdefault(key, form)
    return tuple(seen.values())[:MAX_FORMS]
