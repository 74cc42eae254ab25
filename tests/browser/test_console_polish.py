"""The subject in words, secrets shown once with a QR code, case form messages beside the fields: in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from browser.conftest import BROWSER, UI, Server

pytestmark = BROWSER


def test_the_subject_reads_in_words_in_english_and_arabic(ui: UI, server: Server) -> None:
    ui.sign_in("fr.frontline_officer")
    ui.goto(f"/console/notices/{server.seed.red_notice_id}")
    subject = ui.page.locator("section[aria-labelledby=subject-title]")
    expect(subject.locator("dt").first).to_have_text("Name")
    expect(subject).to_contain_text("Birth date")
    expect(subject).to_contain_text("April 12, 1985")
    expect(subject).to_contain_text("Morocco")
    expect(subject).not_to_contain_text("birthDate")
    ui.step("notice-subject-en")
    ui.goto(f"/console/notices/{server.seed.red_notice_id}?lang=ar")
    expect(subject).to_contain_text("تاريخ الميلاد")
    expect(subject).to_contain_text("المغرب")
    ui.step("notice-subject-ar")
    ui.goto("/console/notices?lang=en")


def test_totp_enrolment_shows_a_qr_code_once(ui: UI) -> None:
    ui.sign_in("fr.bureau_officer")
    ui.goto("/console/account")
    ui.page.get_by_role("button", name="Set up two-factor sign-in").click()
    expect(ui.page).to_have_url(re.compile(r"/console/account$"))  # redirected: a reload re-sends a GET
    expect(ui.page.get_by_role("img", name="QR code of the key for your authenticator app")).to_be_visible()
    secret = ui.page.locator("#totp-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    ui.step("totp-qr-code")
    ui.page.reload()
    expect(ui.page.locator("#totp-secret")).to_have_count(0)
    expect(ui.page.get_by_label("Code from the app")).to_be_visible()
    ui.step("totp-after-reload")


def test_a_reset_password_is_not_shown_again_on_reload(ui: UI) -> None:
    ui.sign_in("ma.administrator")
    ui.goto("/console/admin/users")
    ui.page.get_by_role("link", name="ma.analyst").click()
    ui.page.get_by_role("button", name="Reset password").click()
    expect(ui.page.locator("#secret-value")).to_have_count(1)
    ui.step("password-shown-once")
    ui.page.reload()
    expect(ui.page.locator("#secret-value")).to_have_count(0)
    ui.step("password-after-reload")


def test_a_case_form_refused_shows_its_message_beside_the_field(ui: UI) -> None:
    ui.sign_in("ma.bureau_officer")
    ui.goto("/console/cases")
    ui.page.get_by_label("Title").fill("Port of Tangier")
    ui.page.get_by_label("Invite member countries").fill("FR, QQ")
    ui.page.get_by_role("button", name="Open the case").click()
    field = ui.page.get_by_label("Invite member countries")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_value("FR, QQ")
    expect(ui.page.locator("#c-invite-error")).to_have_text("Not member countries of the network: QQ.")
    expect(ui.page.get_by_label("Title")).to_have_value("Port of Tangier")
    expect(ui.page.locator("#form-problems")).to_be_focused()  # brought into view and read out first
    ui.step("case-form-refused")
