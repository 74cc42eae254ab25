"""``manara operations``: import an operation's targets from CSV/JSON, its results; ``manara pursuits``: the
deadline queue, the treaty registry and the purge of tipsters' contact data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from manara.cli.common import cli_actor, console, handle_errors, session_scope, user_actor
from manara.db.base import utcnow
from manara.pursuit import actions, service, targets
from manara.pursuit.access import access_operation_by_id, access_operation_for_owner, pursuit_visibility_filter
from manara.pursuit.models import Pursuit, PursuitState, Treaty

operations = typer.Typer(help="Coordinated operations: import targets from CSV/JSON, results.", no_args_is_help=True)
pursuits = typer.Typer(
    help="Pursuits: deadlines of provisional arrests, treaties, tip retention.", no_args_is_help=True
)
MAX_FILE_BYTES = 16 * 1024 * 1024


@operations.command("import")
@handle_errors
def import_targets(
    operation_id: Annotated[str, typer.Argument(help="Id of an operation your country leads")],
    path: Annotated[Path, typer.Argument(help="CSV (notice,country[,note]) or JSON list of targets")],
    as_user: Annotated[str, typer.Option("--as", help="Username of the leading member's officer")],
) -> None:
    """Add targets to an operation from a file; every row is checked before anything is written."""
    if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
        raise typer.BadParameter(f"not a readable file under {MAX_FILE_BYTES // 2**20} MiB: {path}")
    rows = targets.parse_file(path.read_bytes(), path.name)
    with session_scope() as session:
        actor = user_actor(session, as_user, purpose="operation target import")
        op = access_operation_for_owner(session, actor, operation_id)
        added, skipped = actions.do_add_targets(session, actor, op, targets.from_list(session, actor, rows))
    console.print(f"{added} targets added, {skipped} already listed")


@operations.command("results")
@handle_errors
def results(
    operation_id: Annotated[str, typer.Argument(help="Id of an operation your country takes part in")],
    as_user: Annotated[str, typer.Option("--as", help="Username of a participant's officer")],
) -> None:
    """Print the results summary (counts per status and country, arrests today) as JSON."""
    with session_scope() as session:
        actor = user_actor(session, as_user)
        op = access_operation_by_id(session, actor, operation_id)
        typer.echo(service.operation_results(session, op).model_dump_json(indent=2))


@pursuits.command("deadlines")
@handle_errors
def deadlines(as_user: Annotated[str, typer.Option("--as", help="Username of a pursuit reader")]) -> None:
    """List your country's provisional arrests and the deadline of each extradition request."""
    with session_scope() as session:
        actor = user_actor(session, as_user)
        stmt = (
            select(Pursuit)
            .where(pursuit_visibility_filter(actor), Pursuit.state == PursuitState.PROVISIONAL_ARREST)
            .order_by(Pursuit.deadline_at)
        )
        now = utcnow()
        for p in session.scalars(stmt):
            left = (p.deadline_at - now) if p.deadline_at else None
            basis = "default" if p.deadline_default else (p.treaty_id or "")
            typer.echo(f"{p.reference}\t{p.located_by}\t{p.deadline_at:%Y-%m-%d %H:%M}Z\t{left}\t{basis}")


@pursuits.command("treaties")
@handle_errors
def list_treaties() -> None:
    """Print the treaty registry as JSON."""
    with session_scope() as session:
        rows = [
            {"id": t.id, "name": t.name, "parties": t.parties, "days": t.request_days, "extension": t.extension_days}
            for t in session.scalars(select(Treaty).order_by(Treaty.id))
        ]
    typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))


@pursuits.command("purge-tips")
@handle_errors
def purge_tips() -> None:
    """Clear tipsters' contact data older than MANARA_TIP_RETENTION_DAYS (run daily)."""
    with session_scope() as session:
        purged = actions.do_purge_tip_contacts(session, cli_actor())
    console.print(f"{purged} tips purged of contact data")
