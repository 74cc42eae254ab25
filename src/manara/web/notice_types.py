"""Notice types in the console, from the registry (``manara.notice.types``): labels and badge colours.

The badges' colour rules are served as a small stylesheet (``/console/notice-types.css``) generated from
the registry; ``static/console.css`` keeps only the badges' shape.
"""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter
from fastapi.responses import Response

from manara.notice.types import NOTICE_TYPES
from manara.text import N_

router = APIRouter()

# Label msgids by type value; hits are also raised on travel documents (``document``) and on wallets known to
# another member (``crypto``), which are no notices.
TYPE_LABELS: dict[str, str] = {
    **{ntype.value: info.label for ntype, info in NOTICE_TYPES.items()},
    "document": N_("Travel document"),
    "crypto": N_("Crypto wallet"),
}
DARK_TEXT, LIGHT_TEXT = "#111", "#fff"


def _channels(colour: str) -> tuple[float, float, float]:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    r, g, b = (int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return r, g, b


def luminance(colour: str) -> float:
    """Return the WCAG relative luminance of a CSS hex colour."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """Return the WCAG contrast ratio of two CSS hex colours (1 to 21)."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour(background: str) -> str:
    """Return the text colour (near-black or white) that contrasts most with ``background``."""
    return max((DARK_TEXT, LIGHT_TEXT), key=lambda text: contrast(background, text))


@lru_cache
def badge_css() -> str:
    """Return the colour rule of each notice type's badge (``.t-<type>``): its registry colour, readable text."""
    rules = [
        f".t-{ntype.value} {{ background: {info.colour}; color: {text_colour(info.colour)}; }}"
        for ntype, info in NOTICE_TYPES.items()
    ]
    return "/* Generated from manara.notice.types (web/notice_types.py). */\n" + "\n".join(rules) + "\n"


@router.get("/notice-types.css")
def notice_type_styles() -> Response:
    """The badge colours of the notice types (no personal data: served without a session)."""
    return Response(badge_css(), media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})
