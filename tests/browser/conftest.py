"""Browser tests: a real server (uvicorn in a child process) driven by Debian's Chromium through Playwright.

- One server per test process (session fixture): a fresh database migrated with Alembic (SQLite in a
  temporary file, or a database of its own on the PostgreSQL test server when MANARA_TEST_DATABASE_URL is
  set), seeded with a small network (`Seed`), served with the background workers on (index refresher,
  job runner), as `manara serve` does. Tests share the server: each uses names of its own.
- Chromium is Debian's (`/usr/bin/chromium`, or MANARA_CHROMIUM); no browser is ever downloaded.
  `scripts/ensure-system-deps.sh browser` installs it; without it these tests are skipped, saying so.
- Every step is saved as a screenshot under `test-artifacts/browser/` and checked with axe-core
  (vendored in `vendor/`): no violation of impact serious or critical.
- Every test module here sets ``pytestmark = BROWSER``, the xdist group "browser" (`--dist loadgroup` is in
  pyproject's addopts) meant to give them one worker, one server and one Chromium. pytest-xdist 3.8.0 was seen
  not to honour groups (even in a two-test example), so each worker may start its own server: the tests do
  not depend on sharing one, nor on each other's data.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Browser, Page, expect, sync_playwright

from served import Seed, database, password_of, running, seed_network

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
AXE = HERE / "vendor" / "axe.min.js"
CHROMIUM = Path(os.environ.get("MANARA_CHROMIUM", "/usr/bin/chromium"))
TRANSLATIONS = ROOT / "src" / "manara" / "web" / "translations"
BLOCKING = ("serious", "critical")
BROWSER = pytest.mark.xdist_group("browser")
expect.set_options(timeout=15_000)  # the machine running the suite may be busy: wait longer than 5 s by default


@dataclass
class Server:
    """The running server: its base URL and the seeded ids."""

    url: str
    seed: Seed
    log: Path
    database_url: str = ""  # the server's database, for a test module that seeds data of its own


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Start `manara serve` on a free loopback port over a fresh, seeded database; stop it at the end."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"Chromium not found at {CHROMIUM}: install it with `scripts/ensure-system-deps.sh browser` "
            "(apt-get install chromium), or point MANARA_CHROMIUM at it"
        )
    tmp = tmp_path_factory.mktemp("browser-server")
    url = database(tmp, "browser")
    seed = seed_network(url)
    # Open live-feed streams would hold a graceful stop for minutes: the grace period cuts them short.
    with running([sys.executable, "-m", "manara.cli.main", "serve"], url, tmp, MANARA_SHUTDOWN_GRACE_SECONDS="2") as (
        _,
        base_url,
        log,
    ):
        yield Server(base_url, seed, log, url)


@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser).

    Module scope, not session: Playwright's sync API keeps an asyncio loop running in this thread while it
    is started, and the tests that follow in the same process (``asyncio.run``) must not find it.
    """
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, timeout=120_000)
        yield chromium
        chromium.close()


class UI:
    """One browser window on the server: navigation, sign-in, and a screenshot plus axe check per step."""

    def __init__(self, page: Page, server: Server, name: str) -> None:
        self.page, self.server, self.name, self.steps = page, server, name, 0

    def window(self, suffix: str) -> UI:
        """Open a second browser window with cookies of its own (another user at another desk)."""
        browser = self.page.context.browser
        assert browser is not None
        return _window(browser, self.server, f"{self.name}-{suffix}")

    def close(self) -> None:
        """Close this window and its cookies."""
        self.page.context.close()

    def goto(self, path: str) -> Any:
        """Open a path of the server; return the response."""
        return self.page.goto(self.server.url + path)

    def step(self, label: str, *, axe: bool = True) -> None:
        """Save a screenshot of the page and assert axe-core finds no serious or critical violation."""
        self.steps += 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{self.name}-{self.steps:02d}-{label}.png"), full_page=True)
        if axe:
            assert_accessible(self.page, f"{self.name} / {label}")

    def sign_in(self, username: str, password: str | None = None) -> None:
        """Sign in through the form, as a person would."""
        self.goto("/console/login")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password or password_of(username))
        self.page.locator("main").get_by_role("button", name="Sign in").click()

    def sign_out(self) -> None:
        """Sign out with the header's button."""
        self.page.get_by_role("button", name="Sign out").click()


def assert_accessible(page: Page, where: str) -> None:
    """Run axe-core on the page; fail on any violation of impact serious or critical, listing the nodes."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())  # not a <script> tag: the console's CSP forbids inline script
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v.get("impact") in BLOCKING]
    details = [
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"]) for n in v["nodes"][:5])
        for v in bad
    ]
    assert not bad, f"axe-core violations on {where}:\n" + "\n".join(details)


@pytest.fixture
def ui(browser: Browser, server: Server, request: pytest.FixtureRequest) -> Iterator[UI]:
    """A fresh browser context (no cookies) and page, named after the test for its screenshots."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.name).strip("-")
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    window = _window(browser, server, name)
    yield window
    window.close()


def _window(browser: Browser, server: Server, name: str) -> UI:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return UI(page, server, name)


@pytest.fixture(scope="session")
def catalog_strings() -> list[tuple[str, re.Pattern[str]]]:
    """English catalog strings that Arabic translates differently, as patterns of their literal text."""
    with (TRANSLATIONS / "ar" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale="ar")
    found = []
    for message in catalog:
        if not message.id or not isinstance(message.id, str) or not message.string or message.string == message.id:
            continue
        fragment = max(re.split(r"%\(\w+\)[sd]", message.id), key=len).strip(" .:,")
        if len(fragment) >= 4 and re.search(r"[A-Za-z]{3}", fragment):
            found.append((message.id, re.compile(rf"(?<![A-Za-z]){re.escape(fragment)}(?![A-Za-z])")))
    return found
