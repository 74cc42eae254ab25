"""Who may read a batch screening job: the members of its country who may screen (404 otherwise)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from manara.errors import NotFound
from manara.identity import Actor, Perm
from manara.screening.models import ScreeningJob


def access_job(session: Session, actor: Actor, job_id: str) -> ScreeningJob:
    """Return a job of the actor's country if the actor may screen; otherwise NotFound."""
    job = session.get(ScreeningJob, job_id)
    if job is None or job.country != actor.country or not actor.can(Perm.SCREEN):
        raise NotFound("screening_job", job_id)
    return job
