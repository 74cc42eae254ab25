"""Notice pages show exactly what the API shows: same access functions, 404 page otherwise."""

from __future__ import annotations

import html
import re

from sqlalchemy.orm import Session

from conftest import Net
from factories import make_notice
from manara.identity import Role
from web.conftest import Console


def test_list_shows_published_notices_but_never_another_countrys_draft(
    console: Console, session: Session, net: Net
) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).actor
    published = make_notice(
        session, ma, status="published", title="Wanted: Published Person", reviewer=net.user("EG", Role.REVIEWER).actor
    )
    draft = make_notice(session, ma, title="Wanted: Draft Person")
    console.sign_in("FR", Role.BUREAU_OFFICER)
    page = console.client.get("/console/notices")
    assert page.status_code == 200
    assert published.reference in page.text and "Published Person" in page.text
    assert draft.reference not in page.text and "Draft Person" not in page.text
    api = console.client.get("/api/v1/notices", headers=net.user("FR", Role.BUREAU_OFFICER).headers).json()
    assert {n["reference"] for n in api["items"]} == {published.reference}


def test_a_notice_one_may_not_see_is_the_404_page_like_a_missing_one(
    console: Console, session: Session, net: Net
) -> None:
    draft = make_notice(session, net.user("MA", Role.BUREAU_OFFICER).actor, title="Wanted: Hidden")
    console.sign_in("FR", Role.BUREAU_OFFICER)
    hidden = console.client.get(f"/console/notices/{draft.id}")
    missing = console.client.get("/console/notices/00000000-0000-0000-0000-000000000000")
    assert hidden.status_code == missing.status_code == 404
    assert "Hidden" not in hidden.text and "<html" in hidden.text
    assert hidden.text.replace(draft.id, "X") == missing.text.replace("00000000-0000-0000-0000-000000000000", "X")


def test_the_owner_sees_its_draft_with_the_subject(console: Console, session: Session, net: Net) -> None:
    draft = make_notice(session, net.user("MA", Role.BUREAU_OFFICER).actor, title="Wanted: Own Draft")
    console.sign_in("MA", Role.FRONTLINE_OFFICER)
    page = console.client.get(f"/console/notices/{draft.id}")
    assert page.status_code == 200 and "Own Draft" in page.text and "Karim Benali" in page.text


def test_filters_and_pages(console: Console, session: Session, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).actor
    for i in range(27):
        make_notice(session, ma, title=f"Wanted: Person {i:02d}")
    make_notice(session, ma, ntype="yellow", title="Missing: Child", disappearance_date="2024-01-01")
    console.sign_in("MA", Role.BUREAU_OFFICER)
    first = console.client.get("/console/notices?type=red&status=draft&owner=ma")
    assert "Missing: Child" not in first.text and first.text.count('<td><a href="/console/notices/') == 25
    older = re.search(r'href="([^"]+)" rel="next"', first.text)
    assert older and 'rel="prev"' not in first.text
    second = console.client.get(html.unescape(older.group(1)))
    assert second.text.count('<td><a href="/console/notices/') == 2 and 'rel="next"' not in second.text
    assert "type=red" in older.group(1) and 'rel="prev"' in second.text
    assert "Missing: Child" in console.client.get("/console/notices?q=child").text
    assert "No notice matches" in console.client.get("/console/notices?owner=FR").text


def test_pages_need_a_signed_in_user(console: Console) -> None:
    response = console.client.get("/console/notices?type=red", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/console/login?next=%2Fconsole%2Fnotices%3Ftype%3Dred"
