"""Benchmark: Lighthouse accessibility and best-practices scores of the console's main pages.

Lighthouse (npm ``lighthouse``, pinned below; installed once into ``.cache/lighthouse`` with the machine's
npm) drives Debian's Chromium (``/usr/bin/chromium`` or MANARA_CHROMIUM) against ``manara serve`` over a
database built as ``benchmarks/console.py`` builds it (notices of every type, open hits), signed in
through the sign-in form in a Chromium profile that Lighthouse reuses. Each main page is audited in
English and in Arabic (LIGHTHOUSE_DETAILS=1 prints the elements of each failing audit). The floor of
issue 24 is an accessibility score of at least 95 on every main page. Beside each page's scores, its
server time (the median of five plain GETs) is printed.

    .venv/bin/python benchmarks/lighthouse.py [--notices 20000] [--langs en,ar] [--pages dashboard,notices]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from console import PASSWORD, build, cookie_for, free_port, serve

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE_VERSION = "12.2.3"  # 13.x needs Node.js 22; this machine has Node.js 20
CACHE = ROOT / ".cache" / "lighthouse"
CHROMIUM = os.environ.get("MANARA_CHROMIUM", "/usr/bin/chromium")
FLOOR = 95
PAGES = (
    ("dashboard", "/console/", "ma.duty_officer"),
    ("wall", "/console/wall", "ma.duty_officer"),
    ("notices", "/console/notices", "ma.bureau_officer"),
    ("screen", "/console/screen", "fr.frontline_officer"),
    ("hits", "/console/hits", "ma.bureau_officer"),
    ("cases", "/console/cases", "ma.bureau_officer"),
    ("map", "/console/map", "ma.bureau_officer"),
    ("search", "/console/search?q=wanted", "ma.bureau_officer"),
    ("account", "/console/account", "ma.bureau_officer"),
)


def lighthouse() -> Path:
    """Return the Lighthouse command, installing the pinned version with npm the first time."""
    binary = CACHE / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603
            ["npm", "install", "--prefix", str(CACHE), "--no-audit", "--no-fund", f"lighthouse@{LIGHTHOUSE_VERSION}"],  # noqa: S607
            check=True,
        )
    return binary


def signed_in_profile(port: int, username: str, profile: str) -> None:
    """Sign ``username`` in through the form in a Chromium profile that Lighthouse then reuses.

    The session cookie lives in the profile as a browser keeps it, so every request of the page (the
    live feed's EventSource included) carries it; Lighthouse runs with --disable-storage-reset.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True)
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/console/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url("**/console/")
        context.close()


def audit(binary: Path, url: str, profile: str) -> dict[str, float]:
    """Run Lighthouse on ``url`` in the signed-in ``profile``; return the category scores (0-100)."""
    flags = (
        f"--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
        f"--disable-component-update --disable-sync --user-data-dir={profile}"
    )
    done = subprocess.run(  # noqa: S603
        [
            str(binary),
            url,
            "--quiet",
            "--output=json",
            "--only-categories=accessibility,best-practices",
            f"--chrome-flags={flags}",
            "--disable-storage-reset",
            "--form-factor=desktop",
            "--screenEmulation.mobile=false",
            "--screenEmulation.width=1440",
            "--screenEmulation.height=900",
            "--screenEmulation.deviceScaleFactor=1",
            "--throttling-method=provided",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout)
    failing = [
        f"{a['id']}"
        for cat in ("accessibility", "best-practices")
        for ref in report["categories"][cat]["auditRefs"]
        if ref["weight"] > 0 and (a := report["audits"][ref["id"]])["score"] is not None and a["score"] < 1
    ]
    if os.environ.get("LIGHTHOUSE_DETAILS"):
        for audit_id in failing:
            items = (report["audits"][audit_id].get("details") or {}).get("items") or []
            for item in items[:6]:
                node = item.get("node") or {}
                print(f"    {audit_id}: {node.get('selector') or item.get('description') or item}"[:300])
    scores = {cat: round(report["categories"][cat]["score"] * 100) for cat in ("accessibility", "best-practices")}
    return {**scores, "failing": failing}  # type: ignore[dict-item]


def server_ms(port: int, path: str, cookie: str) -> float:
    """Median server time of five GETs of ``path`` (milliseconds)."""
    times = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", cookies={"manara_session": cookie}, timeout=120) as client:
        for i in range(6):
            start = time.perf_counter()
            assert client.get(path).status_code == 200, path
            if i:  # the first request warms the page's caches (e.g. the search index after a bulk load)
                times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    """Run the benchmark; exit 1 when a page scores under the accessibility floor."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notices", type=int, default=20_000)
    parser.add_argument("--langs", default="en,ar")
    parser.add_argument("--pages", default=",".join(name for name, _, _ in PAGES), help="names of the pages to audit")
    args = parser.parse_args()
    binary = lighthouse()
    below = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/lighthouse.db"
        build(url, args.notices, 50)
        port = free_port()
        proc = serve(url, Path(tmp), port)
        try:
            cookies = {user: cookie_for(port, user) for _, _, user in PAGES}
            profiles = {user: tempfile.mkdtemp(dir=tmp) for user in cookies}
            for user, profile in profiles.items():
                signed_in_profile(port, user, profile)
            print(f"Lighthouse {LIGHTHOUSE_VERSION}, Chromium at {CHROMIUM}, {args.notices:,} notices")
            print(f"{'page':<12} {'lang':<4} {'a11y':>5} {'best':>5} {'server ms':>10}  failing audits")
            for name, path, user in PAGES:
                if name not in args.pages.split(","):
                    continue
                for lang in args.langs.split(","):
                    sep = "&" if "?" in path else "?"
                    target = f"{path}{sep}lang={lang}"
                    ms = server_ms(port, target, cookies[user])
                    result = audit(binary, f"http://127.0.0.1:{port}{target}", profiles[user])
                    print(
                        f"{name:<12} {lang:<4} {result['accessibility']:>5} {result['best-practices']:>5} {ms:>10.1f}  "
                        f"{', '.join(result['failing']) or '-'}",
                        flush=True,
                    )
                    if result["accessibility"] < FLOOR:
                        below.append(f"{name} ({lang})")
        finally:
            proc.terminate()
            proc.wait(30)
    if below:
        print(f"under the accessibility floor of {FLOOR}: {', '.join(below)}")
        return 1
    print(f"every page at or above the accessibility floor of {FLOOR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
