from manara.matching import ALGORITHM, DEFAULT_THRESHOLD, NAME, VERSION, PersonRecord
from manara.matching.scorer import prepare, score


def _score(q: PersonRecord, r: PersonRecord) -> float:
    return score(prepare(q), prepare(r)).score


def test_algorithm_is_named_and_versioned() -> None:
    assert ALGORITHM == f"{NAME}/{VERSION}"
    assert 0 < DEFAULT_THRESHOLD < 1


def test_birth_date_and_nationality_raise_and_lower_the_score() -> None:
    base = PersonRecord("r", ("Aleksandr Yuryevich KUZIN",), ("1980-06-05",), ("ru",))
    name_only = _score(PersonRecord("q", ("Alexander Kuzin",)), base)
    same = _score(PersonRecord("q", ("Alexander Kuzin",), ("1980-06-05",), ("RU",)), base)
    swapped = _score(PersonRecord("q", ("Alexander Kuzin",), ("1980-05-06",)), base)
    other = _score(PersonRecord("q", ("Alexander Kuzin",), ("1955-01-01",), ("fr",)), base)
    assert same > swapped > other
    assert same > name_only > other


def test_gender_mismatch_lowers_the_score() -> None:
    r = PersonRecord("r", ("Kim Moon-ho",), gender="male")
    assert _score(PersonRecord("q", ("김문호",), gender="female"), r) < _score(PersonRecord("q", ("김문호",)), r)


def test_document_match_alerts_even_with_a_different_name() -> None:
    r = PersonRecord("r", ("Ivan Petrov",), documents=("75 1234567",))
    result = score(prepare(PersonRecord("q", ("John Doe",), documents=("751234567",))), prepare(r))
    assert result.match
    assert result.features["document_match"] == 1.0


def test_explanation_names_the_matched_tokens() -> None:
    result = score(prepare(PersonRecord("q", ("Khalid Ahmad",))), prepare(PersonRecord("r", ("Khaled Ahmed",))))
    assert "halid~halid" in result.explanation
    assert result.features["name"] > 0.9


def test_no_names_no_crash() -> None:
    result = score(prepare(PersonRecord("q")), prepare(PersonRecord("r", ("Ali",))))
    assert 0.0 <= result.score <= 1.0
    assert not result.match
