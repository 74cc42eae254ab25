"""Face evidence in name screening: one fused, explained score per candidate notice.

Fusion rule (likelihood-ratio fusion, the naive-Bayes combination of independent evidence):

    fused log-odds = logit(max(name probability, NAME_FLOOR)) + clip(face LLR(s), FACE_LLR_MIN, FACE_LLR_MAX)
    face LLR(s)    = FACE_SLOPE · (s − FACE_EVEN)

The name probability is the screening model's score (a calibrated logistic probability). Names lie
(aliases, transliterations, false identities), and the name model gives unrelated names a near-zero
probability, so when a face is compared the name probability is first floored at NAME_FLOOR: a strong
face match is not vetoed by a different name, and is still not an alert on a mediocre face. The face
log-likelihood ratio is the linear (equal-variance Gaussian) fit of genuine against impostor pairs of
LFW View 1 ``pairsDevTrain.txt`` scored by the default face engine (``benchmarks/biometrics.py`` prints it):
a similarity of FACE_EVEN is as likely from the same person as from two people. Face evidence can
raise a weak name match (an alias) above the alert threshold, and lower a name match whose photo
disagrees, but by at most |FACE_LLR_MIN| nats, less than it can raise it: a name hit on a wanted person
is not dismissed on a photograph alone.

Candidates: the name search's, plus every notice whose subject has a face template the screener may
see scoring at or above the gallery-size threshold (``service.candidate_threshold``); those carry the
name model's evidence for the query if the name index scores them, else none (the floor applies). A
notice whose subject has no visible face template keeps its name score unchanged. The probe image and
template are never stored: the audit event records the modality and the templates returned.
Limit: face evidence comes from the FACE_CANDIDATES nearest visible templates; a name candidate whose
subject's face is farther than those is treated as having no face evidence (not as a disagreeing face).
"""

from __future__ import annotations

import base64
import binascii
import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from manara.biometric.engines import Modality, vector_engine
from manara.biometric.index import BiometricIndex
from manara.biometric.service import candidate_threshold
from manara.errors import Forbidden, PayloadTooLarge, ValidationFailed
from manara.identity import Actor, Perm
from manara.matching import MatchResult, PersonRecord
from manara.matching.scorer import DEFAULT_THRESHOLD, probability
from manara.settings import get_settings

if TYPE_CHECKING:
    from manara.screening.index import ScreeningIndex, Target

# Gaussian class-conditional fit with pooled variance on LFW pairsDevTrain (benchmarks/biometrics.py):
# genuine similarity 0.657 ± 0.060, impostor 0.328 ± 0.065 (200 pairs, default engine).
FACE_EVEN = 0.49  # similarity with likelihood ratio 1
FACE_SLOPE = 85.0  # nats per unit of similarity
FACE_LLR_MAX = 6.0
FACE_LLR_MIN = -3.0
NAME_FLOOR = 0.05
FACE_CANDIDATES = 50  # face templates read per screening


def face_llr(similarity: float) -> float:
    """Return the clipped log-likelihood ratio (same person vs not) of a face similarity."""
    return max(FACE_LLR_MIN, min(FACE_LLR_MAX, FACE_SLOPE * (similarity - FACE_EVEN)))


def fuse_score(name_probability: float, similarity: float) -> float:
    """Combine a name probability and a face similarity into one probability."""
    p = min(max(name_probability, NAME_FLOOR), 1 - 1e-6)
    z = math.log(p / (1 - p)) + face_llr(similarity)
    return 1.0 / (1.0 + math.exp(-z))


@dataclass
class FaceEvidence:
    """The best face similarity per subject the screener may see, and the alert threshold of that gallery."""

    by_subject: dict[str, float] = field(default_factory=dict)
    threshold: float = 1.0
    template_ids: list[str] = field(default_factory=list)  # what the search returned, for its audit record

    def fuse(
        self,
        index: ScreeningIndex,
        country: str,
        query: PersonRecord,
        found: list[tuple[MatchResult, Target]],
        limit: int,
    ) -> list[tuple[MatchResult, Target]]:
        """Return the name results with face evidence fused in, plus face-only candidates, best first."""
        fused = [(self._apply(result, target), target) for result, target in found]
        seen = {target.notice_id for _, target in found}
        extra = self._face_only(index, country, query, seen)
        fused.extend((self._apply(result, target), target) for result, target in extra)
        fused.sort(key=lambda rt: -rt[0].score)
        return fused[: max(limit, len(found))]

    def _apply(self, result: MatchResult, target: Target) -> MatchResult:
        similarity = self.by_subject.get(target.subject_pk)
        if similarity is None:
            return result
        score = round(fuse_score(result.score, similarity), 4)
        llr = face_llr(similarity)
        features = {**result.features, "face": round(similarity, 4), "face_llr": round(llr, 3)}
        face_text = f"face {similarity:.2f} (log-likelihood ratio {llr:+.1f})"
        explanation = f"{result.explanation}; {face_text}" if result.explanation else face_text
        return replace(
            result, score=score, match=score >= DEFAULT_THRESHOLD, features=features, explanation=explanation
        )

    def _face_only(
        self, index: ScreeningIndex, country: str, query: PersonRecord, seen: set[str]
    ) -> list[tuple[MatchResult, Target]]:
        """Notices of subjects whose face scored at or above the gallery threshold but not found by name."""
        strong = {s for s, sim in self.by_subject.items() if sim >= self.threshold}
        with index.lock:
            known = index.targets
            targets = {
                nid: known[nid]
                for s in strong
                for nid in index.by_subject.get(s, ())
                if nid not in seen and nid in known and known[nid].visible_to(country)
            }
            if not targets:
                return []
            named = {r.id: r for r in index.matcher.search(query, limit=len(targets), allowed=targets.__contains__)}
        prior = probability({})  # no name evidence; fuse_score floors it at NAME_FLOOR
        return [
            (named.get(nid) or MatchResult(nid, round(prior, 4), False, {}, ""), target)
            for nid, target in targets.items()
        ]


def face_evidence(session: Session, actor: Actor, index: BiometricIndex, image_b64: str) -> FaceEvidence:
    """Decode a base64 face image, search it 1:N among the templates the actor may see, keep nothing.

    ``session`` is only read (the index catches up from the outbox); the caller records the search with
    ``screening.actions.do_log_face_search`` in the screening's write transaction. Raises the engine's ImageRejected
    (422) for an unusable image, like the biometric search.
    """
    if not actor.can(Perm.SCREEN):
        raise Forbidden("this role may not screen")
    limit = get_settings().biometric_max_image_bytes
    if len(image_b64) > (limit + 2) // 3 * 4 + 4:
        raise PayloadTooLarge(f"face image larger than {limit} bytes", limit=limit)
    try:
        data = base64.b64decode(image_b64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(
            "face_image is not valid base64", [{"field": "face_image", "message": "not valid base64"}]
        ) from None
    engine = vector_engine(Modality.FACE)
    template = engine.extract(data)
    del data
    index.ensure(session)
    key = (engine.name, engine.template_version)
    gallery = index.visible_count(key, actor.country)
    evidence = FaceEvidence(threshold=candidate_threshold(gallery))
    found = index.search(key, actor.country, template.vector, FACE_CANDIDATES)
    for entry, distance in found:
        similarity = engine.similarity(distance)
        if similarity > evidence.by_subject.get(entry.subject_pk, -1.0):
            evidence.by_subject[entry.subject_pk] = similarity
    evidence.template_ids = [e.template_id for e, _ in found]
    return evidence
