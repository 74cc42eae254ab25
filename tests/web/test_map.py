"""The console map: counts by country of only what the user may see; the projection and TopoJSON decoding."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.orm import Session

from conftest import Net
from factories import make_notice
from manara.case import actions as case_actions
from manara.case.access import membership
from manara.case.schemas import CaseIn
from manara.identity import Role
from manara.web import worldmap
from manara.web.map_views import shade
from web.conftest import Console


def _table(html: str, column: int = 0) -> dict[str, int]:
    """Return one column of the map's table (0 notices, 1 hits, 2 open cases) as {country: count}."""
    rows = re.findall(r'<tr data-country="([A-Z]{2})">.*?((?:<td>[\d,]+</td>)+)</tr>', html)
    counts = {code: [int(v.replace(",", "")) for v in re.findall(r"<td>([\d,]+)</td>", cells)] for code, cells in rows}
    return {code: values[column] for code, values in counts.items() if values[column]}


def _markers(html: str) -> dict[str, int]:
    found = re.findall(r'<circle class="marker"[^>]*data-country="(\w+)" data-count="(\d+)"', html)
    return {code: int(count) for code, count in found}


def test_map_counts_only_notices_the_user_may_see(console: Console, session: Session, net: Net) -> None:
    ma, eg, fr = (net.user(c, Role.BUREAU_OFFICER).actor for c in ("MA", "EG", "FR"))
    reviewer = net.user("FR", Role.REVIEWER).actor
    make_notice(session, ma, status="published", reviewer=reviewer)
    make_notice(session, ma, status="draft")  # the user's own country's draft: visible to MA only
    make_notice(session, eg, status="published", reviewer=reviewer)  # visible to all
    make_notice(session, eg, status="published", visibility="owner", reviewer=reviewer)  # EG only: never counted
    make_notice(
        session,
        fr,
        status="published",
        visibility="countries",
        shared=("MA",),
        reviewer=net.user("EG", Role.REVIEWER).actor,
    )
    make_notice(session, fr, status="draft")  # another country's draft: not counted
    console.sign_in("MA", Role.BUREAU_OFFICER)
    page = console.client.get("/console/map")
    assert page.status_code == 200
    assert _table(page.text) == {"MA": 2, "EG": 1, "FR": 1}
    assert _markers(page.text) == {"MA": 2, "EG": 1, "FR": 1}
    assert 'role="img"' in page.text and "<caption>" in page.text and 'href="/console/map"' in page.text
    console.client.cookies.clear()
    console.sign_in("EG", Role.BUREAU_OFFICER)  # EG sees its own unshared notice; not FR's share with MA
    assert _table(console.client.get("/console/map").text) == {"MA": 1, "EG": 2}


def test_map_of_hits_and_roles_without_notice_access(console: Console, session: Session, net: Net) -> None:
    console.sign_in("MA", Role.ADMINISTRATOR)  # administrators do not read notices: nothing counted, no nav entry
    make_notice(session, net.user("MA", Role.BUREAU_OFFICER).actor, status="draft")
    page = console.client.get("/console/map?layer=hits")
    assert page.status_code == 200 and "Nothing to show yet." in page.text
    assert 'href="/console/map"' not in page.text
    assert console.client.get("/console/map?layer=cities").status_code == 400


def test_map_counts_open_cases_of_the_users_country_by_member(console: Console, session: Session, net: Net) -> None:
    ma, eg = net.user("MA", Role.BUREAU_OFFICER).actor, net.user("EG", Role.BUREAU_OFFICER).actor
    case = case_actions.do_open_case(session, ma, CaseIn(title="Jewellery robberies", invite=["FR", "EG"]))
    eg_member = membership(case, "EG")
    assert eg_member is not None
    eg_member.sealed = True  # invited without MA learning who, until EG answers (a case from a suggested link)
    closed = case_actions.do_open_case(session, ma, CaseIn(title="Closed one", invite=["FR"]))
    case_actions.do_close_case(session, ma, closed)
    case_actions.do_open_case(session, eg, CaseIn(title="Not MA's", invite=["FR"]))  # MA takes no part
    session.commit()
    console.sign_in("MA", Role.BUREAU_OFFICER)
    page = console.client.get("/console/map?layer=cases")
    assert _table(page.text, 2) == {"MA": 1, "FR": 1} and _markers(page.text) == {"MA": 1, "FR": 1}
    console.client.cookies.clear()
    console.sign_in("EG", Role.BUREAU_OFFICER)  # the sealed invitee knows itself; and its own case
    assert _table(console.client.get("/console/map?layer=cases").text, 2) == {"MA": 1, "FR": 2, "EG": 2}


