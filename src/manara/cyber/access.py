"""Who may see and change cyber indicators: default deny, 404 for what the actor may not see."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_
from sqlalchemy.orm import Session

from manara.cyber.models import CyberIndicator, TaxiiFeed
from manara.errors import Forbidden, NotFound
from manara.identity import Actor, Perm
from manara.visibility import may_see, reaches


def require_read(actor: Actor) -> None:
    """Refuse (403) an actor whose role or key lacks ``cyber:read``."""
    if not actor.can(Perm.CYBER_READ):
        raise Forbidden("this role or key lacks cyber:read")


def require_write(actor: Actor) -> None:
    """Refuse (403) an actor whose role or key lacks ``cyber:write``."""
    if not actor.can(Perm.CYBER_WRITE):
        raise Forbidden("this role or key lacks cyber:write")


def can_view_indicator(actor: Actor, indicator: CyberIndicator) -> bool:
    """Tell whether ``actor`` may see ``indicator`` (its owner always; others within its visibility)."""
    if not actor.can(Perm.CYBER_READ):
        return False
    if indicator.owner_country == actor.country:
        return True
    return not indicator.revoked and may_see(
        owner=indicator.owner_country,
        visibility=indicator.visibility,
        shared_with=indicator.shared_with,
        country=actor.country,
    )


def indicator_visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """The default-deny WHERE clause of indicator queries (the same rule as `can_view_indicator`)."""
    if not actor.can(Perm.CYBER_READ):
        return false()
    return or_(
        CyberIndicator.owner_country == actor.country,
        (CyberIndicator.revoked.is_(False)) & reaches(CyberIndicator, actor.country),
    )


def access_indicator_by_id(session: Session, actor: Actor, indicator_id: str) -> CyberIndicator:
    """Return an indicator the actor may see, or raise NotFound."""
    indicator = session.query(CyberIndicator).filter(CyberIndicator.id == indicator_id).one_or_none()
    if indicator is None or not can_view_indicator(actor, indicator):
        raise NotFound("indicator", indicator_id)
    return indicator


def access_indicator_for_owner(session: Session, actor: Actor, indicator_id: str) -> CyberIndicator:
    """Return an indicator of the actor's country that the actor may change, or raise NotFound."""
    indicator = session.query(CyberIndicator).filter(CyberIndicator.id == indicator_id).one_or_none()
    if indicator is None or indicator.owner_country != actor.country or not actor.can(Perm.CYBER_WRITE):
        raise NotFound("indicator", indicator_id)
    return indicator


def access_feed_for_owner(session: Session, actor: Actor, feed_id_or_name: str) -> TaxiiFeed:
    """Return a TAXII feed of the actor's country (by id or name) that the actor may run, or raise NotFound."""
    feed = session.get(TaxiiFeed, feed_id_or_name)
    if feed is None:
        feed = (
            session.query(TaxiiFeed)
            .filter(TaxiiFeed.owner_country == actor.country, TaxiiFeed.name == feed_id_or_name)
            .one_or_none()
        )
    if feed is None or feed.owner_country != actor.country or not actor.can(Perm.CYBER_WRITE):
        raise NotFound("taxii feed", feed_id_or_name)
    return feed
