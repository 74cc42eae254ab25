"""The ``manara`` command."""

from __future__ import annotations

from typing import Annotated

import typer

from manara import __version__
from manara.cli import admin, biometrics, data, screen, xref
from manara.cli import ops as ops_cli
from manara.cli import security as security_cli
from manara.cli.assessment import assessments
from manara.cli.common import console
from manara.cli.crypto import crypto
from manara.cli.cyber import cyber
from manara.cli.drone import drones
from manara.cli.media import media
from manara.cli.pursuit import operations, pursuits
from manara.cli.training import training
from manara.cli.webhook import webhooks
from manara.settings import get_settings

app = typer.Typer(help="Manara: open platform for international police cooperation.", no_args_is_help=True)
db = typer.Typer(help="Database schema.", no_args_is_help=True)
demo = typer.Typer(help="The demo network.", no_args_is_help=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"manara {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit")
    ] = False,
) -> None:
    """Manara: open platform for international police cooperation."""


app.add_typer(db, name="db")
app.add_typer(demo, name="demo")
app.add_typer(admin.members, name="members")
app.add_typer(admin.agencies, name="agencies")
app.add_typer(admin.users, name="users")
admin.keys.command("rotate")(security_cli.rotate)  # stored secrets onto the newest server key
app.add_typer(admin.keys, name="keys")
app.add_typer(data.entities, name="entities")
app.add_typer(data.audit, name="audit")
app.add_typer(data.jobs, name="jobs")
app.add_typer(biometrics.biometrics, name="biometrics")
app.add_typer(training, name="training")
app.add_typer(assessments, name="assessments")
app.add_typer(media, name="media")
app.add_typer(drones, name="drones")
app.add_typer(crypto, name="crypto")
app.add_typer(cyber, name="cyber")
app.add_typer(operations, name="operations")
app.add_typer(pursuits, name="pursuits")
app.add_typer(webhooks, name="webhooks")
app.command("screen")(screen.screen)
app.command("match")(screen.match)
app.command("xref")(xref.xref)
app.command("backup")(ops_cli.backup)
app.command("restore")(ops_cli.restore)
data.jobs.command("retention")(ops_cli.retention)


@db.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Create or migrate the database schema."""
    from manara.db.migrate import upgrade

    upgrade(get_settings().database_url, revision)
    typer.echo(f"database at {revision}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Worker processes: with more than one, the screening index is loaded once, before they fork, "
            "and shared (one per CPU core is the usual choice)",
        ),
    ] = 1,
) -> None:
    """Serve the API and web pages."""
    from manara.serve import UnsafeStart
    from manara.serve import serve as run

    try:
        run(host, port, workers)
    except UnsafeStart as refused:  # finding 5: a clear line, not a traceback
        typer.echo(f"error: {refused}", err=True)
        raise typer.Exit(2) from None


@demo.command("load")
def demo_load(
    persons: Annotated[int | None, typer.Option(help="Number of generated persons")] = None,
    seed: Annotated[int | None, typer.Option(help="Generator seed")] = None,
) -> None:
    """Load the demo network: members, users of every role, persons and notices of every type and status."""
    from manara.demo.network import load_demo

    settings = get_settings()
    if settings.env == "prod":
        console.print("[red]refusing to load demo data with MANARA_ENV=prod[/red]")
        raise typer.Exit(1)
    summary = load_demo(
        persons=persons or settings.demo_persons,
        seed=seed if seed is not None else settings.demo_seed,
        keys_file=settings.data_dir / "demo-keys.txt",
    )
    typer.echo(summary)


if __name__ == "__main__":
    app()
