"""``manara drones`` on a fresh SQLite file: decode a capture offline, import it for a receiver, purge."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from manara.cli.main import app
from manara.db.session import get_engine, get_sessionmaker
from manara.drone.odid import BasicId
from manara.settings import get_settings

runner = CliRunner()
DATA = Path(__file__).parent / "data"


def _clear() -> None:
    get_settings.cache_clear()
    get_engine.cache_clear()
    get_sessionmaker.cache_clear()


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


def test_decode_a_capture_offline() -> None:
    result = runner.invoke(app, ["drones", "decode", str(DATA / "odid_wifi_bcn_sample.pcap"), "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 21 and lines[0]["transport"] == "wifi_beacon"
    assert lines[0]["messages"][0]["fields"]["uas_id"] == "MFG1A0123456789"
    bt = runner.invoke(app, ["drones", "decode", str(DATA / "odid_bt5_lr_sample.pcapng")])
    assert bt.exit_code == 0 and "error:bad_crc: 30" in bt.output and "bt_long_range: 244" in bt.output
    bad = runner.invoke(app, ["drones", "decode", str(DATA / "LICENSE")])
    assert bad.exit_code == 1 and "bad_capture" in bad.output
    one = runner.invoke(app, ["drones", "check", BasicId.build("ABC123").encode().hex()])
    assert one.exit_code == 0 and '"uas_id": "ABC123"' in one.stdout
    assert runner.invoke(app, ["drones", "check", "zz"]).exit_code == 65


def test_import_a_capture_for_a_receiver_then_purge(db: Path) -> None:
    assert runner.invoke(app, ["members", "create", "MA"]).exit_code == 0
    assert (
        runner.invoke(app, ["users", "create", "ma.duty", "--country", "MA", "--role", "duty_officer"]).exit_code == 0
    )
    conn = sqlite3.connect(db)
    assert (
        runner.invoke(app, ["users", "create", "ma.bo", "--country", "MA", "--role", "bureau_officer"]).exit_code == 0
    )
    added = runner.invoke(app, ["drones", "receiver", "mast", "--lat", "45.5", "--lon", "-122.9", "--as", "ma.bo"])
    assert added.exit_code == 0, added.output
    rx = added.stdout.strip()
    dup = runner.invoke(app, ["drones", "receiver", "mast", "--lat", "45.5", "--lon", "-122.9", "--as", "ma.bo"])
    assert dup.exit_code == 1
    args = ["drones", "import", str(DATA / "odid_wifi_bcn_sample.pcap"), "--receiver", rx, "--as", "ma.duty"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "21 stored" in first.output
    again = runner.invoke(app, args)
    assert "0 stored, 21 duplicates" in again.output
    other = runner.invoke(app, [*args[:3], "--receiver", "nope", "--as", "ma.duty"])
    assert other.exit_code == 1
    assert conn.execute("SELECT count(*) FROM drone_message").fetchone()[0] == 21
    # the beacons' Basic ID declares id type "none": the track is the transmitter's, not an identity
    assert conn.execute("SELECT uas_key, uas_id, operator_id FROM drone_track").fetchall() == [
        ("source:84:cc:a8:60:43:24", None, "GBR-OP-123ABCD")
    ]
    purge = runner.invoke(app, ["drones", "purge"])
    assert purge.exit_code == 0 and "21 raw messages purged" in purge.output  # the capture is from 2020
    assert conn.execute("SELECT count(*) FROM drone_message").fetchone()[0] == 0
