"""The console's notice list: keyset pages that cover every visible notice once, a capped count, an ordered index."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from conftest import Net
from factories import make_notice
from manara.identity import Role
from manara.notice import service as notice_service
from manara.notice.models import Notice
from web.conftest import Console

ROW = re.compile(r'<td><a href="/console/notices/([0-9a-f-]{36})">')
LINK = re.compile(r'href="([^"]+)" rel="(next|prev)"')


def _links(page: str) -> dict[str, str]:
    return {rel: html.unescape(url) for url, rel in LINK.findall(page)}


def test_older_and_newer_links_walk_every_visible_notice_once_in_order(
    console: Console, session: Session, net: Net
) -> None:
    ma, eg = net.user("MA", Role.BUREAU_OFFICER).actor, net.user("EG", Role.BUREAU_OFFICER).actor
    mine = [make_notice(session, ma, title=f"Wanted: Person {i:02d}") for i in range(60)]
    hidden = make_notice(session, eg, title="Wanted: Egyptian draft")
    # Ties on updated_at (a bulk import) must neither repeat nor lose a row across a page boundary.
    same = datetime(2026, 1, 1, tzinfo=UTC)
    session.execute(update(Notice).where(Notice.id.in_([n.id for n in mine[20:40]])).values(updated_at=same))
    session.commit()
    expected = list(
        session.execute(
            select(Notice.id).where(Notice.owner_country == "MA").order_by(Notice.updated_at.desc(), Notice.id.desc())
        ).scalars()
    )
    console.sign_in("MA", Role.BUREAU_OFFICER)
    seen, pages, url = [], [], "/console/notices"
    while url:
        text = console.client.get(url).text
        pages.append(text)
        seen += ROW.findall(text)
        url = _links(text).get("next", "")
    assert seen == expected and len(pages) == 3 and hidden.id not in seen
    back = console.client.get(_links(pages[-1])["prev"]).text  # "Newer" from the last page is the middle one
    assert ROW.findall(back) == ROW.findall(pages[1])
    assert "prev" not in _links(pages[0]) and 'id="first-page"' in back


def test_a_malformed_cursor_is_the_first_page_not_an_error(console: Console, session: Session, net: Net) -> None:
    make_notice(session, net.user("MA", Role.BUREAU_OFFICER).actor)
    console.sign_in("MA", Role.BUREAU_OFFICER)
    for bad in ("x", "2026-01-01T00:00:00,", "2026-01-01T00:00:00,abc", "%00,'; drop table notice"):
        page = console.client.get("/console/notices", params={"after": bad})
        assert page.status_code == 200 and len(ROW.findall(page.text)) == 1


def test_the_count_stops_at_its_cap_and_says_more_than(session: Session, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).actor
    for i in range(4):
        make_notice(session, ma, title=f"Wanted: Person {i}")
    capped = notice_service.slice_notices(session, ma, [], page_size=2, count_cap=3)
    exact = notice_service.slice_notices(session, ma, [], page_size=2, count_cap=4)
    assert (capped.total, capped.capped) == (3, True) and (exact.total, exact.capped) == (4, False)
    assert len(capped.rows) == 2 and capped.older is not None and capped.newer is None


def test_the_list_reads_an_ordered_index_and_never_sorts_every_row(session: Session, net: Net) -> None:
    if session.get_bind().dialect.name != "sqlite":
        return  # the plan below is SQLite's; PostgreSQL plans from its statistics
    ma = net.user("MA", Role.BUREAU_OFFICER).actor
    captured: list[str] = []
    for filters in ([], notice_service.notice_filters(type_="red")):

        def grab(conn, cursor, statement, params, context, many):  # type: ignore[no-untyped-def]
            if statement.lstrip().startswith("SELECT notice.id, notice.reference"):
                plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
                captured.append(" | ".join(str(row[3]) for row in plan))

        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", grab)
        try:
            notice_service.slice_notices(session, ma, filters)
        finally:
            event.remove(engine, "before_cursor_execute", grab)
    assert len(captured) == 2
    assert "ix_notice_updated" in captured[0] and "ix_notice_type_updated" in captured[1]
    assert not any("TEMP B-TREE" in plan for plan in captured), captured
