"""The named, versioned person scorer: name evidence adjusted by birth date, nationality, gender, IDs."""

import math
from dataclasses import dataclass

from manara.matching.dates import compare_dates
from manara.matching.identifiers import countries, documents, normalize_gender
from manara.matching.names import NameForm, analyze_names
from manara.matching.namesim import NameMatch, Weight, best_name_match
from manara.matching.record import MatchResult, PersonRecord

NAME = "manara-person"
VERSION = "1"
ALGORITHM = f"{NAME}/{VERSION}"
DEFAULT_THRESHOLD = 0.5
DOCUMENT_FLOOR = 0.95
NAME_GATE = 0.5
NO_NAME_FACTOR = 0.75
NO_NAME_CAP = DEFAULT_THRESHOLD - 0.01  # without name agreement a record stays a candidate, never an alert
# Logistic weights of the features, fitted on the development split (see docs/matching.md).
BIAS = -10.551
COEFFICIENTS: dict[str, float] = {
    "name": -2.178, "name_squared": 4.96, "name_cover_min": 2.628, "name_rare": -0.947,
    "name_x_rare": 4.521, "name_loose": 2.681, "name_unmatched_query": 0.517, "name_unmatched_record": 0.226,
    "dob_exact": 8.096, "dob_partial": 4.394, "dob_near": -3.034, "dob_mismatch": -6.084,
    "nationality_match": 2.781, "nationality_mismatch": -3.673,
    # Absent from the development data, so set by hand: a swapped day/month is nearly as good
    # as an exact date; a different gender is strong counter-evidence; a shared document number
    # alerts on its own (see DOCUMENT_FLOOR).
    "dob_swapped": 6.0, "gender_mismatch": -3.0, "document_match": 6.0,
}


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


def name_features(name: NameMatch, loose: bool) -> dict[str, float]:
    """Turn a name alignment into features (coverage, rarity of matched and unmatched parts)."""
    return {
        "name": name.score,
        "name_cover_min": min(name.query_cover, name.record_cover),
        "name_rare": min(name.matched_weight, 30.0) / 10.0,
        "name_loose": name.score if loose else 0.0,
        "name_unmatched_query": min(name.query_weight * (1 - name.query_cover), 30.0) / 10.0,
        "name_unmatched_record": min(name.record_weight * (1 - name.record_cover), 30.0) / 10.0,
        "name_squared": name.score ** 2,
        "name_x_rare": name.score * min(name.matched_weight, 30.0) / 10.0,
        # Not weighted by the scorer: the weakest aligned part, for policies stricter than alerting
        # (cross-matching tells a spelling variant from a relative who shares the family name).
        "name_part_min": min((s for _, _, s in name.pairs), default=0.0),
    }


def date_features(agreement: float | None) -> dict[str, float]:
    """Turn a birth date agreement (see dates.compare_dates) into indicator features."""
    if agreement is None:
        return {}
    return {
        "dob_exact": float(agreement >= 1.0),
        "dob_swapped": float(0.85 <= agreement < 1.0),
        "dob_partial": float(0.0 < agreement < 0.85),
        "dob_near": float(-0.5 < agreement <= 0.0),
        "dob_mismatch": float(agreement <= -0.5),
    }


def extract(query: Prepared, record: Prepared, weight: Weight = _uniform) -> tuple[dict[str, float], str]:
    """Return the feature values of a query/record pair and the matched name tokens."""
    features: dict[str, float] = {}
    explanation = ""
    name = best_name_match(query.names, record.names, weight)
    if name is not None:
        loose = any(f.loose for f in query.names) or any(f.loose for f in record.names)
        features.update(name_features(name, loose))
        explanation = "; ".join(f"{q}~{r} {s:.2f}" for q, r, s in name.pairs)
    features.update(date_features(compare_dates(query.birth_dates, record.birth_dates)))
    if query.countries and record.countries:
        agree = bool(query.countries & record.countries)
        features["nationality_match" if agree else "nationality_mismatch"] = 1.0
    if query.gender and record.gender and query.gender != record.gender:
        features["gender_mismatch"] = 1.0
    if query.documents & record.documents:
        features["document_match"] = 1.0
    return features, explanation


def probability(features: dict[str, float]) -> float:
    """Combine feature values into a match probability with the fitted logistic weights."""
    z = BIAS
    for key, value in features.items():
        z += COEFFICIENTS.get(key, 0.0) * value
    chance = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
    if features.get("name", 0.0) < NAME_GATE:
        # Birth date and nationality alone must not alert: at scale many people share them.
        chance = min(chance * NO_NAME_FACTOR, NO_NAME_CAP)
    if features.get("document_match"):
        chance = max(chance, DOCUMENT_FLOOR)
    return chance


def result(record_id: str, value: float, features: dict[str, float], explanation: str,
           threshold: float = DEFAULT_THRESHOLD) -> MatchResult:
    """Build the public result: score rounded to 4 decimals, alert flag, features."""
    final = round(value, 4)
    return MatchResult(record_id, final, final >= threshold, features, explanation)


def score(query: Prepared, record: Prepared, weight: Weight = _uniform,
          threshold: float = DEFAULT_THRESHOLD) -> MatchResult:
    """Score a record against a query; features and the matched name pair explain the score."""
    features, explanation = extract(query, record, weight)
    return result(record.id, probability(features), features, explanation, threshold)
