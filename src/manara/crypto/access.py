"""Access to crypto records. Ledger rows are public chain facts (anyone with ``crypto:read``); tags and wallets
follow their owner's visibility; investigations are their owner country's only."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_
from sqlalchemy.orm import Session

from manara.crypto.models import CryptoInvestigation, CryptoTag, CryptoWallet
from manara.errors import Forbidden, NotFound
from manara.identity import Actor, Perm
from manara.visibility import may_see, reaches


def require_read(actor: Actor) -> None:
    """Raise Forbidden unless the actor may read crypto tracing."""
    if not actor.can(Perm.CRYPTO_READ):
        raise Forbidden("this role may not use crypto tracing")


def require_write(actor: Actor) -> None:
    """Raise Forbidden unless the actor may import, tag and report wallets."""
    if not actor.can(Perm.CRYPTO_WRITE):
        raise Forbidden("this role may not change crypto records")


def can_view(actor: Actor, record: CryptoTag | CryptoWallet) -> bool:
    """Tell whether ``actor`` may see a tag or a wallet."""
    if not actor.can(Perm.CRYPTO_READ):
        return False
    return may_see(
        owner=record.owner_country, visibility=record.visibility, shared_with=record.shared_with, country=actor.country
    )


def tag_visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """Return the default-deny WHERE clause of tag queries."""
    if not actor.can(Perm.CRYPTO_READ):
        return false()
    return or_(CryptoTag.owner_country == actor.country, reaches(CryptoTag, actor.country))


def wallet_visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """Return the default-deny WHERE clause of wallet queries."""
    if not actor.can(Perm.CRYPTO_READ):
        return false()
    return or_(CryptoWallet.owner_country == actor.country, reaches(CryptoWallet, actor.country))


def access_tag_by_id(session: Session, actor: Actor, tag_id: str) -> CryptoTag:
    """Return a tag the actor may see, else NotFound."""
    tag = session.get(CryptoTag, tag_id)
    if tag is None or not can_view(actor, tag):
        raise NotFound("crypto_tag", tag_id)
    return tag


def access_tag_for_owner(session: Session, actor: Actor, tag_id: str) -> CryptoTag:
    """Return a tag of the actor's country that the actor may change, else NotFound."""
    tag = session.get(CryptoTag, tag_id)
    if tag is None or tag.owner_country != actor.country or not actor.can(Perm.CRYPTO_WRITE):
        raise NotFound("crypto_tag", tag_id)
    return tag


def access_wallet_by_id(session: Session, actor: Actor, wallet_id: str) -> CryptoWallet:
    """Return a wallet the actor may see, else NotFound."""
    wallet = session.get(CryptoWallet, wallet_id)
    if wallet is None or not can_view(actor, wallet):
        raise NotFound("crypto_wallet", wallet_id)
    return wallet


def access_wallet_for_owner(session: Session, actor: Actor, wallet_id: str) -> CryptoWallet:
    """Return a wallet of the actor's country that the actor may change, else NotFound."""
    wallet = session.get(CryptoWallet, wallet_id)
    if wallet is None or wallet.owner_country != actor.country or not actor.can(Perm.CRYPTO_WRITE):
        raise NotFound("crypto_wallet", wallet_id)
    return wallet


def access_investigation_by_id(session: Session, actor: Actor, investigation_id: str) -> CryptoInvestigation:
    """Return an investigation of the actor's country, else NotFound."""
    found = session.get(CryptoInvestigation, investigation_id)
    if found is None or found.owner_country != actor.country or not actor.can(Perm.CRYPTO_READ):
        raise NotFound("crypto_investigation", investigation_id)
    return found
