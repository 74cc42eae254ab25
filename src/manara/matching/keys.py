"""Blocking keys of a prepared record: name skeletons, joined neighbours, document numbers."""

from functools import lru_cache

from manara.matching.names import NameForm, token_key
from manara.matching.phonetic import join_skeletons, vocalised
from manara.matching.scorer import Prepared

DOC_PREFIX = "#"
DATE_PREFIX = "@"
YEAR_PREFIX = "%"
VOWEL_PREFIX = "'"
PAIR_SEP = "|"
SHORT_SKELETON = 2
MAX_PAIR_TOKENS = 6
MAX_KEYS = 256


@lru_cache(maxsize=500_000)
def _token_keys(fine: str, skel: str) -> tuple[str, ...]:
    key = token_key(fine, skel)
    return (key, VOWEL_PREFIX + vocalised(fine)) if len(skel) <= SHORT_SKELETON and len(fine) > 1 else (key,)


def token_keys(form: NameForm) -> set[str]:
    """Return the key of each token of a name, plus a vowelled key for short skeletons."""
    return {k for f, s in zip(form.tokens, form.skels, strict=True) for k in _token_keys(f, s)}


def pair_keys(form: NameForm) -> set[str]:
    """Return order-free keys of every pair of major tokens (rare pairs block common names)."""
    toks = sorted(
        {token_key(f, s) for f, s, m in zip(form.tokens, form.skels, form.minor, strict=True) if not m and len(f) > 1}
    )[:MAX_PAIR_TOKENS]
    return {f"{a}{PAIR_SEP}{b}" for i, a in enumerate(toks) for b in toks[i + 1 :]}


def joined_keys(form: NameForm) -> set[str]:
    """Return the keys of adjacent token pairs joined, and of short names joined whole."""
    skels = form.skels
    keys = {join_skeletons(skels[i], skels[i + 1]) for i in range(len(skels) - 1)}
    if 2 < len(skels) <= 4:
        keys.add(join_skeletons(*skels))
    keys.discard("")
    return keys


def name_keys(form: NameForm) -> frozenset[str]:
    """Return the keys of a name: each token, each adjacent pair joined, and short names joined."""
    return _name_keys(form.tokens, form.skels, form.minor)


@lru_cache(maxsize=200_000)
def _name_keys(tokens: tuple[str, ...], skels: tuple[str, ...], minor: tuple[bool, ...]) -> frozenset[str]:
    # Cached on the analysed tokens (not the text): every spelling that analyses alike shares its keys.
    form = NameForm("", tokens, skels, False, minor)
    return frozenset(token_keys(form) | joined_keys(form) | pair_keys(form))


def date_keys(dates: tuple[str, ...], countries: frozenset[str] = frozenset()) -> set[str]:
    """Return keys of full birth dates (YYYY-MM-DD), alone and combined with each nationality."""
    full = {d[:10] for d in dates if len(d) >= 10 and d[4] == "-" and d[7] == "-"}
    keys = {DATE_PREFIX + d for d in full}
    keys |= {f"{DATE_PREFIX}{d}{PAIR_SEP}{c}" for d in full for c in sorted(countries)[:8]}
    return keys


def year_keys(dates: tuple[str, ...]) -> set[str]:
    """Return keys of birth years (of full, partial or year-only dates): too common to find candidates,
    they re-rank the leaders (a wanted person known by a common name and a birth year only)."""
    return {YEAR_PREFIX + d[:4] for d in dates if len(d) >= 4 and d[:4].isdigit()}


def record_keys(record: Prepared) -> set[str]:
    """Return all blocking keys of a prepared record (bounded)."""
    keys: set[str] = set()
    for form in record.names:
        keys |= name_keys(form)
    keys |= {DOC_PREFIX + d for d in record.documents}
    keys |= date_keys(record.birth_dates, record.countries)
    keys |= year_keys(record.birth_dates)
    return set(sorted(keys)[:MAX_KEYS])


def deletions(key: str) -> set[str]:
    """Return the strings one deletion away from a key (SymSpell neighbourhood)."""
    return {key[:i] + key[i + 1 :] for i in range(len(key))}
