"""The named, versioned person scorer: name evidence adjusted by birth date, nationality, gender, IDs."""

from dataclasses import dataclass

from manara.matching.dates import compare_dates
from manara.matching.identifiers import countries, documents, normalize_gender
from manara.matching.names import NameForm, analyze_names
from manara.matching.namesim import Weight, best_name_match
from manara.matching.record import MatchResult, PersonRecord

NAME = "manara-person"
VERSION = "1"
ALGORITHM = f"{NAME}/{VERSION}"
DEFAULT_THRESHOLD = 0.7


@dataclass(frozen=True, slots=True)
class Prepared:
    """A record analysed once for scoring: name forms and normalised attributes."""

    id: str
    names: tuple[NameForm, ...]
    birth_dates: tuple[str, ...]
    countries: frozenset[str]
    gender: str | None
    documents: frozenset[str]


def prepare(record: PersonRecord) -> Prepared:
    """Analyse a record's names and normalise its attributes."""
    return Prepared(
        id=record.id,
        names=analyze_names(record.names),
        birth_dates=tuple(d for d in record.birth_dates if d)[:32],
        countries=countries(record.nationalities),
        gender=normalize_gender(record.gender),
        documents=documents(record.documents),
    )


def _uniform(_: str) -> float:
    return 1.0


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def score(query: Prepared, record: Prepared, weight: Weight = _uniform,
          threshold: float = DEFAULT_THRESHOLD) -> MatchResult:
    """Score a record against a query; features and the matched name pair explain the score."""
    features: dict[str, float] = {}
    explanation = ""
    name = best_name_match(query.names, record.names, weight)
    value = 0.0
    if name is not None:
        value = name.score
        features["name"] = round(name.score, 4)
        explanation = "; ".join(f"{q}~{r} {s:.2f}" for q, r, s in name.pairs)
    dob = compare_dates(query.birth_dates, record.birth_dates)
    if dob is not None:
        features["birth_date"] = dob
        value += 0.1 * dob if dob > 0 else 0.25 * dob
    if query.countries and record.countries:
        agree = bool(query.countries & record.countries)
        features["nationality"] = 1.0 if agree else -1.0
        value += 0.04 if agree else -0.08
    if query.gender and record.gender:
        agree = query.gender == record.gender
        features["gender"] = 1.0 if agree else -1.0
        value += 0.0 if agree else -0.15
    if query.documents & record.documents:
        features["document"] = 1.0
        value = max(value, 0.9) + 0.1
    final = round(_clamp(value), 4)
    return MatchResult(record.id, final, final >= threshold, features, explanation)
