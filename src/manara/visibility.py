"""Who may see a record: the owner only, named member countries, or all members."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, or_


class Visibility(StrEnum):
    """Distribution scope chosen by a record's owner."""

    OWNER = "owner"
    COUNTRIES = "countries"
    ALL = "all"


def may_see(*, owner: str, visibility: str, shared_with: list[str], country: str) -> bool:
    """Tell whether a member ``country`` may see a record with this owner and scope."""
    if country == owner or visibility == Visibility.ALL:
        return True
    return visibility == Visibility.COUNTRIES and country in shared_with


def audience(*, owner: str, visibility: str, shared_with: Iterable[str]) -> frozenset[str] | None:
    """Return the member countries that may see a record, or None when every member may (`may_see`'s rule,
    precomputed for a record checked many times: the screening index asks it for every candidate)."""
    if visibility == Visibility.ALL:
        return None
    if visibility == Visibility.COUNTRIES:
        return frozenset((owner, *shared_with))
    return frozenset((owner,))


def share_key(countries: Iterable[str]) -> str:
    """Return the ``share_key`` column of a record shared with ``countries`` (",FR,MA,"; "," for none): one
    string a query can test with LIKE, for registers that keep no share rows."""
    return "," + "".join(f"{c}," for c in sorted(set(countries)))


def reaches(model: Any, country: str) -> ColumnElement[bool]:
    """WHERE clause: another member's record of ``model`` (with ``visibility`` and ``share_key`` columns) is
    distributed to ``country`` — shared with all members, or with named ones including it (``may_see``)."""
    return or_(
        model.visibility == Visibility.ALL,
        and_(model.visibility == Visibility.COUNTRIES, model.share_key.contains(f",{country},")),
    )


class Shared(Protocol):
    """A record with share rows (``<noun>_share`` tables) for the ``countries`` visibility."""

    shares: list[Any]


def replace_shares(record: Shared, countries: list[str], make: Callable[[str], Any]) -> None:
    """Make ``record``'s share rows exactly ``countries``, keeping rows that stay and adding ``make(c)``."""
    wanted = set(countries)
    record.shares = [s for s in record.shares if s.country in wanted]
    have = {s.country for s in record.shares}
    record.shares.extend(make(c) for c in sorted(wanted - have))


# Recipients of a shared record must not learn each other: ``shared_with`` is shown whole only to the
# record's owner. The API sets the viewer's country for the request (``api/deps.py``); the Out schemas
# that carry ``shared_with`` pass it through ``shares_for`` when they are serialised.
VIEWER_COUNTRY: ContextVar[str | None] = ContextVar("manara_viewer_country", default=None)


def shares_for(viewer: str | None, owner: str, shared_with: Iterable[str]) -> list[str]:
    """Return the share list as ``viewer`` may see it: all of it for the owner, else only the viewer's own entry."""
    shared = list(shared_with)
    if viewer is None or viewer == owner:
        return shared
    return [code for code in shared if code == viewer]


def shares_for_viewer(owner: str, shared_with: Iterable[str]) -> list[str]:
    """``shares_for`` the country of the request being answered (everything outside a request: CLI, jobs)."""
    return shares_for(VIEWER_COUNTRY.get(), owner, shared_with)
