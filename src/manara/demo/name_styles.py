"""Transliteration styles: weighted spelling options per feature, sampled into coherent profiles."""

from __future__ import annotations

from typing import Any

from manara.demo.name_translit import Profile, sample_profiles

Options = dict[str, list[tuple[Any, int]]]
PROFILES_PER_STYLE = 16

_ENGLISH: Options = {
    "v": [("th", 3), ("s", 1)],
    "dh": [("dh", 3), ("z", 1), ("d", 1)],
    "q": [("q", 3), ("k", 2)],
    "zh": [("z", 2), ("dh", 1)],
    "ain": [("", 5), ("'", 1)],
    "double": [(True, 4), (False, 1)],
    "ss": [(False, 2), (True, 1)],
    "u": [("u", 2), ("o", 2)],
    "init_u": [("o", 3), ("u", 1)],
    "final_e": [(False, 3), (True, 1)],
    "I": [("i", 3), ("ee", 1)],
    "U": [("u", 2), ("oo", 1), ("ou", 2)],
    "AW": [("aw", 2), ("ow", 1)],
    "AY": [("ay", 2), ("ai", 2), ("ei", 1)],
    "P": [("a", 3), ("ah", 2)],
    "art": [("al-", 3), ("Al-", 2), ("Al ", 2), ("El-", 1)],
    "link": [("u", 3), ("e", 1)],
    "link_attach": [(True, 1), (False, 1)],
    "link_sep": [(False, 4), (True, 1)],
}
_EGYPT: Options = _ENGLISH | {
    "j": [("g", 8), ("j", 1)],
    "v": [("s", 2), ("th", 1)],
    "dh": [("z", 3), ("d", 1)],
    "q": [("k", 1), ("q", 2)],
    "u": [("o", 4), ("u", 1)],
    "i": [("i", 2), ("e", 1)],
    "final_e": [(True, 5), (False, 1)],
    "I_final": [("i", 2), ("y", 2)],
    "U": [("ou", 3), ("o", 1)],
    "AY": [("ei", 3), ("ai", 1)],
    "P": [("a", 4), ("ah", 1)],
    "ain": [("", 1)],
    "art": [("El-", 3), ("El ", 3), ("Al-", 1), ("El", 2)],
    "link": [("e", 4), ("u", 1)],
}
_GULF: Options = _ENGLISH | {
    "U": [("ou", 3), ("oo", 2), ("u", 1)],
    "I": [("i", 2), ("ee", 2)],
    "final_e": [(False, 3), (True, 1)],
    "art": [("Al ", 5), ("Al-", 2), ("Al", 1)],
    "link": [("u", 1)],
    "P": [("a", 3), ("ah", 1)],
    "AY": [("ai", 3), ("ay", 1)],
    "ain": [("", 1)],
}
_LEVANT: Options = _ENGLISH | {
    "sh": [("sh", 3), ("ch", 1)],
    "q": [("k", 2), ("q", 1)],
    "final_e": [(False, 1), (True, 1)],
    "P": [("a", 2), ("eh", 2), ("e", 1)],
    "U": [("ou", 3), ("u", 1)],
    "AY": [("ei", 2), ("ai", 1)],
    "art": [("El ", 2), ("Al ", 2), ("al-", 1), ("El-", 1)],
    "link": [("e", 2), ("u", 2)],
}
_MAGHREB: Options = {
    "j": [("j", 4), ("dj", 1)],
    "v": [("t", 2), ("th", 1)],
    "dh": [("d", 2), ("dh", 1)],
    "sh": [("ch", 1)],
    "q": [("k", 3), ("q", 1)],
    "zh": [("d", 1), ("dh", 1)],
    "w": [("ou", 3), ("w", 1)],
    "double": [(False, 2), (True, 2)],
    "ss": [(True, 1)],
    "u": [("o", 2), ("ou", 2)],
    "init_u": [("o", 2), ("ou", 1)],
    "final_e": [(True, 3), (False, 1)],
    "U": [("ou", 1)],
    "AW": [("aou", 1), ("ou", 1)],
    "AY": [("ai", 2), ("ei", 1)],
    "P": [("a", 1)],
    "ane": [(True, 5), (False, 1)],
    "art": [("El ", 3), ("", 3), ("El", 1), ("El-", 1)],
    "art_assim": [(True, 1), (False, 2)],
    "link": [("e", 1)],
    "link_assim": [(True, 5), (False, 1)],
    "link_attach": [(True, 3), (False, 1)],
}
_ALGERIA: Options = _MAGHREB | {"j": [("dj", 5), ("j", 1)], "art": [("", 4), ("El ", 2), ("El", 1)]}
_TUNISIA: Options = _MAGHREB | {
    "j": [("j", 3), ("dj", 1)],
    "art": [("", 4), ("El ", 2), ("Al ", 1)],
    "ane": [(True, 2), (False, 2)],
    "P": [("a", 12), ("et", 1)],
}

STYLE_OPTIONS: dict[str, Options] = {
    "en": _ENGLISH,
    "eg": _EGYPT,
    "gulf": _GULF,
    "lev": _LEVANT,
    "fr_ma": _MAGHREB,
    "fr_dz": _ALGERIA,
    "fr_tn": _TUNISIA,
}
FRENCH_STYLES = frozenset({"fr_ma", "fr_dz", "fr_tn"})

PROFILES: dict[str, list[Profile]] = {
    style: sample_profiles(options, PROFILES_PER_STYLE, seed=index)
    for index, (style, options) in enumerate(sorted(STYLE_OPTIONS.items()))
}
