"""The person record the engine indexes and screens, and the result it returns."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

_NAME_PROPS = ("name", "alias", "weakAlias", "previousName")
_MAX_VALUES = 64


@dataclass(frozen=True)
class PersonRecord:
    """A person to index or to screen; every field but id may be empty."""

    id: str
    names: tuple[str, ...] = ()
    birth_dates: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()
    gender: str | None = None
    documents: tuple[str, ...] = ()


@dataclass(frozen=True)
class MatchResult:
    """One scored candidate: score in [0, 1], alert flag and per-feature explanation."""

    id: str
    score: float
    match: bool
    features: dict[str, float] = field(default_factory=dict)
    explanation: str = ""


def _values(props: dict[str, Any], *keys: str) -> tuple[str, ...]:
    out: list[str] = []
    for key in keys:
        value = props.get(key) or []
        items: Iterable[Any] = [value] if isinstance(value, str) else value
        out.extend(str(v) for v in items if v)
    return tuple(dict.fromkeys(out))[:_MAX_VALUES]


def record_from_ftm(entity: dict[str, Any]) -> PersonRecord:
    """Build a PersonRecord from a FollowTheMoney entity JSON dict (Person or similar)."""
    props = entity.get("properties") or {}
    names = list(_values(props, *_NAME_PROPS))
    first, last = _values(props, "firstName"), _values(props, "lastName")
    middle = _values(props, "middleName", "fatherName")
    if first or last:
        composed = " ".join(first[:1] + middle[:1] + last[:1])
        if composed and composed not in names:
            names.append(composed)
    genders = _values(props, "gender")
    return PersonRecord(
        id=str(entity.get("id") or ""),
        names=tuple(names)[:_MAX_VALUES],
        birth_dates=_values(props, "birthDate"),
        nationalities=_values(props, "nationality", "citizenship"),
        gender=genders[0].lower() if genders else None,
        documents=_values(props, "passportNumber", "idNumber"),
    )
