"""Arabic naming conventions on romanised tokens: articles, compounds, nasab, kunya, titles."""

import re

# Article and its sun-letter assimilations as separate tokens (al-, el-, ad-, ash-, ...).
ARTICLES = frozenset({"al", "el", "ul", "il", "ol"})
# Sun-letter assimilations count as an article only before the letter they copy (ad-Din).
SUN_ARTICLES = frozenset(
    {
        "ad",
        "ed",
        "ud",
        "as",
        "es",
        "us",
        "ash",
        "esh",
        "ush",
        "at",
        "et",
        "ut",
        "az",
        "ez",
        "uz",
        "an",
        "en",
        "un",
        "ar",
        "er",
        "ur",
        "ath",
        "adh",
        "ats",
    }
)
# Nasab connectors: "son/daughter of".
CONNECTORS = frozenset(
    {
        "bin",
        "ben",
        "ibn",
        "ibnu",
        "bint",
        "binti",
        "ould",
        "uld",
        "walad",
        "wald",
        "b",
        "bn",
        "bnt",
        "ibnat",
        "oglu",
        "ogly",
        "kyzy",
        "uulu",
        "va",
        "wa",
        "de",
        "da",
        "do",
        "dos",
        "das",
        "del",
        "della",
        "di",
        "du",
        "la",
        "le",
        "van",
        "von",
        "der",
        "den",
        "ter",
    }
)
# Titles and honorifics: kept, but worth little as evidence.
TITLES = frozenset(
    {
        "sheikh",
        "shaykh",
        "shaikh",
        "sheik",
        "cheikh",
        "shiekh",
        "haji",
        "hajji",
        "hadji",
        "hajj",
        "alhaj",
        "alhaji",
        "mullah",
        "mulla",
        "molla",
        "maulana",
        "mawlana",
        "moulana",
        "maulvi",
        "mawlawi",
        "moulavi",
        "mawlavi",
        "sayyid",
        "sayid",
        "seyed",
        "sayed",
        "dr",
        "doctor",
        "mr",
        "mrs",
        "ms",
        "miss",
        "prof",
        "professor",
        "imam",
        "qari",
        "mufti",
        "emir",
        "eng",
        "engineer",
        "general",
        "gen",
        "colonel",
        "col",
        "captain",
        "capt",
        "lt",
        "major",
        "maj",
        "sir",
        "lord",
        "rev",
        "sr",
        "jr",
        "hon",
        "ustadh",
        "ustaz",
    }
)
# First elements of theophoric compounds: Abd al-Rahman, Abdul Rahman, Abderrahmane.
ABD_FORMS = frozenset(
    {
        "abd",
        "abdel",
        "abdul",
        "abdal",
        "abdol",
        "abdu",
        "abdou",
        "abdoul",
        "abdil",
        "abdelal",
        "abdur",
        "abdar",
        "abder",
        "abdus",
        "abdes",
        "abdas",
        "abdun",
        "abden",
        "abdet",
        "abdat",
        "abdut",
        "abdaz",
        "abdez",
    }
)
_ABD_GLUED = re.compile(r"^abd(?:[aeiou]?l|ou?l|[aeiou]?([rstdzn])(?=\1)|[aeiou]?(?=[rstdzn]{2})|[aeiou])?(.+)$")
_KUNYA = frozenset({"abu", "abou", "abo", "bou", "abi", "umm", "um", "oum", "omm", "ab", "bu"})
_GLUED_ARTICLE = re.compile(r"^(?:al|el)(?=[^aeiouy])(.{4,})$")


def strip_article(token: str) -> str:
    """Drop a leading glued article from the second part of a compound (al-Rahman -> rahman)."""
    for prefix in ("al", "el", "ul", "ol", "il", "l"):
        if token.startswith(prefix) and len(token) - len(prefix) >= 2:
            return token[len(prefix) :]
    return token


def abd_compound(token: str) -> str:
    """Normalise a glued 'abd' compound: Abdulrahman, Abderrahmane, Abdallah -> abd+root."""
    if token.startswith("abd") and len(token) > 5:
        m = _ABD_GLUED.match(token)
        if m:
            return "abd" + m.group(2)
    return token


def glued_article_variant(token: str) -> str | None:
    """Return the token without a glued article (Albathali -> bathali), or None."""
    m = _GLUED_ARTICLE.match(token)
    return m.group(1) if m else None


# Maghrebi family names carry "Ben" as a part of the name, written apart or glued: Ben Ali / Benali.
GLUED_CONNECTORS = frozenset({"ben", "bin", "bn"})


def glued_connector_variant(tokens: list[str]) -> list[str] | None:
    """Return the tokens with a non-initial Ben/Bin glued to the name it introduces, or None.

    ``merge_compounds`` drops nasab connectors (Mohammed bin Salman -> mohammed salman); this variant
    keeps "Saida Ben Ali" comparable with "Saida Benali", where the connector is part of the surname.
    """
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if out and tok in GLUED_CONNECTORS and i + 1 < len(tokens) and tokens[i + 1] not in ARTICLES:
            out.append(tok + tokens[i + 1])
            i += 2
            continue
        out.append(tok)
        i += 1
    return out if len(out) < len(tokens) else None


def is_kunya(token: str) -> bool:
    """Tell whether a token starts a kunya (Abu, Umm)."""
    return token in _KUNYA


def merge_compounds(tokens: list[str]) -> list[str]:
    """Join Abd + (article) + root into one token and drop articles and nasab connectors."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        rest = tokens[i + 1 :]
        if tok in ABD_FORMS and rest:
            j = i + 1
            if j + 1 < len(tokens) and (tokens[j] in ARTICLES or _is_sun_article(tokens[j], tokens[j + 1])):
                j += 1
            out.append("abd" + strip_article(tokens[j]))
            i = j + 1
            continue
        if rest and (tok in ARTICLES or (tok in CONNECTORS and out) or _is_sun_article(tok, rest[0])):
            i += 1
            continue
        out.append(abd_compound(tok))
        i += 1
    return out


def _is_sun_article(token: str, following: str) -> bool:
    return token in SUN_ARTICLES and following[:1] == token[1:2]
