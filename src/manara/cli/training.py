"""``manara training``: verify a certificate offline, members' signing keys, expiry notices, figures, catalogue."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from manara.cli.common import EXIT_DATA, cli_actor, console, handle_errors
from manara.db.session import unit_of_work
from manara.settings import get_settings
from manara.training import actions, credential, service

training = typer.Typer(help="Training: offline certificate verification, signing keys, expiry notices, figures.")


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [row for k, v in value.items() for row in _flatten(v, f"{prefix}.{k}" if prefix else str(k))]
    if isinstance(value, list):
        return [row for i, v in enumerate(value) for row in _flatten(v, f"{prefix}[{i}]")]
    return [(prefix, str(value))]


@training.command("verify")
def verify(
    file: Annotated[Path, typer.Argument(help="The credential (JSON, as issued or as the API returns it)")],
    key: Annotated[str, typer.Option(help="The issuer's public key: multibase z6Mk…, hex, PEM, or a file of one")],
    status_list: Annotated[
        Path | None, typer.Option(help="The issuer's status list (JSON), downloaded earlier: checks revocation")
    ] = None,
) -> None:
    """Verify a certificate with no server: signature (any edited field fails), validity dates, and revocation
    when a status list is given. Prints every field; exits 0 only when valid."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        console.print(f"[red]cannot read {file}: {exc}[/red]")
        raise typer.Exit(EXIT_DATA) from exc
    if isinstance(data, dict) and isinstance(data.get("credential"), dict):
        data = data["credential"]
    key_text = key
    if not key.startswith(("z", "-----")) and Path(key).is_file():
        key_text = Path(key).read_text(encoding="utf-8")
    try:
        public = credential.load_public(key_text)
    except ValueError as exc:
        console.print(f"[red]bad key: {exc}[/red]")
        raise typer.Exit(EXIT_DATA) from exc
    status, reason = credential.offline_status(data, public, datetime.now(UTC))
    if status == "valid" and status_list is not None:
        listed = json.loads(status_list.read_text(encoding="utf-8"))
        entry = data.get("credentialStatus", {})
        if listed.get("id") != entry.get("statusListCredential"):
            status, reason = "unknown", "the status list is not the one the credential names"
        elif "proof" in listed and not credential.verify_signature(listed, public).ok:
            status, reason = "unknown", "the status list's signature does not match the issuer's key"
        elif credential.status_bit(listed["credentialSubject"]["encodedList"], int(entry["statusListIndex"])):
            status, reason = "revoked", "revoked in the issuer's status list"
    if isinstance(data, dict):
        for name, value in _flatten({k: v for k, v in data.items() if k != "proof"}):
            typer.echo(f"{name}: {value}")
    typer.echo(f"status: {status}" + (f" ({reason})" if reason else ""))
    if status == "valid" and status_list is None:
        typer.echo("revocation not checked offline: pass --status-list, or open the verification page")
    raise typer.Exit(0 if status == "valid" else 1)


@training.command("key")
@handle_errors
def key(country: Annotated[str, typer.Argument(help="Member (ISO alpha-2)")]) -> None:
    """Print a member's certificate-signing public keys (never the private key)."""
    with unit_of_work() as session:
        rows = service.public_keys(session, country.upper())
        if not rows:
            console.print(f"{country.upper()} has no signing key yet (one is made with its first certificate)")
            raise typer.Exit(1)
        for row in rows:
            typer.echo(f"{row.public_key}\t{row.key_id}\t{'active' if row.active else 'retired'}")


@training.command("rotate-key")
@handle_errors
def rotate_key(country: Annotated[str, typer.Argument(help="Member (ISO alpha-2)")]) -> None:
    """Give a member a new signing key; earlier certificates stay verifiable with the retired public key."""
    with unit_of_work() as session:
        row = actions.do_create_key(session, cli_actor(), country.upper())
        typer.echo(f"{row.public_key}\t{row.key_id}")


@training.command("notify-expiring")
@handle_errors
def notify_expiring(
    days: Annotated[
        int | None, typer.Option(help="Window in days (default MANARA_TRAINING_EXPIRY_NOTICE_DAYS)")
    ] = None,
) -> None:
    """Tell holders and their bureaus of certificates about to expire (once per certificate)."""
    with unit_of_work() as session:
        count = actions.do_notify_expiring(
            session, cli_actor(), within_days=days or get_settings().training_expiry_notice_days
        )
    console.print(f"{count} expiry notices sent")


@training.command("figures")
@handle_errors
def figures(country: Annotated[str | None, typer.Option(help="One member (ISO alpha-2)")] = None) -> None:
    """Print training figures per member and crime area (JSON)."""
    with unit_of_work() as session:
        typer.echo(json.dumps(service.figures(session, country.upper() if country else None), indent=2))


@training.command("courses")
@handle_errors
def courses(crime_area: Annotated[str | None, typer.Option(help="Only this crime area")] = None) -> None:
    """List the catalogue (every member's active courses)."""
    with unit_of_work() as session:
        page = service.list_courses(session, cli_actor(), crime_area=crime_area, owner=None, page=1, page_size=10_000)
        for c in page.items:
            typer.echo(f"{c.owner_country}\t{c.code}\t{c.level}\t{c.hours} h\t{c.title.get('en', '')}")


@training.command("pdfs")
@handle_errors
def pdfs(
    out: Annotated[Path, typer.Argument(help="Folder to write <certificate id>.pdf into")],
    issuer: Annotated[str | None, typer.Option(help="Only certificates this member issued")] = None,
    workers: Annotated[int, typer.Option(help="Rendering processes (default: the CPUs)")] = 0,
) -> None:
    """Render the PDF certificates (holder's language, QR code) of every certificate, in parallel: the batch
    job for printing or mailing. The certificates are read as administrator; this is an operator command."""
    import os

    from sqlalchemy import select

    from manara.training import pdf
    from manara.training.models import Certificate

    out.mkdir(parents=True, exist_ok=True)
    with unit_of_work() as session:
        stmt = select(Certificate.id, Certificate.credential, Certificate.language)
        if issuer:
            stmt = stmt.where(Certificate.issuer_country == issuer.upper())
        jobs = [(i, vc, service.verify_url(i), lang) for i, vc, lang in session.execute(stmt)]
        actions.do_log_certificate_read(session, cli_actor(), [j[0] for j in jobs], "pdf batch")
    count = pdf.render_many(jobs, str(out), workers or os.cpu_count() or 1)
    console.print(f"{count} PDF certificates written to {out}")
