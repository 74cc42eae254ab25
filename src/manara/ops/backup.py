"""Backup and restore of a deployment: the database and the files of ``MANARA_DATA_DIR``, with a manifest.

A backup is a folder::

    manifest.json        format, version, schema revision, checksums, record counts, audit chain head
    database.sqlite3     SQLite: a copy made with SQLite's online backup API (consistent while serving)
    database.pgdump      PostgreSQL: ``pg_dump --format=custom`` of one exported snapshot
    data.tar             the data folder: case attachments, biometric originals, batch files, snapshots

The record counts are taken in the same snapshot as the dump (SQLite: from the copy itself; PostgreSQL:
``pg_dump --snapshot`` of the counting transaction), so a restore can check them exactly.

A restore goes only into an empty place (no database file or no table; an empty or absent data folder): it
never overwrites. It checks every checksum first, then the restored database's audit chain with the same
verifier as ``manara audit verify``, its chain head and its record counts against the manifest.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from sqlalchemy import Connection, Engine, create_engine, inspect, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from manara import __version__
from manara.audit.chain import verify_chain
from manara.audit.models import AuditEvent
from manara.db.base import utcnow
from manara.db.session import make_engine
from manara.errors import Conflict, ManaraError, ValidationFailed
from manara.identity import Actor
from manara.ops.actions import do_record_backup, do_record_restore

FORMAT = "manara-backup/1"
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
DATA_FILE = "data.tar"
CHUNK = 1 << 20
SQLITE_SIDE_FILES = ("", "-wal", "-shm", "-journal", ".writer-lock")


class BackupError(ManaraError):
    """A backup could not be made or restored (the message says why); nothing was overwritten."""


@dataclass
class Manifest:
    """What a backup holds, read from or written to ``manifest.json``."""

    database: str  # "sqlite" or "postgresql"
    revision: str | None
    counts: dict[str, int]
    audit_head: dict[str, Any] | None
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> {"size", "sha256"}
    data_files: dict[str, dict[str, Any]] = field(default_factory=dict)  # path in data.tar -> {"size", "sha256"}
    created_at: str = ""
    version: str = __version__

    def to_json(self) -> bytes:
        """Return the manifest document."""
        body = {"format": FORMAT, **self.__dict__}
        return json.dumps(body, indent=2, sort_keys=True).encode() + b"\n"

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        """Read ``folder/manifest.json``; raise BackupError when it is missing or not a Manara backup."""
        try:
            body = json.loads((folder / MANIFEST).read_bytes())
        except FileNotFoundError as exc:
            raise BackupError(f"{folder} is not a backup: no {MANIFEST}") from exc
        except (OSError, ValueError) as exc:
            raise BackupError(f"{folder}/{MANIFEST} is unreadable: {exc}") from exc
        if not isinstance(body, dict) or body.pop("format", None) != FORMAT:
            raise BackupError(f"{folder}/{MANIFEST} is not a {FORMAT} manifest")
        try:
            return cls(**body)
        except TypeError as exc:
            raise BackupError(f"{folder}/{MANIFEST} has unexpected fields: {exc}") from exc


@dataclass(frozen=True)
class RestoreReport:
    """The outcome of a verified restore."""

    events: int
    counts: dict[str, int]
    files: int


# ------------------------------------------------------------------------------------------------ helpers


def sha256_file(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _kind(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"unsupported database {name!r}: SQLite or PostgreSQL")
    return name


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database).resolve()


def _tables(conn: Connection) -> list[str]:
    return sorted(t for t in inspect(conn).get_table_names() if not t.startswith("sqlite_"))


def count_rows(conn: Connection) -> dict[str, int]:
    """Return the number of rows of every table."""
    quote = conn.dialect.identifier_preparer.quote
    return {t: int(conn.execute(text(f"SELECT count(*) FROM {quote(t)}")).scalar_one()) for t in _tables(conn)}  # noqa: S608 - names from the catalogue


def _revision(conn: Connection) -> str | None:
    if "alembic_version" not in _tables(conn):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _audit_head(conn: Connection) -> dict[str, Any] | None:
    row = conn.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    return None if row is None else {"seq": int(row.seq), "hash": row.hash}


def _pg_tool(name: str, bin_dir: Path | None) -> str:
    """Find ``pg_dump``/``pg_restore``: in ``bin_dir``, on PATH, else the newest Debian PostgreSQL install."""
    if bin_dir is not None:
        return str(bin_dir / name)
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if candidates:
        return str(candidates[-1])
    raise BackupError(f"{name} not found: install postgresql-client or set MANARA_PG_BIN_DIR")


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """Return a libpq connection URI without the password, and the environment that carries it."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(argv: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - our own argv
    if done.returncode != 0:
        raise BackupError(f"{Path(argv[0]).name} failed: {done.stderr.strip()[-500:]}")


