"""Console languages: gettext catalogs read by Babel, locale choice, locale-aware formatting."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations
from fastapi import Request

LOCALES = ("en", "ar", "fr", "es")  # INTERPOL's working languages; English is the source language
RTL = frozenset({"ar"})
DEFAULT = "en"
LANG_COOKIE = "manara_lang"
TRANSLATIONS = Path(__file__).parent / "translations"
NAMES = {"en": "English", "ar": "العربية", "fr": "Français", "es": "Español"}


@lru_cache
def translations(lang: str) -> NullTranslations:
    """Return the catalog of ``lang``, compiled in memory from its ``.po`` source once per process.

    English uses the msgids themselves. No ``.mo`` file is kept: the source is the only copy, so a
    stale compiled catalog cannot exist and catalogs merge as text.
    """
    source = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    if lang == DEFAULT or not source.exists():
        return NullTranslations()
    with source.open("rb") as f:
        catalog = read_po(f, locale=lang)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain="messages")


def _accepted(header: str) -> str | None:
    """Return the first supported language of an ``Accept-Language`` header."""
    wanted = []
    for part in header.split(",")[:20]:
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        wanted.append((weight, tag.strip().replace("_", "-")))
    prefs = [tag for _, tag in sorted(wanted, key=lambda w: -w[0]) if tag]
    chosen = Locale.negotiate(prefs, list(LOCALES), sep="-") if prefs else None
    return str(chosen) if chosen is not None else None


def choose_language(request: Request) -> str:
    """Pick the page language: ``?lang=``, then the language cookie, then ``Accept-Language``."""
    for value in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if value in LOCALES:
            return str(value)
    return _accepted(request.headers.get("accept-language", "")) or DEFAULT


def text_direction(lang: str) -> str:
    """Return ``rtl`` or ``ltr``."""
    return "rtl" if lang in RTL else "ltr"


def fmt_datetime(value: datetime | None, lang: str) -> str:
    """Format a UTC timestamp for ``lang`` (shown in UTC: a duty desk works across time zones)."""
    if value is None:
        return ""
    return format_datetime(value.astimezone(UTC), "medium", tzinfo=UTC, locale=lang) + " UTC"


def fmt_date(value: date | None, lang: str) -> str:
    """Format a date for ``lang``."""
    return format_date(value, "medium", locale=lang) if value is not None else ""


def fmt_number(value: float | int, lang: str) -> str:
    """Format a number for ``lang``."""
    return str(format_decimal(value, locale=lang))


def fmt_percent(value: float, lang: str) -> str:
    """Format a score between 0 and 1 as a percentage for ``lang``."""
    return str(format_percent(value, locale=lang))
