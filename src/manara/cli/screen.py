"""Screening commands: a passenger list against the database, and offline matching over files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn

from manara.cli.common import console, handle_errors, session_scope, user_actor
from manara.db.session import unit_of_work
from manara.forked import default_workers
from manara.screening.batch import BatchCounts, open_rows, run_batch
from manara.screening.index import ScreeningIndex, settle


@handle_errors
def screen(
    path: Annotated[
        Path, typer.Argument(help="Passenger list: CSV (see docs/screening.md) or FtM JSON lines; - for stdin")
    ],
    as_user: Annotated[str, typer.Option("--as", help="Username of the screening officer")],
    output: Annotated[Path | None, typer.Option(help="Results as JSON lines (default: standard output)")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="csv or jsonl (default: from the file name)")] = None,
    purpose: Annotated[str | None, typer.Option(help="Why the list is screened (audited)")] = None,
    workers: Annotated[int | None, typer.Option(help="Scoring processes (default: one per CPU)")] = None,
) -> None:
    """Screen a passenger list against every published notice the user may see; matches raise hits."""
    stdin = str(path) == "-"
    if stdin and fmt is None:
        raise typer.BadParameter("say --format csv or --format jsonl when the list comes on standard input")
    kind = fmt or ("csv" if path.suffix.lower() == ".csv" else "jsonl")
    if kind not in ("csv", "jsonl"):
        raise typer.BadParameter("--format must be csv or jsonl")
    if not stdin and not path.is_file():
        raise typer.BadParameter(f"no such file: {path}", param_hint="PATH")
    with session_scope() as session:
        actor = user_actor(session, as_user, purpose)
    index = ScreeningIndex()
    with session_scope() as session:
        index.ensure(session)
    settle()
    out = output.open("wb") if output else sys.stdout.buffer
    columns = (TextColumn("screening"), BarColumn(), TextColumn("{task.completed} passengers"))
    source = sys.stdin.buffer if stdin else path.open("rb")
    with source as handle, Progress(*columns, console=console) as bar:
        task = bar.add_task("screening", total=None)

        def progress(counts: BatchCounts) -> None:
            bar.update(task, completed=counts.processed)

        counts = run_batch(
            unit_of_work,
            actor,
            index,
            open_rows(handle, kind),
            out,
            progress=progress,
            workers=workers or default_workers(),
        )
    out.flush()
    if output:
        out.close()
    console.print(
        f"screened {counts.processed}: {counts.matched} matched, {counts.hits} hits raised, "
        f"{counts.errors} invalid rows"
    )


def match(
    gallery: Annotated[Path, typer.Option(help="FtM entity JSON lines to search in")],
    queries: Annotated[Path, typer.Option(help="FtM entity JSON lines to search for")],
    limit: Annotated[int, typer.Option(help="Results per query")] = 10,
    output: Annotated[Path | None, typer.Option(help="JSON lines output (default: standard output)")] = None,
) -> None:
    """Match queries against a gallery offline, with exactly the engine and threshold the API uses."""
    from manara.matching.offline import run_match

    with Progress(TextColumn("matching"), BarColumn(), TextColumn("{task.completed} queries"), console=console) as bar:
        task = bar.add_task("matching", total=None)
        handle = output.open("w", encoding="utf-8") if output else sys.stdout
        try:
            count = run_match(gallery, queries, limit, handle, progress=lambda n: bar.update(task, completed=n))
        finally:
            if output:
                handle.close()
    console.print(f"matched {count} queries")
