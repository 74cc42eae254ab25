"""Automated checks run when a notice is submitted: required fields per type, the red-notice
penalty threshold, and neutrality flags (political, military, religious, racial wording)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from manara.notice.models import Notice
from manara.notice.types import NOTICE_TYPES, NoticeType

MIN_RED_PENALTY_YEARS = 2

# The registry's required fields per type (manara.notice.types), as the checks read them.
REQUIRED: dict[NoticeType, tuple[str, ...]] = {t: info.required_fields for t, info in NOTICE_TYPES.items()}

# Article 3 wording, in the four working languages; a flag for the reviewer, never a silent block.
NEUTRALITY_TERMS: dict[str, tuple[str, ...]] = {
    "political": (
        "political",
        "politique",
        "politico",
        "opposition",
        "oposicion",
        "opposant",
        "dissident",
        "protest",
        "manifestation",
        "election",
        "regime",
        "coup d",
        "insult to the king",
        "lese-majeste",
        "سياسي",
        "معارض",
        "احتجاج",
        "مظاهرة",
        "انتخاب",
    ),
    "military": (
        "military",
        "militaire",
        "militar",
        "desertion",
        "desercion",
        "deserter",
        "deserteur",
        "conscription",
        "عسكري",
        "فرار من الخدمة",
        "تجنيد",
    ),
    "religious": (
        "religious",
        "religieux",
        "religioso",
        "blasphem",
        "blasfem",
        "apostas",
        "apostat",
        "heresy",
        "heresie",
        "proselyt",
        "ديني",
        "ردة",
        "تجديف",
        "ازدراء الأديان",
    ),
    "racial": ("racial", "ethnic", "ethnique", "etnic", "race ", "tribal", "عرقي", "عنصري", "إثني"),
}
TEXT_FIELDS = ("title", "summary", "offence", "facts", "criminal_activity", "threat", "modus_operandi")


def _fold(text: str) -> str:
    """Case-fold and strip Latin diacritics so 'Blasphème' matches 'blasphem'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Arabic writes conjunctions, prepositions and the article as prefixes of the word: "بالردة" is
# "with the apostasy", so an Arabic term may follow them and still start the word.
ARABIC_CLITICS = "(?:[وف]?[بلك]?(?:ال|ل)?)"


def _pattern(term: str) -> str:
    """Return the regex finding ``term`` (folded) at the start of a word, after Arabic clitics."""
    folded = re.escape(_fold(term))
    arabic = "\u0600" <= term[0] <= "\u06ff"
    return rf"(?<!\w){ARABIC_CLITICS}{folded}" if arabic else rf"(?<!\w){folded}"


def _present(value: Any) -> bool:
    return value not in (None, "", [], {})


def required_failures(notice: Notice) -> list[dict[str, Any]]:
    """Return the missing required fields and rule violations that block submission."""
    ntype = NoticeType(notice.type)
    values = {**notice.details, "subject": notice.subject_id}
    failures = [
        {"rule": "required", "field": f, "message": f"{f} is required for a {ntype.value} notice"}
        for f in REQUIRED[ntype]
        if not _present(values.get(f))
    ]
    if ntype == NoticeType.RED:
        years = notice.details.get("max_penalty_years")
        life = bool(notice.details.get("max_penalty_life"))
        if not life and (years is None or float(years) < MIN_RED_PENALTY_YEARS):
            failures.append(
                {
                    "rule": "penalty_threshold",
                    "field": "max_penalty_years",
                    "message": f"a red notice needs an offence punishable by at least {MIN_RED_PENALTY_YEARS} years",
                }
            )
    return failures


def neutrality_flags(notice: Notice) -> list[dict[str, Any]]:
    """Return wording a reviewer should weigh under the neutrality rule."""
    texts = {"title": notice.title, "summary": notice.summary}
    texts.update({f: str(notice.details.get(f) or "") for f in TEXT_FIELDS if f in notice.details})
    flags = []
    for field, text in texts.items():
        folded = _fold(text)
        for category, terms in NEUTRALITY_TERMS.items():
            for term in terms:
                if re.search(_pattern(term), folded):
                    flags.append({"rule": "neutrality", "category": category, "field": field, "term": term})
    return flags
