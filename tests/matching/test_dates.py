from manara.matching.dates import compare_dates, parse_date


def test_parse_partial_and_invalid_dates() -> None:
    assert parse_date("1980") == (1980, None, None)
    assert parse_date("1980-06") == (1980, 6, None)
    assert parse_date("1980-06-05T00:00:00") == (1980, 6, 5)
    assert parse_date("1980-13-40") == (1980, None, None)
    assert parse_date("circa 1980") is None
    assert parse_date("") is None


def test_compare_dates() -> None:
    assert compare_dates(["1980-06-05"], ["1980-06-05"]) == 1.0
    assert compare_dates(["1980-06-05"], ["1980-05-06"]) == 0.9
    assert compare_dates(["1980"], ["1980-06-05"]) == 0.6
    assert compare_dates(["1980-06"], ["1980-06-05"]) == 0.8
    assert (compare_dates(["1980-06-05"], ["1981-06-05"]) or 0.0) < 0
    assert compare_dates(["1980-06-05"], ["1960-06-05"]) == -1.0
    assert compare_dates(["1960", "1980-06-05"], ["1980-06-05"]) == 1.0


def test_compare_dates_without_a_side_is_none() -> None:
    assert compare_dates([], ["1980"]) is None
    assert compare_dates(["garbage"], ["1980"]) is None
