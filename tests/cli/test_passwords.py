"""`manara users set-password` (asked twice, hidden) and the demo users' documented passwords."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from manara.cli.main import app
from manara.db.session import get_engine, get_sessionmaker, unit_of_work
from manara.demo.network import demo_password
from manara.identity import Role
from manara.member.actions import do_sign_in
from manara.member.passwords import verify_password
from manara.member.service import get_user_by_username
from manara.settings import get_settings

runner = CliRunner()


def _clear() -> None:
    get_settings.cache_clear()
    get_engine.cache_clear()
    get_sessionmaker.cache_clear()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A migrated SQLite database in a temporary directory, used by every command."""
    monkeypatch.setenv("MANARA_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("MANARA_DATA_DIR", str(tmp_path / "var"))
    _clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    yield tmp_path
    get_engine().dispose()
    _clear()


def test_set_password_asks_twice_and_stores_an_argon2_hash(db: Path) -> None:
    assert runner.invoke(app, ["members", "create", "MA"]).exit_code == 0
    create = ["users", "create", "ma.bo", "--country", "MA", "--role", "bureau_officer"]
    assert runner.invoke(app, create).exit_code == 0
    mismatch = runner.invoke(app, ["users", "set-password", "ma.bo"], input="long enough pass\nsomething else\n" * 3)
    assert mismatch.exit_code != 0
    result = runner.invoke(app, ["users", "set-password", "ma.bo"], input="long enough pass\nlong enough pass\n")
    assert result.exit_code == 0, result.output
    assert "long enough pass" not in result.output
    short = runner.invoke(app, ["users", "set-password", "ma.bo"], input="short\nshort\n")
    assert short.exit_code == 65 and "too short" in short.output
    with unit_of_work() as session:
        user = get_user_by_username(session, "ma.bo")
        assert user is not None and user.password_hash is not None and user.password_hash.startswith("$argon2id$")
        assert verify_password(user.password_hash, "long enough pass")
    unknown = runner.invoke(app, ["users", "set-password", "nobody"], input="long enough pass\nlong enough pass\n")
    assert unknown.exit_code != 0


def test_demo_users_sign_in_with_the_documented_password(db: Path) -> None:
    assert runner.invoke(app, ["demo", "load", "--persons", "20"]).exit_code == 0
    assert demo_password("MA", Role.BUREAU_OFFICER) == "demo-ma-bo"
    with unit_of_work() as session:
        assert do_sign_in(session, "ma.bureau_officer", "demo-ma-bo") is not None
        assert do_sign_in(session, "eg.reviewer", "demo-eg-rv") is not None
        assert do_sign_in(session, "eg.reviewer", "demo-ma-rv") is None