def _excluded(data_dir: Path, database_url: str) -> set[Path]:
    """The files the data archive leaves out: a SQLite database kept inside the data folder (copied apart)."""
    if _kind(database_url) != "sqlite":
        return set()
    db = _sqlite_path(database_url)
    return {Path(f"{db}{suffix}") for suffix in SQLITE_SIDE_FILES}


# ------------------------------------------------------------------------------------------------- backup


def backup(dest: Path, database_url: str, data_dir: Path, actor: Actor, pg_bin_dir: Path | None = None) -> Manifest:
    """Back up the database at ``database_url`` and the folder ``data_dir`` into the new folder ``dest``.

    ``dest`` must not exist or be empty, and must lie outside ``data_dir``. The backup is audited (an event
    written before the copy, so the backup holds it)."""
    dest = dest.resolve()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise Conflict(f"{dest} exists and is not an empty folder: a backup never overwrites")
    if data_dir.exists() and dest.is_relative_to(data_dir.resolve()):
        raise ValidationFailed(f"the backup folder {dest} must lie outside MANARA_DATA_DIR ({data_dir})")
    kind = _kind(database_url)
    dest.mkdir(mode=0o700, parents=True, exist_ok=True)
    engine = make_engine(database_url)
    try:
        with Session(engine) as session, session.begin():
            do_record_backup(session, actor, str(dest), kind)
        if kind == "sqlite":
            manifest = _backup_sqlite(dest, database_url)
        else:
            manifest = _backup_postgres(dest, engine, database_url, pg_bin_dir)
    finally:
        engine.dispose()
    manifest.data_files = _archive(data_dir, dest / DATA_FILE, _excluded(data_dir, database_url))
    for name in (SQLITE_FILE if kind == "sqlite" else PG_FILE, DATA_FILE):
        manifest.files[name] = {"size": (dest / name).stat().st_size, "sha256": sha256_file(dest / name)}
    manifest.created_at = utcnow().isoformat()
    tmp = dest / f"{MANIFEST}.tmp"
    tmp.write_bytes(manifest.to_json())
    tmp.replace(dest / MANIFEST)  # written last: a folder without it is an unfinished backup
    return manifest


def _backup_sqlite(dest: Path, database_url: str) -> Manifest:
    source = _sqlite_path(database_url)
    if not source.is_file():
        raise BackupError(f"no SQLite database at {source}")
    target = dest / SQLITE_FILE
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # SQLite's online backup: one consistent snapshot, writers keep going
    finally:
        dst.close()
        src.close()
    copy = create_engine(f"sqlite:///{target}")
    try:
        with copy.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=DELETE")  # one self-contained file
            return Manifest("sqlite", _revision(conn), count_rows(conn), _audit_head(conn))
    finally:
        copy.dispose()


def _backup_postgres(dest: Path, engine: Engine, database_url: str, bin_dir: Path | None) -> Manifest:
    uri, env = _libpq(database_url)
    with engine.connect() as conn:
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        manifest = Manifest("postgresql", _revision(conn), count_rows(conn), _audit_head(conn))
        target = dest / PG_FILE
        _run(
            [_pg_tool("pg_dump", bin_dir), "--format=custom", f"--snapshot={snapshot}", "--no-owner",
             f"--file={target}", f"--dbname={uri}"],
            env,
        )  # fmt: skip
        os.chmod(target, 0o600)
        conn.rollback()
    return manifest


