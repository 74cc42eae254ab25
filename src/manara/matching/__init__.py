"""Screening engine: match persons by names in any script, birth dates, nationalities and documents."""

from manara.matching.index import Matcher
from manara.matching.record import MatchResult, PersonRecord, record_from_ftm
from manara.matching.scorer import ALGORITHM, DEFAULT_THRESHOLD, NAME, VERSION

__all__ = [
    "ALGORITHM",
    "DEFAULT_THRESHOLD",
    "NAME",
    "VERSION",
    "MatchResult",
    "Matcher",
    "PersonRecord",
    "record_from_ftm",
]
