"""Compare two analysed names: align tokens (and joined neighbours), weight by rarity."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from manara.matching.names import NameForm, token_key
from manara.matching.phonetic import consonants, join_skeletons

MIN_TOKEN_SIM = 0.6
MINOR_WEIGHT = 0.15
Weight = Callable[[str], float]
# A unit is a run of adjacent tokens: (start, end, fine form, skeleton, is one token, length).
Unit = tuple[int, int, str, str, bool, int]
MAX_FORM_PAIRS = 1
SHORT_SKELETON_TRUST = (0.0, 0.8, 0.88, 0.94, 0.97)


@dataclass(frozen=True, slots=True)
class NameMatch:
    """How well a query name covers a record name and the reverse, weighted by rarity."""

    score: float
    query_cover: float
    record_cover: float
    matched_weight: float
    query_weight: float
    record_weight: float
    pairs: tuple[tuple[str, str, float], ...]
    # The matched weight with each fuzzy agreement weighted by the rarity of the query token's fuzzy
    # neighbourhood (every indexed token within one edit), not of the token: see TokenWeights.near.
    near_weight: float = 0.0


@lru_cache(maxsize=262_144)
def token_similarity(qf: str, qs: str, rf: str, rs: str, loose: bool) -> float:
    """Similarity in [0, 1] of two tokens given fine forms and skeletons."""
    if qf == rf:
        return 1.0
    if len(qf) == 1 or len(rf) == 1:
        return 0.75 if qf[0] == rf[0] else 0.0
    fine = Levenshtein.normalized_similarity(qf, rf)
    if not qs or not rs:
        return fine if qs == rs else fine * 0.8
    skel = Levenshtein.normalized_similarity(qs, rs)
    if loose:
        # Short skeletons agree by chance: trust them less, and ask the consonants to agree too.
        short = min(len(qs), len(rs))
        skel *= SHORT_SKELETON_TRUST[min(short, len(SHORT_SKELETON_TRUST) - 1)]
        cons = Levenshtein.normalized_similarity(consonants(qf), consonants(rf))
        return max(fine, 0.5 * skel + 0.5 * cons)
    return max(fine, 0.6 * fine + 0.4 * skel)


@lru_cache(maxsize=65_536)
def _units(toks: tuple[str, ...], skels: tuple[str, ...]) -> tuple[Unit, ...]:
    n = len(toks)
    units: list[Unit] = [(i, i + 1, toks[i], skels[i], True, len(toks[i])) for i in range(n)]
    for i in range(n - 1):
        joined = toks[i] + toks[i + 1]
        units.append((i, i + 2, joined, join_skeletons(skels[i], skels[i + 1]), False, len(joined)))
    if 2 < n <= 4:
        joined = "".join(toks)
        units.append((0, n, joined, join_skeletons(*skels), False, len(joined)))
    return tuple(units)


class TokenWeights:
    """Memoised token weights for one search: per key, and per name form of the query.

    ``near`` weighs a key's fuzzy neighbourhood (default: the key itself) and ``size`` is the number
    of records the weights were learned from (0: unknown), which the scorer needs to tell how many
    records agree by chance.
    """

    def __init__(self, idf: Weight, near: Weight | None = None, size: int = 0) -> None:
        self._idf = idf
        self._near = near or idf
        self.size = size
        self._keys: dict[str, float] = {}
        self._near_keys: dict[str, float] = {}
        self._forms: dict[int, tuple[NameForm, list[float]]] = {}
        self._near_forms: dict[int, tuple[NameForm, list[float]]] = {}

    def __call__(self, key: str) -> float:
        value = self._keys.get(key)
        if value is None:
            value = self._keys[key] = self._idf(key)
        return value

    def of(self, form: NameForm) -> list[float]:
        """Return the weights of a form's tokens, computed once per form object."""
        return _per_form(self._forms, form, self)

    def near(self, key: str) -> float:
        """Return the weight of a key's fuzzy neighbourhood (never more than the key's own weight)."""
        value = self._near_keys.get(key)
        if value is None:
            value = self._near_keys[key] = min(self._near(key), self(key))
        return value

    def near_of(self, form: NameForm) -> list[float]:
        """Return the neighbourhood weights of a form's tokens, computed once per form object."""
        return _per_form(self._near_forms, form, self.near)


