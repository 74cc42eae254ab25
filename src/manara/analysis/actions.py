"""Write path of analysis: suggested links (suggest, judge), cross-matching runs (request, claim, progress,
finish) and audited reads; audit + outbox, never commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from manara.analysis.models import JUDGEMENTS, LinkStatus, SuggestedLink, XrefRun, XrefState
from manara.analysis.xref import Candidate
from manara.audit.actions import AuditAction, record
from manara.db.base import utcnow
from manara.errors import Conflict, ValidationFailed
from manara.identity import Actor
from manara.outbox.service import enqueue


def _existing(session: Session, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], SuggestedLink]:
    lefts = sorted({left for left, _ in pairs})
    stmt = select(SuggestedLink).where(SuggestedLink.left_pk.in_(lefts))
    return {(s.left_pk, s.right_pk): s for s in session.scalars(stmt) if (s.left_pk, s.right_pk) in pairs}


def _refresh(link: SuggestedLink, cand: Candidate) -> bool:
    """Update a still-unjudged link with new evidence; judged pairs are never touched (not_same stays)."""
    if link.status != LinkStatus.SUGGESTED or (link.score, link.features) == (cand.score, cand.features):
        return False
    link.score, link.features, link.explanation = cand.score, cand.features, cand.explanation
    link.kind, link.algorithm = cand.kind, cand.algorithm
    return True


def do_suggest_links(
    session: Session, actor: Actor, candidates: Sequence[Candidate], owners: dict[str, str]
) -> list[SuggestedLink]:
    """Store new suggested pairs (``owners`` maps entity pk to owner); return the links created.

    Each owner is told a link exists (``analysis.link_suggested``: the link id and its own entity, nothing
    of the other side); only those who may see both entities can read the link itself.
    """
    best: dict[tuple[str, str], Candidate] = {}
    for cand in candidates:
        if cand.pair not in best or cand.score > best[cand.pair].score:
            best[cand.pair] = cand
    if not best:
        return []
    existing = _existing(session, set(best))
    created, updated = [], []
    for (left, right), cand in sorted(best.items()):
        link = existing.get((left, right))
        if link is not None:
            if _refresh(link, cand):
                updated.append(link.id)
            continue
        link = SuggestedLink(
            left_pk=left,
            right_pk=right,
            left_owner=owners[left],
            right_owner=owners[right],
            kind=cand.kind,
            algorithm=cand.algorithm,
            score=cand.score,
            features=cand.features,
            explanation=cand.explanation,
            status=LinkStatus.SUGGESTED.value,
        )
        session.add(link)
        created.append(link)
    session.flush()
    if created or updated:
        record(
            session,
            actor,
            AuditAction.LINK_SUGGESTED,
            target_type="suggested_link",
            target_ids=[link.id for link in created] + updated,
            extra={"created": len(created), "updated": len(updated)},
        )
    for link in created:
        for pk, owner in ((link.left_pk, link.left_owner), (link.right_pk, link.right_owner)):
            enqueue(session, "analysis.link_suggested", {"link_id": link.id, "entity_id": pk}, country=owner)
    return created


def do_judge_link(session: Session, actor: Actor, link: SuggestedLink, judgement: str) -> SuggestedLink:
    """Record an analyst's judgement of a pair (same, not_same, unsure); a later judgement replaces it."""
    if judgement not in JUDGEMENTS:
        allowed = [j.value for j in JUDGEMENTS]
        raise ValidationFailed("invalid judgement", [{"field": "judgement", "message": f"one of {allowed}"}])
    old = link.status
    link.status, link.judged_at = LinkStatus(judgement).value, utcnow()
    link.judged_by, link.judged_country = actor.user_id, actor.country
    record(
        session,
        actor,
        AuditAction.LINK_JUDGED,
        target_type="suggested_link",
        target_ids=[link.id],
        extra={"old": old, "new": link.status},
    )
    enqueue(session, "analysis.link_judged", {"link_id": link.id, "status": link.status}, country=actor.country)
    return link


