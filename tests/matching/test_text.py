from manara.matching.text import clean, romanize, script_of


def test_clean_strips_bidi_and_zero_width_controls() -> None:
    assert clean("Ali\u200b\u200d \u202eHassan\u202c\ufeff") == "Ali Hassan"


def test_clean_folds_full_width_and_compatibility_forms() -> None:
    assert clean("ＡＬＩ　ﬁ") == "ALI fi"


def test_clean_converts_arabic_indic_digits_and_drops_tashkeel_and_tatweel() -> None:
    assert clean("مُحَمَّد ١٩٨٠") == "محمد 1980"
    assert romanize("محـــمد") == romanize("محمد") == ["mhmd"]


def test_clean_cuts_huge_input() -> None:
    assert len(clean("a" * 1_000_000)) <= 400


def test_romanize_latin_with_diacritics() -> None:
    assert romanize("Ğülşen Öztürk-Çelik") == ["gulsen", "ozturk", "celik"]
    assert romanize("Łukasz Straße") == ["lukasz", "strasse"]


def test_romanize_cyrillic_and_greek() -> None:
    assert romanize("Александр Шевченко") == ["aleksandr", "shevchenko"]
    assert romanize("Γιώργος Παπαδόπουλος")[1].startswith("papadopoul")


def test_romanize_arabic_strips_article_and_maps_persian_letters() -> None:
    assert romanize("التكريتي") == ["tkriti"]
    assert romanize("گل پژمان") == ["gl", "pzhman"]
    assert romanize("عمر") == ["amr"]


def test_romanize_hebrew_with_geresh() -> None:
    assert romanize("ג'ורג'") == ["jorj"]
    assert romanize("ויקטור") == ["viktor"]


def test_romanize_korean_drops_epenthetic_vowel_and_splits_korean_names() -> None:
    assert romanize("스미스") == ["smis"]
    assert romanize("김문호") == ["kim", "munho"]
    assert romanize("이영하") == ["lee", "yongha"]
    assert romanize("니시하라 다카시") == ["nishihara", "dakashi"]


def test_romanize_han_and_kana_via_icu() -> None:
    assert romanize("習近平") == ["xijinping"]
    assert romanize("ヤマダ") == ["yamada"]


def test_script_of() -> None:
    assert script_of("محمد") == "Arabic"
    assert script_of("-Иван") == "Cyrillic"
    assert script_of("123") == "Common"
