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
from manara.errors import ManaraError, ValidationFailed
from manara.identity import Actor, Role
from manara.member.service import get_user_by_username

console = Console(stderr=True)  # progress, notes and errors
results = Console()  # what a command answers: standard output, so it can be piped
F = TypeVar("F", bound=Callable[..., Any])
# Exit statuses (BSD sysexits): 2 is a usage error (typer's own); bad input data and unreadable files differ
# from a refusal by the platform so that scripts can tell them apart.
EXIT_REFUSED = 1
EXIT_DATA = 65  # EX_DATAERR: the input is not valid data
EXIT_NO_INPUT = 66  # EX_NOINPUT: a file cannot be read


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
    """Print errors as one clear line (no traceback) and exit with a status that tells their kind: 65 for
    invalid data, 66 for a file that cannot be read, 1 for a refusal (not found, forbidden, conflict)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ValidationFailed as exc:
            details = exc.data.get("errors") or exc.data.get("failures") or ""
            console.print(f"[red]error:[/red] {exc.message} {details}".rstrip(), soft_wrap=True)
            raise typer.Exit(EXIT_DATA) from exc
        except ManaraError as exc:
            details = exc.data.get("errors") or exc.data.get("failures") or ""
            console.print(f"[red]error:[/red] {exc.message} {details}".rstrip(), soft_wrap=True)
            raise typer.Exit(EXIT_REFUSED) from exc
        except (UnicodeDecodeError, ValueError) as exc:
            console.print(f"[red]error:[/red] invalid input: {exc}", soft_wrap=True, markup=False)
            raise typer.Exit(EXIT_DATA) from exc
        except OSError as exc:
            console.print(f"[red]error:[/red] {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), soft_wrap=True)
            raise typer.Exit(EXIT_NO_INPUT) from exc

    return wrapper  # type: ignore[return-value]


@contextmanager
def session_scope() -> Iterator[Session]:
    """Open one unit of work for a CLI command."""
    with unit_of_work() as session:
        yield session
