import pytest

from manara.matching.names import analyze_name, analyze_names
from manara.matching.namesim import best_name_match, compare_names, token_similarity


def name_score(a: str, b: str) -> float:
    match = best_name_match(analyze_name(a), analyze_name(b), lambda _: 1.0)
    return match.score if match else 0.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("عبد الرحمن", "Abderrahmane"),
        ("عبد الرحمن", "Abdul Rahman"),
        ("Abderrahmane", "Abd al-Rahman"),
        ("Mohammed Ali", "Muhammad Ali"),
        ("Mohamed Ali", "Mouhamed Aly"),
        ("Khaled Ahmed", "Khalid Ahmad"),
        ("Xalid Ahmed", "Khaled Ahmed"),
        ("Aleksandr Kuzin", "Alexander Kuzin"),
        ("Александр Кузин", "Alexander Kuzin"),
        ("Mohammad FAKHR ZADEH", "Mohammad FAKHRZADEH"),
        ("جمال مصطفى عبد الله سلطان التكريتي", "Jamal Mustafa Abdallah Sultan AL-TIKRITI"),
        ("Youssef Chaouki", "Yusuf Shawki"),
        ("태드 러킨빌", "Thad Luckinbill"),
        ("김문호", "Kim Moon-ho"),
        ("סטפנו אבטי", "Stefano Abbati"),
        ("Abdelkader Djamel", "Abd al-Qadir Jamal"),
        ("Saida Ben Ali", "Saida Benali"),  # a Maghrebi surname written apart or glued
        ("سعيدة بن علي", "Saida Benali"),
        ("Karim Benyoussef", "Karim Ben Youssef"),
    ],
)
def test_real_world_variants_score_high(a: str, b: str) -> None:
    assert name_score(a, b) >= 0.8


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Mohammed Ali", "Hassan Nasrallah"),
        ("Aleksandr Kuzin", "Boris Yeltsin"),
        ("Fatima Zahra", "Khadija Benali"),
        ("John Smith", "Mary Jones"),
    ],
)
def test_different_people_score_low(a: str, b: str) -> None:
    assert name_score(a, b) < 0.5


def test_token_order_does_not_matter() -> None:
    assert name_score("KUZIN Aleksandr", "Aleksandr KUZIN") == pytest.approx(1.0)


def test_missing_middle_name_costs_less_than_a_wrong_name() -> None:
    partial = name_score("Aleksandr Kuzin", "Aleksandr Yuryevich Kuzin")
    wrong = name_score("Aleksandr Petrov", "Aleksandr Yuryevich Kuzin")
    assert partial > 0.75 > wrong


def test_initials_match_their_full_token() -> None:
    assert name_score("J. Smith", "John Smith") > name_score("K. Smith", "John Smith")


def test_rare_tokens_count_more_than_common_ones() -> None:
    weights = {"mt": 0.5}
    q = analyze_name("Mohamed Fursenko")
    r1 = analyze_name("Mohamed Kazemi")
    r2 = analyze_name("Ahmed Fursenko")
    w = lambda key: weights.get(key, 5.0)  # noqa: E731
    assert compare_names(q[0], r2[0], w).score > compare_names(q[0], r1[0], w).score


def test_token_similarity_of_initial() -> None:
    assert token_similarity("j", "s", "john", "sn", False) > 0
    assert token_similarity("k", "k", "john", "sn", False) == 0


def test_analyze_names_deduplicates_and_bounds() -> None:
    forms = analyze_names(("Ali Hassan", "Hassan Ali", "ALI HASSAN") + tuple(f"Name{i} X" for i in range(100)))
    assert forms[0].tokens == ("ali", "hasan")
    assert len(forms) <= 32


def test_glued_article_adds_a_variant_form() -> None:
    assert len(analyze_name("Mubarak Albathali")) == 2


def test_empty_and_symbol_only_names_have_no_forms() -> None:
    assert analyze_name("") == ()
    assert analyze_name("--- !!! \u200b") == ()
