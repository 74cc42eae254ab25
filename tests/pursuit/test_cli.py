"""``manara operations`` and ``manara pursuits`` on a fresh SQLite file: target import, results, treaties, the
purge of tipsters' contact data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factories import make_notice
from manara.cli.main import app
from manara.db.base import utcnow
from manara.db.session import get_engine, get_read_sessionmaker, get_sessionmaker, unit_of_work
from manara.identity import Actor, Role
from manara.member import actions as member_actions
from manara.pursuit import actions
from manara.pursuit.models import PublicTip
from manara.pursuit.schemas import AppealIn, OperationIn, TipIn
from manara.settings import get_settings
from manara.storage import LocalBlobStore

runner = CliRunner()


def _clear() -> None:
    get_settings.cache_clear()
    get_engine.cache_clear()
    get_sessionmaker.cache_clear()
    get_read_sessionmaker.cache_clear()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("MANARA_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("MANARA_DATA_DIR", str(tmp_path / "var"))
    _clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    yield path
    get_engine().dispose()
    _clear()


def _actor(code: str, role: Role) -> Actor:
    with unit_of_work() as session:
        user = member_actions.do_create_user(
            session, f"{code.lower()}.{role.value}", country=code, role=role, acting=SYSTEM
        )
        return Actor(user_id=user.id, username=user.username, country=code, role=role)


SYSTEM = Actor(user_id="t", username="t", country="ZZ", role=Role.ADMINISTRATOR)


def test_import_results_treaties_and_tip_purge(db: Path, tmp_path: Path) -> None:
    with unit_of_work() as session:
        for code in ("MA", "FR", "EG"):
            member_actions.do_create_member(session, code, acting=SYSTEM)
    ma, eg = _actor("MA", Role.BUREAU_OFFICER), _actor("EG", Role.REVIEWER)
    _actor("FR", Role.BUREAU_OFFICER)
    with get_sessionmaker()() as session:
        notices = [make_notice(session, ma, status="published", reviewer=eg) for _ in range(2)]
        refs = [n.reference for n in notices]
        today = utcnow().date()
        op = actions.do_create_operation(
            session,
            ma,
            OperationIn(code="TEST-1", name="Test", participants=["FR"], starts_on=today, ends_on=today),
        )
        op_id = op.id
        appeal = actions.do_publish_appeal(session, ma, AppealIn(notice_id=notices[0].id, fields=["name"]))
        tip = actions.do_receive_tip(
            session, appeal, TipIn(body="Seen him", contact="+212 600"), "client", LocalBlobStore(tmp_path / "t")
        )
        tip.created_at = utcnow() - timedelta(days=365)
        tip_id = tip.id
        session.commit()
    csv_file = tmp_path / "targets.csv"
    csv_file.write_text(f"notice,country,note\n{refs[0]},FR,north\n{refs[1]},MA,\n", encoding="utf-8")
    got = runner.invoke(app, ["operations", "import", op_id, str(csv_file), "--as", "ma.bureau_officer"])
    assert got.exit_code == 0 and "2 targets added" in got.output, got.output
    bad = tmp_path / "bad.csv"
    bad.write_text("notice,country\nX,ZZZ\n", encoding="utf-8")
    refused = runner.invoke(app, ["operations", "import", op_id, str(bad), "--as", "ma.bureau_officer"])
    assert refused.exit_code == 65 and "invalid target rows" in refused.output  # EX_DATAERR
    fr_import = runner.invoke(app, ["operations", "import", op_id, str(csv_file), "--as", "fr.bureau_officer"])
    assert fr_import.exit_code == 1 and "not found" in fr_import.output.lower()
    summary = runner.invoke(app, ["operations", "results", op_id, "--as", "fr.bureau_officer"])
    assert summary.exit_code == 0 and json.loads(summary.output)["total"] == 2
    treaties = runner.invoke(app, ["pursuits", "treaties"])
    assert treaties.exit_code == 0 and "ece-1957" in treaties.output
    purged = runner.invoke(app, ["pursuits", "purge-tips"])
    assert purged.exit_code == 0 and "1 tips purged" in purged.output
    with unit_of_work() as session:
        row = session.get(PublicTip, tip_id)
        assert row is not None and row.contact is None and row.contact_purged_at is not None
        assert row.body == "Seen him"
    assert "0 tips purged" in runner.invoke(app, ["pursuits", "purge-tips"]).output
