"""Access to assessments: the owner member, the peer reviewer while in review, and the dissemination list once
published; 404 for everyone else."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from manara.assessment.models import Assessment, AssessmentRender, AssessmentStatus
from manara.errors import NotFound
from manara.identity import Actor, Perm

RELEASED = (AssessmentStatus.PUBLISHED.value, AssessmentStatus.SUPERSEDED.value)


def can_view_assessment(actor: Actor, assessment: Assessment) -> bool:
    """Tell whether ``actor`` may see ``assessment``."""
    if not actor.can(Perm.ASSESSMENT_READ):
        return False
    if assessment.owner_country == actor.country:
        return True
    if (
        assessment.status == AssessmentStatus.IN_REVIEW
        and assessment.reviewer_country == actor.country
        and actor.can(Perm.ASSESSMENT_REVIEW)
    ):
        return True
    return assessment.status in RELEASED and actor.country in assessment.dissemination


def assessment_visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """Return the default-deny WHERE clause of assessment lists."""
    if not actor.can(Perm.ASSESSMENT_READ):
        return false()
    clauses = [
        Assessment.owner_country == actor.country,
        and_(Assessment.status.in_(RELEASED), Assessment.dissemination_key.contains(f",{actor.country},")),
    ]
    if actor.can(Perm.ASSESSMENT_REVIEW):
        clauses.append(
            and_(Assessment.status == AssessmentStatus.IN_REVIEW, Assessment.reviewer_country == actor.country)
        )
    return or_(*clauses)


def access_assessment_by_id(session: Session, actor: Actor, assessment_id: str) -> Assessment:
    """Return the assessment if the actor may see it; otherwise raise NotFound."""
    assessment = session.get(Assessment, assessment_id)
    if assessment is None or not can_view_assessment(actor, assessment):
        raise NotFound("assessment", assessment_id)
    return assessment


def access_assessment_for_owner(session: Session, actor: Actor, assessment_id: str) -> Assessment:
    """Return an assessment of the actor's own member, if the actor may write assessments; otherwise NotFound."""
    assessment = access_assessment_by_id(session, actor, assessment_id)
    if assessment.owner_country != actor.country or not actor.can(Perm.ASSESSMENT_WRITE):
        raise NotFound("assessment", assessment_id)
    return assessment


def access_render(session: Session, actor: Actor, assessment: Assessment, render_id: str) -> AssessmentRender:
    """Return a rendering of an assessment the actor may see; otherwise NotFound."""
    render = session.get(AssessmentRender, render_id)
    if render is None or render.assessment_id != assessment.id:
        raise NotFound("assessment_render", render_id)
    return render


def renders_of(session: Session, assessment: Assessment) -> list[AssessmentRender]:
    """The renderings of an assessment, newest first."""
    rows = select(AssessmentRender).where(AssessmentRender.assessment_id == assessment.id)
    return list(session.scalars(rows.order_by(AssessmentRender.created_at.desc())))
