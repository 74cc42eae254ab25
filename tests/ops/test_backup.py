"""`manara backup` and `manara restore`: a populated database and data folder, restored into empty ones."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from conftest import _postgres_db
from factories import make_notice
from manara.audit.chain import verify_chain
from manara.audit.models import AuditEvent
from manara.biometric.storage import image_store
from manara.case.storage import attachment_store
from manara.cli.main import app
from manara.db.migrate import upgrade
from manara.db.session import get_engine, get_read_sessionmaker, get_sessionmaker, make_engine
from manara.errors import Conflict, ValidationFailed
from manara.identity import Actor, Role
from manara.member import actions as member_actions
from manara.ops.backup import (
    DATA_FILE,
    MANIFEST,
    SQLITE_FILE,
    BackupError,
    Manifest,
    backup,
    count_rows,
    restore,
)
from manara.screening.jobs import job_paths
from manara.settings import get_settings

OPERATOR = Actor(user_id="ops", username="ops", country="ZZ", role=Role.ADMINISTRATOR)
ATTACHMENT_ID = "0b5c9d3e-7f1a-4c2b-9e8d-1a2b3c4d5e6f"
IMAGE_ID = "7d1e2f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6"
runner = CliRunner()


def _populate(url: str, data_dir: Path) -> None:
    """Members, users, published notices (with their audit and outbox events) and files of every kind."""
    engine = make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            actors = {}
            for code in ("MA", "FR", "EG"):
                member_actions.do_create_member(session, code, acting=OPERATOR)
                for role in (Role.BUREAU_OFFICER, Role.REVIEWER):
                    user = member_actions.do_create_user(
                        session, f"{code.lower()}.{role.value}", country=code, role=role, acting=OPERATOR
                    )
                    actors[(code, role)] = Actor(user_id=user.id, username=user.username, country=code, role=role)
            session.commit()
            for i in range(3):
                make_notice(
                    session,
                    actors[("MA", Role.BUREAU_OFFICER)],
                    status="published",
                    title=f"Wanted: suspect {i}",
                    reviewer=actors[("FR", Role.REVIEWER)],
                )
            make_notice(session, actors[("EG", Role.BUREAU_OFFICER)], status="draft")
    finally:
        engine.dispose()
    attachment_store(data_dir).put(ATTACHMENT_ID, b"%PDF-1.7 case file\x00\x01" * 100)
    image_store(data_dir).put(IMAGE_ID, bytes(range(256)) * 40)
    source, results = job_paths(data_dir, "5e1f0c2a-0000-4000-8000-000000000001")
    source.write_bytes(b"id,names,birth_date\n1,Karim Benali,1980-03-04\n")
    results.write_bytes(b'{"row": 1, "matches": []}\n')
    (data_dir / "xref.snapshot").write_bytes(b"snapshot bytes")


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return count_rows(conn)
    finally:
        engine.dispose()


def _files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def source(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A migrated, populated SQLite database kept inside its data folder (left out of the data archive)."""
    data_dir = tmp_path / "live"
    data_dir.mkdir()
    url = f"sqlite:///{data_dir / 'manara.db'}"
    upgrade(url)
    _populate(url, data_dir)
    yield url, data_dir


