"""Who may see a record: the owner only, named member countries, or all members."""

from __future__ import annotations

from enum import StrEnum


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
