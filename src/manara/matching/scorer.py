"""The named, versioned person scorer: name evidence adjusted by birth date, nationality, gender, IDs."""

import math
from dataclasses import dataclass

from manara.matching.dates import compare_dates
from manara.matching.identifiers import countries, documents, normalize_gender
from manara.matching.names import NameForm, analyze_names
from manara.matching.namesim import NameMatch, TokenWeights, Weight, best_name_match
from manara.matching.record import MatchResult, PersonRecord

NAME = "manara-person"
VERSION = "2"
ALGORITHM = f"{NAME}/{VERSION}"
DEFAULT_THRESHOLD = 0.5
DOCUMENT_FLOOR = 0.95
NAME_GATE = 0.5
NO_NAME_FACTOR = 0.75
NO_NAME_CAP = DEFAULT_THRESHOLD - 0.01  # without name agreement a record stays a candidate, never an alert
# The development gallery (names data set) the weights were fitted on, and the smallest of the
# galleries drawn from it by the fit: a smaller gallery is scored as one of that size.
REFERENCE_SIZE = 122_599
MIN_SIZE = 15_000
# Logistic weights of the features, fitted on the development split by scripts/fit_scorer.py
# (see docs/matching.md). name_rare and name_x_rare (rarity with fuzzy agreements at the token's
# own weight, manara-person/1) are still reported, for policies, but no longer weighted.
BIAS = -11.973
FITTED: dict[str, float] = {
    "name": -3.175,
    "name_squared": 6.66,
    "name_cover_min": 5.373,
    "name_rare_near": 0.605,
    "name_x_rare_near": 0.918,
    "name_loose": 3.145,
    "name_unmatched_query": 0.927,
    "name_unmatched_record": 0.425,
    "dob_exact": 8.183,
    "dob_partial": 4.623,
    "dob_near": -3.949,
    "dob_mismatch": -5.752,
    "nationality_match": 2.621,
    "nationality_mismatch": -4.419,
}
# Set by hand, not fitted: gender, documents and swapped day/month are absent from the development
# data. A swapped day/month is as unlikely by chance as the exact date but a clerical error is rare
# (about 1 record in 90 where an exact date agrees), so it is worth the exact date's weight minus
# log(90) ~ 4.5; a different gender is strong counter-evidence; a shared document number alerts on
# its own (see DOCUMENT_FLOOR). log_gallery: the prior odds of a record scale as 1/size (weight -1).
HAND_SET: dict[str, float] = {"dob_swapped": 4.0, "gender_mismatch": -3.0, "document_match": 6.0, "log_gallery": -1.0}
COEFFICIENTS: dict[str, float] = {**FITTED, **HAND_SET}


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
        "name_squared": name.score**2,
        "name_x_rare": name.score * min(name.matched_weight, 30.0) / 10.0,
        # The matched rarity with each fuzzy agreement weighted by the rarity of the query token's
        # fuzzy neighbourhood (records carrying a token within one edit), not of the token itself.
        "name_rare_near": min(name.near_weight, 30.0) / 10.0,
        "name_x_rare_near": name.score * min(name.near_weight, 30.0) / 10.0,
        # Not weighted by the scorer: the weakest aligned part, for policies stricter than alerting
        # (cross-matching tells a spelling variant from a relative who shares the family name).
        "name_part_min": min((s for _, _, s in name.pairs), default=0.0),
    }


def gallery_features(size: int) -> dict[str, float]:
    """The feature that depends on the size of the gallery the weights come from.

    ``log_gallery`` is log(size / REFERENCE_SIZE), not below MIN_SIZE: the prior odds that a given
    record is the person sought fall as 1/size, so its weight is -1 (see docs/matching.md).
    """
    return {"log_gallery": math.log(max(size, MIN_SIZE) / REFERENCE_SIZE)}


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
        size = weight.size if isinstance(weight, TokenWeights) else 0
        if size > 0:  # rarity weights learned from a gallery of that size
            features.update(gallery_features(size))
    features.update(date_features(compare_dates(query.birth_dates, record.birth_dates)))
    if query.countries and record.countries:
        agree = bool(query.countries & record.countries)
        features["nationality_match" if agree else "nationality_mismatch"] = 1.0
    if query.gender and record.gender and query.gender != record.gender:
        features["gender_mismatch"] = 1.0
    if query.documents & record.documents:
        features["document_match"] = 1.0
    return features, explanation


def probability(
    features: dict[str, float], coefficients: dict[str, float] | None = None, bias: float | None = None
) -> float:
    """Combine feature values into a match probability with the fitted logistic weights (or the given
    ones: scripts/fit_scorer.py evaluates candidate weights through this same function)."""
    weights = COEFFICIENTS if coefficients is None else coefficients
    z = BIAS if bias is None else bias
    for key, value in features.items():
        z += weights.get(key, 0.0) * value
    chance = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
    if features.get("name", 0.0) < NAME_GATE:
        # Birth date and nationality alone must not alert: at scale many people share them.
        chance = min(chance * NO_NAME_FACTOR, NO_NAME_CAP)
    if features.get("document_match"):
        chance = max(chance, DOCUMENT_FLOOR)
    return chance


def result(
    record_id: str, value: float, features: dict[str, float], explanation: str, threshold: float = DEFAULT_THRESHOLD
) -> MatchResult:
    """Build the public result: score rounded to 4 decimals, alert flag, features."""
    final = round(value, 4)
    return MatchResult(record_id, final, final >= threshold, features, explanation)


def score(
    query: Prepared, record: Prepared, weight: Weight = _uniform, threshold: float = DEFAULT_THRESHOLD
) -> MatchResult:
    """Score a record against a query; features and the matched name pair explain the score."""
    features, explanation = extract(query, record, weight)
    return result(record.id, probability(features), features, explanation, threshold)
