"""Screening a person or a document: search, raise hits to owners, audit. Never commits."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.document.service import visible_reports
from manara.errors import Forbidden
from manara.hit.actions import HitCandidate, do_raise_hit
from manara.identity import Actor, Perm
from manara.matching import ALGORITHM, DEFAULT_THRESHOLD, PersonRecord
from manara.matching.identifiers import normalize_document
from manara.screening.fusion import FaceEvidence
from manara.screening.index import IndexWarmingUp, ScreeningIndex, Target
from manara.screening.schemas import DocumentCheck, ScreenIn, ScreenOut, ScreenResult
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
    """Tell the officer what to do with a result."""
    if target.owner == actor.country:
        return f"Record of your own country ({target.reference}): consult the notice."
    if rejected:
        return f"{target.owner} already judged this person not to be the subject of {target.reference}."
    if hit_id is None:
        return "Below the alert threshold: no action required."
    urgent = "URGENT: " if target.notice_type in ("red", "diffusion") else ""
    return (
        f"{urgent}Possible match with {target.reference} ({target.notice_type}, {target.owner}). Hit {hit_id} "
        f"sent to {target.owner}; do not alert the person, hold if lawful, contact your national bureau."
    )


def _result(session: Session, actor: Actor, query: ScreenIn, scored: Any, target: Target, fp: str) -> ScreenResult:
    hit_id, rejected = None, False
    if scored.match and target.owner != actor.country:
        candidate = HitCandidate(
            target_type="notice",
            target_id=target.notice_id,
            owner_country=target.owner,
            notice_type=target.notice_type,
            algorithm=ALGORITHM,
            score=scored.score,
            threshold=DEFAULT_THRESHOLD,
            features=scored.features,
            explanation=scored.explanation,
        )
        hit = do_raise_hit(session, actor, candidate, fingerprint=fp, query=query.model_dump(mode="json"))
        hit_id, rejected = (hit.id if hit else None), hit is None
    return ScreenResult(
        notice_id=target.notice_id,
        reference=target.reference,
        notice_type=target.notice_type,
        title=target.title,
        owner_country=target.owner,
        score=round(scored.score, 4),
        match=scored.match and not rejected,
        features=scored.features,
        explanation=scored.explanation,
        hit_id=hit_id,
        previously_rejected=rejected,
        next_step=next_step(actor, target, hit_id, rejected),
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


def finish_screening(
    session: Session, actor: Actor, query: ScreenIn, found: list[tuple[Any, Target]], *, audit: bool = True
) -> ScreenOut:
    """Raise the hits of ``found``, check the documents, audit the screening; the write half of a screening."""
    fp = fingerprint(query)
    results = [_result(session, actor, query, scored, target, fp) for scored, target in found if scored.score > 0]
    documents = [
        DocumentCheck.model_validate(check_document(session, actor, d.number, d.country, audit=False))
        for d in query.documents
        if d.country
    ]
    if audit:
        hits = [r.hit_id for r in results if r.hit_id]
        record(
            session,
            actor,
            AuditAction.SCREENED,
            target_type="notice",
            target_ids=[r.notice_id for r in results],
            query=query.model_dump(mode="json"),
            extra={"hits": hits},
        )
    return ScreenOut(algorithm=ALGORITHM, threshold=DEFAULT_THRESHOLD, results=results, documents=documents)


def screen_person(
    session: Session,
    actor: Actor,
    index: ScreeningIndex,
    query: ScreenIn,
    *,
    audit: bool = True,
    catch_up: bool = True,
    face: FaceEvidence | None = None,
) -> ScreenOut:
    """Screen one person against every published notice the actor may see; raise hits; audit.

    Batch callers pass ``audit=False`` and record one event per chunk of rows instead.
    """
    if not actor.can(Perm.SCREEN):
        raise Forbidden("this role may not screen")
    if index.lazy_build and catch_up:  # tests and the CLI catch up here; servers have a refresher (≤ 0.25 s behind)
        index.ensure(session)
    found = search_person(actor, index, query, face=face)  # before any SQL: no lock held
    return finish_screening(session, actor, query, found, audit=audit)


def check_document(session: Session, actor: Actor, number: str, country: str, *, audit: bool = True) -> dict[str, Any]:
    """Check a travel document against the reports the actor may see; raise hits to other owners."""
    if not actor.can(Perm.SCREEN):
        raise Forbidden("this role may not screen")
    key = normalize_document(number) or ""
    reports = visible_reports(session, actor, key, country.upper()) if key else []
    hit_ids = []
    for report in reports:
        if report.owner_country == actor.country:
            continue
        candidate = HitCandidate(
            target_type="document",
            target_id=report.id,
            owner_country=report.owner_country,
            notice_type="document",
            algorithm="document-exact-v1",
            score=1.0,
            threshold=1.0,
            features={"document_number": 1.0},
            explanation=f"document {key} {report.status}",
        )
        hit = do_raise_hit(
            session,
            actor,
            candidate,
            fingerprint=hashlib.sha256(key.encode()).hexdigest(),
            query={"number": number, "country": country},
        )
        if hit is not None:
            hit_ids.append(hit.id)
    if audit:
        record(
            session,
            actor,
            AuditAction.DOCUMENT_CHECKED,
            target_type="document_report",
            target_ids=[r.id for r in reports],
            query={"number": number, "country": country},
        )
    step = (
        (
            "Document reported "
            + ", ".join(sorted({r.status for r in reports}))
            + ": seize it if lawful and contact the issuing bureau."
        )
        if reports
        else "Not reported."
    )
    return {
        "number": number,
        "issuing_country": country.upper(),
        "reported": bool(reports),
        "reports": [
            {
                "id": r.id,
                "status": r.status,
                "doc_type": r.doc_type,
                "owner_country": r.owner_country,
                "reported_on": r.reported_on.isoformat(),
            }
            for r in reports
        ],
        "hit_ids": hit_ids,
        "next_step": step,
    }