# Cross-matching runs (the server job in ``jobs.py``, the run itself in ``run.py``).


def do_request_run(session: Session, actor: Actor, *, scope: str, full: bool) -> XrefRun:
    """Queue a run of ``scope`` ("*" or a country); Conflict if a run is already queued or running."""
    if session.scalar(select(XrefRun.id).where(XrefRun.active.is_not(None))) is not None:
        raise Conflict("a cross-matching run is already queued or running")
    run = XrefRun(
        scope=scope,
        full=full,
        country=actor.country,
        user_id=actor.user_id,
        username=actor.username,
        role=actor.role.value,
        active=1,
    )
    try:
        with session.begin_nested():  # a concurrent request won the race: the unique ``active`` refuses us
            session.add(run)
    except IntegrityError as exc:
        raise Conflict("a cross-matching run is already queued or running") from exc
    record(
        session,
        actor,
        AuditAction.XREF_REQUESTED,
        target_type="xref_run",
        target_ids=[run.id],
        extra={"scope": scope, "full": full},
    )
    return run


def do_claim_run(session: Session, *, max_attempts: int) -> XrefRun | None:
    """Mark the queued run running and return it, or None if nothing is queued (or it failed too often)."""
    run = session.scalars(
        select(XrefRun)
        .where(XrefRun.status == "queued")
        .order_by(XrefRun.created_at)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if run is None:
        return None
    run.attempts += 1
    if run.attempts > max_attempts:
        run.status, run.active, run.finished_at = "failed", None, utcnow()
        run.error = f"interrupted {max_attempts} times"
        return None
    run.status, run.started_at = "running", run.started_at or utcnow()
    return run


def do_record_run_progress(session: Session, run_id: str, done: int, total: int) -> None:
    """Store a running run's progress."""
    session.execute(update(XrefRun).where(XrefRun.id == run_id).values(matched=done, total=total))


def do_finish_run(session: Session, run_id: str, values: dict[str, object]) -> None:
    """Record a run's end (status, counts or error) and free the single active slot."""
    session.execute(update(XrefRun).where(XrefRun.id == run_id).values(active=None, finished_at=utcnow(), **values))


def do_requeue_runs(session: Session) -> None:
    """Queue again the runs a stopped server left running."""
    session.execute(update(XrefRun).where(XrefRun.status == "running").values(status="queued"))


def do_finish_xref(
    session: Session,
    actor: Actor,
    *,
    scope: str,
    started: datetime,
    since: datetime | None,
    indexed: int,
    matched: int,
    links: int,
) -> XrefState:
    """Move the scope's watermark to the run's start and audit the run's counts."""
    state = session.get(XrefState, scope)
    if state is None:
        state = XrefState(scope=scope, watermark=started)
        session.add(state)
    state.watermark, state.entities, state.links = started, matched, links
    record(
        session,
        actor,
        AuditAction.XREF_RUN,
        target_type="xref_state",
        target_ids=[scope],
        extra={
            "since": since.isoformat() if since else None,
            "indexed": indexed,
            "matched": matched,
            "links": links,
        },
    )
    return state


# Audited reads (the analysis API and the console's link chart).


def do_log_analysis_read(
    session: Session,
    actor: Actor,
    target_type: str,
    target_ids: Iterable[str],
    *,
    query: dict[str, Any] | None = None,
) -> None:
    """Audit what an analysis read showed: suggested links, or the entities of a cluster, graph or path."""
    record(session, actor, AuditAction.ANALYSIS_VIEWED, target_type=target_type, target_ids=target_ids, query=query)


def do_log_analysis_export(session: Session, actor: Actor, entity_ids: Iterable[str], *, fmt: str, depth: int) -> None:
    """Audit the export of a neighbourhood: every entity handed out, the format and the depth."""
    record(
        session,
        actor,
        AuditAction.ANALYSIS_EXPORTED,
        target_type="entity",
        target_ids=entity_ids,
        extra={"format": fmt, "depth": depth},
    )
