"""`manara audit checkpoint` and `manara audit verify --checkpoints`, end to end on a SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.test_checkpoints import rewrite_and_rechain
from cli.test_cli import db, ok, runner  # noqa: F401 - the fixture
from manara.cli.main import app
from manara.db.session import unit_of_work


def test_checkpoints_detect_a_rewrite_the_chain_walk_misses(
    db: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = tmp_path / "checkpoint.key"
    key.write_bytes(b"0123456789abcdef0123456789abcdef-not-in-the-database\n")
    folder = tmp_path / "anchors"
    ok("members", "create", "MA")
    ok("members", "create", "FR")
    assert "checkpoint written" in ok("audit", "checkpoint", "--dir", str(folder), "--key-file", str(key))
    ok("members", "create", "EG")
    verified = ok("audit", "verify", "--checkpoints", str(folder), "--key-file", str(key))
    assert "intact: 3 events" in verified and "matches 1 signed checkpoints" in verified

    with unit_of_work() as session:
        rewrite_and_rechain(session, 1, "mallory")
    assert "intact: 3 events" in ok("audit", "verify")  # re-chained: the walk alone passes
    result = runner.invoke(app, ["audit", "verify", "--checkpoints", str(folder), "--key-file", str(key)])
    assert result.exit_code == 1 and "does NOT match its checkpoints at event 2" in result.output

    missing = runner.invoke(app, ["audit", "verify", "--checkpoints", str(folder)])  # no key configured
    assert missing.exit_code == 1 and "MANARA_AUDIT_CHECKPOINT_KEY_FILE" in missing.output
