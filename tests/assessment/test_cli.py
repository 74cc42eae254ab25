"""`manara assessments schedule | render | classify` end to end on a SQLite file."""

from __future__ import annotations

from pathlib import Path

from cli.test_cli import db, ok, runner  # noqa: F401 - the fixture
from manara.cli.main import app


def test_schedule_prepares_one_quarterly_draft_and_render_writes_it(db: Path, tmp_path: Path) -> None:  # noqa: F811
    ok("members", "create", "MA")
    ok("members", "create", "FR")
    ok("users", "create", "ma.an", "--country", "MA", "--role", "analyst")
    out = ok("assessments", "schedule", "--user", "ma.an", "--region", "north_africa", "--disseminate", "FR",
             "--today", "2026-11-02")  # fmt: skip
    aid, title = out.split()[0], out
    assert "Quarterly threat assessment 2026-Q3" in title and "indicators" in title
    again = ok("assessments", "schedule", "--user", "ma.an", "--region", "north_africa", "--today", "2026-12-01")
    assert "exists already" in again
    bad = runner.invoke(app, ["assessments", "schedule", "--user", "ma.an", "--region", "atlantis"])
    assert bad.exit_code == 65
    target = tmp_path / "report.html"
    written = ok("assessments", "render", aid, "--html", "--out", str(target))
    assert "sha256" in written
    html = target.read_text(encoding="utf-8")
    assert "July 1, 2026" in html and "September 30, 2026" in html and "DRAFT" in html
    assert runner.invoke(app, ["assessments", "render", "nope"]).exit_code == 1
    assert "notices classified" in ok("assessments", "classify")
