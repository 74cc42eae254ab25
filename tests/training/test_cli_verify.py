"""``manara training verify FILE --key PUBKEY``: offline, no database, every field printed, exit status."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from manara.cli.main import app
from manara.training import credential
from training.test_credential import KEY, PUBLIC, SIGNED

runner = CliRunner()


def test_offline_verification(tmp_path: Path, monkeypatch: object) -> None:
    good = tmp_path / "cert.json"
    good.write_text(json.dumps({"id": "x", "credential": SIGNED}), encoding="utf-8")  # the API's shape works too
    key = credential.public_multibase(PUBLIC)
    result = runner.invoke(app, ["training", "verify", str(good), "--key", key])
    assert result.exit_code == 0, result.output
    assert "status: valid" in result.output and "credentialSubject.name: Amina El Idrissi" in result.output
    assert "revocation not checked offline" in result.output

    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps({**SIGNED, "validUntil": "2098-01-01T00:00:00Z"}), encoding="utf-8")
    result = runner.invoke(app, ["training", "verify", str(edited), "--key", key])
    assert result.exit_code == 1 and "status: tampered" in result.output

    keyfile = tmp_path / "fr.pub"
    keyfile.write_text(KEY.public_key().public_bytes_raw().hex(), encoding="utf-8")
    assert runner.invoke(app, ["training", "verify", str(good), "--key", str(keyfile)]).exit_code == 0

    listed = {
        "id": SIGNED["credentialStatus"]["statusListCredential"],
        "credentialSubject": {"encodedList": credential.encode_status_list({3}, 4)},
    }
    status_file = tmp_path / "status.json"
    status_file.write_text(json.dumps(listed), encoding="utf-8")
    result = runner.invoke(app, ["training", "verify", str(good), "--key", key, "--status-list", str(status_file)])
    assert result.exit_code == 1 and "status: revoked" in result.output
    signed = credential.sign(listed, KEY, "urn:manara:member:FR#abc", datetime.now(UTC))
    status_file.write_text(json.dumps(signed), encoding="utf-8")
    result = runner.invoke(app, ["training", "verify", str(good), "--key", key, "--status-list", str(status_file)])
    assert result.exit_code == 1 and "status: revoked" in result.output
    forged = {**signed, "credentialSubject": {"encodedList": credential.encode_status_list(set(), 4)}}
    status_file.write_text(json.dumps(forged), encoding="utf-8")
    result = runner.invoke(app, ["training", "verify", str(good), "--key", key, "--status-list", str(status_file)])
    assert result.exit_code == 1 and "status list's signature does not match" in result.output

    garbage = tmp_path / "garbage.json"
    garbage.write_text("{nope", encoding="utf-8")
    assert (
        runner.invoke(app, ["training", "verify", str(garbage), "--key", key]).exit_code == 65
    )  # invalid data (EX_DATAERR)
    assert (
        runner.invoke(app, ["training", "verify", str(good), "--key", "zzz"]).exit_code == 65
    )  # invalid data (EX_DATAERR)
