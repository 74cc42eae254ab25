"""Safe text: Unicode normalisation and removal of invisible controls from user input."""

from __future__ import annotations

import unicodedata

KEEP_FORMAT = {"\u200c", "\u200d"}  # ZWNJ and ZWJ shape Persian/Arabic script and emoji
KEEP_CONTROL = {"\n", "\t"}


def sanitize(value: str, *, multiline: bool = False) -> str:
    """Return ``value`` NFC-normalised without bidi overrides, zero-width and control characters."""
    value = unicodedata.normalize("NFC", value)
    out = []
    for ch in value:
        cat = unicodedata.category(ch)
        if cat == "Cf" and ch not in KEEP_FORMAT:
            continue
        if cat in ("Cc", "Cs", "Co", "Cn") and not (multiline and ch in KEEP_CONTROL):
            continue
        out.append(ch)
    text = "".join(out)
    return text.strip() if multiline else " ".join(text.split())
