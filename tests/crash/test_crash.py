"""kill -9 of the server during (a) an FtM import, (b) a batch screening job, (c) biometric enrolments and
(d) a cross-matching run; then a restart over the same database: the work resumes or is refused cleanly,
nothing acknowledged is lost, nothing is doubled, and ``manara audit verify`` passes.

Slow (a real server started twice per test): run with ``make crashtest`` (docs/security.md).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from crash.harness import audit_verify, client, kill9, make_site, served, wait_for
from served import ROOT

pytestmark = [
    pytest.mark.serial,
    pytest.mark.skipif(not os.environ.get("MANARA_CRASHTEST"), reason="slow: run with make crashtest"),
]
BUREAU = "ma.bureau_officer"
SCREENER = "fr.bureau_officer"  # screens against MA's published red notice: hits for MA
ANALYST = "ma.analyst"
FACE = ROOT / "tests" / "biometric" / "faces" / "astronaut_collins.jpg"


def _person(entity_id: str, name: str, **props: Any) -> dict[str, Any]:
    properties: dict[str, Any] = {"name": [name]}
    properties.update({k: [v] for k, v in props.items()})
    return {"id": entity_id, "schema": "Person", "properties": properties}


def _trickle(body: bytes, chunk: int = 16 * 1024, pause: float = 0.02) -> Iterator[bytes]:
    """The body in small pieces, slowly, like an upload over a slow link."""
    for start in range(0, len(body), chunk):
        yield body[start : start + chunk]
        time.sleep(pause)


def _in_background(fn: Any) -> threading.Thread:
    thread = threading.Thread(target=fn, daemon=True)
    thread.start()
    return thread


def _assert_audit_intact(site: Any) -> None:
    verified = audit_verify(site)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "intact" in verified.stdout


def test_import_killed_midway_keeps_whole_batches_and_the_retry_completes_it(tmp_path: Path) -> None:
    site = make_site(tmp_path, "crash_import", (BUREAU,))
    total = 20_000
    body = b"".join(
        orjson.dumps(_person(f"imp-{i}", f"Imported Person {i}", birthDate=f"19{50 + i % 50}-01-01")) + b"\n"
        for i in range(total)
    )

    def imported() -> int:
        return int(site.scalar("SELECT count(*) FROM entity WHERE entity_id LIKE 'imp-%'"))

    with served(site) as (proc, base):

        def upload() -> None:
            try:
                httpx.post(
                    f"{base}/api/v1/entities/import",
                    content=_trickle(body),
                    headers={**site.headers(BUREAU), "Content-Type": "application/x-ndjson"},
                    timeout=120,
                )
            except httpx.HTTPError:
                pass  # the server died under it

        thread = _in_background(upload)
        wait_for(lambda: imported() >= 2000, 120, "two batches of the import")
        kill9(proc)
        thread.join(30)
    kept = imported()
    assert 0 < kept < total, kept
    assert kept % 1000 == 0, f"{kept} rows: a batch was half written"

    with served(site) as (_proc, base), client(base, site, BUREAU, timeout=300) as http:
        retry = http.post(
            "/api/v1/entities/import", content=body, headers={"Content-Type": "application/x-ndjson"}
        ).json()
        assert retry["lines"] == total and not retry["errors"]
        assert retry["created"] == total - kept and retry["unchanged"] == kept  # the retry doubles nothing
    assert imported() == total
    assert site.scalar("SELECT count(DISTINCT entity_id) FROM entity WHERE entity_id LIKE 'imp-%'") == total
    _assert_audit_intact(site)


def test_batch_job_killed_while_running_is_run_again_once_after_restart(tmp_path: Path) -> None:
    site = make_site(tmp_path, "crash_batch", (SCREENER,))
    total = 6000
    rows = ["id,names,birth_date,nationality"]
    for i in range(total):
        # every 50th passenger is the wanted person of the seed's red notice: hits to raise, not to double
        name = "Karim Benali" if i % 50 == 0 else f"Passenger {i} Traveller"
        rows.append(f"pax-{i},{name},1985-04-12,ma")
    csv = ("\n".join(rows) + "\n").encode()

    with served(site) as (proc, base), client(base, site, SCREENER) as http:
        job = http.post("/api/v1/screen/batch", content=csv, headers={"Content-Type": "text/csv"}).json()

        def midway() -> bool:
            state = http.get(f"/api/v1/screen/batch/{job['id']}").json()
            assert state["status"] != "done", "the job finished before it could be interrupted"
            return state["status"] == "running" and 0 < state["processed"] < total

        wait_for(midway, 120, "the job to be running and part done", every=0.02)
        kill9(proc)
    assert site.scalar("SELECT status FROM screening_job WHERE id = :id", id=job["id"]) == "running"

    with served(site) as (_proc, base), client(base, site, SCREENER) as http:
        done = wait_for(
            lambda: (s := http.get(f"/api/v1/screen/batch/{job['id']}").json())["status"] in ("done", "failed") and s,
            180,
            "the job to finish after the restart",
            every=0.2,
        )
        assert done["status"] == "done", done
        assert done["processed"] == total and done["errors"] == 0
        lines = [
            orjson.loads(line) for line in http.get(f"/api/v1/screen/batch/{job['id']}/results").content.splitlines()
        ]
    assert [line["id"] for line in lines] == [f"pax-{i}" for i in range(total)]  # each passenger once, in order
    duplicates = site.rows(
        "SELECT target_id, query_fingerprint, count(*) FROM hit"
        " GROUP BY target_id, query_fingerprint HAVING count(*) > 1"
    )
    assert duplicates == []
    assert site.scalar("SELECT count(*) FROM hit") >= 1
    _assert_audit_intact(site)


def test_enrolments_killed_midway_lose_no_acknowledged_template_and_a_retry_doubles_none(tmp_path: Path) -> None:
    site = make_site(tmp_path, "crash_enrol", (BUREAU,))
    notice_id = site.scalar("SELECT id FROM notice WHERE title = 'Fugitive: Karim Benali'")
    image = FACE.read_bytes()
    acknowledged: dict[str, str] = {}  # idempotency key -> template id
    sent: list[str] = []

    def enrol(http: httpx.Client, key: str) -> httpx.Response:
        return http.post(
            "/api/v1/biometrics/enrolments",
            data={"notice_id": notice_id},
            files={"image": ("face.jpg", image, "image/jpeg")},
            headers={"Idempotency-Key": key},
        )

    with served(site) as (proc, base):

        def enrol_many() -> None:
            with client(base, site, BUREAU) as http:
                for i in range(1000):
                    key = f"enrol-{i}"
                    sent.append(key)
                    try:
                        response = enrol(http, key)
                    except httpx.HTTPError:
                        return
                    assert response.status_code == 201, response.text
                    acknowledged[key] = response.json()["id"]

        thread = _in_background(enrol_many)
        wait_for(lambda: len(acknowledged) >= 3, 120, "three acknowledged enrolments")
        kill9(proc)
        thread.join(30)
    stored = int(site.scalar("SELECT count(*) FROM biometric_template"))
    assert len(acknowledged) <= stored <= len(sent)  # the one in flight may or may not have committed

    with served(site) as (_proc, base), client(base, site, BUREAU) as http:
        for template_id in acknowledged.values():  # nothing acknowledged was lost
            assert http.get(f"/api/v1/biometrics/enrolments/{template_id}").status_code == 200
        unanswered = [key for key in sent if key not in acknowledged]
        for key in unanswered:  # the client retries what it got no answer for, with the same key
            retried = enrol(http, key)
            if retried.status_code == 409 and "still being answered" in retried.text:
                # refused cleanly: the Idempotency-Key middleware (api/idempotency.py) keeps the dead request's
                # claim for its STALE_CLAIM (minutes) before a retry may run; let that time pass
                site.execute("UPDATE idempotent_response SET created_at = :old", old=datetime(2000, 1, 1))
                retried = enrol(http, key)
            assert retried.status_code in (200, 201), retried.text
            acknowledged[key] = retried.json()["id"]
    assert site.scalar("SELECT count(*) FROM biometric_template") == len(sent) == len(set(acknowledged.values()))
    _assert_audit_intact(site)


def test_xref_run_killed_while_running_resumes_after_restart_and_creates_each_link_once(tmp_path: Path) -> None:
    site = make_site(tmp_path, "crash_xref", (BUREAU, SCREENER, ANALYST))
    families = 3000  # one person reported by MA and by FR: a cross-border link each; matched in steps
    ma_lines, fr_lines = [], []
    for i in range(families):
        tag = "".join(chr(ord("a") + (i // 26**k) % 26) for k in range(3)).capitalize()
        born = f"19{50 + i % 50}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        ma_lines.append(_person(f"x-{i}", f"Yusuf {tag}ouni Rahmani", birthDate=born, nationality="ma"))
        fr_lines.append(_person(f"x-{i}", f"Yusuf {tag}ouni Rahmany", birthDate=born, nationality="ma"))
    for i in range(2000):  # MA persons nobody else reported: more to match than one step (4,000 with 2 workers)
        tag = "".join(chr(ord("a") + (i // 26**k) % 26) for k in range(3)).capitalize()
        ma_lines.append(_person(f"solo-{i}", f"Idriss {tag}ami Tazi", birthDate="1970-01-01", nationality="ma"))

    with served(site) as (proc, base):
        for username, lines in ((SCREENER, fr_lines), (BUREAU, ma_lines)):
            with client(base, site, username, timeout=300) as http:
                report = http.post(
                    "/api/v1/entities/import",
                    params={"visibility": "all"},
                    content=b"".join(orjson.dumps(line) + b"\n" for line in lines),
                    headers={"Content-Type": "application/x-ndjson"},
                ).json()
                assert report["created"] == len(lines), report
        with client(base, site, ANALYST) as http:
            run = http.post("/api/v1/xref/runs", json={"scope": "own"}).json()

            def midway() -> bool:
                state = http.get(f"/api/v1/xref/runs/{run['id']}").json()
                assert state["status"] not in ("done", "failed"), f"the run ended before it was interrupted: {state}"
                return state["status"] == "running" and 0 < state["matched"] < state["total"]

            wait_for(midway, 180, "the run to be part done", every=0.02)
            kill9(proc)
    assert site.scalar("SELECT status FROM xref_run WHERE id = :id", id=run["id"]) == "running"
    assert site.scalar("SELECT count(*) FROM suggested_link") > 0  # the steps before the kill were kept

    with served(site) as (_proc, base), client(base, site, ANALYST) as http:
        finished = wait_for(
            lambda: (s := http.get(f"/api/v1/xref/runs/{run['id']}").json())["status"] in ("done", "failed") and s,
            300,
            "the run to finish after the restart",
            every=0.2,
        )
        assert finished["status"] == "done" and finished["attempts"] == 2, finished
        links = int(site.scalar("SELECT count(*) FROM suggested_link"))
        assert links >= families
        again = http.post("/api/v1/xref/runs", json={"scope": "own", "full": True}).json()
        rerun = wait_for(
            lambda: (s := http.get(f"/api/v1/xref/runs/{again['id']}").json())["status"] in ("done", "failed") and s,
            300,
            "a full run from scratch",
            every=0.2,
        )
        assert rerun["status"] == "done", rerun
    # a run from scratch finds nothing the interrupted one missed, and doubles nothing
    assert site.scalar("SELECT count(*) FROM suggested_link") == links
    doubled = "SELECT left_pk, right_pk FROM suggested_link GROUP BY left_pk, right_pk HAVING count(*) > 1"
    assert site.rows(doubled) == []
    _assert_audit_intact(site)
