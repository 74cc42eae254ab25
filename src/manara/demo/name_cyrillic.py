"""Build Russian and Ukrainian names: Cyrillic original with patronymic plus Latin spellings.

Primary spellings follow the rules printed in passports: ICAO 9303 for Russia (since 2013) and the
2010 national standard for Ukraine. Aliases add English-press, German and French spellings.
"""

from __future__ import annotations

import random

from manara.demo import name_data_cyrillic as data
from manara.demo.name_data_arabic import parse_pool
from manara.demo.name_pool import PersonName, Pool, dedupe

_BASE = dict(zip("абвгдзклмнопрстуф", "abvgdzklmnoprstuf", strict=True)) | {
    "ь": "",
    "ъ": "",
    "'": "",
    "і": "i",
    "ї": "i",
    "є": "ie",
    "ґ": "g",
}
ICAO = _BASE | {
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "и": "i",
    "й": "i",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ы": "y",
    "ъ": "ie",
    "э": "e",
    "ю": "iu",
    "я": "ia",
}
ENGLISH = ICAO | {"ё": "yo", "й": "y", "ю": "yu", "я": "ya", "ъ": "", "ье": "ye", "ий": "y"}
GERMAN = _BASE | {
    "в": "w",
    "е": "e",
    "ё": "jo",
    "ж": "sch",
    "з": "s",
    "и": "i",
    "й": "i",
    "х": "ch",
    "ц": "z",
    "ч": "tsch",
    "ш": "sch",
    "щ": "schtsch",
    "ы": "y",
    "э": "e",
    "ю": "ju",
    "я": "ja",
    "с": "s",
    "ий": "i",
    "ов": "ow",
    "ев": "ew",
}
FRENCH = _BASE | {
    "е": "e",
    "ё": "io",
    "ж": "j",
    "и": "i",
    "й": "i",
    "у": "ou",
    "х": "kh",
    "ц": "ts",
    "ч": "tch",
    "ш": "ch",
    "щ": "chtch",
    "ы": "y",
    "э": "e",
    "ю": "iou",
    "я": "ia",
    "ий": "i",
    "г": "g",
}
UKRAINIAN = _BASE | {
    "г": "h",
    "ґ": "g",
    "е": "e",
    "є": "ie",
    "ж": "zh",
    "и": "y",
    "і": "i",
    "ї": "i",
    "й": "i",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ю": "iu",
    "я": "ia",
    "зг": "zgh",
}
# Word-initial forms (Ukrainian standard; English press also writes initial Ye-).
INITIAL = {
    "uk": {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"},
    "en": {"е": "ye", "ё": "yo", "є": "ye", "ї": "yi"},
    "de": {"е": "je", "ё": "jo", "є": "je", "ї": "ji"},
}
EXONYMS = {
    "Александр": ("Alexander", "Alexander", "Alexandre"),
    "Алексей": ("Alexei", "Alexej", "Alexeï"),
    "Пётр": ("Pyotr", "Pjotr", "Piotr"),
    "Юрий": ("Yuri", "Juri", "Iouri"),
    "Евгений": ("Yevgeny", "Jewgeni", "Evgueni"),
    "Сергей": ("Sergei", "Sergej", "Sergueï"),
    "Дмитрий": ("Dmitry", "Dmitri", "Dmitri"),
    "Михаил": ("Mikhail", "Michail", "Mikhaïl"),
}
# Ukrainian given names and their Russian forms, which Ukrainians often carried in older records.
RUSSIAN_FORMS = {
    "Олександр": "Александр",
    "Сергій": "Сергей",
    "Андрій": "Андрей",
    "Володимир": "Владимир",
    "Дмитро": "Дмитрий",
    "Олексій": "Алексей",
    "Микола": "Николай",
    "Іван": "Иван",
    "Юрій": "Юрий",
    "Михайло": "Михаил",
    "Ігор": "Игорь",
    "Віктор": "Виктор",
    "Петро": "Пётр",
    "Василь": "Василий",
    "Олена": "Елена",
    "Наталія": "Наталья",
    "Тетяна": "Татьяна",
    "Ірина": "Ирина",
    "Марія": "Мария",
    "Катерина": "Екатерина",
    "Ганна": "Анна",
    "Юлія": "Юлия",
    "Світлана": "Светлана",
    "Людмила": "Людмила",
    "Галина": "Галина",
    "Надія": "Надежда",
    "Анастасія": "Анастасия",
}
MALE = {cc: Pool(parse_pool(spec)) for cc, spec in data.MALE.items()}
FEMALE = {cc: Pool(parse_pool(spec)) for cc, spec in data.FEMALE.items()}
SURNAMES = {cc: Pool(parse_pool(spec)) for cc, spec in data.SURNAMES.items()}
_VOWELS = set("аеёиоуыэюяєіїьъ'")
_CACHE: dict[tuple[str, str], str] = {}


def _convert(word: str, table: dict[str, str], initial: dict[str, str], strict_start: bool) -> str:
    out = []
    low = word.lower()
    i = 0
    while i < len(low):
        pair = low[i : i + 2]
        if len(pair) == 2 and pair in table and (pair != "ий" or i + 2 == len(low)):
            out.append(table[pair])
            i += 2
            continue
        c = low[i]
        at_start = i == 0 or (not strict_start and low[i - 1] in _VOWELS)
        out.append(initial[c] if at_start and c in initial else table.get(c, c))
        i += 1
    text = "".join(out)
    return text[:1].upper() + text[1:]


def transliterate(text: str, system: str) -> str:
    """Transliterate Cyrillic words with one of: icao, en, de, fr, uk."""
    key = (text, system)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    table = {"icao": ICAO, "en": ENGLISH, "de": GERMAN, "fr": FRENCH, "uk": UKRAINIAN}[system]
    initial = INITIAL.get(system, {})
    result = " ".join(_convert(w, table, initial, system == "uk") for w in text.split(" "))
    _CACHE[key] = result
    return result


def patronymic(father: str, male: bool, country: str) -> str:
    """Derive the patronymic from the father's given name."""
    special = {
        "Илья": ("Ильич", "Ильинична"),
        "Никита": ("Никитич", "Никитична"),
        "Лев": ("Львович", "Львовна"),
        "Пётр": ("Петрович", "Петровна"),
        "Павел": ("Павлович", "Павловна"),
        "Микола": ("Миколайович", "Миколаївна"),
        "Юрий": ("Юрьевич", "Юрьевна"),
        "Василий": ("Васильевич", "Васильевна"),
        "Анатолий": ("Анатольевич", "Анатольевна"),
        "Валерий": ("Валерьевич", "Валерьевна"),
        "Григорий": ("Григорьевич", "Григорьевна"),
        "Дмитрий": ("Дмитриевич", "Дмитриевна"),
        "Георгий": ("Георгиевич", "Георгиевна"),
    }
    if father in special:
        return special[father][0 if male else 1]
    if country == "UA":
        if father[-1] == "й":
            return father + "ович" if male else father[:-1] + "ївна"
        stem = father[:-1] if father[-1] in "оь" else father
        return stem + ("ович" if male else "івна")
    if father[-1] in "йь":
        return father[:-1] + ("евич" if male else "евна")
    return father + ("ович" if male else "овна")


def feminine_surname(surname: str) -> str:
    """Return the female form of a Russian or Ukrainian surname."""
    for male_end, female_end in (
        ("ский", "ская"),
        ("цкий", "цкая"),
        ("ський", "ська"),
        ("цький", "цька"),
        ("ний", "на"),
        ("ой", "ая"),
    ):
        if surname.endswith(male_end):
            return surname[: -len(male_end)] + female_end
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    return surname


FEMALE_SURNAMES = {
    cc: Pool([(feminine_surname(name), weight) for name, weight in parse_pool(spec)])
    for cc, spec in data.SURNAMES.items()
}
_SYSTEMS = ("en", "de", "fr")
_WORDS: dict[tuple[str, str], tuple[str, str, str, str]] = {}
_PATRONYMICS: dict[tuple[str, bool, str], str] = {}


def _forms(word: str, country: str, given: bool = False) -> tuple[str, str, str, str]:
    """Official, English, German and French spellings of one word, memoised."""
    key = (word, country)
    forms = _WORDS.get(key)
    if forms is None:
        official = transliterate(word, "uk" if country == "UA" else "icao")
        others = [
            EXONYMS[word][i] if given and word in EXONYMS else transliterate(word, system)
            for i, system in enumerate(_SYSTEMS)
        ]
        forms = _WORDS[key] = (official, others[0], others[1], others[2])
    return forms


def _patronymic(father: str, male: bool, country: str) -> str:
    key = (father, male, country)
    text = _PATRONYMICS.get(key)
    if text is None:
        text = _PATRONYMICS[key] = patronymic(father, male, country)
    return text


def cyrillic_name(country: str, rng: random.Random, male: bool) -> PersonName:
    """Build a Russian or Ukrainian name with Cyrillic original and Latin transliterations."""
    given = (MALE if male else FEMALE)[country].pick(rng)
    father = MALE[country].pick(rng)
    surname = (SURNAMES if male else FEMALE_SURNAMES)[country].pick(rng)
    patro = _patronymic(father, male, country)
    g, p, f, s = (
        _forms(given, country, True),
        _forms(patro, country),
        _forms(father, country, True),
        _forms(surname, country),
    )
    name = f"{g[0]} {s[0]}"
    aliases = [f"{given} {patro} {surname}", f"{surname} {given} {patro}", f"{g[1]} {p[1]} {s[1]}", f"{g[1]} {s[1]}"]
    if rng.random() < 0.5:
        aliases += [f"{g[2]} {s[2]}", f"{g[3]} {s[3]}"]
    if country == "UA" and given in RUSSIAN_FORMS:
        russian = RUSSIAN_FORMS[given]
        aliases += [f"{russian} {surname}", f"{_forms(russian, 'RU')[0]} {s[1]}"]
    return PersonName(name=name, first=g[0], last=s[0], father=f[0], aliases=dedupe(aliases, name), middle=p[0])
