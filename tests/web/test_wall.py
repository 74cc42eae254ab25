"""The operations wall: who may open it, counters and trends of only what the user may see, the activity map,
the queues and feed, its fragments, four languages and right-to-left Arabic."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from conftest import Net
from factories import make_notice
from live.helpers import make_hit
from manara.case import actions as case_actions
from manara.case.schemas import CaseIn
from manara.db.base import utcnow
from manara.identity import Role
from web.conftest import Console

STAT = re.compile(r'<span class="stat-value">([\d,]+)</span>\s*<span class="stat-label">([^<]+)</span>', re.S)
TREND = re.compile(
    r'<span class="stat-label">([^<]+)</span>.*?<span class="stat-trend (up|down|flat)">.*?</svg>(.*?)</span>\s*</div>',
    re.S,
)


def _stats(html: str) -> dict[str, int]:
    """Return the counters of a page as {label: value}."""
    return {label.strip(): int(value.replace(",", "")) for value, label in STAT.findall(html)}


def _trends(html: str) -> dict[str, tuple[str, str]]:
    """Return the trends of a page as {label: (direction, text without tags)}."""
    return {label.strip(): (way, re.sub(r"<[^>]+>", "", text).strip()) for label, way, text in TREND.findall(html)}


def _top(html: str) -> dict[str, list[int]]:
    """Return the busiest-countries table as {country code: [notices, hits, cases]}."""
    rows = re.findall(r'<tr data-country="([A-Z]{2})">(.*?)</tr>', html, re.S)
    return {
        code: [int(v.replace(",", "")) for v in re.findall(r'<td class="num">([\d,]+)</td>', cells)]
        for code, cells in rows
    }


def _markers(html: str) -> dict[str, int]:
    found = re.findall(r'<circle class="marker"[^>]*data-country="(\w+)" data-count="(\d+)"', html)
    return {code: int(count) for code, count in found}


def test_roles_without_notice_access_are_refused_and_others_see_the_wall(console: Console) -> None:
    assert console.client.get("/console/wall", follow_redirects=False).status_code == 303  # not signed in
    console.sign_in("MA", Role.ADMINISTRATOR)  # administrators do not read notices
    for path in ("/console/wall", "/console/wall/counters", "/console/wall/map"):
        assert console.client.get(path).status_code == 403, path
    assert not re.search(r'class="nav-link[^"]*" href="/console/wall"', console.client.get("/console/").text)  # no nav
    for country, role in (("FR", Role.FRONTLINE_OFFICER), ("MA", Role.DUTY_OFFICER), ("EG", Role.REVIEWER)):
        console.client.cookies.clear()
        console.sign_in(country, role)
        page = console.client.get("/console/wall")
        assert page.status_code == 200, (country, role)
        assert '<body class="wall">' in page.text and "<h1>" in page.text and "Operations wall" in page.text
        assert 'id="wall-fullscreen" hidden' in page.text and 'href="/console/"' in page.text  # the way back
        assert 'href="/console/wall" aria-current="page"' in page.text


def test_counters_count_only_what_the_user_may_see_with_their_trend(
    console: Console, session: Session, net: Net
) -> None:
    ma, eg = (net.user(c, Role.BUREAU_OFFICER).actor for c in ("MA", "EG"))
    fr_front = net.user("FR", Role.FRONTLINE_OFFICER).actor
    reviewer = net.user("FR", Role.REVIEWER).actor
    now = utcnow()
    # hits: two on MA's records today, one yesterday; one between FR and EG that MA may not see
    make_hit(session, fr_front, "MA")
    make_hit(session, fr_front, "MA", overdue=True)
    old = make_hit(session, fr_front, "MA")
    old.created_at = now - timedelta(hours=30)
    make_hit(session, fr_front, "EG")
    # notices: published today (MA's own, EG's to all), one published the day before, one MA may not see
    make_notice(session, ma, status="published", reviewer=reviewer)
    make_notice(session, eg, status="published", reviewer=reviewer)
    yesterday = make_notice(session, eg, status="published", reviewer=reviewer)
    yesterday.published_at = now - timedelta(hours=40)
    make_notice(session, eg, status="published", visibility="owner", reviewer=reviewer)  # EG only
    make_notice(session, ma, status="draft")  # not published
    # cases: MA opened two today, one three days ago; EG's case with FR only is not MA's
    for title in ("Port of Tangier", "Car thefts"):
        case_actions.do_open_case(session, ma, CaseIn(title=title, invite=["FR"]))
    older = case_actions.do_open_case(session, ma, CaseIn(title="Old one", invite=["EG"]))
    older.created_at = now - timedelta(days=3)
    case_actions.do_open_case(session, eg, CaseIn(title="Not MA's", invite=["FR"]))
    session.commit()

    console.sign_in("MA", Role.DUTY_OFFICER)
    page = console.client.get("/console/wall")
    assert page.status_code == 200
    stats = _stats(page.text)
    assert stats == {
        "Hits raised, last 24 hours": 2,
        "Notices published, last 24 hours": 2,
        "Cases opened, last 24 hours": 2,
        "Open queue items": 3,  # the three open hits on MA's records (no case awaits MA's first response)
    }
    trends = _trends(page.text)
    assert trends["Hits raised, last 24 hours"] == ("up", "+1 on the 24 hours before (1)")
    assert trends["Notices published, last 24 hours"] == ("up", "+1 on the 24 hours before (1)")
    assert trends["Cases opened, last 24 hours"] == ("up", "+2 on the 24 hours before (0)")
    assert trends["Open queue items"] == ("up", "2 arrived in the last 24 hours (1 the 24 hours before)")
    # the fragment the wall polls says the same
    fragment = console.client.get("/console/wall/counters")
    assert fragment.status_code == 200 and "<html" not in fragment.text and _stats(fragment.text) == stats

    # EG's frontline officer: the hit on EG's record and its unshared notice; no cases, no queue to work on
    console.client.cookies.clear()
    console.sign_in("EG", Role.FRONTLINE_OFFICER)
    assert _stats(console.client.get("/console/wall/counters").text) == {
        "Hits raised, last 24 hours": 1,
        "Notices published, last 24 hours": 3,
    }


def test_the_map_counts_notices_hits_and_cases_by_country_as_the_user_may_see(
    console: Console, session: Session, net: Net
) -> None:
    ma, eg = net.user("MA", Role.BUREAU_OFFICER).actor, net.user("EG", Role.BUREAU_OFFICER).actor
    reviewer = net.user("FR", Role.REVIEWER).actor
    make_notice(session, ma, status="published", reviewer=reviewer)
    make_notice(session, ma, status="draft")
    make_notice(session, eg, status="published", reviewer=reviewer)
    make_notice(session, eg, status="published", visibility="owner", reviewer=reviewer)  # never counted for MA
    make_notice(session, eg, status="published", visibility="countries", shared=("MA",), reviewer=reviewer)
    make_hit(session, net.user("FR", Role.FRONTLINE_OFFICER).actor, "MA")  # screened in FR, on MA's record
    make_hit(session, net.user("FR", Role.FRONTLINE_OFFICER).actor, "EG")  # neither side is MA's
    case_actions.do_open_case(session, ma, CaseIn(title="Port of Tangier", invite=["FR"]))
    session.commit()
    console.sign_in("MA", Role.BUREAU_OFFICER)
    page = console.client.get("/console/wall")
    expected = {"MA": [2, 0, 1, 0], "EG": [2, 0, 0, 0], "FR": [0, 1, 1, 0]}  # notices, hits, cases, drone alerts
    assert _top(page.text) == expected
    assert _markers(page.text) == {code: sum(v) for code, v in expected.items()}
    assert 'role="img"' in page.text and "<caption>Busiest countries</caption>" in page.text
    fragment = console.client.get("/console/wall/map")
    assert fragment.status_code == 200 and "<html" not in fragment.text and _top(fragment.text) == expected


def test_an_empty_network_says_what_comes_next(console: Console) -> None:
    console.sign_in("FR", Role.FRONTLINE_OFFICER)
    page = console.client.get("/console/wall")
    assert "Nothing to show yet." in page.text and 'class="empty-state"' in page.text
    assert set(_stats(page.text).values()) == {0}


def test_queues_feed_and_refreshing(console: Console, session: Session, net: Net) -> None:
    hit = make_hit(session, net.user("FR", Role.FRONTLINE_OFFICER).actor, "MA", overdue=True)
    console.sign_in("MA", Role.DUTY_OFFICER)
    page = console.client.get("/console/wall").text
    assert f'id="q-hit-{hit.id}"' in page and "data-deadline=" in page  # the queue with its running timer
    assert 'id="live-feed"' in page and "/console/static/live.js" in page and 'id="feed-lines"' in page
    assert 'hx-get="/console/wall/counters"' in page and 'hx-get="/console/wall/map"' in page
    assert "manara:live from:body" in page and "/console/static/wall.js" in page


@pytest.mark.parametrize(
    ("lang", "direction", "title"),
    [
        ("en", "ltr", "Operations wall"),
        ("fr", "ltr", "Mur des opérations"),
        ("es", "ltr", "Muro de operaciones"),
        ("ar", "rtl", "جدار العمليات"),
    ],
)
def test_the_wall_in_four_languages(console: Console, lang: str, direction: str, title: str) -> None:
    console.sign_in("MA", Role.BUREAU_OFFICER)
    page = console.client.get(f"/console/wall?lang={lang}")
    assert page.status_code == 200
    assert f'<html lang="{lang}" dir="{direction}"' in page.text
    assert f"<span>{title}</span>" in page.text
    if lang == "ar":
        assert "bootstrap.rtl.min.css" in page.text
