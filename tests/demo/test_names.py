"""Transliteration rules for Arabic and Cyrillic name parts."""

from __future__ import annotations

import pytest

from manara.demo.name_cyrillic import feminine_surname, patronymic, transliterate
from manara.demo.name_translit import Profile, render_part, to_arabic

FRENCH = Profile(
    sh="ch", w="ou", u="ou", U="ou", ss=True, final_e=True, ane=True, art="El ", link="e", link_assim=True, double=True
)
ENGLISH = Profile(art="al-", link="u", link_attach=False)


@pytest.mark.parametrize(
    ("code", "arabic"),
    [
        ("muHam~ad", "محمد"),
        ("Eabd_AlraHm`n", "عبد الرحمن"),
        ("AlxaAlidiy", "الخالدي"),
        ("faATimap", "فاطمة"),
        ("muSTafaY", "مصطفى"),
        ("Eabd_All~`h", "عبد الله"),
    ],
)
def test_arabic_script(code: str, arabic: str) -> None:
    assert to_arabic(code) == arabic


@pytest.mark.parametrize(
    ("code", "french", "english"),
    [
        ("Eabd_AlraHiym", "Abderrahim", "Abdul Rahim"),
        ("nuwr_Aldiyn", "Noureddine", "Nur al-Din"),
        ("ra$iyd", "Rachid", "Rashid"),
        ("AlxaAlidiy", "El Khalidi", "al-Khalidi"),
        ("yuwsuf", "Youssef", "Yusuf"),
        ("marwaAn", "Marouane", "Marwan"),
        ("saEd", "Saad", "Saad"),
        ("xaAlid", "Khaled", "Khalid"),
    ],
)
def test_french_and_english_rules(code: str, french: str, english: str) -> None:
    assert render_part(code, FRENCH) == french
    assert render_part(code, ENGLISH) == english


def test_sun_letter_assimilates_in_maghrebi_spelling() -> None:
    profile = Profile(sh="ch", art="El", art_assim=True)
    assert render_part("Alra$iydiy", profile) == "Errachidi"
    assert render_part("AlqaADiy", profile) == "Elqadi"  # q is a moon letter: no assimilation


@pytest.mark.parametrize(
    ("text", "system", "latin"),
    [
        ("Александр", "icao", "Aleksandr"),
        ("Наталья", "icao", "Natalia"),
        ("Иванов", "de", "Iwanow"),
        ("Евгений", "en", "Yevgeny"),
        ("Олександр", "uk", "Oleksandr"),
        ("Юлія", "uk", "Yuliia"),
        ("Шевченко", "fr", "Chevtchenko"),
        ("Григорій", "uk", "Hryhorii"),
    ],
)
def test_cyrillic_transliteration(text: str, system: str, latin: str) -> None:
    assert transliterate(text, system) == latin


def test_patronymics_and_feminine_surnames() -> None:
    assert patronymic("Сергей", True, "RU") == "Сергеевич"
    assert patronymic("Юрий", False, "RU") == "Юрьевна"
    assert patronymic("Иван", False, "RU") == "Ивановна"
    assert patronymic("Андрій", False, "UA") == "Андріївна"
    assert patronymic("Петро", True, "UA") == "Петрович"
    assert feminine_surname("Иванов") == "Иванова"
    assert feminine_surname("Вишневский") == "Вишневская"
    assert feminine_surname("Шевченко") == "Шевченко"