def _per_form(cache: dict[int, tuple[NameForm, list[float]]], form: NameForm, weight: Weight) -> list[float]:
    """Memoise a form's token weights by object identity (the form is kept, so its id is not reused)."""
    hit = cache.get(id(form))
    if hit is None or hit[0] is not form:
        hit = cache[id(form)] = (form, _compute_weights(form, weight))
    return hit[1]


def _compute_weights(form: NameForm, weight: Weight) -> list[float]:
    return [
        weight(token_key(t, s)) * (MINOR_WEIGHT if m else 1.0)
        for t, s, m in zip(form.tokens, form.skels, form.minor, strict=True)
    ]


def _weights(form: NameForm, weight: Weight) -> list[float]:
    if isinstance(weight, TokenWeights):
        return weight.of(form)
    return _compute_weights(form, weight)


def _candidates(q: NameForm, r: NameForm) -> list[tuple[float, Unit, Unit]]:
    loose = q.loose or r.loose
    pairs = []
    qunits, runits = _units(q.tokens, q.skels), _units(r.tokens, r.skels)
    for qu in qunits:
        single_q, qlen = qu[4], qu[5]
        for ru in runits:
            if not (single_q and ru[4]):
                if not (single_q or ru[4]) or abs(qlen - ru[5]) * 3 > max(qlen, ru[5]):
                    continue
            sim = token_similarity(qu[2], qu[3], ru[2], ru[3], loose)
            if sim >= MIN_TOKEN_SIM:
                pairs.append((sim, qu, ru))
    pairs.sort(key=lambda p: (-p[0], (p[1][1] - p[1][0]) + (p[2][1] - p[2][0])))
    return pairs


def compare_names(q: NameForm, r: NameForm, weight: Weight) -> NameMatch:
    """Align the tokens of two names greedily and return weighted coverage both ways."""
    qw, rw = _weights(q, weight), _compute_weights(r, weight)
    qn = weight.near_of(q) if isinstance(weight, TokenWeights) else qw
    qused, rused = [False] * len(qw), [False] * len(rw)
    qgot = rgot = near = 0.0
    pairs: list[tuple[str, str, float]] = []
    for sim, qu, ru in _candidates(q, r):
        if any(qused[qu[0] : qu[1]]) or any(rused[ru[0] : ru[1]]):
            continue
        qused[qu[0] : qu[1]] = [True] * (qu[1] - qu[0])
        rused[ru[0] : ru[1]] = [True] * (ru[1] - ru[0])
        qgot += sim * sum(qw[qu[0] : qu[1]])
        near += sim * sum((qw if sim >= 1.0 else qn)[qu[0] : qu[1]])
        rgot += sim * sum(rw[ru[0] : ru[1]])
        pairs.append((qu[2], ru[2], round(sim, 3)))
    qtotal, rtotal = sum(qw), sum(rw)
    qcov = qgot / (qtotal or 1.0)
    rcov = rgot / (rtotal or 1.0)
    score = (min(qcov, rcov) * 0.4 + max(qcov, rcov) * 0.6) if pairs else 0.0
    return NameMatch(score, qcov, rcov, qgot, qtotal, rtotal, tuple(pairs), near)


def _overlap(pair: tuple[NameForm, NameForm]) -> int:
    """Cheaply estimate how well two forms agree: shared skeletons, then shared fine tokens."""
    q, r = pair
    return 2 * len(set(q.skels) & set(r.skels)) + len(set(q.tokens) & set(r.tokens))


def best_name_match(qs: tuple[NameForm, ...], rs: tuple[NameForm, ...], weight: Weight) -> NameMatch | None:
    """Return the best match over all query/record name pairs, or None if either has no name."""
    best: NameMatch | None = None
    pairs = [(q, r) for q in qs for r in rs]
    if len(pairs) > MAX_FORM_PAIRS:
        pairs.sort(key=_overlap, reverse=True)
        pairs = pairs[:MAX_FORM_PAIRS]
    for q, r in pairs:
        m = compare_names(q, r, weight)
        if best is None or m.score > best.score:
            best = m
    return best
