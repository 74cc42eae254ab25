"""Phonetic folding of romanised name tokens: a fine form and a consonant skeleton.

The fine form merges spellings that transliteration conventions disagree on (English vs
French/Maghrebi vs Russian renderings of Arabic, Aleksandr/Alexander, ou/u, kh/x, dj/j,
ch/sh, q/k, doubled letters, ta marbuta). The skeleton keeps only consonant classes, so
that a vowel-less abjad spelling, a Korean or Hebrew rendering and a Latin spelling of the
same name meet.
"""

import re
from functools import lru_cache

_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"^x", "h"),
        (r"x", "ks"),
        (r"sch|sh|ch|tch|tsch", "S"),
        (r"dzh|dj|zh|j|dsch", "J"),
        (r"kh|(?<!n)gh(?=[^aeiou]|$)", "h"),
        (r"(?<!n)gh", "g"),
        (r"ph", "f"),
        (r"th", "t"),
        (r"dh", "d"),
        (r"ck|q|c(?![eiy])", "k"),
        (r"c", "s"),
        (r"w", "v"),
        (r"ou|oo|uo", "u"),
        (r"ee|ie|ey|ei|ay|ai|ya", "i"),
        (r"y", "i"),
        (r"e", "i"),
        (r"o", "u"),
        (r"(?<=[aiu])h$", ""),
        (r"(?<=[^aiu])i$", "i"),
    )
)
_DOUBLE = re.compile(r"(.)\1+")
_CLASSES = {"h": None, "p": "b", "f": "b", "v": "b", "d": "t", "g": "k", "z": "s", "S": "s", "J": "s", "r": "l"}
_SKELETON = str.maketrans({**_CLASSES, "a": None, "i": None, "u": None})
_VOCALISED = str.maketrans(_CLASSES)


@lru_cache(maxsize=500_000)
def fold(token: str) -> str:
    """Return the fine phonetic form of a romanised token (lowercase ASCII in, letters out)."""
    if token.isdigit():
        return token
    out = _DOUBLE.sub(r"\1", token)
    for pattern, repl in _RULES:
        out = pattern.sub(repl, out)
    if len(out) > 3 and out.endswith("i") and token.endswith("e"):
        out = out[:-1]
    return _DOUBLE.sub(r"\1", out)


@lru_cache(maxsize=500_000)
def skeleton(token: str) -> str:
    """Return the consonant-class skeleton of a romanised token ('' if it has no consonant)."""
    if token.isdigit():
        return token
    return _DOUBLE.sub(r"\1", fold(token).translate(_SKELETON))


def join_skeletons(*parts: str) -> str:
    """Join skeletons as the skeleton of the joined tokens would be (no double at the seams)."""
    out = ""
    for part in parts:
        out += part[1:] if out and part and out[-1] == part[0] else part
    return out


def vocalised(fine: str) -> str:
    """Return a fine form with consonants merged into classes but vowels kept (for short names)."""
    return _DOUBLE.sub(r"\1", fine.translate(_VOCALISED))


_VOWELS = str.maketrans({"a": None, "i": None, "u": None})


def consonants(fine: str) -> str:
    """Return a fine form without its vowels (what an abjad spelling keeps)."""
    return fine.translate(_VOWELS) or fine
