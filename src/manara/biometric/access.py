"""Access to biometric templates: visible where the template's scope and its subject's both allow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from manara.audit.models import AuditEvent
from manara.biometric.models import BiometricTemplate
from manara.db.base import utcnow
from manara.entity.access import can_view_entity
from manara.entity.models import Entity
from manara.errors import NotFound
from manara.identity import Actor, Perm
from manara.visibility import may_see


def template_visible_to(
    template_owner: str, visibility: str, shared_with: list[str], subject_status: str, country: str
) -> bool:
    """Tell whether members of ``country`` may see a template (the owner always; others while active)."""
    if country == template_owner:
        return True
    return subject_status == "active" and may_see(
        owner=template_owner, visibility=visibility, shared_with=shared_with, country=country
    )


def access_template_by_id(session: Session, actor: Actor, template_id: str) -> BiometricTemplate:
    """Return the template if the actor may see it and its subject; otherwise NotFound."""
    template = session.get(BiometricTemplate, template_id)
    subject = session.get(Entity, template.subject_pk) if template is not None else None
    if (
        template is None
        or subject is None
        or not can_view_entity(actor, subject)
        or not template_visible_to(
            template.owner_country, template.visibility, template.shared_with, subject.status, actor.country
        )
    ):
        raise NotFound("biometric template", template_id)
    return template


def access_template_for_owner(session: Session, actor: Actor, template_id: str) -> BiometricTemplate:
    """Return the template if the actor's country owns it and may write entities; otherwise NotFound."""
    template = access_template_by_id(session, actor, template_id)
    if template.owner_country != actor.country or not actor.can(Perm.ENTITY_WRITE):
        raise NotFound("biometric template", template_id)
    return template


SEARCH_VALID_FOR = timedelta(hours=24)  # how long after a search its candidates may be decided on


@dataclass(frozen=True)
class SearchedCandidate:
    """A template as an audited search returned it: the score and threshold that search recorded."""

    search_seq: int
    score: float
    threshold: float


def access_search_candidate(
    session: Session, actor: Actor, search_id: int, template_id: str, now: datetime | None = None
) -> SearchedCandidate:
    """Return what the actor's own search ``search_id`` recorded for ``template_id``; NotFound if that search is
    not the actor's, not a biometric search, older than `SEARCH_VALID_FOR`, or did not return the template.

    The score of a decision comes from here, never from the client: a hit is only raised on a real search."""
    event = session.get(AuditEvent, search_id)
    now = now or utcnow()
    scores = (event.extra or {}).get("scores") if event is not None else None
    if (
        event is None
        or event.action != "biometric.searched"
        or event.user_id != actor.user_id
        or event.occurred_at < now - SEARCH_VALID_FOR
        or not isinstance(scores, list)
        or template_id not in event.target_ids
    ):
        raise NotFound("biometric_search", search_id)
    position = event.target_ids.index(template_id)
    threshold = (event.extra or {}).get("threshold")
    return SearchedCandidate(
        search_id, float(scores[position]), float(threshold) if isinstance(threshold, int | float) else 0.0
    )
