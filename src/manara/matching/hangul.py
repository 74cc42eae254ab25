"""Romanise Hangul for name matching: foreign names written in Korean and Korean names.

Differs from Revised Romanisation where that helps meet Latin spellings: the epenthetic
vowel of loanwords (스 in 스미스) is dropped, ㅓ is 'o', ㅅ before i/y is 'sh'.
"""

_BASE, _LAST = 0xAC00, 0xD7A3
_INITIALS = ("g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h")
_MEDIALS = (
    "a",
    "ae",
    "ya",
    "yae",
    "o",
    "e",
    "yo",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wo",
    "we",
    "wi",
    "yu",
    "eu",
    "ui",
    "i",
)
_FINALS = (
    "",
    "k",
    "k",
    "ks",
    "n",
    "nj",
    "n",
    "t",
    "l",
    "lk",
    "lm",
    "lb",
    "ls",
    "lt",
    "lp",
    "l",
    "m",
    "b",
    "bs",
    "s",
    "s",
    "ng",
    "t",
    "t",
    "k",
    "t",
    "p",
    "t",
)
_EU, _SILENT = 18, 11
# Customary Latin spellings of common Korean surnames (they differ from Revised Romanisation).
SURNAMES = {
    "이": "lee",
    "임": "lim",
    "노": "roh",
    "류": "ryu",
    "유": "yoo",
    "오": "oh",
    "우": "woo",
    "조": "cho",
    "정": "jung",
    "최": "choi",
    "박": "park",
    "김": "kim",
    "강": "kang",
    "신": "shin",
    "윤": "yoon",
    "장": "jang",
    "한": "han",
    "황": "hwang",
    "안": "ahn",
    "송": "song",
    "전": "jeon",
    "홍": "hong",
    "고": "ko",
    "문": "moon",
    "손": "son",
    "배": "bae",
    "백": "baek",
    "허": "heo",
    "남": "nam",
    "심": "shim",
    "구": "koo",
    "곽": "kwak",
    "성": "sung",
    "차": "cha",
    "주": "joo",
    "민": "min",
    "진": "jin",
    "지": "ji",
    "엄": "eom",
    "채": "chae",
    "원": "won",
    "천": "cheon",
    "방": "bang",
    "공": "kong",
    "현": "hyun",
    "함": "ham",
    "변": "byun",
    "염": "yeom",
    "여": "yeo",
    "추": "choo",
    "도": "do",
    "소": "so",
    "석": "seok",
    "선": "sun",
    "설": "seol",
    "길": "gil",
    "연": "yeon",
    "표": "pyo",
    "명": "myung",
    "기": "ki",
    "반": "ban",
    "왕": "wang",
    "금": "keum",
    "육": "yook",
    "인": "in",
    "맹": "maeng",
    "탁": "tak",
    "국": "kook",
    "은": "eun",
    "용": "yong",
    "양": "yang",
    "서": "seo",
    "권": "kwon",
    "나": "na",
}
_Y_MEDIALS = frozenset({2, 3, 6, 7, 12, 17, 20})


def is_hangul(char: str) -> bool:
    """Tell whether a character is a precomposed Hangul syllable."""
    return _BASE <= ord(char) <= _LAST


def syllables(token: str) -> int:
    """Count precomposed Hangul syllables in a token."""
    return sum(1 for c in token if is_hangul(c))


def romanize_hangul(token: str) -> str:
    """Romanise a token of Hangul syllables (other characters pass through)."""
    out: list[str] = []
    for char in token:
        if not is_hangul(char):
            out.append(char)
            continue
        index = ord(char) - _BASE
        initial, medial, final = index // 588, (index % 588) // 28, index % 28
        onset = _INITIALS[initial]
        if onset == "r" and out and out[-1].endswith("l"):
            onset = ""
        if onset == "s" and medial in _Y_MEDIALS:
            onset = "sh"
        if medial == _EU and initial != _SILENT and final == 0:
            out.append(onset)
            continue
        out.append(onset + _MEDIALS[medial] + _FINALS[final])
    return "".join(out)


def split_korean_name(token: str) -> list[str]:
    """Split a lone 2-4 syllable Korean name into surname and given name (김문호 -> kim, 문호)."""
    if 2 <= len(token) <= 4 and syllables(token) == len(token) and not any(map(_epenthetic, token)):
        return [SURNAMES.get(token[0], token[0]), token[1:]]
    return [token]


def _epenthetic(char: str) -> bool:
    index = ord(char) - _BASE
    return index // 588 != _SILENT and (index % 588) // 28 == _EU and index % 28 == 0
