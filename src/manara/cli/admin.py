"""Administration commands: members, agencies, users and API keys."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from manara.cli.common import cli_actor, console, handle_errors, results, session_scope
from manara.identity import Role
from manara.member import actions, service
from manara.member.models import ApiKey, Member, User

Json = Annotated[bool, typer.Option("--json", help="One JSON object per line instead of a table")]

members = typer.Typer(help="Member countries (ISO 3166-1 alpha-2).", no_args_is_help=True)
agencies = typer.Typer(help="National bureaus and agencies.", no_args_is_help=True)
users = typer.Typer(help="Users and their roles.", no_args_is_help=True)
keys = typer.Typer(help="API keys: hashed at rest, shown once, expiring, scoped, revocable.", no_args_is_help=True)


@members.command("create")
@handle_errors
def member_create(code: str, name: Annotated[str | None, typer.Option(help="Display name")] = None) -> None:
    """Admit a member country, e.g. `manara members create MA`."""
    with session_scope() as session:
        member = actions.do_create_member(session, code, acting=cli_actor(), name=name)
        typer.echo(f"member {member.code} {member.name}")


@members.command("list")
def member_list(as_json: Json = False) -> None:
    """List member countries."""
    with session_scope() as session:
        for m in service.list_members(session):
            if as_json:
                typer.echo(json.dumps({"code": m.code, "name": m.name, "active": m.active}, ensure_ascii=False))
            else:
                typer.echo(f"{m.code}\t{m.name}\t{'active' if m.active else 'inactive'}")


def _member(session: Session, code: str) -> Member:
    found = session.get(Member, code.upper())
    if found is None:
        raise typer.BadParameter(f"no member {code!r}", param_hint="CODE")
    return found


@members.command("disable")
@handle_errors
def member_disable(code: str) -> None:
    """Suspend a member country: its users can no longer sign in or use an API key, their console sessions
    end, and nothing more can be shared with it; what it owns stays (audited)."""
    with session_scope() as session:
        member = actions.do_set_member_active(session, _member(session, code), False, acting=cli_actor())
        typer.echo(f"suspended {member.code}")


@members.command("enable")
@handle_errors
def member_enable(code: str) -> None:
    """Admit a suspended member country again (audited)."""
    with session_scope() as session:
        member = actions.do_set_member_active(session, _member(session, code), True, acting=cli_actor())
        typer.echo(f"admitted {member.code}")


@agencies.command("create")
@handle_errors
def agency_create(country: str, name: str, kind: str = "national_bureau") -> None:
    """Register a national bureau or agency of a member country."""
    with session_scope() as session:
        agency = actions.do_create_agency(session, country, name, acting=cli_actor(), kind=kind)
        typer.echo(f"agency {agency.id} {agency.country} {agency.name}")


@users.command("create")
@handle_errors
def user_create(
    username: str,
    country: Annotated[str, typer.Option(help="Member country code")],
    role: Annotated[Role, typer.Option(help="Role of the user")],
    full_name: Annotated[str, typer.Option(help="Full name")] = "",
) -> None:
    """Create a user of a member country in one role."""
    with session_scope() as session:
        user = actions.do_create_user(
            session, username, country=country, role=role, acting=cli_actor(), full_name=full_name
        )
        typer.echo(f"user {user.id} {user.username} {user.country} {user.role}")


@users.command("set-password")
@handle_errors
def user_set_password(username: str) -> None:
    """Set a user's web console password (asked twice, never echoed)."""
    password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    with session_scope() as session:
        user = service.get_user_by_username(session, username)
        if user is None:
            raise typer.BadParameter(f"no user {username!r}", param_hint="USERNAME")
        actions.do_set_password(session, user, password, acting=cli_actor())
        typer.echo(f"password set for {user.username}")


@users.command("list")
def user_list(
    country: Annotated[str | None, typer.Option(help="Only this country")] = None, as_json: Json = False
) -> None:
    """List users (on standard output)."""
    with session_scope() as session:
        found = service.list_users(session, country=country.upper() if country else None)
        if as_json:
            for u in found:
                row = {"username": u.username, "country": u.country, "role": u.role, "active": u.active}
                typer.echo(json.dumps(row, ensure_ascii=False))
            return
        table = Table("username", "country", "role", "active")
        for u in found:
            table.add_row(u.username, u.country, u.role, str(u.active))
        results.print(table)


def _user(session: Session, username: str) -> User:
    user = service.get_user_by_username(session, username)
    if user is None:
        raise typer.BadParameter(f"no user {username!r}", param_hint="USERNAME")
    return user


@users.command("disable")
@handle_errors
def user_disable(username: str) -> None:
    """Disable a user: no sign-in, no API key, open console sessions and live feeds end (audited)."""
    with session_scope() as session:
        user = actions.do_update_user(session, _user(session, username), acting=cli_actor(), active=False)
        typer.echo(f"disabled {user.username}")


@users.command("enable")
@handle_errors
def user_enable(username: str) -> None:
    """Enable a disabled user again (audited)."""
    with session_scope() as session:
        user = actions.do_update_user(session, _user(session, username), acting=cli_actor(), active=True)
        typer.echo(f"enabled {user.username}")


@users.command("set-role")
@handle_errors
def user_set_role(username: str, role: Annotated[Role, typer.Argument(help="The new role")]) -> None:
    """Change a user's role; their sessions end so the new rights apply at once (audited)."""
    with session_scope() as session:
        user = actions.do_update_user(session, _user(session, username), acting=cli_actor(), role=role)
        typer.echo(f"{user.username} is now {user.role}")


@keys.command("create")
@handle_errors
def key_create(
    username: str,
    days: Annotated[int | None, typer.Option(help="Validity in days (default MANARA_API_KEY_DEFAULT_DAYS)")] = None,
    scope: Annotated[list[str] | None, typer.Option(help="Limit to these scopes (repeatable)")] = None,
    name: Annotated[str, typer.Option(help="What the key is for")] = "",
) -> None:
    """Create an API key for a user and print its token once."""
    with session_scope() as session:
        user = service.get_user_by_username(session, username)
        if user is None:
            raise typer.BadParameter(f"no user {username!r}")
        key, token = actions.do_create_api_key(session, user, acting=cli_actor(), name=name, days=days, scopes=scope)
        console.print(f"key {key.prefix} expires {key.expires_at:%Y-%m-%d}; store the token now, it is not kept:")
        typer.echo(token)


@keys.command("revoke")
@handle_errors
def key_revoke(prefix: str) -> None:
    """Revoke the API key with this prefix."""
    with session_scope() as session:
        key = service.get_api_key_by_prefix(session, prefix)
        if key is None:
            raise typer.BadParameter(f"no key {prefix!r}")
        actions.do_revoke_api_key(session, key, acting=cli_actor())
        typer.echo(f"revoked {prefix}")


@keys.command("list")
@handle_errors
def key_list(username: str, as_json: Json = False) -> None:
    """List a user's API keys (never their secrets)."""
    with session_scope() as session:
        rows: list[ApiKey] = list(service.list_api_keys(session, _user(session, username).id))
        for k in rows:
            if as_json:
                row = {"prefix": k.prefix, "name": k.name, "scopes": list(k.scopes),
                       "expires_at": k.expires_at.isoformat(), "revoked": k.revoked_at is not None}  # fmt: skip
                typer.echo(json.dumps(row, ensure_ascii=False))
                continue
            state = "revoked" if k.revoked_at else f"expires {k.expires_at:%Y-%m-%d}"
            typer.echo(f"{k.prefix}\t{k.name}\t{state}\t{','.join(k.scopes)}")
