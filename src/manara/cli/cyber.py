"""``manara cyber``: STIX 2.1 bundles and MISP events in and out, the KEV catalogue, partner TAXII feeds and
their scheduled pulls, as a user of a member country."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from manara.cli.common import console, handle_errors, user_actor
from manara.cyber import actions, client, service, stix
from manara.cyber.access import access_feed_for_owner
from manara.cyber.kev import kev_path, parse_kev_csv
from manara.cyber.misp import build_event, distribution_placement, read_event
from manara.cyber.schemas import FeedIn, Placement
from manara.db.session import unit_of_work
from manara.errors import ValidationFailed
from manara.tlp import Tlp
from manara.visibility import Visibility

cyber = typer.Typer(help="Cyber indicators: STIX 2.1, MISP, KEV, TAXII 2.1 feeds.", no_args_is_help=True)
taxii = typer.Typer(help="Partner TAXII 2.1 collections: register and pull.", no_args_is_help=True)
cyber.add_typer(taxii, name="taxii")
AsUser = Annotated[str, typer.Option("--as", help="Username to act as (the owner country is theirs)")]
TlpOpt = Annotated[Tlp, typer.Option(help="Marking of records that carry none")]
VisOpt = Annotated[Visibility, typer.Option(help="Who in Manara may see the records")]
ShareOpt = Annotated[list[str], typer.Option("--share", help="A member country (with --visibility countries)")]
Out = Annotated[Path | None, typer.Option("--out", help="Write here instead of standard output", dir_okay=False)]


def _report(report: dict[str, Any]) -> None:
    for refusal in report["refused"]:
        console.print(f"[yellow]{refusal['id']}[/yellow] ({refusal['type']}): {refusal['reason']}")
    typer.echo(
        f"{report['received']} received: {report['stored']} new, {report['updated']} updated, "
        f"{report['skipped']} skipped, {len(report['refused'])} refused"
    )


def _write(document: dict[str, Any], out: Path | None) -> None:
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")


def _json(file: Path) -> Any:
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed("not JSON", [{"field": str(file), "message": str(exc)[:200]}]) from exc


@cyber.command("import")
@handle_errors
def import_bundle(
    file: Annotated[Path, typer.Argument(help="A STIX 2.1 bundle (JSON)", exists=True, dir_okay=False)],
    as_user: AsUser,
    tlp: TlpOpt = Tlp.AMBER,
    visibility: VisOpt = Visibility.OWNER,
    share: ShareOpt = [],  # noqa: B006 - typer copies defaults
) -> None:
    """Import a STIX 2.1 bundle in one transaction; refused objects are listed with their reason."""
    objects = stix.validate_bundle(_json(file))
    place = Placement(tlp=tlp, visibility=visibility, shared_with=share)
    with unit_of_work() as session:
        actor = user_actor(session, as_user)
        report = actions.do_store_parsed(
            session, actor, stix.read_objects(objects), place, source=f"file:{file.name}", fmt="stix"
        )
    _report(report)


@cyber.command("export")
@handle_errors
def export_bundle(
    as_user: AsUser,
    ids: Annotated[list[str], typer.Option("--id", help="An indicator id")] = [],  # noqa: B006
    out: Out = None,
) -> None:
    """Export indicators (``--id``, or the user's country's whole collection) as a STIX 2.1 bundle;
    TLP:AMBER+STRICT and TLP:RED are held back."""
    with unit_of_work() as session:
        actor = user_actor(session, as_user)
        found = service.visible_by_ids(session, actor, ids) if ids else service.own_indicators(session, actor)
        ready, held = stix.exportable(found)
        actions.do_log_export(session, actor, [i.id for i in ready], fmt="stix", held=len(held), scope="cli")
        bundle = stix.build_bundle(ready)
    _write(bundle, out)
    if held:
        console.print(f"[yellow]{len(held)} indicators marked TLP:AMBER+STRICT or TLP:RED held back[/yellow]")


@cyber.command("misp-import")
@handle_errors
def misp_import(
    file: Annotated[Path, typer.Argument(help='A MISP event (JSON: {"Event": {...}})', exists=True, dir_okay=False)],
    as_user: AsUser,
    tlp: TlpOpt = Tlp.AMBER,
    community: Annotated[list[str], typer.Option("--community", help="Countries of distribution 1")] = [],  # noqa: B006
) -> None:
    """Import a MISP event; distribution and tlp tags give visibility and marking (docs/cyber.md)."""
    event, parsed = read_event(_json(file))
    visibility, countries = distribution_placement(event, [c.upper() for c in community])
    with unit_of_work() as session:
        actor = user_actor(session, as_user)
        countries = [c for c in service.placement_countries(session, countries) if c != actor.country]
        if visibility == Visibility.COUNTRIES and not countries:
            visibility = Visibility.OWNER
        place = Placement(tlp=tlp, visibility=visibility, shared_with=countries)
        report = actions.do_store_parsed(session, actor, parsed, place, source=f"misp:{file.name}", fmt="misp")
    _report(report)


@cyber.command("misp-export")
@handle_errors
def misp_export(
    as_user: AsUser,
    ids: Annotated[list[str], typer.Option("--id", help="An indicator id")] = [],  # noqa: B006
    out: Out = None,
) -> None:
    """Export indicators (``--id``, or the whole collection) as a MISP event; AMBER+STRICT and RED held back."""
    with unit_of_work() as session:
        actor = user_actor(session, as_user)
        found = service.visible_by_ids(session, actor, ids) if ids else service.own_indicators(session, actor)
        ready, held = stix.exportable(found)
        actions.do_log_export(session, actor, [i.id for i in ready], fmt="misp", held=len(held), scope="cli")
        event = build_event(ready, info=f"Manara {actor.country} indicators", country=actor.country)
    _write(event, out)
    if held:
        console.print(f"[yellow]{len(held)} indicators marked TLP:AMBER+STRICT or TLP:RED held back[/yellow]")


@cyber.command("kev-import")
@handle_errors
def kev_import(
    as_user: AsUser,
    file: Annotated[Path | None, typer.Option(help="The KEV CSV (default: $MANARA_KEV_CSV or ../shared/…)")] = None,
) -> None:
    """Load CISA's Known Exploited Vulnerabilities catalogue (CC0) as a reference feed cases can cite."""
    path = file or kev_path()
    entries = parse_kev_csv(path.read_text(encoding="utf-8"))
    with unit_of_work() as session:
        result = actions.do_import_kev(session, user_actor(session, as_user), entries)
    typer.echo(f"{result['entries']} KEV entries, {result['added']} new")


