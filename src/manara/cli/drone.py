"""``manara drones``: decode Remote ID captures offline, import them for a receiver, keep zones and retention."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from manara.cli.common import cli_actor, console, handle_errors, session_scope, user_actor
from manara.drone import actions, odid, service
from manara.drone.access import access_receiver_for_ingest
from manara.drone.schemas import BatchIn, MessageIn, ReceiverIn
from manara.errors import ValidationFailed

drones = typer.Typer(
    help="Drones: decode Remote ID captures, import them, airports and retention.", no_args_is_help=True
)

MAX_CAPTURE_BYTES = 512 * 1024 * 1024


def _read(path: Path) -> bytes:
    if not path.is_file():
        raise typer.BadParameter(f"no such file: {path}")
    if path.stat().st_size > MAX_CAPTURE_BYTES:
        raise typer.BadParameter(f"{path} is larger than {MAX_CAPTURE_BYTES // 2**20} MiB")
    return path.read_bytes()


@drones.command("decode")
@handle_errors
def decode(
    capture: Annotated[Path, typer.Argument(help="A pcap or pcapng capture (Wi-Fi or Bluetooth LE)")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per Remote ID frame on stdout")] = False,
) -> None:
    """Decode every Remote ID frame of a capture, offline; malformed frames are reported, not guessed."""
    try:
        records = list(odid.read_capture(_read(capture)))
    except odid.DecodeError as exc:
        console.print(f"[red]error:[/red] {exc.code}: {exc.reason}")
        raise typer.Exit(1) from exc
    stats: Counter[str] = Counter()
    for rec in records:
        if rec.error is not None:
            stats[f"error:{rec.error.code}"] += 1
            if as_json:
                typer.echo(json.dumps({"frame": rec.index, "error": rec.error.code, "reason": rec.error.reason}))
            continue
        if rec.received is None:
            stats["other frames"] += 1
            continue
        got = rec.received
        stats[got.transport] += 1
        for m in odid.flatten(got.message):
            stats[m.type.name.lower()] += 1
        if as_json:
            line = {
                "frame": rec.index,
                "time": rec.timestamp,
                "transport": got.transport,
                "source": got.source,
                "counter": got.counter,
                "payload": got.payload.hex(),
                "messages": [m.model_dump() for m in service.decoded(got.message)],
            }
            typer.echo(json.dumps(line))
    summary = ", ".join(f"{k}: {v}" for k, v in sorted(stats.items()))
    console.print(f"{len(records)} frames; {summary}")


@drones.command("import")
@handle_errors
def import_capture(
    capture: Annotated[Path, typer.Argument(help="A pcap or pcapng capture")],
    receiver: Annotated[str, typer.Option("--receiver", help="Id of the receiver that made the capture")],
    as_user: Annotated[str, typer.Option("--as", help="Username of the member's officer importing it")],
    batch: Annotated[int, typer.Option(min=1, max=5000, help="Messages per committed batch")] = 1000,
    shift_to_now: Annotated[
        bool, typer.Option(help="Re-time the capture so its last frame is now (replaying an old capture)")
    ] = False,
) -> None:
    """Import the Remote ID frames of a capture as a receiver's messages (tracks, breaches, incidents).

    Frames the capture marks as corrupt or that do not decode are skipped and counted; the rest is posted in
    batches exactly as a live receiver would."""
    records = [r for r in odid.read_capture(_read(capture)) if r.received is not None]
    skipped = sum(1 for r in odid.read_capture(_read(capture)) if r.error is not None)
    if not records:
        console.print(f"no Remote ID frame in {capture} ({skipped} malformed)")
        raise typer.Exit(1)
    offset = datetime.now(UTC).timestamp() - records[-1].timestamp if shift_to_now else 0.0
    items = [
        MessageIn(
            received_at=datetime.fromtimestamp(r.timestamp + offset, UTC),
            payload=r.received.payload.hex(),
            transport=r.received.transport,
            source=r.received.source,
        )
        for r in records
        if r.received is not None
    ]
    totals: Counter[str] = Counter()
    for start in range(0, len(items), batch):
        with session_scope() as session:
            actor = user_actor(session, as_user, purpose=f"import of {capture.name}")
            rx = access_receiver_for_ingest(session, actor, receiver)
            out = actions.do_ingest_batch(
                session, actor, rx, BatchIn(receiver_id=rx.id, messages=items[start : start + batch])
            )
            totals.update(accepted=out.accepted, duplicates=out.duplicates, breaches=len(out.breaches))
            totals["tracks"] = max(totals["tracks"], len(out.tracks))
    console.print(
        f"{len(items)} Remote ID frames: {totals['accepted']} stored, {totals['duplicates']} duplicates, "
        f"{totals['breaches']} new breaches; {skipped} malformed frames skipped"
    )


@drones.command("receiver")
@handle_errors
def receiver_add(
    name: Annotated[str, typer.Argument(help="Name of the receiver (unique in your country)")],
    latitude: Annotated[float, typer.Option("--lat", min=-90, max=90, help="Latitude of the receiver")],
    longitude: Annotated[float, typer.Option("--lon", min=-180, max=180, help="Longitude of the receiver")],
    as_user: Annotated[str, typer.Option("--as", help="Username of the officer registering it")],
) -> None:
    """Register a Remote ID receiver of the user's country; prints its id (for ``import`` and the API)."""
    with session_scope() as session:
        actor = user_actor(session, as_user)
        rx = actions.do_register_receiver(session, actor, ReceiverIn(name=name, latitude=latitude, longitude=longitude))
        rx_id = rx.id
    typer.echo(rx_id)


@drones.command("airports")
@handle_errors
def airports(
    countries: Annotated[list[str], typer.Argument(help="Member countries (ISO alpha-2) whose airports to load")],
    as_user: Annotated[str, typer.Option("--as", help="Username of the officer creating the zones")],
    radius: Annotated[float, typer.Option(min=500, max=50_000, help="Zone radius around each airport, metres")] = 5000,
) -> None:
    """Create airport zones (visible to all members) from the maintained ``airportsdata`` list."""
    with session_scope() as session:
        actor = user_actor(session, as_user)
        created = actions.do_import_airports(session, actor, [c.upper() for c in countries], radius_m=radius)
    console.print(f"{created} airport zones created")


@drones.command("purge")
@handle_errors
def purge() -> None:
    """Delete raw messages past their retention (MANARA_DRONE_MESSAGE_RETENTION_HOURS); evidence stays."""
    with session_scope() as session:
        count = actions.do_purge_messages(session, cli_actor())
    console.print(f"{count} raw messages purged")


@drones.command("check")
@handle_errors
def check(payload: Annotated[str, typer.Argument(help="One message or message pack, hex")]) -> None:
    """Decode one message given as hex (e.g. copied from a receiver's log)."""
    try:
        message = odid.decode_message(bytes.fromhex(payload))
    except (ValueError, odid.DecodeError) as exc:
        raise ValidationFailed(f"undecodable: {exc}") from exc
    out: list[dict[str, Any]] = [m.model_dump() for m in service.decoded(message)]
    typer.echo(json.dumps(out, indent=2))
