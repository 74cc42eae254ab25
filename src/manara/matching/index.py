"""In-memory screening index: blocking keys to record slots, cheap add/remove, two-stage search."""

import heapq
import math
from array import array
from collections.abc import Callable, Iterable
from pathlib import Path

from manara.matching import snapshot
from manara.matching.keys import DOC_PREFIX, deletions, name_keys, record_keys
from manara.matching.names import BARE_PREFIX, token_key
from manara.matching.record import MatchResult, PersonRecord
from manara.matching.scorer import DEFAULT_THRESHOLD, Prepared, prepare, score

FUZZY_FACTOR = 0.6
DOC_WEIGHT = 30.0
POSTINGS_BUDGET = 40_000
MIN_FUZZY_LEN = 3


class Matcher:
    """Index person records by id and screen a query against them."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, candidates: int = 40) -> None:
        self.threshold = threshold
        self.candidates = candidates
        self._records: list[Prepared | None] = []
        self._slot_of: dict[str, int] = {}
        self._free: list[int] = []
        self._postings: dict[str, array[int]] = {}
        self._neighbours: dict[str, set[str]] = {}

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._slot_of

    def add(self, record: PersonRecord) -> None:
        """Add a record, replacing any record with the same id."""
        self.add_prepared(prepare(record))

    def add_prepared(self, prepared: Prepared) -> None:
        """Add an already analysed record, replacing any record with the same id."""
        self.remove(prepared.id)
        slot = self._free.pop() if self._free else len(self._records)
        if slot == len(self._records):
            self._records.append(prepared)
        else:
            self._records[slot] = prepared
        self._slot_of[prepared.id] = slot
        for key in record_keys(prepared):
            postings = self._postings.get(key)
            if postings is None:
                postings = self._postings[key] = array("i")
                self._add_neighbours(key)
            postings.append(slot)

    def remove(self, record_id: str) -> bool:
        """Remove a record by id; return whether it was present."""
        slot = self._slot_of.pop(record_id, None)
        if slot is None:
            return False
        prepared = self._records[slot]
        self._records[slot] = None
        self._free.append(slot)
        if prepared is not None:
            for key in record_keys(prepared):
                postings = self._postings.get(key)
                if postings is not None and slot in postings:
                    postings.remove(slot)
        return True

    def _add_neighbours(self, key: str) -> None:
        if len(key) >= MIN_FUZZY_LEN and key[0] not in (DOC_PREFIX, BARE_PREFIX):
            for variant in deletions(key):
                self._neighbours.setdefault(variant, set()).add(key)

    def frequency(self, key: str) -> int:
        """Return how many indexed records carry a blocking key."""
        postings = self._postings.get(key)
        return len(postings) if postings is not None else 0

    def idf(self, key: str) -> float:
        """Return the rarity weight of a key learned from the indexed records."""
        return math.log(1.0 + (len(self._slot_of) + 1) / (self.frequency(key) + 1))

    def _fuzzy(self, key: str) -> set[str]:
        if len(key) < MIN_FUZZY_LEN:
            return set()
        found = set(self._neighbours.get(key, ()))
        for variant in deletions(key):
            found |= self._neighbours.get(variant, set())
            if variant in self._postings:
                found.add(variant)
        found.discard(key)
        return found

    def _query_keys(self, query: Prepared) -> dict[str, float]:
        weights: dict[str, float] = {}
        for form in query.names:
            for key in name_keys(form):
                weights[key] = max(weights.get(key, 0.0), self.idf(key))
                for near in self._fuzzy(key):
                    w = FUZZY_FACTOR * self.idf(near)
                    if w > weights.get(near, 0.0):
                        weights[near] = w
        for doc in query.documents:
            weights[DOC_PREFIX + doc] = DOC_WEIGHT
        return {k: w for k, w in weights.items() if k in self._postings and self._postings[k]}

    def _accumulate(self, query: Prepared) -> dict[int, float]:
        acc: dict[int, float] = {}
        spent = 0
        keys = sorted(self._query_keys(query).items(), key=lambda kv: len(self._postings[kv[0]]))
        for key, weight in keys:
            postings = self._postings[key]
            if acc and spent + len(postings) > POSTINGS_BUDGET:
                break
            spent += len(postings)
            get = acc.get
            for slot in postings:
                acc[slot] = get(slot, 0.0) + weight
        return acc

    def search(self, query: PersonRecord, limit: int = 10,
               allowed: Callable[[str], bool] | None = None) -> list[MatchResult]:
        """Return up to limit best-scoring records the caller may see, best first."""
        prepared = prepare(query)
        acc = self._accumulate(prepared)
        if allowed is not None:
            acc = {slot: w for slot, w in acc.items() if self._visible(slot, allowed)}
        ranked = heapq.nlargest(max(self.candidates, limit), acc.items(), key=lambda kv: kv[1])
        results: list[MatchResult] = []
        for slot, _ in ranked:
            record = self._records[slot]
            if record is not None:
                results.append(score(prepared, record, self._weight, self.threshold))
        results.sort(key=lambda r: -r.score)
        return results[:limit]

    def _visible(self, slot: int, allowed: Callable[[str], bool]) -> bool:
        record = self._records[slot]
        return record is not None and allowed(record.id)

    def _weight(self, key: str) -> float:
        return self.idf(key)

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
