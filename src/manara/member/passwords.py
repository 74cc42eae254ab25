"""Console passwords: argon2 hashes and the lockout rules. Setting a password and signing in (audited) are
actions (``member/actions.py``)."""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from manara.db.base import utcnow
from manara.identity import Actor, Role
from manara.member.models import User

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


def is_locked(user: User) -> bool:
    """Tell whether the account is locked after repeated failures."""
    return user.locked_until is not None and user.locked_until > utcnow()


def second_factor_required(user: User) -> bool:
    """Tell whether the user has a confirmed second factor (see ``manara.member.totp``)."""
    return user.totp_secret is not None and user.totp_confirmed_at is not None
