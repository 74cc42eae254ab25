"""A subject's FollowTheMoney properties as a reader sees them: translated labels, formatted values, sensible order.

Labels are FollowTheMoney's own property labels (``tests/web/test_subject_facts.py`` checks that each
one here is FtM's), marked for extraction so the console's catalogs translate them. A property not
listed keeps FtM's English label; none ever shows its raw name. Dates are formatted in the page's
language at the precision given (a year, a month or a day), countries by their name in that language,
sexes by the console's own words.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from babel import Locale
from babel.dates import format_date, format_skeleton
from followthemoney import model
from followthemoney.types import registry

from manara.text import N_
from manara.web import i18n

# Display order: names, birth, nationality, documents, then the rest (in this order, then any other by label).
LABELS: dict[str, str] = {
    "name": N_("Name"),
    "title": N_("Title"),
    "firstName": N_("First name"),
    "secondName": N_("Second name"),
    "middleName": N_("Middle name"),
    "lastName": N_("Last name"),
    "fatherName": N_("Patronymic"),
    "motherName": N_("Matronymic"),
    "nameSuffix": N_("Name suffix"),
    "alias": N_("Alias"),
    "weakAlias": N_("Weak alias"),
    "previousName": N_("Previous name"),
    "birthDate": N_("Birth date"),
    "birthPlace": N_("Place of birth"),
    "birthCountry": N_("Country of birth"),
    "nationality": N_("Nationality"),
    "citizenship": N_("Citizenship"),
    "passportNumber": N_("Passport number"),
    "idNumber": N_("ID Number"),
    "socialSecurityNumber": N_("Social security number"),
    "taxNumber": N_("Tax Number"),
    "gender": N_("Gender"),
    "deathDate": N_("Death date"),
    "country": N_("Country"),
    "address": N_("Address"),
    "height": N_("Height"),
    "weight": N_("Weight"),
    "eyeColor": N_("Eye color"),
    "hairColor": N_("Hair color"),
    "appearance": N_("Physical appearance"),
    "ethnicity": N_("Ethnicity"),
    "religion": N_("Religion"),
    "spokenLanguage": N_("Spoken language"),
    "education": N_("Education"),
    "profession": N_("Profession"),
    "position": N_("Position"),
    "political": N_("Political association"),
    "email": N_("Email"),
    "phone": N_("Phone"),
    "website": N_("Website"),
    "description": N_("Description"),
    "summary": N_("Summary"),
    "notes": N_("Notes"),
    "keywords": N_("Keywords"),
}
ORDER = {name: i for i, name in enumerate(LABELS)}
GENDERS = {"male": N_("Male"), "female": N_("Female"), "other": N_("Other")}
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def format_partial_date(value: str, lang: str) -> str:
    """Format ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (FtM's date precisions) in ``lang``; anything else as given."""
    match = PARTIAL_DATE.match(value)
    if match is None:
        return value
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if month is None:
            return format_skeleton("y", date(year or 1, 1, 1), locale=lang)
        if day is None:
            return format_skeleton("yMMMM", date(year or 1, month, 1), locale=lang)
        return format_date(date(year or 1, month, day), "long", locale=lang)
    except ValueError:  # e.g. month 13: show what was stored rather than guess
        return value


def country_name(code: str, lang: str) -> str:
    """Return a country's name in ``lang`` (Babel's CLDR names), else FtM's English name, else the code."""
    name = Locale.parse(lang).territories.get(code.upper()) if len(code) == 2 else None
    return str(name or registry.country.caption(code.lower()) or code.upper())


def _value(prop_type: str, value: Any, lang: str) -> str:
    text = str(value)
    if prop_type == "date":
        return format_partial_date(text, lang)
    if prop_type == "country":
        return country_name(text, lang)
    if prop_type == "gender" and text in GENDERS:
        return str(i18n.translations(lang).gettext(GENDERS[text]))
    return text


def subject_facts(properties: dict[str, Any], schema: str, lang: str) -> list[tuple[str, list[str]]]:
    """Return (label, values) pairs of a subject's properties in display order, in ``lang``."""
    gettext = i18n.translations(lang).gettext
    ftm = model.get(schema) or model.get("Thing")
    rows: list[tuple[int, str, str, list[str]]] = []
    for name, values in properties.items():
        if not values:
            continue
        prop = ftm.get(name) if ftm is not None else None
        if prop is not None and (prop.hidden or prop.stub):
            continue
        label = str(gettext(LABELS[name])) if name in LABELS else (prop.label if prop is not None else name)
        prop_type = prop.type.name if prop is not None else "string"
        shown = [_value(prop_type, v, lang) for v in (values if isinstance(values, list) else [values])]
        rows.append((ORDER.get(name, len(ORDER)), label, name, shown))
    rows.sort(key=lambda r: (r[0], r[1].casefold()))
    return [(label, shown) for _, label, _, shown in rows]
