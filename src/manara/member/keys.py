"""API key format, generation and verification: ``mnr_<prefix>_<secret>``, SHA-256 digest at rest."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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


class KeyCache:
    """Recently verified API keys of this process, so a request does not read the database to authenticate.

    An entry is trusted for at most ``ttl`` seconds (then the key and its user are read again), so a key
    revoked or a user disabled in any process stops working within ``ttl``; a revocation in this process
    clears the cache at once. Entries are keyed by the digest of the whole token, never the token itself.
    """

    def __init__(self, ttl: float = 1.0, size: int = 4096) -> None:
        self.ttl, self.size = ttl, size
        self._entries: dict[str, tuple[float, datetime, Any]] = {}
        self._lock = threading.Lock()

    def get(self, token: str, now: datetime) -> Any | None:
        """Return what was stored for ``token`` if still fresh and the key not yet expired at ``now``."""
        entry = self._entries.get(digest(token))
        if entry is None:
            return None
        fetched, expires_at, value = entry
        if time.monotonic() - fetched >= self.ttl or expires_at <= now:
            return None
        return value

    def put(self, token: str, expires_at: datetime, value: Any) -> None:
        """Remember a verified key until ``ttl`` passes (or the key expires, whichever comes first)."""
        with self._lock:
            if len(self._entries) >= self.size:
                self._entries.clear()
            self._entries[digest(token)] = (time.monotonic(), expires_at, value)

    def clear(self) -> None:
        """Forget every key (after a revocation or a change of user)."""
        with self._lock:
            self._entries.clear()


CACHE = KeyCache()
