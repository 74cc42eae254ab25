"""The console's design system on every main page: axe-core clean in light, dark, high contrast and Arabic,
and screenshots compared with approved ones, so that a visual change is reviewed, not accidental.

This module runs a server of its own over a fresh seeded database (other browser tests add records to the
shared one, which would change what the lists show). Each main page is opened in four displays; axe-core
must find no serious or critical violation in any. In two of them (light English, dark Arabic) the
viewport screenshot, at half size, is compared with ``approved/<page>-<display>.png``: the share of pixels
that differ visibly must stay under ``BUDGET`` (names and times of the seeded records differ from run to
run; a layout, colour or spacing change moves far more). A failing comparison saves the new screenshot and
a difference image under ``test-artifacts/browser/visual/`` for review; approve a deliberate change with
``MANARA_APPROVE_SCREENSHOTS=1 make test-sqlite`` (or pytest on this file) and commit the new images.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import Browser, Page

from served import database, password_of, running, seed_network

from .conftest import ARTIFACTS, BROWSER, Server, assert_accessible

pytestmark = BROWSER

APPROVED = Path(__file__).parent / "approved"
VISUAL = ARTIFACTS / "visual"
APPROVE = os.environ.get("MANARA_APPROVE_SCREENSHOTS") == "1"
BUDGET = 0.02  # share of pixels allowed to differ visibly (channel difference above THRESHOLD)
THRESHOLD = 40
# (display name, theme, language); the compared ones are listed in COMPARED.
DISPLAYS = (
    ("light-en", "light", "en"),
    ("dark-en", "dark", "en"),
    ("contrast-en", "contrast", "en"),
    ("light-ar", "light", "ar"),
    ("dark-ar", "dark", "ar"),
)
COMPARED = ("light-en", "dark-ar")
# (page name, path, user): the main pages, each as the role that works on it.
PAGES = (
    ("dashboard", "/console/", "ma.duty_officer"),
    ("notices", "/console/notices", "ma.bureau_officer"),
    ("notice", "/console/notices/{red}", "ma.bureau_officer"),
    ("notice-form", "/console/notices/new", "ma.bureau_officer"),
    ("screen", "/console/screen", "fr.frontline_officer"),
    ("hits", "/console/hits", "ma.bureau_officer"),
    ("cases", "/console/cases", "ma.bureau_officer"),
    ("map", "/console/map", "ma.bureau_officer"),
    ("search", "/console/search?q=Benali", "ma.bureau_officer"),
    ("wall", "/console/wall", "ma.duty_officer"),
    ("account", "/console/account", "ma.bureau_officer"),
    ("training", "/console/training", "ma.bureau_officer"),
    ("drones", "/console/drones", "ma.bureau_officer"),
    ("crypto", "/console/crypto", "ma.bureau_officer"),
    ("media", "/console/media", "ma.bureau_officer"),
    ("cyber", "/console/cyber", "ma.bureau_officer"),
    ("pursuits", "/console/pursuits", "ma.bureau_officer"),
    ("operations", "/console/operations", "ma.bureau_officer"),
    ("assessments", "/console/assessments", "ma.bureau_officer"),
    ("webhooks", "/console/admin/webhooks", "ma.administrator"),
    ("sessions", "/console/account/sessions", "ma.bureau_officer"),
    ("admin-users", "/console/admin/users", "ma.administrator"),
)
USERS = sorted({user for _, _, user in PAGES})


@pytest.fixture(scope="module")
def design_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of this module's own, over a fresh seeded database (nothing else writes to it)."""
    tmp = tmp_path_factory.mktemp("design-server")
    url = database(tmp, "design")
    seed = seed_network(url)
    with running([sys.executable, "-m", "manara.cli.main", "serve"], url, tmp, MANARA_SHUTDOWN_GRACE_SECONDS="2") as (
        _,
        base_url,
        log,
    ):
        yield Server(base_url, seed, log, url)


@pytest.fixture(scope="module")
def pages(browser: Browser, design_server: Server) -> Iterator[dict[str, Page]]:
    """One signed-in window per user, reused by every page and display of the module."""
    windows: dict[str, Page] = {}
    for username in USERS:
        context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(design_server.url + "/console/login?lang=en")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password_of(username))
        page.locator("main").get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/console/")
        windows[username] = page
    yield windows
    for page in windows.values():
        page.context.close()


def _display(page: Page, server: Server, theme: str, lang: str) -> None:
    """Choose the user's display theme (remembered on the server) and the page language (a cookie)."""
    page.goto(server.url + f"/console/account?lang={lang}")
    page.locator("#theme-select").select_option(theme)
    page.wait_for_function(f"document.documentElement.dataset.theme === '{theme}'")


def _visible_difference(new: Image.Image, old: Image.Image) -> float:
    """Share of pixels whose largest channel difference exceeds THRESHOLD."""
    if new.size != old.size:
        return 1.0
    diff = ImageChops.difference(new.convert("RGB"), old.convert("RGB")).convert("L")
    changed = sum(diff.point(lambda v: 255 if v > THRESHOLD else 0).histogram()[255:])
    return changed / (new.size[0] * new.size[1])


@pytest.mark.parametrize(("display", "theme", "lang"), DISPLAYS, ids=[d[0] for d in DISPLAYS])
def test_main_pages_are_accessible_and_look_as_approved(
    pages: dict[str, Page], design_server: Server, display: str, theme: str, lang: str
) -> None:
    """Every main page in this display: axe-clean; in the compared displays, as approved."""
    for username in USERS:
        _display(pages[username], design_server, theme, lang)
    changed: list[str] = []
    for name, path, username in PAGES:
        page = pages[username]
        response = page.goto(design_server.url + path.format(red=design_server.seed.red_notice_id))
        assert response is not None and response.ok, f"{name}: {response.status if response else 'no response'}"
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        assert page.locator("html").get_attribute("data-bs-theme") == ("light" if theme == "light" else "dark")
        page.evaluate("document.fonts.ready")
        assert_accessible(page, f"{name} ({display})")
        if display not in COMPARED:
            continue
        shot = Image.open(BytesIO(page.screenshot(animations="disabled", caret="hide")))
        shot = shot.resize((shot.width // 2, shot.height // 2), Image.Resampling.LANCZOS).convert("RGB")
        approved = APPROVED / f"{name}-{display}.png"
        if APPROVE:
            shot.save(approved, optimize=True)
            continue
        if not approved.exists():
            changed.append(f"{name} ({display}): no approved screenshot yet")
            continue
        share = _visible_difference(shot, Image.open(approved))
        if share > BUDGET:
            VISUAL.mkdir(parents=True, exist_ok=True)
            shot.save(VISUAL / f"{name}-{display}.new.png")
            ImageChops.difference(shot, Image.open(approved).convert("RGB")).save(VISUAL / f"{name}-{display}.diff.png")
            changed.append(f"{name} ({display}): {share:.1%} of pixels differ")
    assert not changed, (
        "pages look different from their approved screenshots (review test-artifacts/browser/visual/, then "
        "approve with MANARA_APPROVE_SCREENSHOTS=1):\n" + "\n".join(changed)
    )
