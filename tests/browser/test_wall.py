"""The operations wall in a real browser: full screen without the console's chrome, refreshing on live news,
axe-clean in light and dark display and in Arabic (right to left)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from browser.conftest import BROWSER, UI

pytestmark = BROWSER


def _theme(ui: UI, theme: str) -> None:
    """Choose the user's display (remembered on the server) from the account page's top bar."""
    ui.goto("/console/account")
    ui.page.locator("#theme-select").select_option(theme)
    ui.page.wait_for_function(f"document.documentElement.dataset.theme === '{theme}'")


def test_the_wall_fills_the_screen_refreshes_and_reads_in_light_dark_and_arabic(ui: UI) -> None:
    ui.sign_in("ma.duty_officer")
    ui.page.get_by_role("navigation").get_by_role("link", name="Operations wall").click()
    page = ui.page
    expect(page).to_have_url(re.compile(r"/console/wall$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Operations wall")
    expect(page.locator("#sidebar")).to_be_hidden()  # the console's chrome gives the screen to the wall
    expect(page.locator("header.topbar")).to_be_hidden()
    expect(page.locator("footer.app-footer")).to_be_hidden()
    expect(page.get_by_role("link", name="Back to the console")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("World map of the notices"))).to_be_visible()
    expect(page.get_by_text("Hits raised, last 24 hours")).to_be_visible()
    expect(page.get_by_role("heading", name="Work queues")).to_be_visible()
    expect(page.get_by_role("heading", name="Live feed")).to_be_visible()
    value = page.locator(".stat-value").first
    assert float(value.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 48  # readable from afar
    full = page.get_by_role("button", name="Full screen")
    expect(full).to_be_visible()  # shown by wall.js where the Fullscreen API exists
    ui.step("wall-light")
    full.click()
    expect(page.get_by_role("button", name="Leave full screen")).to_be_visible()
    page.get_by_role("button", name="Leave full screen").click()
    expect(full).to_be_visible()
    # news on the live feed refreshes the counters and the map from their fragments
    with page.expect_response(lambda r: r.url.endswith("/console/wall/counters") and r.ok):
        page.evaluate("document.body.dispatchEvent(new CustomEvent('manara:live'))")
    expect(page.locator("#wall-counters .stat")).to_have_count(4)  # hits, notices, cases, queue items
    page.get_by_role("link", name="Back to the console").click()
    expect(page).to_have_url(re.compile(r"/console/$"))

    try:
        _theme(ui, "dark")
        ui.goto("/console/wall")
        expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
        expect(page.get_by_role("heading", level=1)).to_have_text("Operations wall")
        ui.step("wall-dark")
        ui.goto("/console/wall?lang=ar")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.get_by_role("heading", level=1)).to_have_text("جدار العمليات")
        expect(page.get_by_role("link", name="العودة إلى الواجهة")).to_be_visible()
        ui.step("wall-dark-arabic")
        _theme(ui, "light")
        ui.goto("/console/wall")
        expect(page.locator("html")).to_have_attribute("data-bs-theme", "light")
        ui.step("wall-light-arabic")
    finally:
        ui.goto("/console/account?lang=en")
        _theme(ui, "auto")