def test_map_hides_a_sealed_invitee_from_other_members_until_it_answers(
    console: Console, session: Session, net: Net
) -> None:
    ma, eg = net.user("MA", Role.BUREAU_OFFICER).actor, net.user("EG", Role.BUREAU_OFFICER).actor
    shared = case_actions.do_open_case(session, ma, CaseIn(title="With FR", invite=["FR", "EG"]))
    apart = case_actions.do_open_case(session, ma, CaseIn(title="Without FR", invite=["EG"]))
    for case in (shared, apart):
        member = membership(case, "EG")
        assert member is not None
        member.sealed = True
    session.commit()
    # FR: a member of the first case, not the opener, is told no more than the opener; the second is not its own
    console.sign_in("FR", Role.BUREAU_OFFICER)
    assert _table(console.client.get("/console/map?layer=cases").text, 2) == {"MA": 1, "FR": 1}
    case_actions.do_accept(session, eg, shared)
    session.commit()
    console.client.cookies.clear()
    console.sign_in("MA", Role.BUREAU_OFFICER)  # once EG has accepted the first case, that membership is known
    assert _table(console.client.get("/console/map?layer=cases").text, 2) == {"MA": 2, "EG": 1, "FR": 1}


def test_map_is_translated(console: Console) -> None:
    console.sign_in("MA", Role.BUREAU_OFFICER)
    page = console.client.get("/console/map?lang=ar")
    assert 'dir="rtl"' in page.text and "الخريطة" in page.text and "svg viewBox" in page.text
    assert "المغرب" in page.text  # country names in the page's language (CLDR), here in the shapes' titles


def test_equal_earth_projection_and_the_world_atlas_decoding() -> None:
    assert worldmap.equal_earth(0, 0) == (0.0, 0.0)
    x, y = worldmap.equal_earth(180, 90)
    assert x == pytest.approx(-worldmap.equal_earth(-180, 90)[0]) and y == pytest.approx(1.3173627591574)
    assert worldmap.X_MAX == pytest.approx(2.7066299836)  # the published extent of Equal Earth (unit sphere)
    shapes = {c.code: c for c in worldmap.countries()}
    assert len(shapes) > 170 and "AQ" not in shapes and {"MA", "FR", "EG", "XK", "RU", "FJ"} <= shapes.keys()
    rabat = worldmap.to_svg(-6.8, 34.0)
    cx, cy = shapes["MA"].centre
    assert abs(cx - rabat[0]) < 30 and abs(cy - rabat[1]) < 30  # Morocco's marker sits in Morocco
    russia = [float(v) for v in re.findall(r"[ML](-?[\d.]+),", shapes["RU"].path)]
    west, east = worldmap.to_svg(-170, 66)[0], worldmap.to_svg(170, 66)[0]
    assert min(russia) < west and max(russia) > east  # across the antimeridian: drawn at both edges
    assert all(-1 <= float(v) <= worldmap.WIDTH + 1 for v in re.findall(r"[ML](-?[\d.]+),", shapes["MA"].path))


@pytest.mark.parametrize(("count", "expected"), [(0, 0), (1, 1), (9, 1), (10, 2), (999, 3), (1000, 4), (10**6, 4)])
def test_shade_classes_are_logarithmic(count: int, expected: int) -> None:
    assert shade(count) == expected
