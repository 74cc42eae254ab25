"""Render vocalised Arabic name parts as Arabic script and as Latin spellings in regional styles.

Name parts are written in a vocalised Buckwalter-style notation so that short vowels are known:
consonants ``' > < & } b t v j H x d * r z s $ S D T Z E g f q k l m n h w y``, ``p`` (ta marbuta),
``A``/``Y``/`````/``|`` (alif, alif maqsura, dagger alif, madda), short vowels ``a i u`` plus the
dialect vowels ``e o`` (imala and schwa, silent in Arabic script), ``~`` (shadda) and ``_`` (space).
A leading ``Al`` is the definite article; the letter after it assimilates when it is a sun letter.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, fields
from typing import Any

from manara.demo.name_overrides import OVERRIDES

ARABIC_LETTERS = {
    "'": "ء",
    ">": "أ",
    "<": "إ",
    "&": "ؤ",
    "}": "ئ",
    "|": "آ",
    "A": "ا",
    "b": "ب",
    "p": "ة",
    "t": "ت",
    "v": "ث",
    "j": "ج",
    "H": "ح",
    "x": "خ",
    "d": "د",
    "*": "ذ",
    "r": "ر",
    "z": "ز",
    "s": "س",
    "$": "ش",
    "S": "ص",
    "D": "ض",
    "T": "ط",
    "Z": "ظ",
    "E": "ع",
    "g": "غ",
    "f": "ف",
    "q": "ق",
    "k": "ك",
    "l": "ل",
    "m": "م",
    "n": "ن",
    "h": "ه",
    "w": "و",
    "Y": "ى",
    "y": "ي",
    "_": " ",
}
SILENT = frozenset("aiueo~`")
SUN_LETTERS = frozenset("tvd*rzs$SDTZln")
VOWEL_MARKS = frozenset("aiueoAY`~|")
HAMZAS = frozenset("'><&}")
# Consonants whose Latin rendering is chosen by the style profile (attribute name on Profile).
STYLED = {"j": "j", "v": "v", "*": "dh", "$": "sh", "q": "q", "Z": "zh", "D": "dd", "w": "w"}
FIXED = {
    "b": "b",
    "t": "t",
    "H": "h",
    "x": "kh",
    "d": "d",
    "r": "r",
    "z": "z",
    "s": "s",
    "S": "s",
    "T": "t",
    "g": "gh",
    "f": "f",
    "k": "k",
    "l": "l",
    "m": "m",
    "n": "n",
    "h": "h",
    "y": "y",
}

Unit = tuple[str, str, bool]  # (kind "c" consonant / "v" vowel, value, geminated)


@dataclass(frozen=True)
class Profile:
    """One coherent set of spelling choices, applied to every part of a person's name."""

    j: str = "j"
    v: str = "th"
    dh: str = "dh"
    sh: str = "sh"
    q: str = "q"
    zh: str = "z"
    dd: str = "d"
    w: str = "w"
    ain: str = ""
    double: bool = True
    ss: bool = False
    u: str = "u"
    init_u: str = "o"
    i: str = "i"
    final_e: bool = False
    A: str = "a"
    I: str = "i"  # noqa: E741 - mirrors the notation's long-vowel letter
    I_final: str = "i"
    U: str = "u"
    AW: str = "aw"
    AY: str = "ay"
    P: str = "a"
    ane: bool = False
    art: str = "al-"
    art_assim: bool = False
    link: str = "u"
    link_assim: bool = False
    link_attach: bool = True
    link_sep: bool = False


def to_arabic(code: str) -> str:
    """Return the unvocalised Arabic script of a name part."""
    return "".join(ARABIC_LETTERS[c] for c in code if c not in SILENT)


def _vowel_at(word: str, i: int) -> tuple[str, int] | None:
    """Return (vowel unit value, length) if a vowel starts at word[i]."""
    c, nxt = word[i], word[i + 1 : i + 2]
    after = word[i + 2 : i + 3]
    if c == "a" and nxt in ("A", "Y", "`") and nxt:
        return "A", 2
    if c == "a" and nxt == "p":
        return "P", 2
    if c in "au" and nxt == "w" and after not in VOWEL_MARKS:
        return ("AW" if c == "a" else "U"), 2
    if c in "ai" and nxt == "y" and after not in VOWEL_MARKS:
        return ("AY" if c == "a" else "I"), 2
    if c in "aiueo":
        return c, 1
    if c in "AY`|":
        return "A", 1
    if c == "p":
        return "P", 1
    return None


def parse(word: str) -> list[Unit]:
    """Split one notation word (without article) into consonant and vowel units."""
    units: list[Unit] = []
    i = 0
    while i < len(word):
        vowel = _vowel_at(word, i)
        if vowel is not None:
            units.append(("v", vowel[0], False))
            i += vowel[1]
        elif word[i] == "~" and units:
            units[-1] = (units[-1][0], units[-1][1], True)
            i += 1
        else:
            units.append(("c", word[i], False))
            i += 1
    return units


def _final_e_index(units: list[Unit]) -> int:
    """Index of the short vowel that colloquial spellings write as 'e' (Ahmed, Khaled), or -1."""
    if len(units) < 3 or units[-1][0] != "c" or units[-2][0] != "v":
        return -1
    value = units[-2][1]
    if value in ("i", "u"):
        return len(units) - 2
    if value == "a" and len(units) >= 4 and (units[-3][2] or units[-4][0] == "c"):
        return len(units) - 2
    return -1