def test_restore_into_empty_places_gives_back_every_record_file_and_an_intact_chain(
    source: tuple[str, Path], tmp_path: Path
) -> None:
    url, data_dir = source
    before = _counts(url)
    manifest = backup(tmp_path / "backup", url, data_dir, OPERATOR)

    assert before["notice"] == 4 and before["member"] == 3 and before["audit_event"] > 10
    assert manifest.counts == {**before, "audit_event": before["audit_event"] + 1}  # the backup is audited first
    assert manifest.database == "sqlite" and manifest.revision and manifest.audit_head is not None
    assert manifest.audit_head["seq"] == manifest.counts["audit_event"]
    assert set(manifest.data_files) == {
        f"cases/{ATTACHMENT_ID[:2]}/{ATTACHMENT_ID}",
        f"biometrics/{IMAGE_ID[:2]}/{IMAGE_ID}",
        "jobs/5e1f0c2a-0000-4000-8000-000000000001.input",
        "jobs/5e1f0c2a-0000-4000-8000-000000000001.results.jsonl",
        "xref.snapshot",
    }  # not the database file, nor its WAL and lock beside it
    assert oct((tmp_path / "backup").stat().st_mode & 0o777) == "0o700"
    for name in (SQLITE_FILE, DATA_FILE):
        assert oct((tmp_path / "backup" / name).stat().st_mode & 0o777) == "0o600"

    target_dir = tmp_path / "restored" / "var"
    target_url = f"sqlite:///{tmp_path / 'restored' / 'manara.db'}"
    report = restore(tmp_path / "backup", target_url, target_dir, OPERATOR)

    assert report.events == manifest.counts["audit_event"] and report.files == 5
    after = _counts(target_url)
    assert after == {**manifest.counts, "audit_event": manifest.counts["audit_event"] + 1}  # + the restore
    originals = {k: v for k, v in _files(data_dir).items() if not k.startswith("manara.db")}
    assert _files(target_dir) == originals
    engine = make_engine(target_url)
    with Session(engine) as session:
        assert verify_chain(session).ok
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
        assert last.action == "ops.restored" and last.username == "ops"
        titles = session.scalars(text("SELECT title FROM notice WHERE status = 'published' ORDER BY title")).all()
        assert titles == ["Wanted: suspect 0", "Wanted: suspect 1", "Wanted: suspect 2"]
    engine.dispose()


def test_a_restore_never_overwrites_a_database_or_a_data_folder(source: tuple[str, Path], tmp_path: Path) -> None:
    url, data_dir = source
    backup(tmp_path / "backup", url, data_dir, OPERATOR)
    live_db = Path(url.removeprefix("sqlite:///"))
    with pytest.raises(Conflict, match="a database exists"):
        restore(tmp_path / "backup", url, tmp_path / "empty", OPERATOR)
    with pytest.raises(Conflict, match="is not empty"):
        restore(tmp_path / "backup", f"sqlite:///{tmp_path / 'new.db'}", data_dir, OPERATOR)
    assert not (tmp_path / "new.db").exists() and not (tmp_path / "empty").exists()
    assert live_db.exists()

    with pytest.raises(Conflict, match="never overwrites"):
        backup(tmp_path / "backup", url, data_dir, OPERATOR)  # an existing backup stays as it is
    with pytest.raises(ValidationFailed, match="outside MANARA_DATA_DIR"):
        backup(data_dir / "backups" / "today", url, data_dir, OPERATOR)
    with pytest.raises(BackupError, match="postgresql"):
        restore(tmp_path / "backup", "postgresql+psycopg://nobody@127.0.0.1:9/none", tmp_path / "x", OPERATOR)


def test_a_damaged_backup_is_refused_before_anything_is_written(source: tuple[str, Path], tmp_path: Path) -> None:
    url, data_dir = source
    backup(tmp_path / "backup", url, data_dir, OPERATOR)
    damaged = tmp_path / "damaged"
    shutil.copytree(tmp_path / "backup", damaged)
    archive = damaged / DATA_FILE
    raw = bytearray(archive.read_bytes())
    raw[600] ^= 0xFF
    archive.write_bytes(bytes(raw))
    target_db, target_dir = tmp_path / "t.db", tmp_path / "t"
    with pytest.raises(BackupError, match="does not match its checksum"):
        restore(damaged, f"sqlite:///{target_db}", target_dir, OPERATOR)
    assert not target_db.exists() and not target_dir.exists()

    with pytest.raises(BackupError, match="no manifest.json"):
        restore(tmp_path, f"sqlite:///{target_db}", target_dir, OPERATOR)
    (damaged / MANIFEST).write_text('{"format": "something-else"}')
    with pytest.raises(BackupError, match="not a manara-backup/1 manifest"):
        restore(damaged, f"sqlite:///{target_db}", target_dir, OPERATOR)


def _rehash(folder: Path, name: str) -> None:
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["files"][name]["sha256"] = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    (folder / MANIFEST).write_text(json.dumps(manifest))


