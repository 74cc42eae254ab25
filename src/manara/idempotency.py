"""Idempotency keys: a retried POST with the same key and body returns the first result."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import JSON, Integer, LargeBinary, String, delete
from sqlalchemy.orm import Mapped, Session, mapped_column

from manara.db.base import Base, utcnow
from manara.errors import Conflict
from manara.identity import Actor


class IdempotencyRecord(Base):
    """The resource a (user, key) pair created, and a digest of the request that created it."""

    __tablename__ = "idempotency_key"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    request_digest: Mapped[str] = mapped_column(String(64))
    resource_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def _digest(body: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


def replay(session: Session, actor: Actor, key: str, body: dict[str, Any]) -> str | None:
    """Return the resource id created earlier with this key, or None; a different body is a conflict."""
    found = session.get(IdempotencyRecord, (actor.user_id, key))
    if found is None:
        return None
    if found.request_digest != _digest(body):
        raise Conflict("Idempotency-Key reused with a different request", key=key)
    return found.resource_id


def remember(session: Session, actor: Actor, key: str, body: dict[str, Any], resource_id: str) -> None:
    """Store the resource created for this key."""
    session.add(
        IdempotencyRecord(user_id=actor.user_id, key=key, request_digest=_digest(body), resource_id=resource_id)
    )
    session.flush()  # a concurrent request with the same key fails here, inside the caller's SAVEPOINT


class IdempotentResponse(Base):
    """The first answer to a creating request sent with an ``Idempotency-Key`` (api/idempotency.py replays it).

    ``scope`` is a digest of the credential (an API key's token), so two callers never share keys; ``digest``
    is that of the method, path and body; a row without a status is a request still being answered.
    """

    __tablename__ = "idempotent_response"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    route: Mapped[str] = mapped_column(String(300))
    digest: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column(Integer)
    headers: Mapped[dict[str, str] | None] = mapped_column(JSON)
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def earlier_answer(session: Session, claim: tuple[str, str], stale_before: datetime) -> IdempotentResponse | None:
    """What an earlier request with this (credential, key) left: an answer, or a claim still being answered;
    a claim older than ``stale_before`` (a server that died mid-request) is given up so the client can retry."""
    found = session.get(IdempotentResponse, claim)
    if found is not None and found.status is None and found.created_at < stale_before:
        session.delete(found)
        session.flush()
        return None
    return found


def claim_key(session: Session, claim: tuple[str, str], route: str) -> None:
    """Claim a key for a first request (a concurrent claim of the same key fails at the flush)."""
    session.add(IdempotentResponse(scope=claim[0], key=claim[1], route=route))
    session.flush()


def settle_key(session: Session, claim: tuple[str, str], answer: tuple[int, dict[str, str], bytes, str] | None) -> None:
    """Keep a successful answer ``(status, headers, body, request digest)`` for replay, or release the key."""
    row = session.get(IdempotentResponse, claim)
    if row is None:
        return
    if answer is None:
        session.delete(row)
    else:
        row.status, row.headers, row.body, row.digest = answer


def purge_idempotent_responses(session: Session, older_than: datetime) -> int:
    """Forget the answers kept for replay before ``older_than`` (a client retries within minutes, not days)."""
    result = session.execute(delete(IdempotentResponse).where(IdempotentResponse.created_at < older_than))
    return int(getattr(result, "rowcount", 0) or 0)