def _archive(data_dir: Path, target: Path, excluded: set[Path]) -> dict[str, dict[str, Any]]:
    """Write the data folder's regular files into ``target`` (tar); return their sizes and checksums."""
    listed: dict[str, dict[str, Any]] = {}
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        if not data_dir.is_dir():
            return listed
        root = data_dir.resolve()
        for path in sorted(root.rglob("*")):
            if path in excluded or path.is_symlink() or not path.is_file() or path.name.endswith(".tmp"):
                continue
            name = path.relative_to(root).as_posix()
            with path.open("rb") as handle:  # files are replaced atomically (rename): an open one never changes
                info = tar.gettarinfo(arcname=name, fileobj=handle)
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                reader = _HashingReader(handle)
                tar.addfile(info, reader)
            listed[name] = {"size": info.size, "sha256": reader.digest.hexdigest()}
    return listed


class _HashingReader(io.RawIOBase):
    """A file reader that hashes what it reads (the archive's checksums in the same pass)."""

    def __init__(self, handle: BinaryIO) -> None:
        super().__init__()
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def dated_folder(parent: Path) -> Path:
    """Return a new backup folder in ``parent`` named by the current UTC time (sorts by age)."""
    return parent / utcnow().strftime("%Y%m%dT%H%M%SZ")


def prune_backups(parent: Path, keep: int) -> list[Path]:
    """Delete the complete backups in ``parent`` beyond the newest ``keep`` (by their manifest's time); return
    them. Folders that are not complete backups (no manifest: unfinished, or anything else) are left alone."""
    if keep < 1:
        raise ValidationFailed("keep at least one backup")
    complete: list[tuple[str, Path]] = []
    for folder in parent.iterdir() if parent.is_dir() else ():
        if folder.is_dir() and not folder.is_symlink() and (folder / MANIFEST).is_file():
            try:
                complete.append((Manifest.read(folder).created_at, folder))
            except BackupError:
                continue
    complete.sort(reverse=True)
    removed = [folder for _, folder in complete[keep:]]
    for folder in removed:
        shutil.rmtree(folder)
    return removed


# ------------------------------------------------------------------------------------------------ restore


def restore(
    source: Path, database_url: str, data_dir: Path, actor: Actor, pg_bin_dir: Path | None = None
) -> RestoreReport:
    """Restore the backup in ``source`` into an empty database and an empty (or absent) ``data_dir``.

    Checks every checksum before touching anything, refuses to overwrite, and verifies the restored
    database (audit chain, chain head, record counts) before the restore is recorded in its audit log."""
    source = source.resolve()
    manifest = Manifest.read(source)
    kind = _kind(database_url)
    if manifest.database != kind:
        raise BackupError(f"this is a {manifest.database} backup; the target database is {kind}")
    for name, expected in manifest.files.items():
        path = source / name
        if not path.is_file() or sha256_file(path) != expected["sha256"]:
            raise BackupError(f"{path} is missing or does not match its checksum: the backup is damaged")
    if data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir())):
        raise Conflict(f"MANARA_DATA_DIR {data_dir} is not empty: a restore never overwrites")
    if kind == "sqlite":
        target = _sqlite_path(database_url)
        if any(Path(f"{target}{s}").exists() and Path(f"{target}{s}").stat().st_size for s in SQLITE_SIDE_FILES[:3]):
            raise Conflict(f"a database exists at {target}: a restore never overwrites")
    else:
        _require_empty_postgres(database_url)
    with _staged_data(source / DATA_FILE, manifest, data_dir) as staged:
        if kind == "sqlite":
            _restore_sqlite(source / SQLITE_FILE, target, manifest)
        else:
            _restore_postgres(source / PG_FILE, database_url, manifest, pg_bin_dir)
        _move_into(staged, data_dir)
    engine = make_engine(database_url)
    try:
        with Session(engine) as session, session.begin():
            events = verify_chain(session).checked
            do_record_restore(session, actor, str(source), manifest.created_at, events)
    finally:
        engine.dispose()
    return RestoreReport(events, manifest.counts, len(manifest.data_files))


