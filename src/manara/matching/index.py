"""In-memory screening index: blocking keys to record slots, cheap add/remove, two-stage search."""

import heapq
import math
from array import array
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from manara.matching import snapshot
from manara.matching.keys import (
    DOC_PREFIX,
    PAIR_SEP,
    date_keys,
    deletions,
    joined_keys,
    pair_keys,
    record_keys,
    token_keys,
    year_keys,
)
from manara.matching.names import token_key
from manara.matching.namesim import TokenWeights
from manara.matching.record import MatchResult, PersonRecord
from manara.matching.scorer import DEFAULT_THRESHOLD, Prepared, extract, prepare, probability, result

FUZZY_FACTOR = 0.6
DATE_FACTOR = 0.5
DATE_NATIONALITY_FACTOR = 1.5
DOC_WEIGHT = 30.0
RARE_COST = 400
COMMON_CAP = 20_000
BOOST_POOL = 40
BOOST_POOL_MAX = 1000
CANDIDATE_RATIO = 0.5
BOOST_ALTERNATIVES = 2
MIN_FUZZY_LEN = 3


def _has(postings: "array[int]", slot: int) -> bool:
    i = bisect_left(postings, slot)
    return i < len(postings) and postings[i] == slot


class Matcher:
    """Index person records by id and screen a query against them."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, candidates: int = 10) -> None:
        self.threshold = threshold
        self.candidates = candidates
        self._records: list[Prepared | None] = []
        self._slot_of: dict[str, int] = {}
        self._free: list[int] = []
        self._postings: dict[str, array[int]] = {}
        self._neighbours: dict[str, set[str]] = {}
        self._registered: set[str] = set()
        self._checked: set[int] = set()  # slots of records that search() must pass to ``allowed``

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._slot_of

    def add(self, record: PersonRecord, public: bool = False) -> None:
        """Add a record, replacing any record with the same id (``public``: see add_prepared)."""
        self.add_prepared(prepare(record), public)

    def add_prepared(self, prepared: Prepared, public: bool = False) -> None:
        """Add an already analysed record, replacing any record with the same id.

        A ``public`` record is one every caller may see: search() does not ask its ``allowed`` filter about
        it. By default every record is asked about (default deny); a screening index marks the notices
        shared with all members public, so a search pays the filter only for the few restricted ones.
        """
        self.remove(prepared.id)
        slot = self._free.pop() if self._free else len(self._records)
        if slot == len(self._records):
            self._records.append(prepared)
        else:
            self._records[slot] = prepared
        self._slot_of[prepared.id] = slot
        if not public:
            self._checked.add(slot)
        fuzzy = {k for form in prepared.names for k in token_keys(form)}
        for key in record_keys(prepared):
            postings = self._postings.get(key)
            if postings is None:
                postings = self._postings[key] = array("i")
            if key in fuzzy and key not in self._registered:
                self._registered.add(key)
                self._add_neighbours(key)
            if postings and postings[-1] > slot:
                insort(postings, slot)
            else:
                postings.append(slot)

    def remove(self, record_id: str) -> bool:
        """Remove a record by id; return whether it was present."""
        slot = self._slot_of.pop(record_id, None)
        if slot is None:
            return False
        prepared = self._records[slot]
        self._records[slot] = None
        self._free.append(slot)
        self._checked.discard(slot)
        if prepared is not None:
            for key in record_keys(prepared):
                postings = self._postings.get(key)
                if postings is not None and _has(postings, slot):
                    del postings[bisect_left(postings, slot)]
                    if not postings:
                        del self._postings[key]
        return True

    def _add_neighbours(self, key: str) -> None:
        if len(key) >= MIN_FUZZY_LEN and key.isalpha() and key.islower():
            for variant in deletions(key):
                self._neighbours.setdefault(variant, set()).add(key)

    def set_public(self, record_id: str, public: bool) -> None:
        """Mark an indexed record public (not filtered by ``allowed``) or restricted again."""
        slot = self._slot_of.get(record_id)
        if slot is not None:
            (self._checked.discard if public else self._checked.add)(slot)

    def frequency(self, key: str) -> int:
        """Return how many indexed records carry a blocking key."""
        postings = self._postings.get(key)
        return len(postings) if postings is not None else 0

    def idf(self, key: str) -> float:
        """Return the rarity weight of a key learned from the indexed records."""
        return math.log(1.0 + (len(self._slot_of) + 1) / (self.frequency(key) + 1))

    def _fuzzy(self, key: str) -> list[str]:
        if len(key) < MIN_FUZZY_LEN:
            return []
        found = set(self._neighbours.get(key, ()))
        for variant in deletions(key):
            found |= self._neighbours.get(variant, set())
            if variant in self._postings:
                found.add(variant)
        found.discard(key)
        return sorted(k for k in found if k in self._postings)  # sorted: the same order whatever the hash seed

    def _alternatives(self, key: str, fuzzy: bool) -> list[tuple[str, float]]:
        alts = [(key, self.idf(key))] if self.frequency(key) else []
        if fuzzy:
            alts += [(near, FUZZY_FACTOR * self.idf(near)) for near in self._fuzzy(key)]
        return alts

    def _query_units(self, query: Prepared) -> list[list[tuple[str, float]]]:
        units: dict[str, list[tuple[str, float]]] = {}
        for form in query.names:
            for key in sorted(token_keys(form)):  # key sets sorted: results never depend on the hash seed
                units.setdefault(key, self._alternatives(key, True))
            for key in sorted(joined_keys(form) | pair_keys(form)):
                units.setdefault(key, self._alternatives(key, False))
        for doc in query.documents:
            if self.frequency(DOC_PREFIX + doc):
                units[DOC_PREFIX + doc] = [(DOC_PREFIX + doc, DOC_WEIGHT)]
        swapped = tuple(f"{d[:4]}-{d[8:10]}-{d[5:7]}" for d in query.birth_dates if len(d) >= 10)
        for key in sorted(date_keys(query.birth_dates + swapped, query.countries)):
            if self.frequency(key):
                factor = DATE_NATIONALITY_FACTOR if PAIR_SEP in key else DATE_FACTOR
                units[key] = [(key, factor * self.idf(key))]
        return [alts for alts in units.values() if alts]

    def _cost(self, alts: list[tuple[str, float]]) -> int:
        return sum(map(len, (self._postings[k] for k, _ in alts)))

    def _accumulate(self, query: Prepared, allowed: Callable[[str], bool] | None = None) -> dict[int, float]:
        """Sum key weights per visible record: rare keys add candidates, common keys boost the best."""
        acc: dict[int, float] = {}
        boost: list[list[tuple[str, float]]] = []
        units = sorted(((self._cost(alts), alts) for alts in self._query_units(query)), key=lambda ca: ca[0])
        if len(units) > 1 and units[0][0] > RARE_COST:
            # Only common keys: seed with the records that carry both of the two rarest ones.
            acc = self._intersect(units[0][1], units[1][1])
            units = units[2:] if acc else units
        for cost, alts in units:
            if acc and cost > RARE_COST:
                boost.append(sorted(alts, key=lambda kw: -kw[1])[:BOOST_ALTERNATIVES])
                continue
            best = self._best_weights(alts)
            if not acc:
                acc = best
                continue
            get = acc.get
            for slot, weight in best.items():
                acc[slot] = get(slot, 0.0) + weight
        if acc:  # birth years only re-rank: alone they would make every contemporary a candidate
            years = [key for key in sorted(year_keys(query.birth_dates)) if self.frequency(key)]
            boost += [[(key, DATE_FACTOR * self.idf(key))] for key in years]
        if allowed is not None:
            self._filter(acc, allowed)
        if boost and len(acc) > self.candidates:
            acc = self._boost(acc, boost)
        return acc

    def _boost(self, acc: dict[int, float], boost: list[list[tuple[str, float]]]) -> dict[int, float]:
        """Keep the leaders by the rarer keys and add the common keys' weights to them.

        The leaders are the BOOST_POOL best and every candidate tied with the last of them (up to
        BOOST_POOL_MAX): a cut inside a tie would be arbitrary. A common full name with only a birth year
        ties hundreds of namesakes on the name, and the year (a common key) must pick among all of them.
        """
        if len(acc) > BOOST_POOL:
            cut = heapq.nlargest(BOOST_POOL, acc.values())[-1]
            pool = [slot for slot, weight in acc.items() if weight >= cut]
            if len(pool) > BOOST_POOL_MAX:
                pool = heapq.nlargest(BOOST_POOL_MAX, pool, key=acc.__getitem__)
            acc = {slot: acc[slot] for slot in pool}
        slots = np.fromiter(acc, dtype=np.int32, count=len(acc))
        for alts in boost:  # each unit adds the weight of its best alternative a leader carries
            todo = np.ones(len(slots), dtype=bool)
            for key, weight in alts:  # heaviest first
                postings = np.frombuffer(self._postings[key], dtype=np.int32)  # a view: no copy
                if not len(postings):
                    continue
                at = np.minimum(postings.searchsorted(slots), len(postings) - 1)
                found = todo & (postings[at] == slots)
                del postings  # release the view: the array may grow again (add) once the search is over
                for slot in slots[found].tolist():
                    acc[slot] += weight
                todo &= ~found
        return acc

    def _filter(self, acc: dict[int, float], allowed: Callable[[str], bool]) -> None:
        """Drop the candidates ``allowed`` refuses; only restricted ones are asked (one C-level intersection
        finds them, so a search over public records makes no call per candidate)."""
        records = self._records
        for slot in self._checked.intersection(acc):
            record = records[slot]
            if record is None or not allowed(record.id):
                del acc[slot]

    def _best_weights(self, alts: list[tuple[str, float]]) -> dict[int, float]:
        best: dict[int, float] = {}
        for key, weight in sorted(alts, key=lambda kw: kw[1]):
            best.update(dict.fromkeys(self._postings[key][:COMMON_CAP], weight))
        return best

    def _intersect(self, a: list[tuple[str, float]], b: list[tuple[str, float]]) -> dict[int, float]:
        first, second = self._best_weights(a), self._best_weights(b)
        return {slot: first[slot] + second[slot] for slot in first.keys() & second.keys()}

    def search(
        self, query: PersonRecord, limit: int = 10, allowed: Callable[[str], bool] | None = None
    ) -> list[MatchResult]:
        """Return up to limit best-scoring records the caller may see, best first.

        ``allowed`` is asked about every candidate that was not added as public; a record it refuses can
        neither appear nor push a visible one out of the candidates.
        """
        prepared = prepare(query)
        acc = self._accumulate(prepared, allowed)
        ranked = heapq.nlargest(max(self.candidates, limit), acc, key=acc.__getitem__)
        if len(ranked) > limit:
            # Candidates far behind the leader in key evidence are rarely the answer: stop there.
            floor = acc[ranked[0]] * CANDIDATE_RATIO
            ranked = ranked[:limit] + [s for s in ranked[limit:] if acc[s] >= floor]
        weight = TokenWeights(self.idf, self.near_idf, len(self._slot_of))
        scored = []
        for slot in ranked:
            record = self._records[slot]
            if record is not None:
                features, explanation = extract(prepared, record, weight)
                scored.append((probability(features), record.id, features, explanation))
        scored.sort(key=lambda item: (-item[0], item[1]))  # ties by id: the same answer after a reload
        return [
            result(rid, value, features, explanation, self.threshold)
            for value, rid, features, explanation in scored[:limit]
        ]

    def near_idf(self, key: str) -> float:
        """Return the rarity weight of a key's fuzzy neighbourhood: records carrying the key or a key one
        edit away (a fuzzy agreement is as common as the neighbourhood, not as the token)."""
        count = self.frequency(key) + sum(map(self.frequency, self._fuzzy(key)))
        return math.log(1.0 + (len(self._slot_of) + 1) / (count + 1))

    def token_weight(self, fine: str, skel: str) -> float:
        """Return the rarity weight of one name token."""
        return self.idf(token_key(fine, skel))

    def records(self) -> Iterable[Prepared]:
        """Iterate over the indexed (prepared) records."""
        return (r for r in self._records if r is not None)

    def save(self, path: Path | str) -> None:
        """Write a snapshot of the index (analysed records) to a file."""
        snapshot.write(Path(path), self.records())

    def load(self, path: Path | str) -> None:
        """Replace the contents of the index with a snapshot written by save()."""
        self.__init__(self.threshold, self.candidates)  # type: ignore[misc]
        for prepared in snapshot.read(Path(path)):
            self.add_prepared(prepared)

    def save_state(self, path: Path | str) -> None:
        """Write the whole index (records, postings, fuzzy neighbours) for a fast load_state()."""
        postings = {key: p.tobytes() for key, p in self._postings.items()}
        neighbours = {variant: sorted(keys) for variant, keys in self._neighbours.items()}
        snapshot.write_state(Path(path), self._records, postings, neighbours)

    def load_state(self, path: Path | str) -> None:
        """Replace the contents of the index with a state written by save_state(), without re-deriving keys."""
        records, postings, neighbours = snapshot.read_state(Path(path))
        self.__init__(self.threshold, self.candidates)  # type: ignore[misc]
        self._records = records
        self._slot_of = {r.id: slot for slot, r in enumerate(records) if r is not None}
        self._free = [slot for slot, r in enumerate(records) if r is None]
        self._checked = set(self._slot_of.values())  # a state does not say who may see what: all restricted
        for key, raw in postings.items():
            self._postings[key] = array("i")
            self._postings[key].frombytes(raw)
        self._neighbours = {variant: set(keys) for variant, keys in neighbours.items()}
        self._registered = {key for keys in self._neighbours.values() for key in keys}
