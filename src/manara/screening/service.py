"""Screening reads: the engine's search among the notices an actor may see, and what to tell the officer.

The write half (raising hits, checking documents, the audit) is ``screening/actions.py``. Never commits.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from manara.errors import Forbidden
from manara.identity import Actor, Perm
from manara.matching import PersonRecord
from manara.matching.identifiers import normalize_document
from manara.notice.types import is_urgent
from manara.screening.fusion import FaceEvidence
from manara.screening.index import IndexWarmingUp, ScreeningIndex, Target
from manara.screening.schemas import ScreenIn
from manara.text import sanitize


def fingerprint(query: ScreenIn) -> str:
    """Return a stable digest of the screened subject (names, birth date, documents), order-insensitive."""
    names = sorted({sanitize(n).casefold() for n in query.names})
    docs = sorted({normalize_document(d.number) or "" for d in query.documents})
    body = {"n": names, "b": query.birth_date, "d": docs}
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


def to_record(query: ScreenIn) -> PersonRecord:
    """Return the engine's view of a screening query."""
    return PersonRecord(
        id="query",
        names=tuple(query.names),
        birth_dates=(query.birth_date,) if query.birth_date else (),
        nationalities=(query.nationality,) if query.nationality else (),
        gender=query.gender,
        documents=tuple(d.number for d in query.documents),
    )


def next_step(actor: Actor, target: Target, hit_id: str | None, rejected: bool) -> str:
    """Tell the officer what to do with a result; the type's urgency is the registry's (``Urgency``)."""
    if target.owner == actor.country:
        return f"Record of your own country ({target.reference}): consult the notice."
    if rejected:
        return f"{target.owner} already judged this person not to be the subject of {target.reference}."
    if hit_id is None:
        return "Below the alert threshold: no action required."
    urgent = "URGENT: " if is_urgent(target.notice_type) else ""
    return (
        f"{urgent}Possible match with {target.reference} ({target.notice_type}, {target.owner}). Hit {hit_id} "
        f"sent to {target.owner}; do not alert the person, hold if lawful, contact your national bureau."
    )


def search_person(
    actor: Actor, index: ScreeningIndex, query: ScreenIn, *, face: FaceEvidence | None = None
) -> list[tuple[Any, Target]]:
    """Return the engine's candidates among the notices the actor may see (no database access)."""
    if not actor.can(Perm.SCREEN):
        raise Forbidden("this role may not screen")
    if not index.built:
        raise IndexWarmingUp("the screening index is still loading; retry in a few seconds")
    person = to_record(query)
    found = index.search(actor.country, person, query.limit)
    if face is not None:  # name and face evidence fused (manara.screening.fusion)
        found = face.fuse(index, actor.country, person, found, query.limit)
    return found
