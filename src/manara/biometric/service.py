"""Biometric reads: 1:N search with a gallery-size threshold. Never commits, never keeps the probe."""

from __future__ import annotations

import math

from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.biometric.engines import BiometricEngine, Template
from manara.biometric.index import BiometricIndex
from manara.biometric.schemas import Candidate, SearchOut
from manara.member.roles import Actor

BASE_THRESHOLD = 0.5  # the engine's 1:1 decision similarity (dlib: distance 0.6)
PER_DECADE = 1 / 30  # raised per tenfold gallery growth ...
MAX_RAISE = 1 / 6  # ... up to this much (reached at 10^5 templates)


def candidate_threshold(gallery_size: int) -> float:
    """Return the alert threshold for a gallery of ``gallery_size`` templates.

    A 1:1 threshold with false-accept rate FAR makes about N·FAR false candidates per search over N
    templates, so the threshold rises with log10(N) to keep that number near constant. Candidates
    below it are still returned, marked ``above_threshold: false``, for human review.
    """
    raise_by = PER_DECADE * math.log10(max(gallery_size, 1))
    return round(BASE_THRESHOLD + min(raise_by, MAX_RAISE), 4)


def search(
    session: Session, actor: Actor, index: BiometricIndex, engine: BiometricEngine, probe: Template, limit: int
) -> SearchOut:
    """Rank the templates the actor may see against a probe template; audit the modality only."""
    key = (engine.name, engine.template_version)
    gallery = index.visible_count(key, actor.country)
    threshold = candidate_threshold(gallery)
    found = index.search(key, actor.country, probe.vector, limit)
    candidates = []
    for rank, (entry, distance) in enumerate(found, start=1):
        score = round(engine.similarity(distance), 4)
        candidates.append(Candidate(rank=rank, template_id=entry.template_id, subject_pk=entry.subject_pk,
                                    notice_id=entry.notice_id, owner_country=entry.owner, score=score,
                                    above_threshold=score >= threshold))  # fmt: skip
    record(session, actor, AuditAction.BIOMETRIC_SEARCHED, target_type="biometric_template",
           target_ids=[c.template_id for c in candidates], extra={"modality": str(engine.modality)})  # fmt: skip
    return SearchOut(modality=str(engine.modality), engine=engine.name, template_version=engine.template_version,
                     gallery_size=gallery, threshold=threshold, probe_quality=probe.quality,
                     probe_warnings=list(probe.warnings), candidates=candidates)  # fmt: skip
