"""Write path of the demo loader's own rows (everything else it writes goes through the domains' actions)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from manara.db.base import utcnow
from manara.identity import ALL_SCOPES
from manara.member.keys import digest
from manara.member.models import ApiKey, User


def do_add_demo_key(session: Session, user: User, prefix: str, secret: str) -> ApiKey:
    """Store the fixed, publicly documented demo API key of a demo user (demo only: its secret is known)."""
    key = ApiKey(
        prefix=prefix,
        digest=digest(secret),
        user_id=user.id,
        name="demo",
        scopes=sorted(ALL_SCOPES),
        expires_at=utcnow() + timedelta(days=365),
    )
    session.add(key)
    return key
