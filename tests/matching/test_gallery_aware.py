"""manara-person/2: the same evidence weighs less in a bigger gallery; fuzzy agreements weigh as their
neighbourhood."""

import math

import pytest

from manara.matching import Matcher, PersonRecord
from manara.matching.names import analyze_names
from manara.matching.namesim import TokenWeights, best_name_match
from manara.matching.scorer import MIN_SIZE, REFERENCE_SIZE, extract, gallery_features, prepare, probability


def _weights(size: int, share: float) -> TokenWeights:
    """The weights of a gallery of ``size`` records in which every token is carried by ``share`` of them."""
    return TokenWeights(lambda _: math.log(1.0 + (size + 1) / (size * share + 1)), size=size)


def _score(query: PersonRecord, record: PersonRecord, size: int, share: float) -> float:
    features, _ = extract(prepare(query), prepare(record), _weights(size, share))
    return probability(features)


def test_a_common_name_and_the_same_year_score_lower_in_a_bigger_gallery() -> None:
    query = PersonRecord("q", ("Jose Garcia",), ("1980-05-17",), ("ES",))
    record = PersonRecord("r", ("Jose Garcia Lopez",), ("1980",), ("ES",))
    small = _score(query, record, 100_000, 0.02)
    big = _score(query, record, 1_000_000, 0.02)
    assert big < small
    assert math.log(big / (1 - big)) < math.log(small / (1 - small)) - 2.0  # log(10) logits of prior odds


def test_a_rare_full_name_with_the_birth_date_keeps_alerting_in_a_big_gallery() -> None:
    query = PersonRecord("q", ("Xiomara Baldomero Etxeberria",), ("1971-03-09",))
    record = PersonRecord("r", ("Xiomara Baldomero Etxeberria",), ("1971-03-09",))
    assert _score(query, record, 1_000_000, 1e-6) > 0.95
    assert _score(query, record, 10_000_000, 1e-6) > 0.9


def test_gallery_features_follow_the_size_but_not_below_the_smallest_fitted() -> None:
    assert gallery_features(REFERENCE_SIZE)["log_gallery"] == 0.0
    assert gallery_features(10 * REFERENCE_SIZE)["log_gallery"] == pytest.approx(math.log(10))
    assert gallery_features(10) == gallery_features(MIN_SIZE)


def test_without_a_gallery_no_gallery_features() -> None:
    features, _ = extract(prepare(PersonRecord("q", ("Jose Garcia",))), prepare(PersonRecord("r", ("Jose Garcia",))))
    assert "log_gallery" not in features
    assert features["name_rare_near"] == features["name_rare"]  # without neighbourhoods: the token's weight
    assert features["name"] == 1.0


def test_a_fuzzy_agreement_weighs_as_its_neighbourhood() -> None:
    weights = TokenWeights(lambda _: 10.0, near=lambda _: 4.0, size=1000)
    exact = best_name_match(analyze_names(("Gomez",)), analyze_names(("Gomez",)), weights)
    fuzzy = best_name_match(analyze_names(("Gomez",)), analyze_names(("Lopez",)), weights)
    assert exact is not None and fuzzy is not None
    assert exact.near_weight == exact.matched_weight == 10.0
    assert fuzzy.near_weight == pytest.approx(fuzzy.matched_weight * 0.4)
    assert weights.near("kms") == 4.0


def test_the_neighbourhood_of_a_key_counts_the_records_one_edit_away() -> None:
    matcher = Matcher()
    for i, family in enumerate(["Garcia"] * 3 + ["Marcia", "Gargia"] * 5 + ["Olmedo"] * 20):
        matcher.add(PersonRecord(f"p{i}", (f"Ana {family}",)))
    garcia = analyze_names(("Garcia",))[0].skels[0]
    olmedo = analyze_names(("Olmedo",))[0].skels[0]
    assert matcher.near_idf(garcia) < matcher.idf(garcia)  # its look-alikes make a fuzzy agreement common
    assert matcher.near_idf(olmedo) == matcher.idf(olmedo)  # no look-alike: as rare as the token
    results = matcher.search(PersonRecord("q", ("Ana Garcia",)))
    assert {"log_gallery", "name_rare_near", "name_x_rare_near"} <= results[0].features.keys()
