"""The `manara` command end to end on a fresh SQLite file: administration, import/export, audit, screening."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from manara.cli.main import app
from manara.db.session import get_engine, get_read_sessionmaker, get_sessionmaker
from manara.settings import get_settings

runner = CliRunner()


def _clear() -> None:
    get_settings.cache_clear()
    get_engine.cache_clear()
    get_sessionmaker.cache_clear()
    get_read_sessionmaker.cache_clear()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A migrated SQLite database in a temporary directory, used by every command."""
    path = tmp_path / "cli.db"
    monkeypatch.setenv("MANARA_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("MANARA_DATA_DIR", str(tmp_path / "var"))
    _clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    yield path
    get_engine().dispose()
    _clear()


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_admin_commands_create_members_users_and_a_key_shown_once(db: Path) -> None:
    assert "member MA Morocco" in ok("members", "create", "ma")
    bad = runner.invoke(app, ["members", "create", "XX"])
    assert bad.exit_code == 65 and "not an ISO 3166 country" in bad.output
    ok("users", "create", "ma.bo", "--country", "MA", "--role", "bureau_officer")
    token = ok("keys", "create", "ma.bo", "--days", "30").strip().splitlines()[-1]
    assert token.startswith("mnr_")
    secret = token.split("_", 2)[2]
    conn = sqlite3.connect(db)
    dump = "\n".join(conn.iterdump())
    assert secret not in dump and token not in dump
    prefix = conn.execute("SELECT prefix FROM api_key").fetchone()[0]
    assert prefix in ok("keys", "list", "ma.bo")
    assert f"revoked {prefix}" in ok("keys", "revoke", prefix)
    assert "revoked" in ok("keys", "list", "ma.bo")


def test_import_is_idempotent_reports_bad_lines_and_exports(db: Path, tmp_path: Path) -> None:
    ok("members", "create", "MA")
    ok("users", "create", "ma.bo", "--country", "MA", "--role", "bureau_officer")
    source = tmp_path / "in.jsonl"
    source.write_bytes(
        b'{"id": "p1", "schema": "Person", "properties": {"name": ["Ali Ben Salah"], "birthDate": ["1980-01-02"]}}\n'
        b"{not json\n"
        b'{"id": "p2", "schema": "Person", "properties": {"name": ["X"], "birthDate": ["1980-02-30"]}}\n'
    )
    first = runner.invoke(app, ["entities", "import", str(source), "--as", "ma.bo"])
    assert first.exit_code == 65 and "created 1" in first.output
    assert "line 2" in first.output and "line 3" in first.output and "1980-02-30" in first.output
    again = runner.invoke(app, ["entities", "import", str(source), "--as", "ma.bo"])
    assert "created 0" in again.output and "unchanged 1" in again.output
    out = tmp_path / "out.jsonl"
    ok("entities", "export", "--as", "ma.bo", "--output", str(out))
    assert [orjson.loads(line)["id"] for line in out.read_bytes().splitlines()] == ["p1"]


def test_audit_verify_detects_an_edited_row(db: Path) -> None:
    ok("members", "create", "MA")
    ok("members", "create", "FR")
    assert "intact: 2 events" in ok("audit", "verify")
    conn = sqlite3.connect(db)
    conn.execute("UPDATE audit_event SET username = 'mallory' WHERE seq = 1")
    conn.commit()
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1 and "BROKEN at event 1" in result.output


def test_match_command_writes_one_line_per_query_in_order(tmp_path: Path) -> None:
    gallery, queries, out = tmp_path / "g.jsonl", tmp_path / "q.jsonl", tmp_path / "o.jsonl"
    gallery.write_bytes(
        b"\n".join(
            orjson.dumps(e)
            for e in [
                {
                    "id": "g1",
                    "schema": "Person",
                    "properties": {"name": ["Mohammed Abdul Rahman al-Khalidi"], "birthDate": ["1979-05-02"]},
                },
                {"id": "g2", "schema": "Person", "properties": {"name": ["Jean-Pierre Martin"]}},
            ]
        )
    )
    queries.write_bytes(
        b"\n".join(
            orjson.dumps(e)
            for e in [
                {"id": "q1", "schema": "Person", "properties": {"name": ["Jean Pierre Martin"]}},
                {
                    "id": "q2",
                    "schema": "Person",
                    "properties": {"name": ["محمد عبد الرحمن الخالدي"], "birthDate": ["1979-05-02"]},
                },
            ]
        )
    )
    ok("match", "--gallery", str(gallery), "--queries", str(queries), "--limit", "1", "--output", str(out))
    lines = [orjson.loads(x) for x in out.read_bytes().splitlines()]
    assert [x["query"] for x in lines] == ["q1", "q2"]
    assert [x["results"][0]["id"] for x in lines] == ["g2", "g1"]
    assert all(0 <= r["score"] <= 1 and len(x["results"]) <= 1 for x in lines for r in x["results"])


def test_demo_load_builds_a_network_once(db: Path, tmp_path: Path) -> None:
    summary = ok("demo", "load", "--persons", "60")
    assert "10 members, 60 users" in summary and "270 notices" in summary
    assert "already loaded" in ok("demo", "load", "--persons", "60")
    keys = (tmp_path / "var" / "demo-keys.txt").read_text().splitlines()
    assert len(keys) == 60 and "mnr_ma-bo_demo-only-ma-bo" in "\n".join(keys)
    conn = sqlite3.connect(db)
    statuses = {row[0] for row in conn.execute("SELECT DISTINCT status FROM notice")}
    assert statuses == {"draft", "submitted", "refused", "published", "cancelled", "expired"}
    types = {row[0] for row in conn.execute("SELECT DISTINCT type FROM notice")}
    assert len(types) == 9
    assert "intact" in ok("audit", "verify")


def test_user_administration_results_on_stdout_as_json_and_errors_in_one_line(db: Path) -> None:
    ok("members", "create", "MA")
    ok("users", "create", "ma.bo", "--country", "MA", "--role", "bureau_officer")
    listed = runner.invoke(app, ["users", "list", "--json"])
    assert listed.exit_code == 0 and listed.stderr == ""
    assert [orjson.loads(line) for line in listed.stdout.splitlines()] == [
        {"username": "ma.bo", "country": "MA", "role": "bureau_officer", "active": True}
    ]
    assert "ma.bo" in runner.invoke(app, ["users", "list"]).stdout  # the table too goes to standard output
    assert "disabled ma.bo" in ok("users", "disable", "ma.bo")
    assert "ma.bo is now analyst" in ok("users", "set-role", "ma.bo", "analyst")
    row = orjson.loads(runner.invoke(app, ["users", "list", "--json"]).stdout)
    assert (row["role"], row["active"]) == ("analyst", False)
    assert "enabled ma.bo" in ok("users", "enable", "ma.bo")
    missing = runner.invoke(app, ["users", "disable", "nobody"])
    assert missing.exit_code == 2 and "no user 'nobody'" in missing.output and "Traceback" not in missing.output
    bad_role = runner.invoke(app, ["users", "set-role", "ma.bo", "emperor"])
    assert bad_role.exit_code == 2
    assert orjson.loads(ok("members", "list", "--json")) == {"code": "MA", "name": "Morocco", "active": True}


def test_a_passenger_list_is_screened_from_standard_input(db: Path) -> None:
    ok("members", "create", "FR")
    ok("users", "create", "fr.fo", "--country", "FR", "--role", "frontline_officer")
    csv = "id,names,birth_date\np1,Karim Benali,1980-01-02\np2,,1980-01-02\n"
    vague = runner.invoke(app, ["screen", "-", "--as", "fr.fo"], input=csv)
    assert vague.exit_code == 2 and "--format" in vague.output
    done = runner.invoke(app, ["screen", "-", "--as", "fr.fo", "--format", "csv"], input=csv)
    assert done.exit_code == 0, done.output
    rows = [orjson.loads(line) for line in done.stdout.splitlines()]
    assert [r.get("id") for r in rows] == ["p1", "p2"] and "error" in rows[1] and "error" not in rows[0]
    assert "screened 2" in done.stderr
    absent = runner.invoke(app, ["screen", "/nonexistent/list.csv", "--as", "fr.fo"])
    assert absent.exit_code == 2 and "no such file" in absent.output


def test_a_suspended_member_can_no_longer_act_and_is_admitted_again(db: Path) -> None:
    from fastapi.testclient import TestClient

    from manara.app import create_app

    ok("members", "create", "MA")
    ok("users", "create", "ma.bo", "--country", "MA", "--role", "bureau_officer")
    token = ok("keys", "create", "ma.bo").strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(workers=False)) as client:
        assert client.get("/api/v1/me", headers=headers).status_code == 200
        assert "suspended MA" in ok("members", "disable", "ma")
        refused = client.get("/api/v1/me", headers=headers)
        assert refused.status_code == 401 and "suspended" in refused.json()["error"]["message"]
        listed = orjson.loads(ok("members", "list", "--json"))
        assert listed["active"] is False
        assert "admitted MA" in ok("members", "enable", "MA")
        assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert runner.invoke(app, ["members", "disable", "XX"]).exit_code == 2
    verify = runner.invoke(app, ["audit", "verify"])
    assert verify.exit_code == 0, verify.output
