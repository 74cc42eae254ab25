"""Write path of screening: raise hits to owners, check documents, batch jobs, audit. Never commits.

The engine's half of a screening (``service.search_person``) reads only; what it found is written here,
in the caller's transaction (a request's, a group-commit piece's or a batch chunk's).
"""

from __future__ import annotations

import hashlib
from typing import Any, Protocol

from sqlalchemy import update
from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.db.base import utcnow
from manara.document.service import visible_reports
from manara.errors import Forbidden
from manara.hit.actions import HitCandidate, do_raise_hit
from manara.identity import SYSTEM, Actor, Perm
from manara.matching import ALGORITHM, DEFAULT_THRESHOLD
from manara.matching.identifiers import normalize_document
from manara.screening.fusion import FaceEvidence
from manara.screening.index import ScreeningIndex, Target
from manara.screening.models import ScreeningJob
from manara.screening.schemas import DocumentCheck, ScreenIn, ScreenOut, ScreenResult
from manara.screening.service import fingerprint, next_step, search_person


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


def do_finish_screening(
    session: Session, actor: Actor, query: ScreenIn, found: list[tuple[Any, Target]], *, audit: bool = True
) -> ScreenOut:
    """Raise the hits of ``found``, check the documents, audit the screening; the write half of a screening."""
    fp = fingerprint(query)
    results = [_result(session, actor, query, scored, target, fp) for scored, target in found if scored.score > 0]
    documents = [
        DocumentCheck.model_validate(do_check_document(session, actor, d.number, d.country, audit=False))
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


def do_screen_person(
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
    return do_finish_screening(session, actor, query, found, audit=audit)


def do_check_document(
    session: Session, actor: Actor, number: str, country: str, *, audit: bool = True
) -> dict[str, Any]:
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


def do_log_face_search(session: Session, actor: Actor, evidence: FaceEvidence) -> None:
    """Audit a screening's face search: the modality and the templates returned, never the probe."""
    record(
        session,
        actor,
        AuditAction.BIOMETRIC_SEARCHED,
        target_type="biometric_template",
        target_ids=evidence.template_ids,
        extra={"modality": "face", "via": "screen"},
    )


def do_log_batch_chunk(session: Session, actor: Actor, rows: list[dict[str, Any]]) -> None:
    """Audit one chunk of a batch: each valid row's query and the notices it was scored against."""
    record(
        session,
        actor,
        AuditAction.SCREENING_BATCH,
        target_type="notice",
        target_ids=sorted({n for a in rows for n in a["results"]}),
        query={"rows": rows},
    )


def do_queue_batch_job(session: Session, actor: Actor, job: ScreeningJob, *, size: int) -> ScreeningJob:
    """Queue a batch job whose upload of ``size`` bytes is stored; audit the submission."""
    job.status = "queued"
    session.add(job)
    session.flush()
    record(
        session,
        actor,
        AuditAction.SCREENING_BATCH,
        target_type="screening_job",
        target_ids=[job.id],
        extra={"format": job.input_format, "bytes": size},
    )
    return job


def do_log_batch_download(session: Session, actor: Actor, job: ScreeningJob) -> None:
    """Audit the download of a finished job's results."""
    record(
        session,
        actor,
        AuditAction.SCREENING_BATCH,
        target_type="screening_job",
        target_ids=[job.id],
        extra={"download": True},
    )


class Counts(Protocol):
    """A batch's progress (``batch.BatchCounts``)."""

    processed: int
    matched: int
    hits: int
    errors: int


RUNNABLE = ("queued", "failed")  # claimed atomically: two runners never run one job


def do_claim_job(session: Session, job_id: str) -> ScreeningJob | None:
    """Mark a queued (or failed) job running and return it; None if missing, running elsewhere or done."""
    claim = update(ScreeningJob).where(ScreeningJob.id == job_id, ScreeningJob.status.in_(RUNNABLE))
    if session.execute(claim.values(status="running", started_at=utcnow())).rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.get(ScreeningJob, job_id)


def do_record_job_progress(session: Session, job_id: str, counts: Counts) -> None:
    """Store a running job's progress."""
    session.execute(
        update(ScreeningJob)
        .where(ScreeningJob.id == job_id)
        .values(processed=counts.processed, matched=counts.matched, hits=counts.hits, errors=counts.errors)
    )


def do_finish_job(session: Session, job_id: str, status: str, error: str | None, counts: Counts) -> None:
    """Record a job's end: ``done`` with its counts, or ``failed`` with the error."""
    job = session.get(ScreeningJob, job_id)
    assert job is not None
    job.status, job.finished_at, job.error = status, utcnow(), error
    if status == "done":
        job.total, job.processed, job.matched = counts.processed, counts.processed, counts.matched
        job.hits, job.errors = counts.hits, counts.errors


def do_purge_jobs(session: Session, job_ids: list[str]) -> None:
    """Mark finished jobs whose files passed their retention as ``purged`` (never run, never downloaded again);
    the runner deletes their files after this commits. Audited as the system's act, with the jobs' ids."""
    if not job_ids:
        return
    session.execute(update(ScreeningJob).where(ScreeningJob.id.in_(job_ids)).values(status="purged"))
    record(session, SYSTEM, AuditAction.SCREENING_PURGED, target_type="screening_job", target_ids=job_ids)


def do_requeue_running_jobs(session: Session) -> None:
    """Queue again the jobs a stopped server left running."""
    session.execute(update(ScreeningJob).where(ScreeningJob.status == "running").values(status="queued"))
