"""Sign-in, keyboard use, Arabic (RTL, translated) and access control, in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from browser.conftest import BROWSER, UI

pytestmark = BROWSER


def test_sign_in_wrong_then_right_password(ui: UI) -> None:
    ui.goto("/console/")  # not signed in: sent to the sign-in page, which remembers where to go next
    expect(ui.page).to_have_url(re.compile(r"/console/login\?next="))
    ui.step("sign-in-form")
    ui.sign_in("ma.bureau_officer", "not the password")
    expect(ui.page.get_by_role("alert")).to_contain_text("Sign-in failed")
    expect(ui.page.get_by_label("Username")).to_have_value("ma.bureau_officer")
    ui.step("wrong-password")
    ui.sign_in("ma.bureau_officer")
    expect(ui.page).to_have_url(re.compile(r"/console/$"))
    expect(ui.page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(ui.page.get_by_text("Signed in as ma.bureau_officer (MA)")).to_be_visible()
    ui.step("dashboard")
    ui.sign_out()
    expect(ui.page).to_have_url(re.compile(r"/console/login$"))
    ui.goto("/console/hits")
    expect(ui.page).to_have_url(re.compile(r"/console/login\?next="))


def _focused(ui: UI) -> str:
    return str(
        ui.page.evaluate(
            "document.activeElement.id || document.activeElement.className || document.activeElement.textContent.trim()"
        )
    )


def test_keyboard_reaches_sign_in_controls_in_order_and_skip_link_works(ui: UI) -> None:
    ui.goto("/console/login")
    assert _focused(ui) == "username"  # the form takes the focus on arrival
    order = [_focused(ui)]
    for _ in range(2):
        ui.page.keyboard.press("Tab")
        order.append(_focused(ui))
    assert order == ["username", "password", "Sign in"]
    ui.page.keyboard.press("Shift+Tab")
    ui.page.keyboard.press("Shift+Tab")
    ui.page.keyboard.type("fr.frontline_officer")
    ui.page.keyboard.press("Tab")
    ui.page.keyboard.type("browser-test-fr.frontline_officer-pass")
    ui.step("sign-in-by-keyboard")
    ui.page.keyboard.press("Enter")  # submits the form without a mouse
    expect(ui.page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    ui.page.keyboard.press("Tab")
    assert "skip" in _focused(ui).split()  # the first stop of every page: the skip link, shown when focused
    expect(ui.page.locator("a.skip")).to_be_in_viewport()
    ui.step("skip-link-focused")
    ui.page.keyboard.press("Enter")
    expect(ui.page).to_have_url(re.compile(r"#main$"))
    assert _focused(ui) == "main"
    ui.page.keyboard.press("Tab")  # the next stop is inside the content, past the navigation
    assert ui.page.evaluate("document.querySelector('main').contains(document.activeElement)")
    ui.step("after-skip-link")


def test_arabic_is_right_to_left_and_translated(ui: UI, catalog_strings: list[tuple[str, re.Pattern[str]]]) -> None:
    ui.sign_in("ma.bureau_officer")
    ui.page.get_by_label("Language").select_option("ar")  # applies at once (its button is for pages without JS)
    expect(ui.page.locator("html")).to_have_attribute("dir", "rtl")
    expect(ui.page.locator("html")).to_have_attribute("lang", "ar")
    for path in ("/console/", "/console/notices", "/console/hits", "/console/screen"):  # the choice is remembered
        ui.goto(path)
        expect(ui.page.locator("html")).to_have_attribute("dir", "rtl")
        text = ui.page.locator("body").inner_text()
        # Text marked as another language is meant to be there (the language menu names each language in itself).
        foreign = ui.page.evaluate(
            "[...document.querySelectorAll('body [lang]:not([lang=ar])')].map(e => e.textContent)"
        )
        for part in foreign:
            text = text.replace(part.strip(), "")
        english = [msgid for msgid, pattern in catalog_strings if pattern.search(text)]
        assert not english, f"English catalog strings on the Arabic page {path}: {english}"
        assert re.search("[\u0600-\u06ff]{3}", text)
        ui.step(f"arabic-{path.strip('/').replace('/', '-')}")
    ui.goto("/console/?lang=en")
    expect(ui.page.locator("html")).to_have_attribute("dir", "ltr")


def test_notice_of_another_country_not_shared_is_a_404_page(ui: UI) -> None:
    seed = ui.server.seed
    ui.sign_in("ma.bureau_officer")
    response = ui.goto(f"/console/notices/{seed.unshared_notice_id}")
    assert response.status == 404
    expect(ui.page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(ui.page.get_by_text("Samir Haddad")).to_have_count(0)
    ui.step("unshared-notice-404")
    response = ui.goto(f"/console/notices/{seed.red_notice_id}")  # the shared one opens
    assert response.status == 200
    expect(ui.page.get_by_role("heading", level=1)).to_contain_text("Karim Benali")
    ui.goto("/console/notices?q=Samir")
    expect(ui.page.get_by_text("Samir Haddad")).to_have_count(0)
    ui.step("unshared-notice-not-listed")
