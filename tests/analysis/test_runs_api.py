"""Cross-matching runs as server jobs: request, one at a time, progress and result, restart, access."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.helpers import put
from conftest import Net, person
from manara.analysis import jobs
from manara.analysis.models import SuggestedLink, XrefRun
from manara.audit.models import AuditEvent
from manara.identity import ROLE_PERMS, Perm, Role

KARIM = {"birthDate": "1985-04-12", "nationality": "ma"}
RUNS = "/api/v1/xref/runs"


def _factory(session: Session):  # type: ignore[no-untyped-def]
    @contextmanager
    def factory() -> Iterator[Session]:
        yield session
        session.commit()

    return factory


def test_a_run_is_queued_run_by_the_runner_and_reports_its_result(
    client: TestClient, session: Session, net: Net, tmp_path: Path
) -> None:
    ma = net.user("MA", Role.ANALYST)
    put(session, ma.actor, person("k1", "Karim Benali", **KARIM), visibility="all")
    put(session, net.user("FR", Role.ANALYST).actor, person("k9", "Karim Benali", **KARIM), visibility="all")
    queued = client.post(RUNS, json={}, headers=ma.headers)
    assert queued.status_code == 202, queued.text
    run = queued.json()
    assert (run["status"], run["scope"], run["country"], run["full"]) == ("queued", "MA", "MA", False)
    again = client.post(RUNS, json={"full": True}, headers=ma.headers)  # one run at a time per deployment
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    assert jobs.execute(_factory(session), tmp_path, workers=1) == run["id"]
    done = client.get(f"{RUNS}/{run['id']}", headers=ma.headers).json()
    assert (done["status"], done["matched"], done["total"], done["links"], done["error"]) == ("done", 1, 1, 1, None)
    assert done["indexed"] == 2 and done["finished_at"] and (tmp_path / jobs.SNAPSHOT_NAME).exists()
    assert len(session.scalars(select(SuggestedLink)).all()) == 1
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "analysis.xref_requested")) is not None
    assert client.post(RUNS, json={}, headers=ma.headers).status_code == 202  # finished: the next may start
    assert jobs.execute(_factory(session), tmp_path, workers=1) is not None
    assert jobs.execute(_factory(session), tmp_path, workers=1) is None  # nothing queued


def test_an_interrupted_run_is_queued_again_and_gives_up_after_repeated_failures(
    client: TestClient, session: Session, net: Net, tmp_path: Path
) -> None:
    ma = net.user("MA", Role.ANALYST)
    run_id = client.post(RUNS, json={}, headers=ma.headers).json()["id"]
    run = session.get(XrefRun, run_id)
    assert run is not None
    run.status, run.attempts = "running", 1  # the server stopped mid-run
    session.commit()
    jobs.requeue(_factory(session))
    assert client.get(f"{RUNS}/{run_id}", headers=ma.headers).json()["status"] == "queued"
    run.attempts = jobs.MAX_ATTEMPTS
    session.commit()
    assert jobs.execute(_factory(session), tmp_path, workers=1) is None
    failed = client.get(f"{RUNS}/{run_id}", headers=ma.headers).json()
    assert failed["status"] == "failed" and "interrupted" in failed["error"]
    assert client.post(RUNS, json={}, headers=ma.headers).status_code == 202  # no longer blocks the deployment


def test_who_may_request_and_follow_runs(client: TestClient, session: Session, net: Net) -> None:
    for role in Role:
        got = client.post(RUNS, json={"scope": "own"}, headers=net.user("EG", role).headers)
        assert got.status_code == (202 if Perm.XREF_RUN in ROLE_PERMS[role] else 403), role
        if got.status_code == 202:
            session.execute(XrefRun.__table__.update().values(active=None, status="done"))
    assert {r for r in Role if Perm.XREF_RUN in ROLE_PERMS[r]} == {Role.ANALYST, Role.ADMINISTRATOR}
    analyst, admin = net.user("MA", Role.ANALYST), net.user("MA", Role.ADMINISTRATOR)
    assert client.post(RUNS, json={"scope": "all"}, headers=analyst.headers).status_code == 403
    assert client.post(RUNS, json={"scope": "everything"}, headers=admin.headers).status_code == 422
    everyone = client.post(RUNS, json={"scope": "all"}, headers=admin.headers).json()
    assert everyone["scope"] == "*"
    eg_runs = {r["id"] for r in client.get(RUNS, headers=net.user("EG", Role.ANALYST).headers).json()}
    assert everyone["id"] not in eg_runs and eg_runs  # another country's run: absent, and 404 by id
    assert client.get(f"{RUNS}/{everyone['id']}", headers=net.user("EG", Role.ANALYST).headers).status_code == 404
    assert client.get(f"{RUNS}/{everyone['id']}", headers=analyst.headers).status_code == 200
    assert client.get(f"{RUNS}/no-such-run", headers=admin.headers).status_code == 404
    assert everyone["id"] in {
        r["id"] for r in client.get(RUNS, headers=net.user("FR", Role.ADMINISTRATOR).headers).json()
    }
