"""Fixtures of the media tests: a migrated SQLite database for CLI commands (empty, or with FR and MA)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from manara.cli.main import app
from manara.db.session import get_engine, get_sessionmaker
from manara.settings import get_settings

runner = CliRunner()


def _clear() -> None:
    get_settings.cache_clear()
    get_engine.cache_clear()
    get_sessionmaker.cache_clear()


@pytest.fixture
def empty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A migrated database with nothing in it, used by every CLI command of the test."""
    monkeypatch.setenv("MANARA_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("MANARA_DATA_DIR", str(tmp_path / "var"))
    _clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    yield tmp_path
    get_engine().dispose()
    _clear()


@pytest.fixture
def db(empty_db: Path) -> Path:
    """The migrated database with members FR and MA and a user of each."""
    for code in ("FR", "MA"):
        assert runner.invoke(app, ["members", "create", code]).exit_code == 0
    for name, country, role in (("fr.bo", "FR", "bureau_officer"), ("ma.fo", "MA", "frontline_officer")):
        assert runner.invoke(app, ["users", "create", name, "--country", country, "--role", role]).exit_code == 0
    return empty_db
