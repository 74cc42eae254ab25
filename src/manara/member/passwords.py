"""Console passwords: argon2 hashes, sign-in with lockout, password changes. Audited; never commits."""

from __future__ import annotations

import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.db.base import utcnow
from manara.errors import ValidationFailed
from manara.identity import Actor, Role
from manara.member.models import User
from manara.member.service import get_user_by_username

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_LENGTH = 12
_hasher = PasswordHasher()
# Verified against when the username is unknown, so that both failures cost the same time.
_DUMMY_HASH = _hasher.hash("manara-no-such-user")


def hash_password(password: str) -> str:
    """Return the argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Tell whether ``password`` matches the stored hash (always spends one argon2 verification)."""
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def user_actor(user: User) -> Actor:
    """Return the actor of a user signed in to the console."""
    return Actor(user_id=user.id, username=user.username, country=user.country, role=Role(user.role))


def _anonymous(username: str) -> Actor:
    """The actor recorded for a failed sign-in under a name that is not a user."""
    return Actor(
        user_id="anonymous", username=username[:100], country="ZZ", role=Role.FRONTLINE_OFFICER, scopes=frozenset()
    )


def do_set_password(
    session: Session, user: User, password: str, *, acting: Actor, min_length: int = MIN_LENGTH
) -> User:
    """Set a user's console password (argon2) and lift any lockout."""
    if len(password) < min_length or len(password) > 1024:
        raise ValidationFailed(
            "password too short or too long", [{"field": "password", "message": f"{min_length} to 1024 characters"}]
        )
    user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    record(session, acting, AuditAction.USER_PASSWORD_SET, target_type="user", target_ids=[user.id])
    return user


def do_reset_password(session: Session, user: User, *, acting: Actor) -> str:
    """Give a user a new random password (ending their sessions); return it to be shown this once."""
    password = secrets.token_urlsafe(15)  # 20 characters, about 120 bits
    do_set_password(session, user, password, acting=acting)
    return password


def is_locked(user: User) -> bool:
    """Tell whether the account is locked after repeated failures."""
    return user.locked_until is not None and user.locked_until > utcnow()


def second_factor_required(user: User) -> bool:
    """Tell whether the user has a confirmed second factor (see ``manara.member.totp``)."""
    return user.totp_secret is not None and user.totp_confirmed_at is not None


def count_failure(session: Session, user: User, username: str, *, factor: str = "password") -> None:
    """Count a failed password or code against a known user; lock the account at the limit."""
    now = utcnow()
    locked = is_locked(user)
    if not locked:
        user.failed_logins += 1
    record(
        session,
        user_actor(user),
        AuditAction.AUTH_SIGN_IN_FAILED,
        target_type="user",
        target_ids=[user.id],
        extra={"username": username[:100], "locked": locked, "failures": user.failed_logins, "factor": factor},
    )
    if not locked and user.failed_logins >= MAX_FAILURES:
        user.locked_until, user.failed_logins = now + LOCKOUT, 0
        record(
            session,
            user_actor(user),
            AuditAction.AUTH_LOCKED,
            target_type="user",
            target_ids=[user.id],
            extra={"until": user.locked_until.isoformat()},
        )


def sign_in_succeeded(session: Session, user: User) -> None:
    """Clear the failure counters and audit the sign-in (every factor passed)."""
    user.failed_logins, user.locked_until = 0, None
    record(session, user_actor(user), AuditAction.AUTH_SIGNED_IN, target_type="user", target_ids=[user.id])


def do_sign_in(session: Session, username: str, password: str) -> User | None:
    """Return the user when the credentials are right and the account is usable; else None.

    Every outcome is audited. Callers must show one message for every failure: unknown user, wrong
    password, disabled or locked account look the same from outside. For a user with a second factor
    (``second_factor_required``) the sign-in is not complete: the counters stay until the code is right.
    """
    user = get_user_by_username(session, username.strip()) if username.strip() else None
    matched = verify_password(user.password_hash if user else None, password)
    if user is None:
        record(session, _anonymous(username), AuditAction.AUTH_SIGN_IN_FAILED, extra={"username": username[:100]})
        return None
    if not matched or is_locked(user) or not user.active:
        count_failure(session, user, username)
        return None
    if not second_factor_required(user):
        sign_in_succeeded(session, user)
    return user
