"""Compare (partial) ISO birth dates: exact, year only, day/month swapped, near years."""

import re
from collections.abc import Iterable
from functools import lru_cache

_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")

Date = tuple[int, int | None, int | None]


@lru_cache(maxsize=65_536)
def parse_date(text: str) -> Date | None:
    """Parse 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' (longer ISO strings are cut); None if invalid."""
    m = _ISO.match(text or "")
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    if not 1000 <= year <= 2999:
        return None
    if month is not None and not 1 <= month <= 12:
        month, day = None, None
    if day is not None and not 1 <= day <= 31:
        day = None
    return (year, month, day)


def _pair_score(a: Date, b: Date) -> float:
    """Score one pair of dates: 1 exact, 0.9 swapped day/month, 0.6-0.8 partial, <0 disjoint."""
    if a == b and a[2] is not None:
        return 1.0
    if a[0] != b[0]:
        return -0.3 if abs(a[0] - b[0]) == 1 else -1.0
    if a[1] is None or b[1] is None:
        return 0.6
    if a[1] == b[1]:
        return 0.8 if a[2] is None or b[2] is None else -0.3
    if a[2] is not None and b[2] is not None and (a[1], a[2]) == (b[2], b[1]):
        return 0.9
    return -0.5


def compare_dates(query: Iterable[str], record: Iterable[str]) -> float | None:
    """Return the best agreement in [-1, 1] over all date pairs, or None if a side has none."""
    qs = [d for d in map(parse_date, query) if d]
    rs = [d for d in map(parse_date, record) if d]
    if not qs or not rs:
        return None
    return max(_pair_score(a, b) for a in qs for b in rs)
