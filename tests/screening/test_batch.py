"""Batch screening of passenger lists: upload, job, progress, results, hits, bad rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import Net, _uow
from manara.identity import Role
from manara.screening.jobs import run_job
from screening.helpers import publish_red

CSV = (
    "id,names,birth_date,nationality,gender,document_number,document_country,seat\n"
    "P1,Jean Dupont,1970-01-01,FR,male,,,12A\n"
    "P2,Abderrahmane Ben Salah|عبد الرحمن بن صالح,1985-04-12,MA,male,MA1234567,MA,14C\n"
    "P3,,1990,FR,,,,3F\n"
    "P4,Maria Garcia,19-03-1980,ES,female,,,7B\n"
)


def run(app: Any, session: Session, data_dir: Path, job_id: str) -> None:
    run_job(lambda: _uow(session), app.state.screening_index, data_dir, job_id)


def test_csv_passenger_list_is_screened_with_hits_and_row_errors(
    client: TestClient, app: Any, net: Net, session: Session, data_dir: Path
) -> None:
    publish_red(client, net)
    fr = net.user("FR", Role.FRONTLINE_OFFICER).headers
    job = client.post("/api/v1/screen/batch", content=CSV, headers={**fr, "Content-Type": "text/csv"})
    assert job.status_code == 202 and job.json()["status"] == "queued"
    run(app, session, data_dir, job.json()["id"])
    status = client.get(f"/api/v1/screen/batch/{job.json()['id']}", headers=fr).json()
    assert status["status"] == "done" and status["processed"] == 4
    assert status["matched"] == 1 and status["hits"] == 1 and status["errors"] == 2
    lines = [
        orjson.loads(x)
        for x in client.get(f"/api/v1/screen/batch/{job.json()['id']}/results", headers=fr).content.splitlines()
    ]
    assert [x["id"] for x in lines] == ["P1", "P2", "P3", "P4"]
    assert lines[1]["match"] is True and lines[1]["results"][0]["hit_id"]
    assert "error" in lines[2] and "names" in lines[2]["error"]
    assert "birth_date" in lines[3]["error"]


def test_another_country_cannot_see_the_job(client: TestClient, net: Net, data_dir: Path) -> None:
    fr = net.user("FR", Role.FRONTLINE_OFFICER).headers
    job = client.post("/api/v1/screen/batch", content=CSV, headers={**fr, "Content-Type": "text/csv"}).json()
    eg = net.user("EG", Role.FRONTLINE_OFFICER).headers
    assert client.get(f"/api/v1/screen/batch/{job['id']}", headers=eg).status_code == 404
    assert client.get(f"/api/v1/screen/batch/{job['id']}/results", headers=eg).status_code == 404


def test_csv_without_names_column_fails_the_job_with_a_reason(
    client: TestClient, app: Any, net: Net, session: Session, data_dir: Path
) -> None:
    fr = net.user("FR", Role.FRONTLINE_OFFICER).headers
    job = client.post(
        "/api/v1/screen/batch", content="id,surname\n1,Dupont\n", headers={**fr, "Content-Type": "text/csv"}
    ).json()
    run(app, session, data_dir, job["id"])
    status = client.get(f"/api/v1/screen/batch/{job['id']}", headers=fr).json()
    assert status["status"] == "failed" and "names" in status["error"]
    assert client.get(f"/api/v1/screen/batch/{job['id']}/results", headers=fr).status_code == 409


def test_jsonl_ftm_persons_are_accepted(
    client: TestClient, app: Any, net: Net, session: Session, data_dir: Path
) -> None:
    publish_red(client, net)
    body = (
        b"\n".join(
            orjson.dumps(p)
            for p in [
                {
                    "id": "q1",
                    "schema": "Person",
                    "properties": {"name": ["Abderrahmane Ben Salah"], "birthDate": ["1985-04-12"]},
                },
                {"id": "q2", "schema": "Person", "properties": {"name": ["Hans Meier"]}},
            ]
        )
        + b"\n{broken\n"
    )
    fr = net.user("FR", Role.FRONTLINE_OFFICER).headers
    job = client.post("/api/v1/screen/batch", content=body, headers={**fr, "Content-Type": "application/x-ndjson"})
    run(app, session, data_dir, job.json()["id"])
    status = client.get(f"/api/v1/screen/batch/{job.json()['id']}", headers=fr).json()
    assert (status["processed"], status["matched"], status["errors"]) == (3, 1, 1)


def test_wrong_content_type_is_415(client: TestClient, net: Net, data_dir: Path) -> None:
    fr = net.user("FR", Role.FRONTLINE_OFFICER).headers
    response = client.post("/api/v1/screen/batch", content=b"x", headers={**fr, "Content-Type": "image/png"})
    assert response.status_code == 415 and response.json()["error"]["code"] == "unsupported_media_type"
