"""Data commands: FtM import/export, audit verification, scheduled jobs."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, BinaryIO

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from manara.audit.chain import verify_chain
from manara.audit.checkpoint import load_key, verify_checkpoints, write_checkpoint
from manara.cli.common import EXIT_DATA, console, handle_errors, session_scope, user_actor
from manara.db.base import utcnow
from manara.db.session import read_only_unit, unit_of_work
from manara.entity.actions import make_placement
from manara.entity.importer import export_lines, import_lines, log_export
from manara.notice.jobs import expire_due
from manara.settings import get_settings
from manara.visibility import Visibility

entities = typer.Typer(help="Subjects as FollowTheMoney entities.", no_args_is_help=True)
audit = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
jobs = typer.Typer(help="Scheduled jobs.", no_args_is_help=True)

AsUser = Annotated[str, typer.Option("--as", help="Username to act as (the owner country is theirs)")]


def _lines(handle: BinaryIO, size: int, progress: Progress) -> Iterator[bytes]:
    task = progress.add_task("importing", total=size or None)
    for line in handle:
        progress.advance(task, len(line))
        yield line


@entities.command("import")
@handle_errors
def import_cmd(
    path: Annotated[Path, typer.Argument(help="FtM JSON-lines file, or - for standard input")],
    as_user: AsUser,
    visibility: Annotated[Visibility, typer.Option(help="Who may see the entities")] = Visibility.OWNER,
    share: Annotated[list[str] | None, typer.Option(help="Country to share with (repeatable)")] = None,
    review_date: Annotated[str | None, typer.Option(help="Review date, YYYY-MM-DD")] = None,
    batch_size: Annotated[int, typer.Option(help="Entities committed per batch")] = 1000,
) -> None:
    """Import FtM entities; re-running the same file changes nothing, bad lines are reported."""
    settings = get_settings()
    with session_scope() as session:
        actor = user_actor(session, as_user)
        rd = date.fromisoformat(review_date) if review_date else None
        place = make_placement(session, actor, visibility, share or [], rd)
    handle = sys.stdin.buffer if str(path) == "-" else path.open("rb")
    size = 0 if str(path) == "-" else path.stat().st_size
    with (
        handle,
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeRemainingColumn(),
            console=console,
        ) as progress,
    ):
        report = import_lines(
            unit_of_work,
            actor,
            _lines(handle, size, progress),
            place,
            batch_size=batch_size,
            max_line=settings.max_line_bytes,
            max_chars=settings.max_string_chars,
        )
    for err in report.errors:
        console.print(f"[yellow]line {err['line']}:[/yellow] {err['reason']}")
    typer.echo(
        f"lines {report.lines}  created {report.created}  updated {report.updated}  "
        f"unchanged {report.unchanged}  errors {len(report.errors)}"
    )
    if report.errors:
        raise typer.Exit(EXIT_DATA)


@entities.command("export")
@handle_errors
def export_cmd(
    as_user: AsUser,
    output: Annotated[Path | None, typer.Option(help="Output file (default: standard output)")] = None,
    owner: Annotated[str | None, typer.Option(help="Only entities of this owner country")] = None,
) -> None:
    """Export every entity the user may see as FtM JSON lines."""
    with session_scope() as session:  # the export is on record before it starts (committed here)
        actor = user_actor(session, as_user)
        log_export(session, actor, owner=owner)
    with read_only_unit() as session:
        out = output.open("wb") if output else sys.stdout.buffer
        count = 0
        for line in export_lines(session, actor, owner=owner):
            out.write(line)
            count += 1
        out.flush()
        if output:
            out.close()
        console.print(f"exported {count} entities")


KeyFile = Annotated[Path | None, typer.Option(help="Checkpoint key file (default: MANARA_AUDIT_CHECKPOINT_KEY_FILE)")]


@audit.command("verify")
@handle_errors
def audit_verify(
    checkpoints: Annotated[
        Path | None,
        typer.Option(help="Also check the chain against the signed checkpoints of this folder (detects a rewrite)"),
    ] = None,
    key_file: KeyFile = None,
) -> None:
    """Walk the hash chain; exit 1 and name the first broken link if it was tampered with.

    With --checkpoints, every signed checkpoint must match the event at its position: a log edited and
    re-chained (every later hash recomputed) passes the chain walk but not this."""
    key = load_key(get_settings(), key_file) if checkpoints is not None else b""
    with read_only_unit() as session:
        report = verify_chain(session)
        anchored = verify_checkpoints(session, checkpoints, key) if checkpoints is not None and report.ok else None
    if not report.ok:
        typer.echo(
            f"audit chain BROKEN at event {report.broken_seq}: {report.reason} "
            f"({report.checked} events verified before it)"
        )
        raise typer.Exit(1)
    if anchored is not None and not anchored.ok:
        where = f" at event {anchored.broken_seq}" if anchored.broken_seq is not None else ""
        typer.echo(f"audit chain does NOT match its checkpoints{where}: {anchored.reason}")
        raise typer.Exit(1)
    typer.echo(f"audit chain intact: {report.checked} events verified")
    if anchored is not None:
        typer.echo(f"matches {anchored.checkpoints} signed checkpoints in {checkpoints}")


@audit.command("checkpoint")
@handle_errors
def audit_checkpoint(
    folder: Annotated[
        Path | None, typer.Option("--dir", help="Folder to write to (default: MANARA_AUDIT_CHECKPOINT_DIR)")
    ] = None,
    key_file: KeyFile = None,
) -> None:
    """Write a signed checkpoint of the audit chain's head (HMAC-SHA256 with a key kept off the database)."""
    settings = get_settings()
    folder = folder or settings.audit_checkpoint_dir
    if folder is None:
        raise typer.BadParameter("give --dir or set MANARA_AUDIT_CHECKPOINT_DIR")
    key = load_key(settings, key_file)
    with read_only_unit() as session:
        path = write_checkpoint(session, folder, key)
    typer.echo(f"checkpoint written: {path}")


@jobs.command("expire")
def jobs_expire() -> None:
    """Expire notices and entities past their review date that their owners did not re-validate."""
    total_n = total_e = 0
    while True:
        with session_scope() as session:
            report = expire_due(session, utcnow().date())
        total_n, total_e = total_n + report.notices, total_e + report.entities
        if report.notices == 0 and report.entities == 0:
            break
    typer.echo(f"expired {total_n} notices and {total_e} entities")