def _consonant(units: list[Unit], k: int, p: Profile) -> str:
    """Render the consonant unit at index k."""
    _, c, gem = units[k]
    prev = units[k - 1] if k else None
    nxt = units[k + 1] if k + 1 < len(units) else None
    if c in HAMZAS or c == "E":
        if k == 0:
            return ""
        if c == "E" and prev is not None and prev[1] == "a" and (nxt is None or nxt[0] == "c"):
            return "a"  # Sa'd -> Saad
        return p.ain if c == "E" else ""
    out = getattr(p, STYLED[c]) if c in STYLED else FIXED[c]
    if c in "sS" and p.ss and prev is not None and prev[0] == "v" and nxt is not None and nxt[0] == "v":
        return "ss"
    if gem and p.double and len(out) == 1:
        return out + out
    return out


def _vowel(units: list[Unit], k: int, p: Profile, e_index: int) -> str:
    """Render the vowel unit at index k."""
    value = units[k][1]
    if k == e_index:
        return "e"
    if value == "u":
        return p.init_u if k == 0 else p.u
    if value == "AY" and all(u[1] in HAMZAS or u[1] == "E" for u in units[:k]):
        return "ay"  # word-initial diphthong keeps its shape: Ayman, Aymen, never Eiman
    if value == "I":
        return p.I_final if k == len(units) - 1 else p.I
    simple = {"a": "a", "e": "e", "o": "o", "i": p.i, "A": p.A, "U": p.U, "AW": p.AW, "AY": p.AY, "P": p.P}
    return simple[value]


def render_word(word: str, p: Profile) -> str:
    """Render one notation word without its article, in lower case."""
    units = parse(word)
    e_index = _final_e_index(units) if p.final_e else -1
    out = "".join(_vowel(units, k, p, e_index) if u[0] == "v" else _consonant(units, k, p) for k, u in enumerate(units))
    if p.ane and len(units) >= 2 and units[-1][1] == "n" and units[-2][1] in ("A", "I"):
        out += "e"  # Maghrebi French: Abderrahmane, Yassine
    return out


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lead(rest: str, p: Profile) -> str:
    """Latin rendering of the first consonant of a word, doubled when the article assimilates."""
    c = rest[0]
    return getattr(p, STYLED[c]) if c in STYLED else FIXED.get(c, "")


def _article_word(rest: str, p: Profile) -> str:
    """Render a standalone word carrying the article (al-Khalidi, El Khaldi, Errachidi)."""
    body = render_word(rest, p)
    if not p.art:
        return _cap(body)
    if p.art_assim and rest[0] in SUN_LETTERS:
        vowel = p.art[0].lower()
        if p.art.endswith("-"):
            return _cap(vowel + _lead(rest, p)) + "-" + _cap(body)
        return _cap(vowel + _lead(rest, p) + body)
    if p.art.endswith((" ", "-")):
        return p.art + _cap(body)
    return _cap(p.art + body)


def _compound(head: str, rest: str, p: Profile) -> str:
    """Render a two-word name whose second word has the article (Abd al-Rahman, Noureddine)."""
    first = render_word(head, p)
    if p.link_sep:
        return _cap(first) + " " + _article_word(rest, p)
    body = render_word(rest, p)
    assim = p.link_assim and rest[0] in SUN_LETTERS
    joint = _lead(rest, p) if assim else "l"
    if p.link_attach:
        return _cap(first + p.link + joint + body)
    if assim:
        return _cap(first) + " " + _cap(p.link + joint + body)
    if head != "Eabd":  # only Abd takes a detached link vowel: Abdul Karim, but Nour El Din
        return _cap(first) + " " + _article_word(rest, p)
    return _cap(first + p.link + joint) + " " + _cap(body)


def render_part(code: str, p: Profile) -> str:
    """Render a name part (one or two notation words) in Latin script with capitals."""
    words = code.split("_")
    if len(words) == 2 and words[1].startswith("Al") and len(words[1]) > 2:
        return _compound(words[0], words[1][2:], p)
    out = []
    for word in words:
        if word.startswith("Al") and len(word) > 2:
            out.append(_article_word(word[2:], p))
        else:
            out.append(_cap(render_word(word, p)))
    return " ".join(out)


def sample_profiles(options: dict[str, list[tuple[Any, int]]], count: int, seed: int) -> list[Profile]:
    """Draw `count` coherent profiles from per-feature weighted options."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    names = {f.name for f in fields(Profile)}
    profiles = []
    for _ in range(count):
        chosen: dict[str, Any] = {}
        for key, opts in options.items():
            assert key in names, key
            values, weights = zip(*opts, strict=True)
            chosen[key] = rng.choices(values, weights)[0]
        profiles.append(Profile(**chosen))
    return profiles


def spell(code: str, style: str, index: int, profile: Profile, count: int) -> str:
    """Spell a name part: a known real-world spelling for common names, else the rules."""
    known = OVERRIDES.get(style, {}).get(code) or OVERRIDES["*"].get(code)
    if known is None:
        return render_part(code, profile)
    total = sum(w for _, w in known)
    target = (index + 0.5) / count * total
    for text, weight in known:
        target -= weight
        if target < 0:
            return text
    return known[-1][0]
