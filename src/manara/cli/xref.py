"""``manara xref``: cross-match every member's entities against the others', incrementally."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from manara.analysis.parallel import default_workers
from manara.analysis.run import run_xref
from manara.cli.common import cli_actor, console, handle_errors
from manara.db.session import unit_of_work


@handle_errors
def xref(
    country: Annotated[str | None, typer.Option(help="Only the entities of this member (ISO alpha-2)")] = None,
    full: Annotated[bool, typer.Option(help="Match every entity, not only those changed since the last run")] = False,
    workers: Annotated[int, typer.Option(help="Matching processes sharing the index (default: the CPUs)")] = 0,
    snapshot: Annotated[Path | None, typer.Option(help="Index snapshot to start from and update")] = None,
) -> None:
    """Cross-match entities against other members' data they may see; matches become suggested links."""
    columns = (TextColumn("cross-matching"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("xref", total=None)
        report = run_xref(
            unit_of_work,
            cli_actor(),
            country=country.upper() if country else None,
            full=full,
            workers=workers or default_workers(),
            snapshot=snapshot,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    since = report.since.isoformat() if report.since else "the beginning"
    console.print(
        f"indexed {report.indexed} entities; matched {report.matched} changed since {since}; "
        f"{report.links} new suggested links"
    )
