"""Threat assessment console pages in four languages: list and new draft, analyst parts, compute, peer review,
publication, PDF request; 404 for a member that may not see an assessment, 403 for a role without the permission."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from factories import make_notice
from manara.assessment.models import Assessment
from manara.db.base import utcnow
from manara.identity import Role
from web.conftest import Console


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize(
    ("lang", "heading", "empty"),
    [
        ("en", "Threat assessments", "No assessments yet"),
        ("fr", "Évaluations de la menace", "Aucune évaluation pour l’instant"),
        ("es", "Evaluaciones de la amenaza", "Aún no hay evaluaciones"),
        ("ar", "تقييمات التهديد", "لا توجد تقييمات بعد"),
    ],
)
def test_the_list_page_in_four_languages(console: Console, lang: str, heading: str, empty: str) -> None:
    console.sign_in("MA", Role.ANALYST)
    page = console.client.get(f"/console/assessments?lang={lang}")
    assert page.status_code == 200, page.text
    assert heading in page.text and empty in page.text
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}"' in page.text
    assert 'href="/console/assessments"' in page.text  # in the navigation


def test_a_draft_goes_through_review_to_publication_in_the_console(console: Console) -> None:
    make_notice(console.session, console.net.user("MA", Role.BUREAU_OFFICER).actor, status="published",
                reviewer=console.net.user("FR", Role.REVIEWER).actor, offence="Drug trafficking")  # fmt: skip
    console.sign_in("MA", Role.ANALYST)
    today = utcnow().date()
    token = _csrf(console.client.get("/console/assessments").text)
    r = console.client.post(
        "/console/assessments",
        data={
            "csrf_token": token,
            "title": "Maghreb picture",
            "language": "fr",
            "tlp": "amber+strict",
            "period_start": (today - timedelta(days=30)).isoformat(),
            "period_end": today.isoformat(),
            "regions": ["north_africa"],
            "crime_areas": ["drug_trafficking", "terrorism"],
            "dissemination": "EG",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    url = r.headers["location"]
    aid = url.rsplit("/", 1)[1]
    page = console.client.get(url)
    assert page.status_code == 200 and "Maghreb picture" in page.text and "TLP:AMBER+STRICT" in page.text
    assert "PROJET — diffusion non approuvée" in page.text  # the report preview is in the report's language
    token = _csrf(page.text)
    assert console.client.post(f"{url}/compute", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    r = console.client.post(
        f"{url}/parts",
        data={
            "csrf_token": token,
            "summary": "Le trafic domine.",
            "j_text": ["Les flux vont croître.", ""],
            "j_probability": ["likely", "likely"],
            "j_confidence": ["high", "moderate"],
            "s_source": ["Douanes"],
            "s_system": ["6x6"],
            "s_reliability": ["B"],
            "s_credibility": ["2"],
            "s_note": [""],
            "recommendations": "Partager les manifestes.\n\n",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    bad = console.client.post(
        f"{url}/parts",
        data={"csrf_token": token, "j_text": ["x"], "j_probability": ["surely"], "j_confidence": ["high"]},
    )
    assert bad.status_code == 422
    row = console.session.scalars(select(Assessment).where(Assessment.id == aid)).one()
    assert row.judgements[0]["probability"] == "likely" and row.recommendations == ["Partager les manifestes."]
    assert row.computed_at is not None and row.crime_areas == ["drug_trafficking", "terrorism"]
    r = console.client.post(
        f"{url}/submit", data={"csrf_token": token, "reviewer_country": "FR"}, follow_redirects=False
    )
    assert r.status_code == 303
    # EG may not see a draft under review by FR
    console.sign_in("EG", Role.ANALYST)
    assert console.client.get(url).status_code == 404
    console.sign_in("FR", Role.REVIEWER)
    page = console.client.get(url)
    assert page.status_code == 200 and "Approve for publication" in page.text
    r = console.client.post(
        f"{url}/review", data={"csrf_token": _csrf(page.text), "decision": "approve"}, follow_redirects=False
    )
    assert r.status_code == 303
    console.sign_in("MA", Role.ANALYST)
    page = console.client.get(url)
    r = console.client.post(f"{url}/publish", data={"csrf_token": _csrf(page.text)}, follow_redirects=False)
    assert r.status_code == 303
    page = console.client.get(url)
    assert "Published report" in page.text and "Les flux vont croître." in page.text
    r = console.client.post(f"{url}/renders", data={"csrf_token": _csrf(page.text)}, follow_redirects=False)
    assert r.status_code == 303 and "Being made" in console.client.get(url).text
    console.sign_in("EG", Role.DUTY_OFFICER)  # disseminated to EG
    assert console.client.get(url).status_code == 200
    console.sign_in("MA", Role.FRONTLINE_OFFICER)
    assert console.client.get("/console/assessments").status_code == 403
