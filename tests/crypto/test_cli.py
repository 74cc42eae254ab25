"""`manara crypto` end to end on a fresh SQLite file: validate, import (idempotent, bad records), tags,
cluster and exposure."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crypto.chain import etl_line, p2pkh, tx, txid_of
from manara.cli.main import app
from manara.db.session import get_engine, get_sessionmaker
from manara.settings import get_settings

runner = CliRunner()


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


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_crypto_commands(db: Path, tmp_path: Path) -> None:
    assert "p2wpkh" in ok("crypto", "validate", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")
    bad = runner.invoke(app, ["crypto", "validate", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"])
    assert bad.exit_code == 65 and "checksum" in bad.output
    ok("members", "create", "FR")
    ok("users", "create", "fr.an", "--country", "FR", "--role", "analyst")
    pay = tx(
        "pay", [(txid_of("f"), 0, p2pkh("a1"), 50_000), (txid_of("g"), 0, p2pkh("a2"), 50_000)], [(p2pkh("b"), 99_000)]
    )
    onward = tx("on", [(pay.txid, 0, p2pkh("b"), 99_000)], [(p2pkh("c"), 98_000)])
    ledger = tmp_path / "slice.jsonl"
    ledger.write_text(etl_line(pay) + "\n" + etl_line(onward) + "\n", encoding="utf-8")
    assert "2 new, 0 known" in ok("crypto", "import", str(ledger), "--format", "etl-jsonl", "--as", "fr.an")
    assert "0 new, 2 known" in ok("crypto", "import", str(ledger), "--format", "etl-jsonl", "--as", "fr.an")
    broken = tmp_path / "broken.jsonl"
    broken.write_text(etl_line(pay) + "\n{\n", encoding="utf-8")
    failed = runner.invoke(app, ["crypto", "import", str(broken), "--format", "etl-jsonl", "--as", "fr.an"])
    assert failed.exit_code == 65 and "line 2" in failed.output
    ofac = tmp_path / "ofac.txt"
    ofac.write_text(p2pkh("c") + "\n", encoding="utf-8")
    assert "1 new of 1 tags" in ok("crypto", "tags", str(ofac), "--format", "ofac", "--as", "fr.an")
    summary = json.loads(ok("crypto", "cluster", p2pkh("a1"), "--as", "fr.an"))
    assert summary["size"] == 2 and summary["sent"] == 100_000
    exposure = json.loads(ok("crypto", "exposure", p2pkh("a2"), "--as", "fr.an", "--hops", "2"))
    assert exposure["indirect"] == {"sanctions": 98_000}
    assert "transactions=2" in ok("crypto", "stats")
