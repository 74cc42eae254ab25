"""Screening reads: the engine's search among the notices an actor may see, and what to tell the officer.

The write half (raising hits, checking documents, the audit) is ``screening/actions.py``. Never commits.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import orjson
from pydantic import ValidationError

from manara.errors import Forbidden, ValidationFailed
from manara.identity import Actor, Perm
from manara.matching import PersonRecord
from manara.matching.identifiers import normalize_country, normalize_document
from manara.matching.mrz import DocumentMRZ, MRZError, parse_mrz
from manara.notice.types import is_urgent
from manara.screening.fusion import FaceEvidence
from manara.screening.index import IndexWarmingUp, ScreeningIndex, Target
from manara.screening.schemas import DocumentIn, MrzIn, MrzOut, ScreenIn
from manara.text import sanitize

# ICAO codes of a zone that are not ISO 3166 alpha-3 (Doc 9303 part 3): Germany is "D".
_MRZ_STATES = {"D": "DE"}


def _mrz_country(code: str) -> str | None:
    country = _MRZ_STATES.get(code) or normalize_country(code)
    return country.upper() if country else None


def _real_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def read_mrz(body: MrzIn) -> tuple[ScreenIn, MrzOut]:
    """Turn a machine-readable zone into the screening of its holder (name, birth date, nationality, sex, the
    document and its issuing state) and the zone as read; a malformed zone is refused with the reason."""
    try:
        mrz: DocumentMRZ = parse_mrz(body.mrz)
    except MRZError as exc:
        raise ValidationFailed(str(exc), [{"field": "mrz", "message": str(exc)}]) from None
    name = f"{mrz.given_names} {mrz.surname}".strip()
    if not name:
        raise ValidationFailed("the zone names nobody", [{"field": "mrz", "message": "no name in the zone"}])
    issuer = _mrz_country(mrz.issuer)
    try:
        query = ScreenIn(
            names=[name],
            birth_date=mrz.birth_date if _real_date(mrz.birth_date) else None,
            nationality=_mrz_country(mrz.nationality),
            gender=mrz.sex if mrz.sex in ("male", "female") else None,
            documents=[DocumentIn(number=mrz.number, country=issuer)] if mrz.number else [],
            limit=body.limit,
        )
    except ValidationError as exc:
        problems = [{"field": "mrz", "message": str(e["msg"])} for e in exc.errors()]
        raise ValidationFailed("the zone's fields are not a person to screen", problems) from None
    read = MrzOut(
        format=mrz.format, document_type=mrz.document_type, issuer=mrz.issuer, surname=mrz.surname,
        given_names=mrz.given_names, number=mrz.number, nationality=mrz.nationality, birth_date=mrz.birth_date,
        sex=mrz.sex, expiry_date=mrz.expiry_date, valid=mrz.valid, failed_checks=mrz.failed_checks,
    )  # fmt: skip
    return query, read


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
