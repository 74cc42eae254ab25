"""Safe text: Unicode normalisation and removal of invisible controls from user input."""

from __future__ import annotations

import re
import unicodedata

KEEP_FORMAT = {"\u200c", "\u200d"}  # ZWNJ and ZWJ shape Persian/Arabic script and emoji
DROPPED_CATEGORIES = {"Cf", "Cc", "Cs", "Co"}
# Format and private-use characters outside the Basic Multilingual Plane (Unicode 15).
ASTRAL = [
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
    (0xF0000, 0xFFFFD),
    (0x100000, 0x10FFFD),
]


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name for "mark for extraction only"
    """Mark a message for the console's catalogs (extracted by ``-k N_``); it is translated where it is shown."""
    return message


def _class(keep: set[str]) -> re.Pattern[str]:
    """Compile a character class of the BMP code points in DROPPED_CATEGORIES (except ``keep``) and ASTRAL."""
    ranges: list[tuple[int, int]] = []
    for cp in range(0x10000):
        ch = chr(cp)
        if unicodedata.category(ch) in DROPPED_CATEGORIES and ch not in keep:
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    ranges.extend(ASTRAL)
    body = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(f"[{body}]+")


_INVISIBLE = _class(KEEP_FORMAT)
_INVISIBLE_MULTILINE = _class(KEEP_FORMAT | {"\n", "\t"})


def sanitize(value: str, *, multiline: bool = False) -> str:
    """Return ``value`` NFC-normalised without bidi overrides, zero-width and control characters."""
    if value.isascii() and value.isprintable():
        return value.strip() if multiline else " ".join(value.split())
    value = unicodedata.normalize("NFC", value)
    if multiline:
        return _INVISIBLE_MULTILINE.sub("", value).strip()
    return " ".join(_INVISIBLE.sub("", value).split())
