from manara.matching.arabic import abd_compound, glued_article_variant, merge_compounds
from manara.matching.text import romanize


def test_theophoric_compounds_become_one_token() -> None:
    forms = ["Abd al-Rahman", "Abdel Rahman", "Abdulrahman", "Abderrahmane", "Abd-ur-Rahman", "Abdul Rahman"]
    merged = {tuple(merge_compounds(romanize(f))) for f in forms}
    assert {m[0][:6] for m in merged} == {"abdrah"}


def test_abd_compound_handles_sun_letter_assimilation() -> None:
    assert abd_compound("abdessalam") == "abdsalam"
    assert abd_compound("abdulaziz") == "abdaziz"
    assert abd_compound("abdullah") == abd_compound("abdallah")


def test_articles_connectors_and_sun_letters_are_dropped() -> None:
    assert merge_compounds(["usama", "bin", "muhammad", "bin", "laden"]) == ["usama", "muhammad", "laden"]
    assert merge_compounds(["nur", "ad", "din"]) == ["nur", "din"]
    assert merge_compounds(["ahmad", "al", "tikriti"]) == ["ahmad", "tikriti"]


def test_sun_article_needs_the_matching_letter() -> None:
    assert merge_compounds(["an", "jung", "geun"]) == ["an", "jung", "geun"]


def test_a_name_that_is_only_an_article_is_kept() -> None:
    assert merge_compounds(["al"]) == ["al"]


def test_glued_article_variant() -> None:
    assert glued_article_variant("albathali") == "bathali"
    assert glued_article_variant("alexander") is None
