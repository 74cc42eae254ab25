"""The link chart and the case timeline in a real browser, as an analyst at Morocco's bureau would use them.

The module seeds a small network straight into the server's database (then runs cross-matching):

- MA (visible to all): the person Layla Mansouri, her passport, the company Cedar Logistics SARL (she is a
  member) and its director Omar Haddou — two hops away, reached only by expanding the company.
- FR (visible to all): "ليلى منصوري", the same birth date: cross-matching suggests the pair to MA.
- EG (owner only): another Layla Mansouri, the same birth date, and EG judged her "same" as MA's record.
  Morocco may not see her: she is neither a node nor an edge of Morocco's chart, and her JSON is 404.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.helpers import ftm, put
from browser.conftest import BROWSER, UI, Server
from conftest import person
from manara.analysis.access import access_link_for_judge
from manara.analysis.actions import do_judge_link
from manara.analysis.models import SuggestedLink
from manara.analysis.run import run_xref
from manara.db.session import make_engine
from manara.identity import SYSTEM, Actor
from manara.member.models import User

pytestmark = BROWSER

BORN = {"birthDate": "1990-06-01", "nationality": "ma"}
CY = "document.getElementById('chart-canvas')._cyreg.cy"  # the Cytoscape instance the page drew with


@dataclass
class Network:
    layla: str
    passport: str
    company: str
    director: str
    layla_fr: str
    layla_eg: str


def _actor(session: Session, username: str) -> Actor:
    user = session.scalars(select(User).where(User.username == username)).one()
    return Actor(user_id=user.id, username=user.username, country=user.country, role=user.role)


@pytest.fixture(scope="module")
def network(server: Server) -> Iterator[Network]:
    """Seed the module's records (names no other browser test uses), cross-match, and EG's judgement."""
    engine = make_engine(server.database_url)
    with Session(engine, expire_on_commit=False) as session:
        ma, fr, eg = (_actor(session, f"{c}.bureau_officer") for c in ("ma", "fr", "eg"))
        layla = put(session, ma, person("chart-layla", "Layla Mansouri", **BORN), "all").id
        passport = put(
            session, ma, ftm("chart-pass", "Passport", holder="chart-layla", number="MC7716203", country="ma"), "all"
        ).id
        company = put(session, ma, ftm("chart-cedar", "Company", name="Cedar Logistics SARL", country="ma"), "all").id
        director = put(session, ma, person("chart-omar", "Omar Haddou", birthDate="1971-11-30"), "all").id
        put(session, ma, ftm("chart-m1", "Membership", member="chart-layla", organization="chart-cedar"), "all")
        put(session, ma, ftm("chart-d1", "Directorship", director="chart-omar", organization="chart-cedar"), "all")
        layla_fr = put(session, fr, person("chart-layla-fr", "ليلى منصوري", **BORN), "all").id
        layla_eg = put(session, eg, person("chart-layla-eg", "Layla Mansouri", **BORN), "owner").id

    @contextmanager
    def factory() -> Iterator[Session]:
        with Session(engine, expire_on_commit=False) as s:
            yield s
            s.commit()

    run_xref(factory, SYSTEM, full=True)
    with Session(engine, expire_on_commit=False) as session:
        pair = [layla, layla_eg]
        eg_link = session.scalars(
            select(SuggestedLink).where(SuggestedLink.left_pk.in_(pair), SuggestedLink.right_pk.in_(pair))
        ).one()
        do_judge_link(session, eg, access_link_for_judge(session, eg, eg_link.id), "same")
        session.commit()
    engine.dispose()
    yield Network(layla, passport, company, director, layla_fr, layla_eg)


def _row(page: Page, pk: str) -> Any:
    return page.locator(f'#chart-nodes tr[data-node="{pk}"]')


def _node_ids(page: Page, *, visible_only: bool = False) -> set[str]:
    selector = "node:visible" if visible_only else "node"
    return set(page.evaluate(f"{CY}.nodes('{selector}').map(n => n.id())"))


def test_link_chart_expand_pin_filter_details_and_nothing_hidden(ui: UI, network: Network) -> None:
    page = ui.page
    ui.sign_in("ma.bureau_officer")
    # Find the person in unified search, in Arabic script, and open her link chart from the result.
    page.get_by_role("navigation").get_by_role("link", name="Search").click()
    page.get_by_label("Words, in any script").fill("ليلى منصوري")
    page.locator("main").get_by_role("button", name="Search").click()
    results = page.locator("ol.results")
    expect(results).to_contain_text("Layla Mansouri")
    ui.step("search-any-script")
    results.get_by_role("link", name="Layla Mansouri — Link chart").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Link chart")
    expect(page).to_have_url(re.compile(rf"/console/chart\?entity={network.layla}$"))
    # The first ring: her passport, the company, and France's record suggested as the same person.
    expect(_row(page, network.layla)).to_contain_text("start")
    for pk in (network.passport, network.company, network.layla_fr):
        expect(_row(page, pk)).to_have_count(1)
    expect(_row(page, network.director)).to_have_count(0)
    expect(page.locator("#chart-edges")).to_contain_text("Membership")
    expect(page.locator("#chart-edges")).to_contain_text("Suggested link")
    assert _node_ids(page) == {network.layla, network.passport, network.company, network.layla_fr}
    expect(page.locator("#chart-status")).to_have_text("4 records and 3 links shown.")
    ui.step("chart-first-ring")

    # Egypt's private record (judged "same" by Egypt) is nowhere: not a node, not an edge, not its JSON.
    assert network.layla_eg not in page.content()
    assert not page.evaluate(f"{CY}.edges().filter(e => e.data('kind') === 'same').length")
    hidden = f"/console/chart/entities/{network.layla_eg}"
    for path in (hidden, f"{hidden}/neighbours"):
        assert page.request.get(ui.server.url + path).status == 404, path
    assert ui.goto(f"/console/chart?entity={network.layla_eg}").status == 404
    ui.goto(f"/console/chart?entity={network.layla}")

    # Pin Layla (keyboard), then expand the company (keyboard): the director appears, Layla stays put.
    pin = page.locator(f"#chart-pin-{network.layla}")
    pin.focus()
    page.keyboard.press("Enter")
    expect(pin).to_have_attribute("aria-pressed", "true")
    expect(pin).to_be_focused()
    expect(_row(page, network.layla)).to_contain_text("pinned")
    before = page.evaluate(f"{CY}.getElementById('{network.layla}').position()")
    expand = page.locator(f"#chart-expand-{network.company}")
    expand.focus()
    page.keyboard.press("Space")
    expect(_row(page, network.director)).to_contain_text("Omar Haddou")
    expect(page.locator(f"#chart-expand-{network.company}")).to_be_disabled()
    expect(page.locator("#chart-edges")).to_contain_text("Directorship")
    expect(page.locator("#chart-status")).to_have_text("5 records and 4 links shown.")
    assert network.director in _node_ids(page)
    assert page.evaluate(f"{CY}.getElementById('{network.layla}').position()") == before
    ui.step("chart-expanded-pinned")

    # Filter: hide references (the passport link), then companies (the company and its two links).
    page.get_by_label("Reference").uncheck()
    expect(page.locator("#chart-edges tr[data-edge]")).to_have_count(3)
    expect(page.locator("#chart-edges")).not_to_contain_text("holder")
    page.get_by_label("Company", exact=True).uncheck()
    expect(_row(page, network.company)).to_have_count(0)
    expect(page.locator("#chart-edges tr[data-edge]")).to_have_count(1)  # only the suggested pair is left
    # cytoscape recomputes a node's style lazily: wait for it before reading what is visible
    page.wait_for_function(f"!{CY}.getElementById('{network.company}').visible()")
    assert network.company not in _node_ids(page, visible_only=True)
    expect(page.locator("#chart-status")).to_have_text("4 records and 1 links shown.")
    ui.step("chart-filtered")
    page.get_by_label("Company", exact=True).check()
    page.get_by_label("Reference").check()
    expect(page.locator("#chart-edges tr[data-edge]")).to_have_count(4)

    # Details: click France's record on the canvas, as one would with a mouse.
    box = page.locator("#chart-canvas").bounding_box()
    assert box is not None
    page.locator("#chart-fit").click()
    # Zoom in on the record first: after fitting, a neighbour or a label may overlap its centre.
    at = page.evaluate(
        f"(() => {{ const n = {CY}.getElementById('{network.layla_fr}'); {CY}.zoom(2); "
        f"{CY}.center(n); return n.renderedPosition(); }})()"
    )
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
    details = page.locator("#chart-details")
    expect(details.get_by_role("heading", level=2)).to_have_text("Details: ليلى منصوري")
    expect(details).to_contain_text("1990-06-01")
    expect(details).to_contain_text("FR")
    expect(details).to_be_focused()
    ui.step("chart-details")
    # And with the keyboard, from the table.
    page.locator(f"#chart-details-{network.director}").focus()
    page.keyboard.press("Enter")
    expect(details.get_by_role("heading", level=2)).to_have_text("Details: Omar Haddou")
    expect(details).to_contain_text("1971-11-30")


def test_link_chart_in_arabic_is_right_to_left_and_translated(ui: UI, network: Network) -> None:
    ui.sign_in("ma.bureau_officer")
    ui.goto(f"/console/chart?entity={network.layla}&lang=ar")
    page = ui.page
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Link chart")
    expect(page.locator(f"#chart-expand-{network.company}")).to_be_visible()
    english = r"\b(Expand|Pin|Details|Links to show|Record types to show)\b"
    assert not re.search(english, page.locator("main").inner_text())
    page.locator(f"#chart-expand-{network.company}").click()
    expect(_row(page, network.director)).to_have_count(1)
    ui.step("chart-arabic")


def test_case_timeline_shows_events_in_order(ui: UI) -> None:
    page = ui.page
    ui.sign_in("ma.bureau_officer")
    page.get_by_role("navigation").get_by_role("link", name="Cases").click()
    form = page.locator("form", has=page.get_by_role("button", name="Open the case"))
    form.get_by_label("Title").fill("Cedar Logistics payments (timeline)")
    form.get_by_label("Summary").fill("Payments through Cedar Logistics SARL.")
    form.get_by_label("Invite member countries").fill("FR")
    form.get_by_role("button", name="Open the case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cedar Logistics payments (timeline)")
    case_url = page.url
    page.get_by_label("New message").fill("The director signed both transfers.")
    page.get_by_role("button", name="Post the message").click()
    expect(page.locator("main")).to_contain_text("The director signed both transfers.")
    page.get_by_label("New task").fill("Bank records for March")
    page.get_by_label("Assigned to").select_option("FR")
    page.get_by_role("button", name="Add the task").click()
    expect(page.locator("main")).to_contain_text("Bank records for March")

    france = ui.window("fr")
    try:
        france.sign_in("fr.bureau_officer")
        france.page.goto(case_url)
        france.page.get_by_role("button", name="Accept the invitation").click()
        expect(france.page.get_by_role("button", name="Accept the invitation")).to_have_count(0)
    finally:
        france.close()

    page.reload()
    timeline = page.locator("section", has=page.get_by_role("heading", name="Timeline")).locator("ol > li")
    expected = ["Case opened", "Member invited", "Message posted", "Task assigned", "Invitation accepted"]
    expect(timeline).to_have_count(len(expected))
    for item, kind in zip(timeline.all(), expected, strict=True):
        expect(item).to_contain_text(kind)
    expect(timeline.nth(4)).to_contain_text("FR · fr.bureau_officer")
    times = [t.get_attribute("datetime") or "" for t in timeline.locator("time").all()]
    assert times == sorted(times) and all(times)
    ui.step("case-timeline")
