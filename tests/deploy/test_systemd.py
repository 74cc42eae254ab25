"""The systemd units of deploy/systemd: valid for systemd, hardened, and running commands that exist."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from manara.cli.main import app

UNITS = Path(__file__).parents[2] / "deploy" / "systemd"
SERVICES = ("manara.service", "manara-jobs.service", "manara-backup.service")
TIMERS = ("manara-jobs.timer", "manara-backup.timer")
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes",
    "ProtectControlGroups": "yes",
    "RestrictSUIDSGID": "yes",
    "LockPersonality": "yes",
    "CapabilityBoundingSet": "",
    "SystemCallArchitectures": "native",
    "UMask": "0077",
    "User": "manara",
}


def _service(name: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNITS / name)
    return parser["Service"]


def _stand_ins(tmp_path: Path) -> list[Path]:
    """Copies of the units whose /opt/manara/bin/manara is an executable stand-in (verify checks it exists)."""
    stand_in = tmp_path / "bin" / "manara"
    stand_in.parent.mkdir()
    stand_in.write_text("#!/bin/sh\n")
    stand_in.chmod(0o755)
    copies = []
    for name in (*SERVICES, *TIMERS):
        copy = tmp_path / name
        copy.write_text((UNITS / name).read_text().replace("/opt/manara/bin/manara", str(stand_in)))
        copies.append(copy)
    return copies


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed (systemd)")
def test_systemd_analyze_verify_accepts_every_unit_without_a_warning(tmp_path: Path) -> None:
    copies = _stand_ins(tmp_path)
    done = subprocess.run(["systemd-analyze", "verify", *map(str, copies)], capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == "", done.stderr

    broken = tmp_path / "manara.service"  # the check bites: a misspelt value is reported
    broken.write_text(broken.read_text().replace("ProtectSystem=strict", "ProtectSystem=strictly"))
    done = subprocess.run(["systemd-analyze", "verify", str(broken)], capture_output=True, text=True)
    assert "protect system value, ignoring: strictly" in done.stderr


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_is_hardened(name: str) -> None:
    service = _service(name)
    for key, value in HARDENING.items():
        assert service.get(key) == value, f"{name}: {key}"
    assert "@system-service" in (UNITS / name).read_text()


def test_the_units_run_commands_the_cli_has() -> None:
    runner = CliRunner()
    for name in SERVICES:
        for line in (UNITS / name).read_text().splitlines():
            if line.startswith(("ExecStart=", "ExecStartPre=")):
                args = line.split("=", 1)[1].split()[1:]
                words = [a for a in args if not a.startswith("-") and "/" not in a and not a.isdigit()]
                help_args = words[:2] if words[:1] in (["db"], ["jobs"]) else words[:1]
                result = runner.invoke(app, [*help_args, "--help"])
                assert result.exit_code == 0, f"{name}: {line}"
                for option in (a.split("=")[0] for a in args if a.startswith("--")):
                    assert option in result.output, f"{name}: {option} unknown to manara {' '.join(help_args)}"
