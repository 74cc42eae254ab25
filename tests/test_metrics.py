"""/metrics: access (networks or token), route templates as labels, counters where the work happens,
gauges read at scrape time, and the sum over several server workers (prometheus multiprocess mode)."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import Net
from factories import make_notice
from manara.identity import Role
from manara.settings import get_settings
from served import database, running, seed_network

SAMPLE = re.compile(r"^(?P<name>[a-zA-Z_:][\w:]*)(?:\{(?P<labels>.*)\})? (?P<value>\S+)$")


def _value(text: str, name: str, **labels: str) -> float:
    """Return the sum of the samples ``name{labels…}`` in Prometheus text (0 when absent)."""
    total = 0.0
    for line in text.splitlines():
        m = SAMPLE.match(line)
        if m is None or m["name"] != name:
            continue
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m["labels"] or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            total += float(m["value"])
    return total


@pytest.fixture
def local(app: Any) -> Iterator[TestClient]:
    """A client on the loopback address (the default metrics network)."""
    with TestClient(app, raise_server_exceptions=False, client=("127.0.0.1", 40000)) as c:
        yield c


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    value = "metrics-scraper-token-0123456789abcdef"
    monkeypatch.setenv("MANARA_METRICS_TOKEN", value)
    get_settings.cache_clear()
    yield value
    get_settings.cache_clear()


def test_metrics_are_refused_outside_the_networks_without_the_token(client: TestClient) -> None:
    got = client.get("/metrics")
    assert got.status_code == 403
    assert got.json()["error"]["code"] == "forbidden"
    assert client.get("/metrics", headers={"Authorization": "Bearer guess"}).status_code == 403


def test_the_token_opens_metrics_from_anywhere_and_a_wrong_one_does_not(client: TestClient, token: str) -> None:
    assert client.get("/metrics", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.get("/metrics", headers={"Authorization": f"Bearer {token}x"}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": token}).status_code == 403


def test_other_networks_are_configurable(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MANARA_METRICS_NETWORKS", '["10.20.0.0/16"]')
    get_settings.cache_clear()
    try:
        with TestClient(app, raise_server_exceptions=False, client=("10.20.3.4", 1)) as inside:
            assert inside.get("/metrics").status_code == 200
        with TestClient(app, raise_server_exceptions=False, client=("127.0.0.1", 1)) as loopback:
            assert loopback.get("/metrics").status_code == 403
    finally:
        get_settings.cache_clear()


def test_requests_are_counted_by_route_template_never_by_raw_path(local: TestClient, net: Net) -> None:
    user = net.user("MA", Role.BUREAU_OFFICER)
    before = _value(
        local.get("/metrics").text, "manara_http_requests_total", route="/api/v1/notices/{notice_id}", status="404"
    )
    for _ in range(3):
        assert local.get("/api/v1/notices/P99887766-secret", headers=user.headers).status_code == 404
    local.get("/api/v1/documents/check?number=X1234567&country=FR", headers=user.headers)
    text = local.get("/metrics").text
    after = _value(text, "manara_http_requests_total", route="/api/v1/notices/{notice_id}", status="404")
    assert after - before == 3
    assert _value(text, "manara_http_request_duration_seconds_count", route="/api/v1/notices/{notice_id}") >= 3
    assert "P99887766" not in text and "X1234567" not in text
    assert 'route="/api/v1/documents/check"' in text
    assert 'route="/metrics"' not in text  # scrapes are not counted


def test_screenings_and_matches_are_counted(local: TestClient, net: Net, session: Session) -> None:
    owner, reviewer = net.user("FR", Role.BUREAU_OFFICER), net.user("MA", Role.REVIEWER)
    make_notice(session, owner.actor, status="published", reviewer=reviewer.actor)
    screener = net.user("EG", Role.FRONTLINE_OFFICER)
    text = local.get("/metrics").text
    screened = _value(text, "manara_screenings_total", index="screening")
    matched = _value(text, "manara_matches_total", index="screening")
    got = local.post("/api/v1/screen", json={"names": ["Karim Benali"]}, headers=screener.headers)
    assert got.status_code == 200, got.text
    text = local.get("/metrics").text
    assert _value(text, "manara_screenings_total", index="screening") == screened + 1
    assert _value(text, "manara_matches_total", index="screening") >= matched + 1


def test_queues_and_jobs_are_read_at_scrape_time(local: TestClient, net: Net, session: Session) -> None:
    owner = net.user("FR", Role.BUREAU_OFFICER)
    before = _value(local.get("/metrics").text, "manara_queue_items", queue="notice_review")
    make_notice(session, owner.actor, status="submitted")
    text = local.get("/metrics").text
    assert _value(text, "manara_queue_items", queue="notice_review") == before + 1
    for family in ("manara_queue_overdue", "manara_jobs", "manara_job_rows", "manara_webhook_deliveries"):
        assert f"# TYPE {family} gauge" in text
    assert _value(text, "manara_queue_items", queue="hits") >= 0
    assert 'manara_index_entries{index="screening"}' in text


def test_several_workers_are_summed(tmp_path: Path) -> None:
    """``manara serve --workers 2``: each worker counts into files of a shared folder and /metrics adds them up,
    whichever worker answers the scrape (without multiprocess mode each would report its own requests only)."""
    url = database(tmp_path, "metrics")
    seed_network(url)
    command = [sys.executable, "-m", "manara.cli.main", "serve", "--workers", "2"]
    with running(command, url, tmp_path) as (_, base, _log):

        def health(_: int) -> int:
            return httpx.get(f"{base}/health", timeout=10).status_code  # a fresh connection each: both workers

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(health, range(40))) == {200}
        # A request is counted once its answer is sent: let the last ones land before comparing the scrapes.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            seen = _value(httpx.get(f"{base}/metrics", timeout=10).text, "manara_http_requests_total",
                          route="/health", status="200")  # fmt: skip
            if seen >= 40:
                break
            time.sleep(0.1)
        scrapes = [httpx.get(f"{base}/metrics", timeout=10).text for _ in range(6)]
    for text in scrapes:
        assert _value(text, "manara_http_requests_total", route="/health", status="200") == 40
    files = [p.name for p in (tmp_path / "data" / "metrics").iterdir()]
    assert any(name.startswith("counter_") for name in files), files
