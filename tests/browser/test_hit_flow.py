"""The cooperation flow in a real browser, as the people at four desks would live it.

Morocco drafts a red notice in the form, submits it; a French reviewer approves (publishes) it; a French
frontline officer screens the wanted man; Morocco's bureau officer and duty officer see the hit arrive on
their dashboards without reloading (live feed and work queue, Server-Sent Events); the duty officer
acknowledges it from the queue; the bureau officer confirms it in the hits inbox; the duty desk sees the
answer arrive and the queue empty.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, expect

from browser.conftest import BROWSER, UI

pytestmark = BROWSER

LIVE_MS = 20_000  # an event reaches a connected dashboard well within this
NAME = ("El Amrani", "Youssef", "1979-02-03")
RED = {
    "Offence": "Armed robbery of a jewellery shop",
    "Summary of facts": "Robbery in Marrakech, 4 May 2025.",
    "Legal provision": "Penal Code art. 509",
    "Maximum penalty (years)": "20",
    "Arrest warrant reference": "MRK-2025-118",
    "Issuing authority": "Investigating judge, Marrakech",
    "Extradition will be sought from": "FR, ES",
}


def _live(desk: UI) -> None:
    """Open the dashboard and wait until its live feed is connected."""
    desk.goto("/console/")
    expect(desk.page.locator("#feed-status")).to_have_text(re.compile("^Live"), timeout=LIVE_MS)


def _hit_queue(desk: UI) -> Locator:
    return desk.page.locator(
        "section.queue", has=desk.page.get_by_role("heading", name=re.compile("^Hits awaiting your country's answer"))
    )


def _draft_and_submit(owner: UI) -> str:
    """Fill the notice form as the owner (once with a mistake), save and submit; return the reference."""
    owner.page.get_by_role("navigation").get_by_role("link", name="Notices").click()
    owner.page.get_by_role("link", name="New notice").click()
    form = owner.page.locator("#notice-form")
    form.get_by_label("Type").select_option("red")
    form.get_by_label("Title").fill(f"Wanted: {NAME[1]} {NAME[0]}")
    form.get_by_label("Family name").fill(NAME[0])
    form.get_by_label("Given names").fill(NAME[1])
    form.get_by_label("Birth date").fill("03/02/1979")  # a mistake: the form says where and why
    form.get_by_label("Nationalities").fill("MA")
    for label, value in RED.items():
        form.get_by_label(label, exact=True).fill(value)
    form.get_by_role("button", name="Save draft").click()
    expect(owner.page.get_by_role("alert")).to_be_visible()
    expect(owner.page.locator("#f-birth_date")).to_have_attribute("aria-invalid", "true")
    owner.step("notice-form-error")
    owner.page.locator("#f-birth_date").fill(NAME[2])
    owner.page.get_by_role("button", name="Save draft").click()
    expect(owner.page.get_by_role("heading", level=1)).to_contain_text(f"Wanted: {NAME[1]} {NAME[0]}")
    owner.step("notice-draft")
    owner.page.get_by_role("button", name="Submit for review").click()
    expect(owner.page.locator(".facts").first).to_contain_text("Submitted")
    owner.step("notice-submitted")
    reference = owner.page.locator(".facts").first.get_by_text(re.compile(r"^MA-R-\d{4}-[0-9A-F]{6}$")).inner_text()
    return reference


def _review(reviewer: UI, reference: str) -> None:
    """Approve the notice from the reviewer's work queue."""
    reviewer.sign_in("fr.reviewer")
    queue = reviewer.page.locator("#queues")
    queue.get_by_role("link", name=re.compile(reference)).click()
    expect(reviewer.page.get_by_role("heading", level=1)).to_contain_text(NAME[0])
    reviewer.step("review")
    reviewer.page.get_by_role("button", name="Approve").click()
    expect(reviewer.page.locator(".facts").first).to_contain_text("Published")
    reviewer.step("published")


def _screen(screener: UI, reference: str) -> None:
    screener.sign_in("fr.frontline_officer")
    screener.page.get_by_role("navigation").get_by_role("link", name="Screening").click()
    screener.page.get_by_label("Names").fill(f"{NAME[1]} {NAME[0]}\nيوسف العمراني")
    screener.page.get_by_label("Birth date").fill(NAME[2])
    screener.step("screening-form")
    screener.page.get_by_role("button", name="Screen", exact=True).click()
    results = screener.page.locator("section", has=screener.page.get_by_role("heading", name="Results"))
    row = results.locator("tr", has=screener.page.get_by_role("link", name=reference))
    expect(row.get_by_text("Match", exact=True)).to_be_visible()
    expect(row.get_by_text(re.compile(r"^Hit "))).to_be_visible()
    screener.step("screening-hit")


def test_red_notice_from_draft_to_a_hit_answered_live(ui: UI) -> None:
    owner = ui
    owner.sign_in("ma.bureau_officer")
    reference = _draft_and_submit(owner)
    reviewer = owner.window("reviewer")
    _review(reviewer, reference)
    reviewer.close()

    _live(owner)
    duty = owner.window("duty")
    duty.sign_in("ma.duty_officer")
    _live(duty)
    duty.step("duty-dashboard-before")
    screener = owner.window("screener")
    _screen(screener, reference)
    screener.close()

    line = "New hit on a Red notice of MA, raised by FR"
    for desk in (owner, duty):  # no reload: the feed line and the queue row arrive by themselves
        expect(desk.page.locator("#feed-lines").get_by_role("link", name=line)).to_be_visible(timeout=LIVE_MS)
        expect(_hit_queue(desk).get_by_role("link", name="Red notice, raised by FR")).to_be_visible(timeout=LIVE_MS)
        desk.step("hit-arrived-live")
    _hit_queue(duty).get_by_role("button", name="Acknowledge").click()  # the duty desk takes it
    expect(_hit_queue(duty)).to_contain_text("ma.duty_officer")
    duty.step("duty-acknowledged")
    expect(_hit_queue(owner)).to_contain_text("ma.duty_officer", timeout=LIVE_MS)  # the bureau sees who took it

    _hit_queue(owner).get_by_role("link", name="Red notice, raised by FR").click()
    row = owner.page.locator("tbody tr", has_text=NAME[1])
    expect(row).to_contain_text("Acknowledged")
    expect(row.get_by_role("button", name="Acknowledge")).to_have_count(0)
    row.get_by_label("Judgement").select_option("confirmed")
    row.get_by_label("Note").fill("Fingerprints compared by the NCB: same person.")
    row.get_by_role("button", name="Judge").click()
    expect(row).to_contain_text("Confirmed")
    owner.step("hit-confirmed")

    answered = "MA answered a hit on a Red notice raised by FR"
    expect(duty.page.locator("#feed-lines").get_by_role("link", name=answered)).to_be_visible(timeout=LIVE_MS)
    expect(_hit_queue(duty).get_by_role("link", name="Red notice, raised by FR")).to_have_count(0, timeout=LIVE_MS)
    duty.step("duty-answer-arrived-live")
    duty.close()
