"""``manara crypto``: validate addresses offline, import ledger slices and tag sources, show a cluster and its
exposure, as a user of a member country."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from manara.cli.common import console, handle_errors, user_actor
from manara.crypto import actions, service
from manara.crypto.addresses import address_to_script, parse_address
from manara.crypto.parse import FORMATS, read
from manara.crypto.tags import read_ofac, read_tagpack
from manara.db.session import unit_of_work
from manara.errors import NotFound

crypto = typer.Typer(help="Crypto tracing: addresses, ledger imports, tags, clusters, exposure.", no_args_is_help=True)
AsUser = Annotated[str, typer.Option("--as", help="Username to act as (the owner country is theirs)")]
Chain = Annotated[str | None, typer.Option(help="btc, eth or trx (default: recognised from the address)")]


@crypto.command("validate")
@handle_errors
def validate(address: Annotated[str, typer.Argument(help="The address")], chain: Chain = None) -> None:
    """Validate an address by its own rules (checksums included) and print its chain, type and script."""
    found = parse_address(address, chain)
    script = address_to_script(found).hex() if found.chain == "btc" else ""
    typer.echo(f"{found.text}\t{found.chain}\t{found.script_type}\t{found.network}\t{script}".rstrip())


@crypto.command("import")
@handle_errors
def import_ledger(
    file: Annotated[
        Path,
        typer.Argument(
            help="Raw block, raw transactions (hex lines), Core JSON or bitcoin-etl JSONL", exists=True, dir_okay=False
        ),
    ],
    fmt: Annotated[str, typer.Option("--format", help=" | ".join(FORMATS))],
    as_user: AsUser,
    skip_bad: Annotated[bool, typer.Option(help="Store the good records and report the bad ones")] = False,
) -> None:
    """Import a ledger slice (idempotent) and cluster it; bad records are listed by position."""
    if fmt not in FORMATS:
        raise typer.BadParameter(f"one of {', '.join(FORMATS)}", param_hint="--format")
    parsed = read(fmt, file.read_bytes())
    with unit_of_work() as session:
        report = actions.do_import_ledger(session, user_actor(session, as_user), parsed, fmt, skip_bad=skip_bad)
    for error in report.errors:
        console.print(f"[yellow]{error['position']}[/yellow]: {error['error']}")
    typer.echo(
        f"{report.new_transactions} new, {report.known_transactions} known transactions; {report.addresses} new "
        f"addresses; {report.links} merges; {report.coinjoins} CoinJoins; {report.skipped} bad records skipped"
    )


@crypto.command("tags")
@handle_errors
def import_tags(
    file: Annotated[
        Path, typer.Argument(help="A GraphSense TagPack (YAML) or an OFAC address list", exists=True, dir_okay=False)
    ],
    fmt: Annotated[str, typer.Option("--format", help="tagpack | ofac")],
    as_user: AsUser,
    currency: Annotated[str, typer.Option(help="Asset of an OFAC list: XBT, ETH or TRX")] = "XBT",
    skip_bad: Annotated[bool, typer.Option(help="Store the good tags and report the bad ones")] = False,
) -> None:
    """Import tags as the user's country's (visible to all members, TLP:CLEAR); idempotent."""
    text = file.read_text(encoding="utf-8")
    found = read_tagpack(text) if fmt == "tagpack" else read_ofac(text, currency)
    with unit_of_work() as session:
        report = actions.do_import_tags(session, user_actor(session, as_user), found, fmt, skip_bad=skip_bad)
    for error in report.errors:
        console.print(f"[yellow]{error['position']}[/yellow]: {error['error']}")
    typer.echo(f"{report.new_tags} new of {report.tags} tags; {report.skipped} skipped (other assets or bad)")


@crypto.command("cluster")
@handle_errors
def cluster(address: Annotated[str, typer.Argument()], as_user: AsUser, chain: str = "btc") -> None:
    """Print an address's cluster summary as JSON (size, categories, members that know it, totals)."""
    with unit_of_work() as session:
        actor = user_actor(session, as_user)
        text = parse_address(address, chain).text
        summary = service.cluster_summary(session, actor, chain, text)
        if summary is None:
            raise NotFound("crypto_address", text)
        actions.do_log_crypto_read(session, actor, "cluster", [text], {"summary": True})
    typer.echo(json.dumps(summary, indent=2))


@crypto.command("exposure")
@handle_errors
def exposure(
    address: Annotated[str, typer.Argument()],
    as_user: AsUser,
    chain: str = "btc",
    direction: Annotated[str, typer.Option(help="forward or backward")] = "forward",
    hops: Annotated[int, typer.Option(min=1, max=6)] = 3,
) -> None:
    """Print an address cluster's direct and indirect exposure per category (haircut), as JSON."""
    if direction not in ("forward", "backward"):
        raise typer.BadParameter("forward or backward", param_hint="--direction")
    with unit_of_work() as session:
        actor = user_actor(session, as_user)
        text = parse_address(address, chain).text
        seed = service.address_row(session, chain, text)
        if seed is None:
            raise NotFound("crypto_address", text)
        report = service.exposure_report(session, actor, chain, seed, direction=direction, hops=hops)
        actions.do_log_crypto_read(session, actor, "exposure", [text], {"direction": direction, "hops": hops})
    shown = {k: report[k] for k in ("seed", "direction", "hops", "method", "direct", "indirect", "total", "truncated")}
    typer.echo(json.dumps({**shown, "edges": len(report["edges"])}, indent=2))


@crypto.command("stats")
def stats() -> None:
    """Print how many transactions, addresses, merges and CoinJoins the imported slices hold."""
    with unit_of_work() as session:
        counts = service.ledger_counts(session)
    typer.echo(" ".join(f"{k}={v}" for k, v in counts.items()))
