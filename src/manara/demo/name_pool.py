"""Weighted pools and the name record shared by the per-script name builders."""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate
from typing import Generic, NamedTuple, TypeVar

T = TypeVar("T")


class Pool(Generic[T]):
    """Draw items with fixed relative weights in O(log n) per draw."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, weighted: Sequence[tuple[T, int]]) -> None:
        self.items = [item for item, _ in weighted]
        self.cum = list(accumulate(weight for _, weight in weighted))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> T:
        """Return one item, chosen by weight."""
        return self.items[bisect_right(self.cum, rng.random() * self.total)]


class PersonName(NamedTuple):
    """A person's name: primary Latin form, its parts, and other spellings."""

    name: str
    first: str
    last: str
    father: str | None
    aliases: tuple[str, ...]
    weak_aliases: tuple[str, ...] = ()
    middle: str | None = None


def dedupe(values: Sequence[str], exclude: str) -> tuple[str, ...]:
    """Drop duplicates (case-sensitive) and the excluded primary form, keeping order."""
    seen = {exclude}
    out = []
    for value in values:
        if value not in seen:
            seen.add(value)
            out.append(value)
    return tuple(out)
