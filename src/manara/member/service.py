"""Member, user and API-key queries; never commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.errors import ValidationFailed
from manara.member.models import ApiKey, Member, User


def member_codes(session: Session) -> set[str]:
    """Return the codes of active member countries."""
    return set(session.scalars(select(Member.code).where(Member.active.is_(True))))


def require_members(session: Session, codes: Iterable[str], *, field: str = "shared_with") -> list[str]:
    """Return ``codes`` upper-cased and deduplicated, or raise if any is not an active member."""
    wanted = sorted({str(c).upper() for c in codes})
    unknown = [c for c in wanted if c not in member_codes(session)]
    if unknown:
        raise ValidationFailed(
            "unknown member countries", [{"field": field, "message": f"not a member: {', '.join(unknown)}"}]
        )
    return wanted


def list_members(session: Session) -> Sequence[Member]:
    """Return all member countries by code."""
    return session.scalars(select(Member).order_by(Member.code)).all()


def member_active(session: Session, code: str) -> bool:
    """Tell whether a member country takes part in the network now (a suspended member's users cannot act)."""
    return bool(session.scalar(select(Member.active).where(Member.code == code)))


def get_user_by_username(session: Session, username: str) -> User | None:
    """Return the user called ``username``, if any."""
    return session.scalars(select(User).where(User.username == username)).one_or_none()


def list_users(session: Session, *, country: str | None = None) -> Sequence[User]:
    """Return users, optionally of one country."""
    stmt = select(User).order_by(User.country, User.username)
    if country:
        stmt = stmt.where(User.country == country)
    return session.scalars(stmt).all()


def get_api_key_by_prefix(session: Session, prefix: str) -> ApiKey | None:
    """Return the API key with public ``prefix``, if any."""
    return session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).one_or_none()


def list_api_keys(session: Session, user_id: str) -> Sequence[ApiKey]:
    """Return a user's API keys, newest first."""
    return session.scalars(select(ApiKey).where(ApiKey.user_id == user_id).order_by(ApiKey.created_at.desc())).all()
