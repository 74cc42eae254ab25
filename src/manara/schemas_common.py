"""Shared Pydantic field types: sanitised bounded text and ISO country codes."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, StringConstraints

from manara.text import sanitize


def _line(value: str) -> str:
    return sanitize(value)


def _text(value: str) -> str:
    return sanitize(value, multiline=True)


def _country(value: str) -> str:
    return value.strip().upper()


Line = Annotated[str, StringConstraints(max_length=500), AfterValidator(_line)]
Text = Annotated[str, StringConstraints(max_length=10_000), AfterValidator(_text)]
CountryCode = Annotated[
    str, StringConstraints(min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$"), AfterValidator(_country)
]
