"""Demo of threat assessments: a regional picture of North Africa and the western Mediterranean written by Morocco
in English (peer-reviewed by France, disseminated to its neighbours), and an Arabic assessment of drug trafficking,
migrant smuggling and terrorism written by Algeria (peer-reviewed by Egypt). Both computed from the demo network's
notices, hits and cases through their authors' views, then published (frozen snapshots); a PDF of each is queued
for the job runner. Built only through the actions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from manara.assessment import actions
from manara.assessment.schemas import AssessmentIn, AssessmentPatch
from manara.db.base import utcnow
from manara.db.session import unit_of_work
from manara.identity import Actor, Role
from manara.member.service import get_user_by_username


def demo_actor(session: Session, country: str, role: Role) -> Actor:
    """The demo user of ``country`` in ``role`` (as ``network.demo_actor``, which imports this module)."""
    user = get_user_by_username(session, f"{country.lower()}.{role.value}")
    assert user is not None
    return Actor(user_id=user.id, username=user.username, country=user.country, role=role)


def _period() -> dict[str, Any]:
    today = utcnow().date()
    return {"period_start": today - timedelta(days=89), "period_end": today}


REPORTS: list[dict[str, Any]] = [
    {
        "owner": "MA",
        "reviewer": "FR",
        "create": {
            "title": "North Africa and the western Mediterranean: regional criminal picture",
            "language": "en",
            "tlp": "amber",
            "regions": ["north_africa", "southern_europe"],
            "dissemination": ["DZ", "TN", "EG", "FR", "ES"],
            "summary": (
                "Drug trafficking remains the dominant cross-border threat in the region, with cannabis resin moving "
                "north across the Strait of Gibraltar and cocaine entering through Atlantic ports.\n\n"
                "Migrant smuggling networks share logistics and money movers with drug traffickers; the same phone "
                "numbers and wallets recur in subjects recorded by several members."
            ),
        },
        "parts": {
            "judgements": [
                {
                    "text": "Cocaine shipments through Atlantic container ports will increase over the next two "
                    "quarters.",
                    "probability": "highly_likely",
                    "confidence": "moderate",
                    "crime_area": "drug_trafficking",
                },
                {
                    "text": "Smuggling networks on the central Mediterranean route will move payments to stablecoins.",
                    "probability": "realistic_possibility",
                    "confidence": "low",
                    "crime_area": "crypto_crime",
                },
                {
                    "text": "Fugitives wanted by member countries will continue to transit Spain and France.",
                    "probability": "likely",
                    "confidence": "high",
                    "crime_area": "fugitives",
                },
            ],
            "sources": [
                {
                    "source": "Manara notices and hits (network data)",
                    "system": "6x6",
                    "reliability": "A",
                    "credibility": "2",
                    "note": "Counts through the author's view",
                },
                {
                    "source": "Port authority liaison, Tanger Med",
                    "system": "6x6",
                    "reliability": "B",
                    "credibility": "3",
                    "note": "",
                },
                {
                    "source": "Open-source reporting",
                    "system": "4x4",
                    "reliability": "C",
                    "credibility": "3",
                    "note": "Corroborated by one member",
                },
            ],  # fmt: skip
            "recommendations": [
                "Share container manifests of flagged shipping lines with the Spanish and French bureaus.",
                "Screen the recurring phone numbers and wallets listed in the emerging identifiers section.",
                "Open a joint case on the Gibraltar route with DZ, ES and FR.",
            ],
        },
    },
    {
        "owner": "DZ",
        "reviewer": "EG",
        "create": {
            "title": "تقييم التهديد: الاتجار بالمخدرات وتهريب المهاجرين والإرهاب في المغرب العربي",
            "language": "ar",
            "tlp": "amber+strict",
            "countries": ["DZ", "MA", "TN", "EG"],
            "crime_areas": ["drug_trafficking", "migrant_smuggling", "terrorism"],
            "dissemination": ["MA", "TN", "EG"],
            "summary": (
                "يظل الاتجار بالمخدرات أبرز التهديدات العابرة للحدود في المنطقة، وتتقاطع شبكاته مع شبكات تهريب "
                "المهاجرين في الطرق والوسطاء الماليين.\n\nتستند الأرقام إلى بيانات الشبكة المرئية للمؤلف فقط."
            ),
        },
        "parts": {
            "judgements": [
                {
                    "text": "من المرجّح أن تزداد شحنات الحشيش عبر الحدود البرية الغربية خلال الربعين القادمين.",
                    "probability": "likely",
                    "confidence": "moderate",
                    "crime_area": "drug_trafficking",
                },
                {
                    "text": "تستخدم شبكات تهريب المهاجرين محافظ العملات المشفرة نفسها في عدة بلدان.",
                    "probability": "realistic_possibility",
                    "confidence": "low",
                    "crime_area": "migrant_smuggling",
                },
            ],
            "sources": [
                {"source": "بيانات شبكة منارة", "system": "6x6", "reliability": "A", "credibility": "2", "note": ""},
                {"source": "مصلحة الجمارك", "system": "4x4", "reliability": "B", "credibility": "2", "note": ""},
            ],
            "recommendations": [
                "تبادل أرقام الهواتف والمحافظ المتكررة مع المكاتب المركزية الوطنية المعنية.",
                "فتح قضية مشتركة مع المغرب وتونس حول طريق التهريب البري.",
            ],
        },
    },
]


def load(seed: int) -> str:
    """Write, compute, review and publish the demo assessments; queue their PDFs. Returns a summary."""
    del seed  # the figures come from the network the seed already built
    published = indicators = 0
    for spec in REPORTS:
        with unit_of_work() as session:
            author = demo_actor(session, spec["owner"], Role.ANALYST)
            reviewer = demo_actor(session, spec["reviewer"], Role.REVIEWER)
            data = AssessmentIn.model_validate({**spec["create"], **_period()})
            assessment = actions.do_create_assessment(session, author, data)
            actions.do_update_assessment(session, author, assessment, AssessmentPatch.model_validate(spec["parts"]))
            actions.do_compute_indicators(session, author, assessment)
            actions.do_submit_assessment(session, author, assessment, spec["reviewer"])
            actions.do_review_assessment(session, reviewer, assessment, "approve", "Figures and sources checked.")
            actions.do_publish_assessment(session, author, assessment)
            actions.do_request_render(session, author, assessment)
            published += 1
            indicators += len(assessment.indicators)
    return f"{published} published assessments (en, ar), {indicators} indicators"
