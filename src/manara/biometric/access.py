"""Access to biometric templates: visible where the template's scope and its subject's both allow."""

from __future__ import annotations

from sqlalchemy.orm import Session

from manara.biometric.models import BiometricTemplate
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
