"""Biometric reads: 1:N search with a gallery-size threshold. Never commits, never keeps the probe."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.biometric.actions import do_log_biometric_search
from manara.biometric.engines import PairwiseEngine, Template, VectorEngine
from manara.biometric.index import BiometricIndex, Entry
from manara.biometric.schemas import Candidate, SearchOut
from manara.entity.access import entity_visibility_filter
from manara.entity.models import Entity
from manara.identity import Actor
from manara.notice.access import notice_visibility_filter
from manara.notice.models import Notice

BASE_THRESHOLD = 0.5  # the engine's 1:1 decision similarity (dlib: distance 0.6)
PER_DECADE = 1 / 30  # raised per tenfold gallery growth ...
MAX_RAISE = 1 / 6  # ... up to this much (reached at 10^5 templates)


def candidate_threshold(gallery_size: int, base: float = BASE_THRESHOLD) -> float:
    """Return the alert threshold for a gallery of ``gallery_size`` templates.

    A 1:1 threshold with false-accept rate FAR makes about N·FAR false candidates per search over N
    templates, so the threshold rises with log10(N) to keep that number near constant. Candidates
    below it are still returned, marked ``above_threshold: false``, for human review.
    """
    raise_by = PER_DECADE * math.log10(max(gallery_size, 1))
    return round(base + min(raise_by, MAX_RAISE), 4)


def visible_notice_ids(session: Session, actor: Actor, ids: set[str]) -> set[str]:
    """Return the notices among ``ids`` the actor may see."""
    if not ids:
        return set()
    return set(session.scalars(select(Notice.id).where(Notice.id.in_(sorted(ids)), notice_visibility_filter(actor))))


def hide_invisible_notices(session: Session, actor: Actor, candidates: list[Candidate]) -> list[Candidate]:
    """Check every id a candidate list names against the actor's *current* access (finding 12).

    A candidate whose subject the actor may no longer see (narrowed or withdrawn since the index was
    refreshed) is dropped and the ranks closed up, so no gap betrays it; the notice of a candidate is
    blanked when the actor may not see that notice (a draft, another member's owner-only notice, one
    cancelled since): the template may be shared more widely than its notice."""
    subjects = {c.subject_pk for c in candidates}
    seen = set(
        session.scalars(select(Entity.id).where(Entity.id.in_(sorted(subjects)), entity_visibility_filter(actor)))
    )
    kept = [c for c in candidates if c.subject_pk in seen]
    visible = visible_notice_ids(session, actor, {c.notice_id for c in kept if c.notice_id})
    return [
        c.model_copy(update={"rank": rank, "notice_id": c.notice_id if c.notice_id in visible else None})
        for rank, c in enumerate(kept, start=1)
    ]


def search(
    session: Session, actor: Actor, index: BiometricIndex, engine: VectorEngine, probe: Template, limit: int
) -> SearchOut:
    """Rank the templates the actor may see against a probe template; audit the modality only."""
    key = (engine.name, engine.template_version)
    gallery = index.visible_count(key, actor.country)
    threshold = candidate_threshold(gallery)
    found = index.search(key, actor.country, probe.vector, limit)
    candidates = []
    for rank, (entry, distance) in enumerate(found, start=1):
        score = round(engine.similarity(distance), 4)
        candidates.append(
            Candidate(
                rank=rank,
                template_id=entry.template_id,
                subject_pk=entry.subject_pk,
                notice_id=entry.notice_id,
                owner_country=entry.owner,
                score=score,
                above_threshold=score >= threshold,
            )
        )
    candidates = hide_invisible_notices(session, actor, candidates)
    search_id = do_log_biometric_search(
        session,
        actor,
        str(engine.modality),
        [c.template_id for c in candidates],
        [c.score for c in candidates],
        threshold,
    )
    return SearchOut(
        search_id=search_id,
        modality=str(engine.modality),
        engine=engine.name,
        template_version=engine.template_version,
        gallery_size=gallery,
        threshold=threshold,
        probe_quality=probe.quality,
        probe_warnings=list(probe.warnings),
        candidates=candidates,
    )


@dataclass(frozen=True)
class FingerProbe:
    """One finger of a search: its template and ANSI/NIST position (0 = unknown: compared with every finger)."""

    template: Template
    position: int = 0


def search_fingers(
    session: Session,
    actor: Actor,
    index: BiometricIndex,
    engine: PairwiseEngine,
    probes: list[FingerProbe],
    limit: int,
    fusion: str = "max",
) -> SearchOut:
    """Rank subjects by their fingerprints against one or several probe fingers; audit the modality only.

    Each probe finger is compared with every visible template of the same position (or any position when
    either side's is unknown); a subject's score per probe finger is its best template's, and the
    subject's score fuses the fingers: ``max`` (best finger) or ``sum`` (summed, divided by the number
    of probe fingers so the score stays in [0, 1]). One candidate per subject, at most ``limit``.
    """
    key = (engine.name, engine.template_version)
    gallery = index.visible_minutiae(key, actor.country)  # visibility first: hidden templates are never compared
    per_subject: dict[str, list[tuple[float, Entry]]] = {}
    for number, probe in enumerate(probes):
        pool = [
            (e, v)
            for e, v in gallery
            if not probe.position or not e.finger_position or e.finger_position == probe.position
        ]
        vectors = [v for _, v in pool]
        scores = engine.compare_many(probe.template.vector, vectors)
        for (entry, _), score in zip(pool, scores, strict=True):
            best = per_subject.setdefault(entry.subject_pk, [(0.0, entry)] * len(probes))
            if float(score) > best[number][0]:
                best[number] = (float(score), entry)
    fused = []
    for fingers in per_subject.values():
        total = max(s for s, _ in fingers) if fusion == "max" else sum(s for s, _ in fingers) / len(fingers)
        fused.append((round(total, 4), max(fingers, key=lambda f: f[0])[1]))
    fused.sort(key=lambda f: (-f[0], f[1].template_id))
    threshold = candidate_threshold(len(gallery), base=engine.decision_threshold)
    candidates = [
        Candidate(
            rank=rank,
            template_id=entry.template_id,
            subject_pk=entry.subject_pk,
            notice_id=entry.notice_id,
            owner_country=entry.owner,
            score=score,
            above_threshold=score >= threshold,
            finger_position=entry.finger_position,
        )
        for rank, (score, entry) in enumerate(fused[:limit], start=1)
    ]
    candidates = hide_invisible_notices(session, actor, candidates)
    search_id = do_log_biometric_search(
        session,
        actor,
        str(engine.modality),
        [c.template_id for c in candidates],
        [c.score for c in candidates],
        threshold,
    )
    return SearchOut(
        search_id=search_id,
        modality=str(engine.modality),
        engine=engine.name,
        template_version=engine.template_version,
        gallery_size=len(gallery),
        threshold=threshold,
        probe_quality=min(p.template.quality for p in probes),
        probe_warnings=sorted({w for p in probes for w in p.template.warnings}),
        candidates=candidates,
        fusion=fusion,
    )
