"""API key format, generation and verification: ``mnr_<prefix>_<secret>``, SHA-256 digest at rest."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

KEY_PREFIX = "mnr"


@dataclass(frozen=True)
class NewKey:
    """A freshly generated key: the full token is shown once and never stored."""

    prefix: str
    token: str
    digest: str


def digest(secret: str) -> str:
    """Return the stored digest of a key secret (keys are random, so a fast hash is sufficient)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def generate() -> NewKey:
    """Generate a new random key."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return NewKey(prefix=prefix, token=f"{KEY_PREFIX}_{prefix}_{secret}", digest=digest(secret))


def parse(token: str) -> tuple[str, str] | None:
    """Split a presented token into (prefix, secret), or None when malformed."""
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2] or len(token) > 200:
        return None
    return parts[1], parts[2]


def matches(secret: str, stored_digest: str) -> bool:
    """Compare a presented secret with a stored digest in constant time."""
    return hmac.compare_digest(digest(secret), stored_digest)
