"""Fixtures for the matching engine tests.

Everything here is tiny and inline: a handful of realistic persons (Arabic names in several
transliterations, a Russian name, Korean and Hebrew renderings). No test needs the shared
evaluation data, so a fresh clone runs the suite.
"""

import pytest

from manara.matching import Matcher, PersonRecord

PERSONS = (
    PersonRecord("p-rahman", ("Abd al-Rahman Muhammad AL-TIKRITI",), ("1961-10-01",), ("iq",), "male"),
    PersonRecord("p-kuzin", ("Aleksandr Yuryevich KUZIN",), ("1980-06-05",), ("ru",), "male", ("7512345678",)),
    PersonRecord("p-khaled", ("Khaled BEN SALEM",), ("1975",), ("tn",), "male"),
    PersonRecord("p-fatima", ("Fatima Zahra EL IDRISSI",), ("1990-03-04",), ("ma",), "female"),
    PersonRecord("p-kneale", ("Nigel Kneale",)),
    PersonRecord("p-kim", ("Kim Moon-ho",)),
    PersonRecord("p-smith", ("John Smith",), ("1970-01-01",), ("gb",)),
    PersonRecord("p-jones", ("Mary Jones",), ("1985",), ("us",)),
)


@pytest.fixture
def matcher() -> Matcher:
    m = Matcher()
    for person in PERSONS:
        m.add(person)
    return m