def _require_empty_postgres(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            tables = _tables(conn)
    finally:
        engine.dispose()
    if tables:
        raise Conflict(f"the target database has {len(tables)} tables: a restore never overwrites")


def _verify(conn: Connection, manifest: Manifest) -> None:
    """Check a restored database against the manifest: audit chain, chain head, record counts."""
    with Session(bind=conn) as session:
        report = verify_chain(session)
    if not report.ok:
        raise BackupError(f"restored audit chain BROKEN at event {report.broken_seq}: {report.reason}")
    if _audit_head(conn) != manifest.audit_head:
        raise BackupError("restored audit chain head differs from the manifest's")
    counts = count_rows(conn)
    wrong = {t: (counts.get(t), n) for t, n in manifest.counts.items() if counts.get(t) != n}
    if wrong or set(counts) != set(manifest.counts):
        raise BackupError(f"restored record counts differ from the manifest's: {wrong or sorted(counts)}")


def _restore_sqlite(copy: Path, target: Path, manifest: Manifest) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.restoring")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out, copy.open("rb") as handle:
        shutil.copyfileobj(handle, out, CHUNK)
        out.flush()
        os.fsync(out.fileno())
    engine = create_engine(f"sqlite:///{tmp}")
    try:
        with engine.connect() as conn:
            _verify(conn, manifest)
            conn.rollback()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        engine.dispose()
    for suffix in SQLITE_SIDE_FILES[:3]:
        Path(f"{target}{suffix}").unlink(missing_ok=True)  # empty leftovers only (checked above)
    try:
        os.link(tmp, target)  # fails if a database appeared meanwhile: never overwrites
    finally:
        tmp.unlink(missing_ok=True)


def _restore_postgres(dump: Path, database_url: str, manifest: Manifest, bin_dir: Path | None) -> None:
    uri, env = _libpq(database_url)
    _run(
        [_pg_tool("pg_restore", bin_dir), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
         f"--dbname={uri}", str(dump)],
        env,
    )  # fmt: skip
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            _verify(conn, manifest)
            conn.rollback()
    except BackupError as exc:
        raise BackupError(f"{exc.message} (the restored database is left for inspection: drop it)") from exc
    finally:
        engine.dispose()


@contextmanager
def _staged_data(archive: Path, manifest: Manifest, data_dir: Path) -> Iterator[Path]:
    """Extract the data archive beside ``data_dir`` and check every file; yield the staging folder."""
    parent = data_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".manara-restore-", dir=parent))
    try:
        with tarfile.open(archive, mode="r:") as tar:
            members = tar.getmembers()
            for member in members:  # regular files and folders only, never a path out of the folder
                parts = PurePosixPath(member.name).parts
                if not (member.isfile() or member.isdir()) or member.name.startswith("/") or ".." in parts:
                    raise BackupError(f"unsafe entry {member.name!r} in the data archive: refused")
            if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4 (and Debian's backport): checked again
                tar.extractall(staging, members=members, filter="data")
            else:  # pragma: no cover - older Python 3.11
                tar.extractall(staging, members=members)  # noqa: S202 - every member checked above
        found = {p.relative_to(staging).as_posix(): p for p in staging.rglob("*") if p.is_file()}
        if set(found) != set(manifest.data_files):
            raise BackupError("the data archive does not hold the files its manifest lists")
        for name, expected in manifest.data_files.items():
            if sha256_file(found[name]) != expected["sha256"]:
                raise BackupError(f"data file {name} does not match its checksum: the backup is damaged")
        staging.chmod(0o700)
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _move_into(staged: Path, data_dir: Path) -> None:
    """Move the staged files into the empty (or absent) ``data_dir``."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    for child in staged.iterdir():
        child.rename(data_dir / child.name)
