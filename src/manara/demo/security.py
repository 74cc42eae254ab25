"""Finding 5: tell whether a database holds the demo network's publicly known credentials.

The demo loader gives every demo user a documented password (set by the demo actor, so the user's
``password_set_by`` is ``"demo"``) and a fixed API key whose secret is ``demo-only-<prefix>``. A
production server must never accept them: ``manara serve`` refuses to start with ``MANARA_ENV=prod``
when any is found (``serve.check_start``).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.member.keys import digest
from manara.member.models import ApiKey, User

DEMO_ACTOR_ID = "demo"  # demo/network.py: DEMO_ACTOR.user_id


def demo_credentials(session: Session) -> list[str]:
    """Return the usernames of demo users and the prefixes of demo keys (publicly known secrets) found."""
    users = session.scalars(
        select(User.username).where(User.password_set_by == DEMO_ACTOR_ID, User.password_hash.is_not(None))
    ).all()
    keys = [
        key.prefix
        for key in session.scalars(select(ApiKey).where(ApiKey.revoked_at.is_(None)))
        if key.digest == digest(f"demo-only-{key.prefix}")
    ]
    return [*(f"user {u}" for u in users), *(f"API key {k}" for k in keys)]
