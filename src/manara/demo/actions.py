"""Write path of the demo loader's own rows (everything else it writes goes through the domains' actions)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from manara.db.base import utcnow
from manara.identity import ALL_SCOPES, Actor
from manara.member.keys import digest
from manara.member.models import ApiKey, User
from manara.notice import actions as notice_actions
from manara.notice.models import Notice


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


def do_expire_as_overdue(session: Session, actor: Actor, notice: Notice) -> Notice:
    """Show an expired notice in the demo: its review date put in the past, then the expiry action."""
    notice.review_date = utcnow().date() - timedelta(days=1)
    return notice_actions.do_expire_notice(session, actor, notice)
