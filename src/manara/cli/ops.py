"""Operating commands: ``manara backup``, ``manara restore`` and ``manara jobs retention``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from manara.cli.common import cli_actor, handle_errors
from manara.db.session import unit_of_work
from manara.ops.backup import backup as make_backup
from manara.ops.backup import dated_folder, prune_backups
from manara.ops.backup import restore as do_restore
from manara.ops.retention import run_retention
from manara.settings import get_settings


@handle_errors
def backup(
    dest: Annotated[
        Path | None,
        typer.Argument(help="New (or empty) folder to write the backup to, outside MANARA_DATA_DIR"),
    ] = None,
    into: Annotated[
        Path | None,
        typer.Option(help="Instead of DEST: a new folder named by the UTC time inside this one (for timers)"),
    ] = None,
    keep: Annotated[
        int | None,
        typer.Option(min=1, help="With --into: then delete the oldest complete backups there beyond this many"),
    ] = None,
) -> None:
    """Back up the database (SQLite online backup or pg_dump) and MANARA_DATA_DIR, with a manifest of checksums.

    Consistent while the server runs; the backup is audited."""
    if keep is not None and into is None:
        raise typer.BadParameter("--keep goes with --into")
    if dest is not None and into is None:
        target = dest
    elif into is not None and dest is None:
        target = dated_folder(into)
    else:
        raise typer.BadParameter("give either DEST or --into")
    settings = get_settings()
    manifest = make_backup(target, settings.database_url, Path(settings.data_dir), cli_actor(), settings.pg_bin_dir)
    head = manifest.audit_head["seq"] if manifest.audit_head else 0
    typer.echo(
        f"backup written to {target}: {manifest.database} database at revision {manifest.revision}, "
        f"{sum(manifest.counts.values())} rows in {len(manifest.counts)} tables, audit chain to event {head}, "
        f"{len(manifest.data_files)} data files"
    )
    if into is not None and keep is not None:
        for old in prune_backups(into, keep):
            typer.echo(f"deleted the older backup {old}")


@handle_errors
def restore(
    source: Annotated[Path, typer.Argument(help="Folder written by `manara backup`")],
) -> None:
    """Restore a backup into an empty database (MANARA_DATABASE_URL) and an empty MANARA_DATA_DIR.

    Never overwrites; checks every checksum, then the restored audit chain and record counts."""
    settings = get_settings()
    report = do_restore(source, settings.database_url, Path(settings.data_dir), cli_actor(), settings.pg_bin_dir)
    typer.echo(
        f"restored from {source}: {sum(report.counts.values())} rows, {report.files} data files; "
        f"audit chain intact: {report.events} events verified"
    )


def retention() -> None:
    """Purge what is past its retention: batch screening files (MANARA_BATCH_RETENTION_HOURS), raw drone
    messages (MANARA_DRONE_MESSAGE_RETENTION_HOURS) and public tipsters' contact data (MANARA_TIP_RETENTION_DAYS);
    audited. Run it on a timer (deploy/systemd)."""
    typer.echo(str(run_retention(unit_of_work, get_settings())))
