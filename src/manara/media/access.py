"""Access to hash banks and match reports: default deny, 404 for what the actor may not see."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_
from sqlalchemy.orm import Session

from manara.errors import NotFound
from manara.identity import Actor, Perm
from manara.media.models import HashBank, MediaHash, MediaMatch
from manara.visibility import may_see, reaches


def can_view_bank(actor: Actor, bank: HashBank) -> bool:
    """Owner always; other members while the bank is active and within its visibility."""
    if not actor.can(Perm.MEDIA_READ):
        return False
    if bank.owner_country == actor.country:
        return True
    return bank.active and may_see(
        owner=bank.owner_country, visibility=bank.visibility, shared_with=bank.shared_with, country=actor.country
    )


def can_match_bank(actor: Actor, bank: HashBank) -> bool:
    """A bank is matched against only while active and visible to the querying member."""
    return actor.can(Perm.MEDIA_MATCH) and bank.active and can_view_bank(actor, bank)


def bank_visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """The default-deny WHERE clause of bank queries (the same rule as ``can_view_bank``)."""
    if not actor.can(Perm.MEDIA_READ):
        return false()
    active_and_reaching = and_(HashBank.active.is_(True), reaches(HashBank, actor.country))
    return or_(HashBank.owner_country == actor.country, active_and_reaching)


def access_bank_by_id(session: Session, actor: Actor, bank_id: str) -> HashBank:
    """Return a bank the actor may see, otherwise NotFound."""
    bank = session.get(HashBank, bank_id)
    if bank is None or not can_view_bank(actor, bank):
        raise NotFound("media_bank", bank_id)
    return bank


def access_bank_for_owner(session: Session, actor: Actor, bank_id: str) -> HashBank:
    """Return a bank of the actor's country if the actor may change it, otherwise NotFound."""
    bank = session.get(HashBank, bank_id)
    if bank is None or bank.owner_country != actor.country or not actor.can(Perm.MEDIA_WRITE):
        raise NotFound("media_bank", bank_id)
    return bank


def access_hash_for_owner(session: Session, actor: Actor, hash_id: str) -> MediaHash:
    """Return a hash in a bank of the actor's country if the actor may change it, otherwise NotFound."""
    row = session.get(MediaHash, hash_id)
    if row is None or row.owner_country != actor.country or not actor.can(Perm.MEDIA_WRITE):
        raise NotFound("media_hash", hash_id)
    return row


def can_view_match(actor: Actor, match: MediaMatch) -> bool:
    """A match report is seen by the member that matched and by the bank's owner."""
    return actor.can(Perm.MEDIA_READ) and actor.country in (match.querying_country, match.owner_country)


def match_visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """The WHERE clause of match report lists."""
    if not actor.can(Perm.MEDIA_READ):
        return false()
    return or_(MediaMatch.querying_country == actor.country, MediaMatch.owner_country == actor.country)


def access_match_by_id(session: Session, actor: Actor, match_id: str) -> MediaMatch:
    """Return a match report the actor may see, otherwise NotFound."""
    match = session.get(MediaMatch, match_id)
    if match is None or not can_view_match(actor, match):
        raise NotFound("media_match", match_id)
    return match


def access_match_for_feedback(session: Session, actor: Actor, match_id: str) -> MediaMatch:
    """Return a match report the actor's country made, for its feedback to the bank owner; else NotFound."""
    match = session.get(MediaMatch, match_id)
    if match is None or match.querying_country != actor.country or not actor.can(Perm.MEDIA_MATCH):
        raise NotFound("media_match", match_id)
    return match
