"""Keyboard-first work: the command palette jumps to a record by name or reference, shortcuts move around."""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import BROWSER, UI

pytestmark = BROWSER


def test_palette_opens_a_record_and_shortcuts_move_between_pages(ui: UI) -> None:
    ui.sign_in("ma.bureau_officer")
    page = ui.page
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    page.keyboard.press("Control+k")
    palette = page.locator("#palette")
    expect(palette).to_be_visible()
    page.keyboard.type("Benali")
    option = palette.get_by_role("option").filter(has_text="Benali").first
    expect(option).to_be_visible()
    ui.step("palette", axe=True)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/console/notices/{ui.server.seed.red_notice_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Benali")

    page.keyboard.press("g")
    page.keyboard.press("h")
    page.wait_for_url("**/console/hits")
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
    ui.step("shortcuts", axe=True)
    page.keyboard.press("Escape")
    expect(page.locator("#shortcuts")).to_be_hidden()

    page.keyboard.press("/")
    expect(palette).to_be_visible()
    page.keyboard.type("Screening")
    expect(palette.get_by_role("option").filter(has_text="Screening")).to_be_visible()
    page.keyboard.press("Escape")
    expect(palette).to_be_hidden()
    expect(page.locator("#palette-q")).not_to_be_focused()  # else the shortcuts would be typed into it
    page.keyboard.press("g")
    page.keyboard.press("s")
    page.wait_for_url("**/console/screen")


def test_navigation_filter_narrows_the_menu(ui: UI) -> None:
    ui.sign_in("ma.bureau_officer")
    page = ui.page
    page.get_by_label("Find a page").fill("link")
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="Link chart")).to_be_visible()
    expect(nav.get_by_role("link", name="Notices")).to_be_hidden()
    page.get_by_label("Find a page").fill("")
    expect(nav.get_by_role("link", name="Notices")).to_be_visible()