def test_a_backup_whose_audit_log_was_edited_is_refused_even_with_matching_checksums(
    source: tuple[str, Path], tmp_path: Path
) -> None:
    url, data_dir = source
    backup(tmp_path / "backup", url, data_dir, OPERATOR)
    conn = sqlite3.connect(tmp_path / "backup" / SQLITE_FILE)
    conn.execute("UPDATE audit_event SET username = 'mallory' WHERE seq = 3")
    conn.commit()
    conn.close()
    _rehash(tmp_path / "backup", SQLITE_FILE)  # whoever edited the log also fixed the checksum
    target_db, target_dir = tmp_path / "t.db", tmp_path / "t"
    with pytest.raises(BackupError, match="audit chain BROKEN at event 3"):
        restore(tmp_path / "backup", f"sqlite:///{target_db}", target_dir, OPERATOR)
    assert not target_db.exists() and not target_dir.exists()
    assert not list(tmp_path.glob(".t.db*")) and not list(tmp_path.glob(".manara-restore-*"))


def test_a_deleted_record_is_caught_by_the_counts_of_the_manifest(source: tuple[str, Path], tmp_path: Path) -> None:
    url, data_dir = source
    backup(tmp_path / "backup", url, data_dir, OPERATOR)
    conn = sqlite3.connect(tmp_path / "backup" / SQLITE_FILE)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("DELETE FROM outbox_event WHERE id = (SELECT max(id) FROM outbox_event)")
    conn.commit()
    conn.close()
    _rehash(tmp_path / "backup", SQLITE_FILE)
    with pytest.raises(BackupError, match="record counts differ.*outbox_event"):
        restore(tmp_path / "backup", f"sqlite:///{tmp_path / 't.db'}", tmp_path / "t", OPERATOR)


def test_a_hostile_archive_cannot_write_outside_the_data_folder(source: tuple[str, Path], tmp_path: Path) -> None:
    import io
    import tarfile

    url, data_dir = source
    backup(tmp_path / "backup", url, data_dir, OPERATOR)
    archive = tmp_path / "backup" / DATA_FILE
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo("../escaped.txt")
        info.size = 4
        tar.addfile(info, io.BytesIO(b"evil"))
    manifest = Manifest.read(tmp_path / "backup")
    manifest.files[DATA_FILE]["sha256"] = hashlib.sha256(archive.read_bytes()).hexdigest()
    manifest.data_files = {"../escaped.txt": {"size": 4, "sha256": hashlib.sha256(b"evil").hexdigest()}}
    (tmp_path / "backup" / MANIFEST).write_bytes(manifest.to_json())
    with pytest.raises(BackupError, match="unsafe"):
        restore(tmp_path / "backup", f"sqlite:///{tmp_path / 'r' / 't.db'}", tmp_path / "r" / "var", OPERATOR)
    assert not (tmp_path / "r" / "escaped.txt").exists() and not (tmp_path / "escaped.txt").exists()
    assert not (tmp_path / "r" / "t.db").exists()


def _clear() -> None:
    get_settings.cache_clear()
    get_engine.cache_clear()
    get_sessionmaker.cache_clear()
    get_read_sessionmaker.cache_clear()


