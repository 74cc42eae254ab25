"""Build names of persons from Arabic-speaking countries: Arabic script plus Latin spellings."""

from __future__ import annotations

import random
from dataclasses import dataclass

from manara.demo import name_data_arabic as data
from manara.demo.name_data_arabic_family import FAMILY
from manara.demo.name_pool import PersonName, Pool, dedupe
from manara.demo.name_styles import FRENCH_STYLES, PROFILES, PROFILES_PER_STYLE
from manara.demo.name_translit import spell, to_arabic


@dataclass(frozen=True)
class ArabicConvention:
    """How a country composes names and which transliteration styles its documents use."""

    primary: str
    secondary: str
    region: str
    ancestors: int  # father/grandfather names written in the full name
    family_rate: float  # share of persons whose name ends in a family name
    particle: str = ""  # nasab particle between given name and father's name
    particle_rate: float = 0.0


CONVENTIONS: dict[str, ArabicConvention] = {
    "MA": ArabicConvention("fr_ma", "en", "maghreb", 0, 1.0),
    "DZ": ArabicConvention("fr_dz", "en", "maghreb", 0, 1.0, "ould", 0.04),
    "TN": ArabicConvention("fr_tn", "en", "maghreb", 0, 1.0, "ben", 0.4),
    "EG": ArabicConvention("eg", "en", "mashriq", 2, 0.45),
    "JO": ArabicConvention("en", "lev", "mashriq", 2, 1.0),
    "LB": ArabicConvention("lev", "en", "levant", 1, 1.0),
    "AE": ArabicConvention("gulf", "en", "gulf", 1, 1.0, "bin", 0.9),
    "SA": ArabicConvention("gulf", "en", "gulf", 2, 1.0, "bin", 0.6),
    "IQ": ArabicConvention("en", "lev", "mashriq", 2, 0.75),
    "LY": ArabicConvention("en", "fr_tn", "mashriq", 1, 1.0),
}
_REGION_EXTRAS = {
    "maghreb": (data.MALE_MAGHREB, data.FEMALE_MAGHREB),
    "mashriq": (data.MALE_MASHRIQ, data.FEMALE_MASHRIQ),
    "levant": (data.MALE_MASHRIQ, data.FEMALE_MASHRIQ),
    "gulf": (data.MALE_GULF, data.FEMALE_GULF),
}
MALE = {r: Pool(data.merge_pools(data.MALE_COMMON, m)) for r, (m, _) in _REGION_EXTRAS.items()}
FEMALE = {r: Pool(data.merge_pools(data.FEMALE_COMMON, f)) for r, (_, f) in _REGION_EXTRAS.items()}
MALE_CHRISTIAN = Pool(data.parse_pool(data.MALE_CHRISTIAN_LB))
FEMALE_CHRISTIAN = Pool(data.parse_pool(data.FEMALE_CHRISTIAN_LB))
FAMILIES = {cc: Pool(data.parse_pool(spec)) for cc, spec in FAMILY.items()}
ARABIC_PARTICLES = {"ben": "بن", "bin": "بن", "bint": "بنت", "ould": "ولد", "abu": "أبو"}
LATIN_PARTICLES = {
    "ben": ("Ben", "Ben"),
    "bin": ("bin", "Bin"),
    "bint": ("bint", "Bint"),
    "ould": ("Ould", "Ould"),
    "abu": ("Abou", "Abu"),
}
# Memoised spellings, one dict per (style, profile): the hot path of generation is dict lookups.
_LATIN: dict[str, list[dict[str, str]]] = {style: [{} for _ in profiles] for style, profiles in PROFILES.items()}
_SCRIPT: dict[str, str] = {"#" + word: arabic for word, arabic in ARABIC_PARTICLES.items()}


def latin(code: str, style: str, k: int) -> str:
    """Spell a name part (or '#particle') with profile k of a style."""
    table = _LATIN[style][k]
    text = table.get(code)
    if text is None:
        if code[0] == "#":
            french, english = LATIN_PARTICLES[code[1:]]
            text = french if style in FRENCH_STYLES else english
        else:
            text = spell(code, style, k, PROFILES[style][k], PROFILES_PER_STYLE)
        table[code] = text
    return text


def render(parts: list[str], style: str, k: int) -> str:
    """Render a sequence of codes and particles (prefixed '#') in one style."""
    table = _LATIN[style][k]
    return " ".join([table.get(p) or latin(p, style, k) for p in parts])


def _arabic(parts: list[str]) -> str:
    out = []
    for part in parts:
        text = _SCRIPT.get(part)
        if text is None:
            text = _SCRIPT[part] = to_arabic(part)
        out.append(text)
    return " ".join(out)


def _given_pool(country: str, conv: ArabicConvention, male: bool, rng: random.Random) -> Pool[str]:
    if country == "LB" and rng.random() < 0.3:
        return MALE_CHRISTIAN if male else FEMALE_CHRISTIAN
    return MALE[conv.region] if male else FEMALE[conv.region]


def _compose(country: str, conv: ArabicConvention, male: bool, rng: random.Random) -> list[str]:
    """Choose the codes of a full name: given, particles, ancestors, family."""
    given = _given_pool(country, conv, male, rng).pick(rng)
    fathers = MALE[conv.region]
    parts = [given]
    particle = conv.particle if rng.random() < conv.particle_rate else ""
    if particle == "bin" and not male:
        particle = "bint"
    if particle == "ben" and not male:
        particle = ""
    ancestors = max(conv.ancestors, 1 if particle else 0)
    for depth in range(ancestors):
        if particle and (depth == 0 or particle in ("bin", "bint")):
            parts.append("#" + (particle if depth == 0 else "bin"))
        parts.append(fathers.pick(rng))
    if rng.random() < conv.family_rate or len(parts) == 1:
        parts.append(FAMILIES[country].pick(rng))
    elif ancestors == 0:
        parts.append(fathers.pick(rng))
    return parts


def arabic_name(country: str, rng: random.Random, male: bool, style: str | None = None) -> PersonName:
    """Build a name for a person of an Arabic-speaking country (or of such origin abroad)."""
    conv = CONVENTIONS[country]
    parts = _compose(country, conv, male, rng)
    primary = style or conv.primary
    k = int(rng.random() * PROFILES_PER_STYLE)
    name = render(parts, primary, k)
    other = (k + 1 + int(rng.random() * (PROFILES_PER_STYLE - 1))) % PROFILES_PER_STYLE
    variants = [render(parts, primary, other), render(parts, conv.secondary, int(rng.random() * 16))]
    if rng.random() < 0.3:
        variants.append(render(parts, conv.secondary, int(rng.random() * 16)))
    if rng.random() < 0.15:  # documents often print the family name first
        variants.append(render(parts[-1:] + parts[:-1], primary, k))
    script = [] if style is not None else [_arabic(parts)]
    weak: tuple[str, ...] = ()
    if male and rng.random() < 0.08:
        son = MALE[conv.region].pick(rng)
        weak = (render(["#abu", son], primary, k), _arabic(["#abu", son]))
    father = parts[2] if len(parts) > 2 and parts[1][0] == "#" else parts[1] if len(parts) > 2 else None
    if father is None and rng.random() < 0.6:  # Maghrebi civil records name the father separately
        father = MALE[conv.region].pick(rng)
    return PersonName(
        name=name,
        first=latin(parts[0], primary, k),
        last=latin(parts[-1], primary, k),
        father=latin(father, primary, k) if father else None,
        aliases=dedupe(script + variants, name),
        weak_aliases=weak,
    )
