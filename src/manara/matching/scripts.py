"""Letter tables for scripts that ICU romanises poorly for name matching (Arabic, Hebrew).

Abjads write few vowels, so the tables aim at the consonant skeleton a Latin spelling of
the same name would have, not at a scholarly transliteration.
"""

ARABIC: dict[str, str] = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ء": "", "ؤ": "u", "ئ": "i",
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh",
    "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
    "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n",
    "ه": "h", "ة": "a", "و": "u", "ي": "i", "ى": "a", "ـ": "",
    # Persian, Urdu, Pashto, Kurdish and Maghrebi letters
    "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ک": "k", "ی": "i", "ې": "e", "ۍ": "i",
    "ے": "e", "ۓ": "e", "ہ": "h", "ۀ": "a", "ە": "a", "ھ": "h", "ٹ": "t", "ڈ": "d",
    "ڑ": "r", "ں": "n", "ڤ": "v", "ۋ": "v", "ڨ": "g", "ڭ": "ng", "ڕ": "r", "ڵ": "l",
    "ۆ": "o", "ێ": "e", "ټ": "t", "ځ": "dz", "څ": "ts", "ډ": "d", "ړ": "r", "ږ": "zh",
    "ښ": "sh", "ګ": "g", "ڼ": "n", "ٸ": "i", "ٶ": "u", "ٷ": "u", "ٳ": "a", "ٲ": "a",
}

HEBREW: dict[str, str] = {
    "א": "", "ב": "b", "ג": "g", "ד": "d", "ה": "h", "ו": "o", "ז": "z", "ח": "h",
    "ט": "t", "י": "i", "כ": "k", "ך": "k", "ל": "l", "מ": "m", "ם": "m", "נ": "n",
    "ן": "n", "ס": "s", "ע": "", "פ": "p", "ף": "f", "צ": "ts", "ץ": "ts", "ק": "k",
    "ר": "r", "ש": "sh", "ת": "t", "װ": "v", "ױ": "oi", "ײ": "ei",
}

# A geresh (׳ or ') after these letters marks a foreign sound.
HEBREW_GERESH: dict[str, str] = {"ג": "j", "ז": "zh", "צ": "ch", "ץ": "ch", "ת": "th", "ד": "th"}
