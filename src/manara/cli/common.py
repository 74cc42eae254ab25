"""Helpers shared by CLI commands: the CLI actor, acting as a user, error output."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from manara.db.session import unit_of_work
from manara.errors import ManaraError
from manara.identity import Actor, Role
from manara.member.service import get_user_by_username

console = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


def cli_actor() -> Actor:
    """Return the actor for administrative CLI commands (the operating-system user)."""
    return Actor(user_id="cli", username=f"cli:{getpass.getuser()}", country="ZZ", role=Role.ADMINISTRATOR)


def user_actor(session: Session, username: str, purpose: str | None = None) -> Actor:
    """Return the actor of an existing user, for commands run on a user's behalf."""
    user = get_user_by_username(session, username)
    if user is None or not user.active:
        raise typer.BadParameter(f"no active user {username!r}", param_hint="--as")
    return Actor(user_id=user.id, username=user.username, country=user.country, role=Role(user.role), purpose=purpose)


def handle_errors(func: F) -> F:
    """Print domain errors as one clear line and exit with status 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ManaraError as exc:
            details = exc.data.get("errors") or exc.data.get("failures") or ""
            console.print(f"[red]error:[/red] {exc.message} {details}".rstrip())
            raise typer.Exit(1) from exc

    return wrapper  # type: ignore[return-value]


@contextmanager
def session_scope() -> Iterator[Session]:
    """Open one unit of work for a CLI command."""
    with unit_of_work() as session:
        yield session
