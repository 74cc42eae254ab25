"""The in-memory cross-matching index: every active entity, its identifiers and (for persons) the engine.

A pair qualifies when the two entities belong to different members and at least one owner may see the
other's entity; visibility is applied inside the engine *before* ranking, as in screening. Who may
then see the suggested link is decided at read time (whoever may see both entities).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from manara.analysis import orgs
from manara.analysis.identifiers import identifier_keys
from manara.matching import ALGORITHM, Matcher, record_from_ftm
from manara.visibility import may_see

IDENTIFIER_ALGORITHM = "identifier-exact-v1"
PERSON_SCHEMATA = frozenset({"Person"})
MAX_SHARING = 50  # an identifier carried by more entities (a switchboard, a hotel) is not evidence
PERSON_CANDIDATES = 10
# A suggestion costs an analyst's time, and at a million records many people share a birth year and a
# common name: stricter than screening's alert threshold, calibrated with benchmarks/xref.py (see
# docs/analysis.md). A birth year alone (no full date, no shared document) needs an exact, rare name.
PERSON_THRESHOLD = 0.9
NAME_FLOOR = 0.8
YEAR_ONLY_NAME_FLOOR = 0.95
YEAR_ONLY_RARITY_FLOOR = 0.8
# Each aligned name part must be a spelling of the other: "Saida Benali" and "Siham Benali" born the
# same day are sisters more often than one person (benchmarks/xref.py at 1,000,000: true pairs never
# have a part below 0.85; a fifth of the false suggestions did).
NAME_PART_FLOOR = 0.8


@dataclass(frozen=True)
class Node:
    """What the index keeps of an entity to decide who may pair with it."""

    pk: str
    owner: str
    visibility: str
    shared_with: frozenset[str]
    schema: str

    def visible_to(self, country: str) -> bool:
        """Tell whether members of ``country`` may see this (active) entity."""
        return may_see(
            owner=self.owner, visibility=self.visibility, shared_with=list(self.shared_with), country=country
        )


@dataclass
class Candidate:
    """A suggested pair as found by the index, before it is stored."""

    pk: str
    other_pk: str
    kind: str
    algorithm: str
    score: float
    features: dict[str, Any] = field(default_factory=dict)
    explanation: str = ""

    @property
    def pair(self) -> tuple[str, str]:
        """The pair in storage order (smaller primary key first)."""
        return (self.pk, self.other_pk) if self.pk < self.other_pk else (self.other_pk, self.pk)


@dataclass(frozen=True)
class EntityRow:
    """The columns of an entity the index reads."""

    pk: str
    owner: str
    visibility: str
    shared_with: list[str]
    schema: str
    properties: dict[str, Any]


def person_qualifies(features: dict[str, float]) -> bool:
    """Tell whether the engine's evidence on a pair above the threshold is enough to suggest it."""
    name = features.get("name", 0.0)
    if name < NAME_FLOOR or features.get("gender_mismatch"):
        return False
    if features.get("name_part_min", 1.0) < NAME_PART_FLOOR:
        return False
    if features.get("dob_exact") or features.get("document_match") or not features.get("dob_partial"):
        return True
    return name >= YEAR_ONLY_NAME_FLOOR and features.get("name_x_rare", 0.0) >= YEAR_ONLY_RARITY_FLOOR


