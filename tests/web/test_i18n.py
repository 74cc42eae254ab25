"""Languages: complete catalogs, RTL Arabic, language choice, locale formatting."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from manara.identity import Role
from manara.notice import types as notice_types
from manara.web import i18n
from web.conftest import Console

WEB = Path(i18n.__file__).parent
NOTICE_TYPES = Path(notice_types.__file__)  # the registry's labels are console messages too
LANGS = [lang for lang in i18n.LOCALES if lang != "en"]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _template() -> Catalog:
    with (WEB / "translations" / "messages.pot").open("rb") as f:
        return read_po(f)


def _catalog(lang: str) -> Catalog:
    with (WEB / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


def test_extraction_finds_nothing_missing_from_the_catalog_template() -> None:
    with (WEB / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {"_": None, "gettext": None, "N_": None}
    found = {msg for _, _, msg, _, _ in extract_from_dir(str(WEB), method_map, options_map, keywords=keywords)}
    found |= {msg for _, msg, _, _ in extract_from_file("python", str(NOTICE_TYPES), keywords=keywords)}
    template = {m.id for m in _template() if m.id}
    assert found - template == set(), "run pybabel extract (see translations/README.md)"
    assert template - found == set(), "the catalog template has messages no longer used"


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_is_translated_with_the_same_placeholders(lang: str) -> None:
    catalog = _catalog(lang)
    problems = []
    for message in _template():
        if not message.id:
            continue
        translated = catalog.get(message.id)
        if translated is None or not translated.string or translated.fuzzy:
            problems.append(f"untranslated: {message.id!r}")
        elif set(PLACEHOLDER.findall(str(message.id))) != set(PLACEHOLDER.findall(str(translated.string))):
            problems.append(f"placeholders differ: {message.id!r}")
    assert problems == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_loaded_catalog_is_its_source(lang: str) -> None:
    source = {m.id: m.string for m in _catalog(lang) if m.id and not isinstance(m.id, tuple)}
    loaded = i18n.translations(lang)
    assert source and all(loaded.gettext(str(k)) == v for k, v in source.items())


def test_arabic_pages_are_right_to_left_and_translated(console: Console) -> None:
    page = console.client.get("/console/login?lang=ar")
    assert '<html lang="ar" dir="rtl"' in page.text
    assert "تسجيل الدخول" in page.text and "Sign in" not in page.text
    assert console.client.cookies.get(i18n.LANG_COOKIE) == "ar"
    console.sign_in("MA", Role.BUREAU_OFFICER)
    dashboard = console.client.get("/console/")  # the cookie keeps the language
    assert 'dir="rtl"' in dashboard.text and "لوحة المتابعة" in dashboard.text


def test_accept_language_is_the_fallback_and_the_cookie_wins(console: Console) -> None:
    french = console.client.get("/console/login", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr" dir="ltr"' in french.text and "Se connecter" in french.text
    spanish = console.client.get("/console/login", headers={"Accept-Language": "es-MX"})
    assert "Iniciar sesión" in spanish.text
    assert 'lang="en"' in console.client.get("/console/login", headers={"Accept-Language": "de, ja"}).text
    console.client.get("/console/login?lang=es")
    assert "Iniciar sesión" in console.client.get("/console/login", headers={"Accept-Language": "fr"}).text
    assert 'lang="en"' in console.client.get("/console/login?lang=xx", headers={"Accept-Language": "de"}).text


def test_dates_and_numbers_follow_the_locale() -> None:
    moment = datetime(2026, 3, 4, 5, 6, tzinfo=UTC)
    assert i18n.fmt_datetime(moment, "en").startswith("Mar 4, 2026")
    assert i18n.fmt_datetime(moment, "fr").startswith("4 mars 2026")
    assert i18n.fmt_number(12345, "fr") == "12\u202f345"
    assert i18n.fmt_number(12345, "es") == "12.345"
    assert i18n.fmt_number(12345, "ar") != "12345"
