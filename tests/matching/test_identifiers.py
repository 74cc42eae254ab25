from manara.matching.identifiers import countries, documents, normalize_country, normalize_document, normalize_gender


def test_normalize_country_codes_and_names() -> None:
    assert normalize_country("IQ") == "iq"
    assert normalize_country("Russia") == "ru"
    assert normalize_country("Korea, North") == "kp"
    assert normalize_country("") is None
    assert countries(["DE", "de", "Germany", "nowhere-land-xyz"]) == frozenset({"de"})


def test_normalize_document_numbers() -> None:
    assert normalize_document("AB 123-456/7") == "AB1234567"
    assert normalize_document("ab1234567") == normalize_document("AB 1234567")
    assert normalize_document("O12345") == normalize_document("012345")
    assert normalize_document("12") is None
    assert documents(["X1234", "x-1234", ""]) == frozenset({"X1234"})


def test_normalize_gender() -> None:
    assert normalize_gender("Male") == "male"
    assert normalize_gender("f") == "female"
    assert normalize_gender("other") is None
    assert normalize_gender(None) is None
