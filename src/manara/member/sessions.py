"""Server-side console sessions and the sign-in back-off: tokens, lifetimes and queries (writes are in
``actions.py``).

The browser's cookie carries a random token (signed by the web layer); the database keeps only its SHA-256
digest, so neither a leaked database nor a leaked log lets anyone sign in. A session is usable while it is
not revoked, not expired, its user is active and may use the console with that credential (a password, or
an OpenID Connect sign-in), and the browser's user agent is the one that opened it.

The back-off counts failed sign-ins per (address, account): past ``FREE_FAILURES`` each failure doubles the
wait of that pair, up to ``MAX_WAIT``. An attacker slows only their own address; the account's owner signs
in from theirs as usual — nobody can lock anybody else out.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.db.base import utcnow
from manara.member.models import ConsoleSession, SignInThrottle, User

LIFETIME = timedelta(hours=12)
TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most this often (one write, not one per request)
CREDENTIALS = ("password", "oidc")

FREE_FAILURES = 5
FIRST_WAIT = timedelta(seconds=30)
MAX_WAIT = timedelta(minutes=15)


def new_token() -> str:
    """Return a new session token (256 bits)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """Return the stored digest of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def agent_digest(user_agent: str) -> str:
    """Return the digest of a browser's User-Agent header, to which its session is bound."""
    return hashlib.sha256(user_agent.encode("utf-8", "replace")).hexdigest()


def reference(console_session: ConsoleSession) -> str:
    """Name a session in the audit chain (its id, never its token)."""
    return f"s:{console_session.id}"


def get_by_token(session: Session, token: str) -> ConsoleSession | None:
    """Return the session whose token this is, if any (revoked or expired ones too)."""
    return session.scalars(select(ConsoleSession).where(ConsoleSession.digest == token_digest(token))).one_or_none()


def may_use_console(user: User, credential: str) -> bool:
    """Tell whether the user may hold a console session of this kind (finding 5: no password, no session)."""
    if not user.active:
        return False
    if credential == "password":
        return bool(user.password_hash)
    return credential == "oidc"


def usable(console_session: ConsoleSession, user: User | None, user_agent: str, *, now: datetime | None = None) -> bool:
    """Tell whether a session may still act (every request and every live feed asks)."""
    now = now or utcnow()
    return (
        user is not None
        and console_session.revoked_at is None
        and console_session.expires_at > now
        and console_session.user_id == user.id
        and console_session.user_agent_hash == agent_digest(user_agent)
        and may_use_console(user, console_session.credential)
    )


def is_usable(session: Session, session_id: str, user_agent: str) -> bool:
    """Tell whether the session with this id may still act (the live feed's periodic check)."""
    found = session.get(ConsoleSession, session_id)
    return found is not None and usable(found, session.get(User, found.user_id), user_agent)


def sessions_of(session: Session, user_id: str, *, include_ended: bool = False) -> Sequence[ConsoleSession]:
    """Return a user's sessions, newest first (only the open ones unless ``include_ended``)."""
    stmt = select(ConsoleSession).where(ConsoleSession.user_id == user_id)
    if not include_ended:
        stmt = stmt.where(ConsoleSession.revoked_at.is_(None), ConsoleSession.expires_at > utcnow())
    return session.scalars(stmt.order_by(ConsoleSession.created_at.desc()).limit(200)).all()


def throttle_key(address: str, username: str) -> str:
    """Return the back-off key of an (address, account) pair."""
    return hashlib.sha256(f"{address}\x00{username.strip().casefold()}".encode()).hexdigest()


def wait_after(failures: int) -> timedelta | None:
    """Return how long a pair must wait after this many consecutive failures (None: not yet)."""
    if failures < FREE_FAILURES:
        return None
    wait: timedelta = FIRST_WAIT * 2 ** min(failures - FREE_FAILURES, 10)
    return min(wait, MAX_WAIT)


def blocked_until(session: Session, address: str, username: str) -> datetime | None:
    """Return until when the pair's sign-ins are refused without being checked (None: free to try)."""
    row = session.get(SignInThrottle, throttle_key(address, username))
    if row is None or row.blocked_until is None or row.blocked_until <= utcnow():
        return None
    return row.blocked_until
