"""Clean any Unicode name and romanise it token by token to lowercase ASCII."""

import re
import unicodedata
from functools import lru_cache

from normality import ascii_text
from rigour.text.scripts import codepoint_script
from rigour.text.translit import maybe_ascii

from manara.matching.hangul import romanize_hangul, split_korean_name
from manara.matching.scripts import ARABIC, HEBREW, HEBREW_GERESH

MAX_NAME_CHARS = 400
MAX_TOKENS = 16
_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_GERESH = "'׳`’"
_SPLIT = re.compile(r"[^a-z0-9]+")
_LATIN_EXTRA = str.maketrans(
    {"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ŀ": "l", "ħ": "h"}
)


class _CharMap(dict[int, str | None]):
    """str.translate table computed lazily per code point: controls dropped, separators to space."""

    def __missing__(self, cp: int) -> str | None:
        char = chr(cp)
        cat = unicodedata.category(char)
        value: str | None = char
        if cat in _DROP_CATEGORIES or (cat == "Mn" and _is_abjad_mark(char)):
            value = None
        elif cat == "Nd":
            value = str(unicodedata.decimal(char, 0))
        elif cat[0] in "ZPS" and char not in _GERESH:
            value = " "
        if len(self) < _MAX_CACHED_CHARS:
            self[cp] = value
        return value


_MAX_CACHED_CHARS = 100_000
_CHARS = _CharMap()


def clean(text: str) -> str:
    """Return NFKC text without controls, bidi/zero-width marks or vowel points, cut to size."""
    text = unicodedata.normalize("NFKC", text[: MAX_NAME_CHARS * 2])[:MAX_NAME_CHARS]
    return text.translate(_CHARS)


def _is_abjad_mark(char: str) -> bool:
    return "\u0591" <= char <= "\u05c7" or "\u0610" <= char <= "\u06ed" or "\u08d3" <= char <= "\u08ff"


def script_of(token: str) -> str:
    """Return the script of the first letter of a token ('Latin', 'Arabic', ...)."""
    for char in token:
        if char.isalpha():
            return codepoint_script(ord(char)) or "Common"
    return "Common"


def _arabic(token: str) -> str:
    if token.startswith("ال") and len(token) > 3:
        token = token[2:]
    head = "a" if token.startswith("ع") else ""
    return head + "".join(ARABIC.get(c, c) for c in token)


def _hebrew(token: str) -> str:
    out: list[str] = []
    for i, char in enumerate(token):
        if char in _GERESH:
            continue
        nxt = token[i + 1] if i + 1 < len(token) else ""
        if nxt and nxt in _GERESH and char in HEBREW_GERESH:
            out.append(HEBREW_GERESH[char])
        elif char == "ו" and (not out or nxt == "ו"):
            out.append("v")
        elif char == "ו" and out and out[-1] == "v" and token[i - 1] == "ו":
            continue
        elif char == "ה" and i == len(token) - 1 and i > 0:
            out.append("a")
        else:
            out.append(HEBREW.get(char, char))
    return "".join(out)


def _latin_fold(text: str) -> str:
    text = text.lower().translate(_LATIN_EXTRA)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    if not text.isascii():
        text = ascii_text(text).lower()
    return text


@lru_cache(maxsize=200_000)
def romanize_token(token: str) -> str:
    """Romanise one cleaned token (any script) to lowercase ASCII letters and digits."""
    script = script_of(token)
    if script == "Arabic":
        token = _arabic(token)
    elif script == "Hebrew":
        token = _hebrew(token)
    elif script == "Hangul":
        token = romanize_hangul(token)
    elif script in ("Cyrillic", "Greek", "Armenian", "Georgian"):
        token = maybe_ascii(token)
    elif script not in ("Latin", "Common"):
        token = ascii_text(token)
    return _SPLIT.sub("", _latin_fold(token))


def romanize(name: str) -> list[str]:
    """Split a name into at most MAX_TOKENS romanised tokens; empty tokens are dropped."""
    out = []
    raw_tokens = clean(name).split()[: MAX_TOKENS * 2]
    if len(raw_tokens) == 1:
        raw_tokens = split_korean_name(raw_tokens[0])
    for raw in raw_tokens:
        for part in _SPLIT.split(romanize_token(raw)):
            if part:
                out.append(part)
    return out[:MAX_TOKENS]


def name_script(name: str) -> str:
    """Return the main script of a name, used to pick the comparison mode."""
    return script_of(clean(name))
