"""Finding 10: every console page and API answer carries the security headers; pages with personal data are
not stored; static files keep their caching; no page has inline script the policy would block."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from conftest import Net
from manara.identity import Role
from web.conftest import Console

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "manara" / "web" / "templates"
MAIN_PAGES = [
    "/console/notices",
    "/console/notices/new",
    "/console/screen",
    "/console/hits",
    "/console/search",
    "/console/map",
    "/console/cases",
    "/console/handover",
    "/console/chart",
    "/console/admin/audit",
    "/console/account",
    "/console/account/sessions",
    "/console/admin/users",
    "/console/wall",
    "/console/media",
    "/console/crypto",
    "/console/drones",
    "/console/training",
]


def _assert_protected(response_headers: dict[str, str], *, api: bool = False) -> None:
    csp = response_headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    if api:
        assert csp.startswith("default-src 'none'")
    else:
        assert "script-src 'self';" in csp and "unsafe-eval" not in csp and "object-src 'none'" in csp
        assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert response_headers["x-content-type-options"] == "nosniff"
    assert response_headers["referrer-policy"] == "no-referrer"
    assert response_headers["x-frame-options"] == "DENY"


def test_every_main_console_page_has_the_headers_and_is_not_stored(console: Console, net: Net) -> None:
    shown: set[str] = set()
    for role in Role:  # each page with a role that may open it; refusals carry the headers too
        console.client.cookies.clear()
        console.sign_in("MA", role)
        for path in MAIN_PAGES:
            response = console.client.get(path)
            _assert_protected(dict(response.headers))
            assert response.headers["cache-control"] == "no-store"
            if response.status_code == 200:
                shown.add(path)
    assert shown == set(MAIN_PAGES)


def test_sign_in_page_error_pages_and_the_api(client: TestClient, net: Net) -> None:
    for path in ("/console/login", "/console/notices/00000000-0000-0000-0000-000000000000", "/"):
        response = client.get(path, follow_redirects=False)
        _assert_protected(dict(response.headers))
    api = client.get("/api/v1/notices", headers=net.user("MA", Role.BUREAU_OFFICER).headers)
    assert api.status_code == 200
    _assert_protected(dict(api.headers), api=True)
    assert api.headers["cache-control"] == "no-store"
    denied = client.get("/api/v1/notices")
    assert denied.status_code == 401 and denied.headers["cache-control"] == "no-store"


def test_static_files_keep_their_caching(client: TestClient) -> None:
    response = client.get("/console/static/console.js")
    assert response.status_code == 200
    assert response.headers.get("cache-control") != "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_openapi_pages_still_start() -> None:
    from manara.web.security_headers import DOCS_CSP, headers_for

    assert headers_for("/docs") == (DOCS_CSP.encode(), False)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)


def test_no_template_has_inline_script_or_event_handlers() -> None:
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        found += [f"{path.name}: {m.group(0)}" for m in INLINE_SCRIPT.finditer(text)]
        found += [f"{path.name}: {m.group(0)}" for m in INLINE_HANDLER.finditer(text)]
        assert "javascript:" not in text, path
    assert found == []