class XrefIndex:
    """Active entities of every member, indexed by identifiers and (persons) by the screening engine."""

    def __init__(self, threshold: float | None = None) -> None:
        self.threshold = PERSON_THRESHOLD if threshold is None else threshold
        self.matcher = Matcher(threshold=self.threshold)
        self.nodes: dict[str, Node] = {}
        self.by_key: dict[tuple[str, str], list[str]] = {}
        self.by_org_name: dict[str, list[str]] = {}
        self.org_countries: dict[str, frozenset[str]] = {}
        self.keys_of: dict[str, tuple[tuple[str, str], ...]] = {}  # to remove an entity (only if it has any)
        self.org_names_of: dict[str, tuple[str, ...]] = {}

    def __len__(self) -> int:
        return len(self.nodes)

    def add_all(self, rows: Iterable[EntityRow]) -> None:
        """Index many entities."""
        for row in rows:
            self.add(row)

    def add(self, row: EntityRow) -> None:
        """Index one active entity, replacing an earlier version of it."""
        self.remove(row.pk)
        node = Node(row.pk, row.owner, row.visibility, frozenset(row.shared_with), row.schema)
        keys = tuple(sorted(identifier_keys(row.schema, row.properties, row.owner)))
        names = tuple(sorted(orgs.org_name_keys(row.schema, row.properties)))
        self.add_node(node, keys, names, frozenset(orgs.org_countries(row.properties)) if names else frozenset())
        if row.schema in PERSON_SCHEMATA:
            self.matcher.add(record_from_ftm({"id": row.pk, "properties": row.properties}))

    def add_node(
        self, node: Node, keys: tuple[tuple[str, str], ...], names: tuple[str, ...], countries: frozenset[str]
    ) -> None:
        """Index an entity's node, identifiers and organisation names (not its person record)."""
        self.nodes[node.pk] = node
        for key in keys:
            self.by_key.setdefault(key, []).append(node.pk)
        for name_key in names:
            self.by_org_name.setdefault(name_key, []).append(node.pk)
        if keys:
            self.keys_of[node.pk] = keys
        if names:
            self.org_names_of[node.pk], self.org_countries[node.pk] = names, countries

    def remove(self, pk: str) -> None:
        """Forget an entity (no-op if it is not indexed)."""
        if self.nodes.pop(pk, None) is None:
            return
        for key in self.keys_of.pop(pk, ()):
            self.by_key[key].remove(pk)
        for name_key in self.org_names_of.pop(pk, ()):
            self.by_org_name[name_key].remove(pk)
        self.org_countries.pop(pk, None)
        self.matcher.remove(pk)

    def pairable(self, node: Node, other_pk: str) -> bool:
        """Tell whether ``node`` may pair with ``other_pk``: another member, one side visible to the other."""
        other = self.nodes.get(other_pk)
        if other is None or other.owner == node.owner:
            return False
        return other.visible_to(node.owner) or node.visible_to(other.owner)

    def candidates(self, row: EntityRow) -> list[Candidate]:
        """Return the suggested pairs of an indexed entity, one per other entity, best evidence merged."""
        node = self.nodes.get(row.pk)
        if node is None:
            return []
        found = self._identifiers(node, row)
        by_name = self._persons(node, row) if row.schema in PERSON_SCHEMATA else self._organizations(node, row)
        for cand in by_name:
            same = found.get(cand.other_pk)
            if same is None:
                found[cand.other_pk] = cand
            else:  # both: keep the exact identifier's score and add the name evidence
                same.features.update(cand.features)
                same.explanation = f"{same.explanation}; {cand.explanation}"
        return list(found.values())

    def _organizations(self, node: Node, row: EntityRow) -> list[Candidate]:
        countries = orgs.org_countries(row.properties)
        found: dict[str, Candidate] = {}
        for name_key in sorted(orgs.org_name_keys(row.schema, row.properties)):
            sharing = self.by_org_name.get(name_key, [])
            if len(sharing) > MAX_SHARING:
                continue
            for other in sharing:
                if other in found or not self.pairable(node, other):
                    continue
                theirs = self.org_countries.get(other, frozenset())
                abroad = bool(countries and theirs and not countries & theirs)
                score = orgs.OTHER_COUNTRY_SCORE if abroad else orgs.SAME_COUNTRY_SCORE
                features = {"org_name": 1.0, "country_mismatch": 1.0 if abroad else 0.0}
                found[other] = Candidate(
                    node.pk,
                    other,
                    "organization",
                    orgs.ORG_ALGORITHM,
                    score,
                    features,
                    f"same organisation name without legal form: {name_key}",
                )
        return list(found.values())

    def _identifiers(self, node: Node, row: EntityRow) -> dict[str, Candidate]:
        found: dict[str, Candidate] = {}
        for kind, value in sorted(identifier_keys(row.schema, row.properties, row.owner)):
            sharing = self.by_key.get((kind, value), [])
            if len(sharing) > MAX_SHARING:
                continue
            for other in sharing:
                if not self.pairable(node, other):
                    continue
                cand = found.setdefault(other, Candidate(node.pk, other, "identifier", IDENTIFIER_ALGORITHM, 1.0))
                cand.features[kind] = 1.0
                cand.explanation = "; ".join(filter(None, [cand.explanation, f"same {kind} {value}"]))
        return found

    def _persons(self, node: Node, row: EntityRow) -> list[Candidate]:
        record = record_from_ftm({"id": row.pk, "properties": row.properties})
        results = self.matcher.search(record, limit=PERSON_CANDIDATES, allowed=lambda pk: self.pairable(node, pk))
        mine = self._documents(row.pk)
        return [
            Candidate(node.pk, r.id, "person", ALGORITHM, round(r.score, 4), dict(r.features), r.explanation)
            for r in results
            if r.match and person_qualifies(r.features) and not self._other_documents(mine, r.id, r.features)
        ]

    def _documents(self, pk: str) -> set[str]:
        return {value for kind, value in self.keys_of.get(pk, ()) if kind == "document"}

    def _other_documents(self, mine: set[str], other: str, features: dict[str, float]) -> bool:
        """Tell whether both carry documents, none shared, and only a partial birth date agrees."""
        theirs = self._documents(other)
        return bool(mine and theirs and not mine & theirs and not features.get("dob_exact"))
