"""Any-script token keys of free text, from the matching engine's name analysis (Arabic, Latin, Cyrillic meet)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from manara.matching.names import NameForm, analyze_name, token_key
from manara.matching.text import clean

MAX_QUERY_TOKENS = 8
MAX_TEXT_CHARS = 4000


@dataclass(frozen=True, slots=True)
class Token:
    """A word's fine phonetic forms and its index keys (skeletons): equal keys match across scripts."""

    fines: frozenset[str]
    keys: frozenset[str]


CHUNK_WORDS = 12
CHUNK_OVERLAP = 3  # compounds (Abd al-Rahman) and articles that straddle a chunk boundary still meet


def _tokens(forms: tuple[NameForm, ...]) -> list[Token]:
    """Return one token per position of the main form, merged with the same position of its variants."""
    if not forms:
        return []
    out = []
    for i, fine in enumerate(forms[0].tokens):
        same = [f for f in forms if len(f.tokens) == len(forms[0].tokens)]
        fines = frozenset({fine, *(f.tokens[i] for f in same)})
        keys = frozenset(token_key(f.tokens[i], f.skels[i]) for f in same)
        out.append(Token(fines, keys))
    return out


@lru_cache(maxsize=100_000)
def _chunk(words: str) -> tuple[frozenset[str], frozenset[str]]:
    fines: set[str] = set()
    keys: set[str] = set()
    for form in analyze_name(words):
        fines.update(form.tokens)
        keys.update(token_key(f, k) for f, k in zip(form.tokens, form.skels, strict=True))
    return frozenset(fines), frozenset(keys)


@lru_cache(maxsize=50_000)  # records are searched again and again: analyse each text once per process
def text_tokens(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """Return the fine forms and keys of the words of ``text`` (cut to MAX_TEXT_CHARS), analysed as names."""
    words = clean(text[:MAX_TEXT_CHARS]).split()
    fines: set[str] = set()
    keys: set[str] = set()
    step = CHUNK_WORDS - CHUNK_OVERLAP
    for start in range(0, max(len(words) - CHUNK_OVERLAP, 1), step):
        f, k = _chunk(" ".join(words[start : start + CHUNK_WORDS]))
        fines |= f
        keys |= k
    return frozenset(fines), frozenset(keys)


def query_tokens(q: str) -> list[Token]:
    """Return the tokens of a query (articles dropped, compounds joined as in names), at most MAX_QUERY_TOKENS."""
    words = clean(q).split()[: MAX_QUERY_TOKENS * 2]
    out: list[Token] = []
    for token in _tokens(analyze_name(" ".join(words))):
        if token not in out:
            out.append(token)
    return out[:MAX_QUERY_TOKENS]
