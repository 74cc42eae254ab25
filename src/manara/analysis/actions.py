"""Write path of suggested links: suggest (cross-matching) and judge; audit + outbox, never commit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.analysis.models import JUDGEMENTS, LinkStatus, SuggestedLink
from manara.analysis.xref import Candidate
from manara.audit.actions import AuditAction, record
from manara.db.base import utcnow
from manara.errors import ValidationFailed
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
