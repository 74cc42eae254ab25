"""Plans for demo notices: every notice type in every lifecycle status across the network."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from manara.db.base import utcnow
from manara.notice.types import NoticeType

# Every notice type of the registry; diffusions are planned apart (published at once, under review).
TYPES = tuple(t.value for t in NoticeType if t is not NoticeType.DIFFUSION)
OTHER_STATUSES = ("draft", "submitted", "refused", "cancelled", "expired")
OFFENCES = [
    ("Drug trafficking", "Article 2 of Law 77-21 on narcotic drugs", 20),
    ("Murder", "Article 392 of the Penal Code", 30),
    ("Armed robbery", "Article 509 of the Penal Code", 20),
    ("Trafficking in human beings", "Article 448-2 of the Penal Code", 15),
    ("Financing of terrorism", "Article 218-4 of the Penal Code", 20),
    ("Aggravated fraud and money laundering", "Article 574-2 of the Penal Code", 10),
    ("Kidnapping of a minor", "Article 471 of the Penal Code", 20),
    ("Smuggling of migrants", "Article 52 of Law 02-03", 10),
]
PLACES = {
    "MA": "Tangier",
    "DZ": "Oran",
    "TN": "Sfax",
    "EG": "Alexandria",
    "JO": "Zarqa",
    "LB": "Tripoli",
    "AE": "Dubai",
    "FR": "Marseille",
    "ES": "Algeciras",
    "DE": "Frankfurt am Main",
}


@dataclass(frozen=True)
class NoticePlan:
    """The body of a demo notice and the status to take it to."""

    body: dict[str, Any]
    status: str


def _details(ntype: str, country: str, rng: random.Random) -> tuple[str, dict[str, Any]]:
    """Return a title and realistic type-specific details."""
    place = PLACES[country]
    days_ago = utcnow().date() - timedelta(days=rng.randint(20, 900))
    offence, law, years = rng.choice(OFFENCES)
    others = [c for c in PLACES if c != country]
    by_type: dict[str, tuple[str, dict[str, Any]]] = {
        "red": (
            f"Wanted for {offence.lower()}",
            {
                "offence": offence,
                "legal_provision": law,
                "max_penalty_years": years,
                "facts": f"Between {days_ago:%B %Y} and today the subject took part in {offence.lower()} "
                f"operations organised from {place}, together with accomplices still at large.",
                "warrant_reference": f"{country}-AW-{rng.randint(1000, 9999)}/{days_ago.year}",
                "warrant_date": days_ago.isoformat(),
                "issuing_authority": f"Investigating judge, {place} court",
                "extradition_countries": sorted(rng.sample(others, 3)),
            },
        ),
        "yellow": (
            "Missing minor",
            {
                "disappearance_date": days_ago.isoformat(),
                "disappearance_place": place,
                "facts": "Left school and did not return home; may travel with an adult.",
            },
        ),
        "blue": (
            "Locate and identify a person of interest",
            {
                "facts": f"Believed to be linked to a {offence.lower()} network active near {place}.",
                "requested_action": "Locate and report whereabouts; do not arrest",
            },
        ),
        "black": ("Unidentified body", {"found_date": days_ago.isoformat(), "found_place": f"Coast near {place}"}),
        "green": ("Repeat offender warning", {"criminal_activity": f"Repeated {offence.lower()} across borders."}),
        "orange": (
            "Threat: parcel explosive devices",
            {"threat": "Improvised explosive devices concealed in parcels sent by courier."},
        ),
        "purple": (
            "Modus operandi: fake police checkpoints",
            {"modus_operandi": "Offenders in counterfeit uniforms stop vehicles at night and rob the occupants."},
        ),
        "un_special": (
            "UN Security Council sanctions",
            {
                "un_committee": "1267/1989/2253 ISIL (Da'esh) and Al-Qaida",
                "un_reference": f"QDi.{rng.randint(100, 450)}",
            },
        ),
    }
    return by_type[ntype]


def plan_notices(country: str, seed: int) -> list[NoticePlan]:
    """Plan 27 notices for ``country``: each type published twice and once in another status."""
    rng = random.Random(f"notices-{seed}-{country}")  # noqa: S311 - seeded demo data, not security
    offset = sorted(PLACES).index(country)
    plans: list[NoticePlan] = []
    for t, ntype in enumerate(TYPES):
        extra = OTHER_STATUSES[(offset + t) % len(OTHER_STATUSES)]
        for status in ("published", "published", extra):
            title, details = _details(ntype, country, rng)
            if status == "refused":
                details["facts"] = "The subject led a political opposition protest against the government."
            plans.append(NoticePlan({"type": ntype, "title": title, "details": details, "visibility": "all"}, status))
    for status in ("under_review", "published", "cancelled"):
        title, details = _details("red", country, rng)
        body = {
            "type": "diffusion",
            "title": f"Diffusion: {title.lower()}",
            "visibility": "all",
            "details": {"purpose": "arrest", "offence": details["offence"], "facts": details["facts"]},
        }
        plans.append(NoticePlan(body, status))
    return plans
