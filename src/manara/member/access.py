"""Access functions of member administration: an administrator manages only their own country's users."""

from __future__ import annotations

from sqlalchemy.orm import Session

from manara.errors import NotFound
from manara.identity import Actor, Perm
from manara.member.models import ApiKey, ConsoleSession, User


def access_user_for_admin(session: Session, actor: Actor, user_id: str) -> User:
    """Return a user of the administrator's country; anything else (or a non-administrator) is NotFound."""
    user = session.get(User, user_id)
    if user is None or user.country != actor.country or not actor.can(Perm.MEMBER_ADMIN):
        raise NotFound("user", user_id)
    return user


def access_api_key_for_revoke(session: Session, actor: Actor, key_id: str) -> ApiKey:
    """Return a key the actor may revoke: their own, or any of their country's as administrator."""
    key = session.get(ApiKey, key_id)
    owner = session.get(User, key.user_id) if key is not None else None
    own = owner is not None and owner.id == actor.user_id
    admin = owner is not None and owner.country == actor.country and actor.can(Perm.MEMBER_ADMIN)
    if key is None or not (own or admin):
        raise NotFound("api_key", key_id)
    return key


def access_own_session(session: Session, actor: Actor, session_id: str) -> ConsoleSession:
    """Return one of the actor's own console sessions; another user's (or none) is NotFound."""
    found = session.get(ConsoleSession, session_id) if len(session_id) <= 36 else None
    if found is None or found.user_id != actor.user_id:
        raise NotFound("console_session", session_id[:36])
    return found
