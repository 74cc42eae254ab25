"""Clustering heuristics as pure functions of one transaction: CoinJoin shape, common-input ownership, and
the change-output heuristics (each with its confidence). Nothing here reads or writes the database.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from manara.crypto.parse import Tx

# How much a merge by each heuristic is trusted (0-1). Common-input ownership is the reference; change
# heuristics are off by default and switched on per investigation. Measured precision: docs/benchmarks.md.
CONFIDENCE = {
    "cioh": 1.0,
    "change_reuse": 0.9,
    "change_script_type": 0.6,
    "change_round_amount": 0.5,
    "change_optimal": 0.6,
}
CHANGE_HEURISTICS = ("change_reuse", "change_script_type", "change_round_amount", "change_optimal")
DEFAULT_HEURISTICS = ("cioh",)
COINJOIN_MIN_EQUAL = 3  # at least this many outputs of one value ...
COINJOIN_MIN_INPUTS = 3  # ... paid by at least this many inputs from as many distinct addresses or more
ROUND_UNIT = 100_000  # 0.001 BTC: a "round" payment is a multiple of it


@dataclass(frozen=True)
class Merge:
    """Two addresses put together by ``heuristic`` in one transaction."""

    a: str
    b: str
    heuristic: str
    confidence: float


def is_coinjoin(tx: Tx) -> bool:
    """Tell whether a transaction has a CoinJoin's shape: several equal outputs, one per participant, each
    participant bringing at least one input and taking at most one change output back.

    With k outputs of the most common value: k >= 3, at least k inputs, and at most 2k + 1 outputs in all
    (k mixed outputs, up to k changes and a coordinator fee): Whirlpool (5 in, 5 equal out), JoinMarket and
    Wasabi rounds. An exchange's batched payout (many outputs, a few of them equal) is not one.
    """
    if tx.is_coinbase or len(tx.inputs) < COINJOIN_MIN_INPUTS:
        return False
    values = Counter(o.value for o in tx.outputs if o.value > 0 and o.address)
    if not values:
        return False
    _, count = values.most_common(1)[0]
    return count >= COINJOIN_MIN_EQUAL and count <= len(tx.inputs) and len(tx.outputs) <= 2 * count + 1


def input_addresses(tx: Tx) -> list[str]:
    """Return the distinct known input addresses in input order."""
    return list(dict.fromkeys(i.address for i in tx.inputs if i.address))


def common_input_merges(tx: Tx, coinjoin: bool | None = None) -> list[Merge]:
    """Link every input address to the first one (a star: n-1 links for n addresses); none for a CoinJoin."""
    addresses = input_addresses(tx)
    if len(addresses) < 2 or (is_coinjoin(tx) if coinjoin is None else coinjoin):
        return []
    first = addresses[0]
    return [Merge(first, other, "cioh", CONFIDENCE["cioh"]) for other in addresses[1:]]


def change_outputs(tx: Tx, coinjoin: bool | None = None) -> dict[str, str]:
    """Return, for each change heuristic that names one, the address it names as the change of ``tx``.

    - change_reuse: exactly one output pays back an input address.
    - change_script_type: exactly one output has the script type all the inputs spend.
    - change_round_amount: exactly one output is not a round amount while the others are.
    - change_optimal: exactly one output is smaller than the smallest input (a larger change would have
      made that input unnecessary).
    Only transactions with known inputs, at least two outputs and no CoinJoin shape are considered.
    """
    ins = input_addresses(tx)
    if not ins or len(tx.outputs) < 2 or (is_coinjoin(tx) if coinjoin is None else coinjoin):
        return {}
    outs = [o for o in tx.outputs if o.address and o.value > 0]
    if len(outs) < 2:
        return {}
    spent = set(ins)
    found: dict[str, str] = {}
    reused = [o.address for o in outs if o.address in spent]
    if len(reused) == 1 and reused[0]:
        found["change_reuse"] = reused[0]
    fresh = [o for o in outs if o.address not in spent]
    if len(fresh) < 2:
        return found
    kinds = {_family(i.spend_type) for i in tx.inputs}
    if len(kinds) == 1 and "unknown" not in kinds:
        (kind,) = kinds
        _only_into(found, "change_script_type", [o.address for o in fresh if _family(o.script_type) == kind])
    _only_into(found, "change_round_amount", [o.address for o in fresh if o.value % ROUND_UNIT])
    values = [i.value for i in tx.inputs]
    if all(v is not None for v in values):
        smallest = min(v for v in values if v is not None)
        _only_into(found, "change_optimal", [o.address for o in fresh if o.value < smallest])
    return found


def _only_into(found: dict[str, str], heuristic: str, candidates: list[str | None]) -> None:
    if len(candidates) == 1 and candidates[0]:
        found[heuristic] = candidates[0]


def change_output(tx: Tx, heuristic: str, coinjoin: bool | None = None) -> str | None:
    """Return the address ``heuristic`` names as the change of ``tx``, or None (see ``change_outputs``)."""
    if heuristic not in CHANGE_HEURISTICS:
        raise ValueError(f"unknown heuristic {heuristic!r}")
    return change_outputs(tx, coinjoin).get(heuristic)


def change_merges(tx: Tx, coinjoin: bool | None = None) -> list[Merge]:
    """Return a merge of the first input address with the change output, for every heuristic that names one."""
    found = change_outputs(tx, coinjoin)
    if not found:
        return []
    first = input_addresses(tx)[0]
    return [Merge(first, found[h], h, CONFIDENCE[h]) for h in CHANGE_HEURISTICS if h in found and found[h] != first]


def merges_of(tx: Tx) -> tuple[bool, list[Merge]]:
    """Return whether ``tx`` is CoinJoin-shaped, and its common-input and change merges (none if it is)."""
    coinjoin = is_coinjoin(tx)
    if coinjoin:
        return True, []
    return False, [*common_input_merges(tx, False), *change_merges(tx, False)]


def _family(kind: str) -> str:
    return {"p2sh-p2wpkh": "p2sh", "p2tr_keypath": "p2tr", "p2pk": "p2pkh"}.get(kind, kind)


class UnionFind:
    """Disjoint sets over hashable keys with path halving and union by size."""

    def __init__(self) -> None:
        self.parent: dict[object, object] = {}
        self.size: dict[object, int] = {}

    def find(self, x: object) -> object:
        """Return the representative of ``x``'s set (adding ``x`` alone if new)."""
        parent = self.parent
        if x not in parent:
            parent[x], self.size[x] = x, 1
            return x
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: object, b: object) -> object:
        """Merge the sets of ``a`` and ``b``; return the new representative."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        return ra

    def groups(self) -> dict[object, list[object]]:
        """Return every set keyed by its representative."""
        out: dict[object, list[object]] = {}
        for x in self.parent:
            out.setdefault(self.find(x), []).append(x)
        return out