def test_the_commands_back_up_restore_and_verify(
    source: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, data_dir = source
    monkeypatch.setenv("MANARA_DATABASE_URL", url)
    monkeypatch.setenv("MANARA_DATA_DIR", str(data_dir))
    _clear()
    made = runner.invoke(app, ["backup", str(tmp_path / "b")])
    assert made.exit_code == 0, made.output
    assert "backup written to" in made.output and "5 data files" in made.output
    again = runner.invoke(app, ["backup", str(tmp_path / "b")])
    assert again.exit_code == 1 and "never overwrites" in again.output and "Traceback" not in again.output

    refused = runner.invoke(app, ["restore", str(tmp_path / "b")])  # into the live database: refused
    assert refused.exit_code == 1 and "never overwrites" in refused.output.replace("\n", " ")

    monkeypatch.setenv("MANARA_DATABASE_URL", f"sqlite:///{tmp_path / 'r.db'}")
    monkeypatch.setenv("MANARA_DATA_DIR", str(tmp_path / "r"))
    _clear()
    done = runner.invoke(app, ["restore", str(tmp_path / "b")])
    assert done.exit_code == 0, done.output
    assert "audit chain intact" in done.output and "5 data files" in done.output
    verified = runner.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 0 and "audit chain intact" in verified.output
    get_engine().dispose()
    _clear()


def test_version_is_the_package_version() -> None:
    import tomllib

    from manara import __version__

    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert pyproject["project"]["version"] == __version__ == "0.2.0"
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"manara {__version__}"
    changelog = (Path(__file__).parents[2] / "CHANGELOG.md").read_text()
    assert f"## [{__version__}]" in changelog
    licence = (Path(__file__).parents[2] / "LICENSE").read_text()
    assert pyproject["project"]["license"] == "AGPL-3.0-or-later"
    assert licence.split()[:7] == ["GNU", "AFFERO", "GENERAL", "PUBLIC", "LICENSE", "Version", "3,"]


@pytest.mark.pg
@pytest.mark.skipif(
    not (os.environ.get("MANARA_TEST_DATABASE_URL") or "").startswith("postgresql"),
    reason="PostgreSQL backup needs the PostgreSQL test run (MANARA_TEST_DATABASE_URL, make test-pg)",
)
def test_postgres_backup_with_pg_dump_restores_into_an_empty_database(tmp_path: Path) -> None:
    base = os.environ["MANARA_TEST_DATABASE_URL"]
    url, target = _postgres_db(base, "ops_src"), _postgres_db(base, "ops_dst")
    upgrade(url)
    data_dir = tmp_path / "live"
    data_dir.mkdir()
    _populate(url, data_dir)
    manifest = backup(tmp_path / "backup", url, data_dir, OPERATOR)
    assert manifest.database == "postgresql" and (tmp_path / "backup" / "database.pgdump").stat().st_size > 0
    report = restore(tmp_path / "backup", target, tmp_path / "restored", OPERATOR)
    assert report.events == manifest.counts["audit_event"]
    assert _counts(target) == {**manifest.counts, "audit_event": manifest.counts["audit_event"] + 1}
    with pytest.raises(Conflict, match="tables"):
        restore(tmp_path / "backup", target, tmp_path / "other", OPERATOR)
    engine: Engine = make_engine(target)
    with Session(engine) as session:
        assert verify_chain(session).ok
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == report.events + 1
    engine.dispose()


def test_timed_backups_keep_the_newest_and_leave_unfinished_folders_alone(
    source: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, data_dir = source
    parent = tmp_path / "nightly"
    parent.mkdir()
    for i, stamp in enumerate(("20261201T023000Z", "20261202T023000Z", "20261203T023000Z")):
        backup(parent / stamp, url, data_dir, OPERATOR)
        manifest = Manifest.read(parent / stamp)
        manifest.created_at = f"2026-12-0{i + 1}T02:30:00"
        (parent / stamp / MANIFEST).write_bytes(manifest.to_json())
    (parent / "20261130T023000Z").mkdir()  # a backup cut short: no manifest
    (parent / "notes.txt").write_text("kept")
    monkeypatch.setenv("MANARA_DATABASE_URL", url)
    monkeypatch.setenv("MANARA_DATA_DIR", str(data_dir))
    _clear()
    result = runner.invoke(app, ["backup", "--into", str(parent), "--keep", "2"])
    assert result.exit_code == 0, result.output
    left = sorted(p.name for p in parent.iterdir())
    assert len(left) == 4 and left[:3] == ["20261130T023000Z", "20261203T023000Z", left[2]]
    assert left[2].startswith("20") and left[2] > "20261203" and left[3] == "notes.txt"
    assert "deleted the older backup" in result.output and "20261201T023000Z" in result.output
    both = runner.invoke(app, ["backup", str(tmp_path / "x"), "--into", str(parent)])
    assert both.exit_code == 2 and "either DEST or --into" in both.output
    alone = runner.invoke(app, ["backup", str(tmp_path / "x"), "--keep", "3"])
    assert alone.exit_code == 2 and "--keep goes with --into" in alone.output
    get_engine().dispose()
    _clear()
