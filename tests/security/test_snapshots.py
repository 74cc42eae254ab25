"""Snapshots are loaded only when sealed by this deployment, intact and not writable by every user."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from conftest import Net, _uow
from factories import make_notice
from manara.identity import Role
from manara.screening.index import ScreeningIndex
from manara.screening.refresher import warm
from manara.settings import get_settings
from manara.snapshot_trust import UntrustedSnapshot, verify


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def saved(session: Session, net: Net, tmp_path: Path) -> Path:
    make_notice(session, net.user("MA", Role.BUREAU_OFFICER).actor, status="published",
                reviewer=net.user("FR", Role.REVIEWER).actor)  # fmt: skip
    index = ScreeningIndex()
    index.build(session)
    folder = tmp_path / "snapshot"
    index.save(folder)
    return folder


def test_a_sealed_snapshot_loads(saved: Path) -> None:
    verify(saved)
    index = ScreeningIndex()
    index.load(saved)
    assert len(index) == 1


@pytest.mark.parametrize("attack", ["edit", "add", "remove", "world-writable", "no-manifest", "other-secret"])
def test_a_tampered_snapshot_is_refused(saved: Path, attack: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if attack == "edit":
        target = saved / "targets.json"
        target.write_bytes(target.read_bytes().replace(b'"MA"', b'"ZZ"'))
    elif attack == "add":
        (saved / "extra.npz").write_bytes(b"not numpy")
    elif attack == "remove":
        (saved / "matcher.jsonl").unlink()
    elif attack == "world-writable":
        saved.chmod(0o777)
    elif attack == "no-manifest":
        (saved / "manifest.json").unlink()
    else:
        monkeypatch.setenv("MANARA_SECRET_KEY", "another deployment's secret, long enough to count")
        get_settings.cache_clear()
    with pytest.raises(UntrustedSnapshot):
        ScreeningIndex().load(saved)


def test_the_loader_logs_why_and_rebuilds(saved: Path, session: Session, caplog: pytest.LogCaptureFixture) -> None:
    (saved / "targets.json").write_bytes(b'{"low_water": 0, "targets": []}')  # forged: an empty index
    index = ScreeningIndex()
    with caplog.at_level(logging.ERROR):
        warm(index, lambda: _uow(session), saved)
    assert len(index) == 1  # rebuilt from the database, not the forged file
    assert any("changed since the snapshot was sealed" in r.getMessage() + str(r.exc_info) for r in caplog.records)
    verify(saved)  # and sealed again
