"""The media demo: three members' banks, cross-border matches with feedback, a false positive disabled."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from manara.cli.main import app
from manara.db.session import unit_of_work
from manara.media.models import HashBank, MediaHash, MediaMatch

runner = CliRunner()


def test_demo_builds_a_cross_border_network(empty_db: Path) -> None:
    result = runner.invoke(app, ["demo", "load", "--persons", "20"])
    assert result.exit_code == 0, result.output
    assert "3 media banks" in result.output
    with unit_of_work() as session:
        banks = {b.owner_country: b for b in session.scalars(select(HashBank))}
        assert set(banks) == {"FR", "EG", "MA"} and banks["EG"].shared_with == ["DZ", "FR", "MA", "TN"]
        reports = session.scalars(select(MediaMatch)).all()
        assert {(m.querying_country, m.owner_country) for m in reports} >= {("DZ", "FR"), ("TN", "EG"), ("MA", "EG")}
        assert all(m.querying_country != m.owner_country for m in reports)
        disabled = session.scalars(select(MediaHash).where(MediaHash.active.is_(False))).all()
        assert [h.owner_country for h in disabled] == ["MA"] and "FR" in disabled[0].disabled_reason
        assert any(m.feedback == "true_positive" for m in reports)