@taxii.command("add")
@handle_errors
def feed_add(
    name: Annotated[str, typer.Argument(help="A short name (letters, digits, . _ -)")],
    url: Annotated[str, typer.Argument(help="The partner collection's URL (…/collections/<id>/)")],
    as_user: AsUser,
    tlp: TlpOpt = Tlp.AMBER,
    visibility: VisOpt = Visibility.OWNER,
    share: ShareOpt = [],  # noqa: B006
) -> None:
    """Register a partner TAXII 2.1 collection to pull into the user's country's indicators."""
    body = FeedIn(name=name, collection_url=url, tlp=tlp, visibility=visibility, shared_with=share)
    with unit_of_work() as session:
        feed = actions.do_save_feed(session, user_actor(session, as_user), body)
        typer.echo(f"{feed.id}\t{feed.name}")


@taxii.command("pull")
@handle_errors
def feed_pull(
    as_user: AsUser,
    feeds: Annotated[list[str], typer.Argument(help="Feed names or ids (default: every feed of the country)")] = [],  # noqa: B006
    user: Annotated[str | None, typer.Option(envvar="MANARA_TAXII_USER", help="HTTP Basic user")] = None,
    password: Annotated[str | None, typer.Option(envvar="MANARA_TAXII_PASSWORD", help="HTTP Basic password")] = None,
    token: Annotated[str | None, typer.Option(envvar="MANARA_TAXII_TOKEN", help="Bearer token")] = None,
) -> None:
    """Pull feeds from their stored cursor (run it from a timer: each feed commits on its own, and a failed
    pull stores nothing and keeps its cursor)."""
    creds = client.Credentials(token=token, user=user, password=password)
    with unit_of_work() as session:
        actor = user_actor(session, as_user)
        names = feeds or [f.id for f in service.feeds_of(session, actor)]
    for name in names:
        with unit_of_work() as session:
            actor = user_actor(session, as_user)
            feed = access_feed_for_owner(session, actor, name)
            report = client.pull(session, actor, feed, creds)
            typer.echo(f"{feed.name}: cursor {feed.added_after}")
        _report(report)
