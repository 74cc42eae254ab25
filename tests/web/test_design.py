"""The console shell of the design system: display theme per user, the navigation, the command palette."""

from __future__ import annotations

from sqlalchemy import select

from factories import make_notice
from manara.audit.models import AuditEvent
from manara.identity import Role
from manara.member.service import get_user_by_username

from .conftest import Console


def test_theme_is_chosen_per_user_and_remembered(console: Console) -> None:
    username = console.sign_in("MA", Role.BUREAU_OFFICER)
    assert 'data-theme="auto"' in console.client.get("/console/").text
    response = console.post("/console/account/theme", {"theme": "contrast", "next": "/console/notices?type=red"})
    assert response.status_code == 303 and response.headers["location"] == "/console/notices?type=red"
    page = console.client.get("/console/notices").text
    assert 'data-theme="contrast"' in page and 'data-bs-theme="dark"' in page
    user = get_user_by_username(console.session, username)
    assert user is not None
    console.session.refresh(user)
    assert user.theme == "contrast"  # stored on the user: another browser of the same user shows it too
    events = console.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.preferences_set")).all()
    assert [e.target_ids for e in events] == [[user.id]]


def test_theme_rejects_unknown_values_and_never_redirects_off_site(console: Console) -> None:
    console.sign_in("MA", Role.BUREAU_OFFICER)
    assert console.post("/console/account/theme", {"theme": "neon"}).status_code in (400, 422)
    for target in ("https://evil.example/", "//evil.example/console", "/api/v1/notices"):
        response = console.post("/console/account/theme", {"theme": "dark", "next": target})
        assert response.status_code == 303 and response.headers["location"] == "/console/", target


def test_theme_needs_the_csrf_token_and_a_session(console: Console) -> None:
    console.sign_in("MA", Role.BUREAU_OFFICER)
    assert console.client.post("/console/account/theme", data={"theme": "dark"}).status_code == 403
    console.client.cookies.clear()
    response = console.client.post("/console/account/theme", data={"theme": "dark"}, follow_redirects=False)
    assert response.status_code in (303, 403)


def test_arabic_pages_are_right_to_left_with_the_rtl_build(console: Console) -> None:
    console.sign_in("MA", Role.BUREAU_OFFICER)
    page = console.client.get("/console/?lang=ar").text
    assert 'dir="rtl"' in page and "bootstrap.rtl.min.css" in page
    page = console.client.get("/console/?lang=fr").text
    assert 'dir="ltr"' in page and "bootstrap.min.css" in page and "bootstrap.rtl" not in page


def test_navigation_is_grouped_and_shows_only_what_the_role_may_use(console: Console) -> None:
    console.sign_in("FR", Role.FRONTLINE_OFFICER)
    page = console.client.get("/console/").text
    assert "<summary>Notices and screening</summary>" in page and 'href="/console/screen"' in page
    assert 'href="/console/admin/users"' not in page and 'href="/console/admin/audit"' not in page
    console.client.cookies.clear()
    console.sign_in("MA", Role.ADMINISTRATOR)
    assert 'href="/console/admin/users"' in console.client.get("/console/").text


def test_palette_finds_pages_and_records_the_user_may_see(console: Console) -> None:
    ma = console.net.user("MA", Role.BUREAU_OFFICER).actor
    eg = console.net.user("EG", Role.BUREAU_OFFICER).actor
    reviewer = console.net.user("FR", Role.REVIEWER).actor
    seen = make_notice(console.session, ma, status="published", title="Wanted: Zakaria Ouazzani", reviewer=reviewer)
    hidden = make_notice(
        console.session,
        eg,
        status="published",
        title="Wanted: Zakaria Ouazzani Bis",
        visibility="owner",
        reviewer=reviewer,
    )
    console.session.commit()
    console.sign_in("FR", Role.BUREAU_OFFICER)
    pages = console.client.get("/console/palette", params={"q": "hits"}).text
    assert 'href="/console/hits"' in pages and 'role="option"' in pages
    found = console.client.get("/console/palette", params={"q": "Ouazzani"}).text
    assert f'href="/console/notices/{seen.id}"' in found
    assert hidden.id not in found  # another member's record it does not share: never listed
    arabic = console.client.get("/console/palette", params={"q": "التطابقات", "lang": "ar"})
    assert 'href="/console/hits"' in arabic.text  # page names are matched in the user's language
    audited = console.session.scalars(select(AuditEvent).where(AuditEvent.action == "search.searched")).all()
    assert audited, "a palette lookup of records is a search: audited"
    assert console.client.get("/console/palette", params={"q": "x" * 201}).status_code == 400
