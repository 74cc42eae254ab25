"""FastAPI dependencies: the unit-of-work session, the authenticated actor, paging parameters."""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import replace
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Header, Query, Request, Response
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from manara.api.ratelimit import check_user
from manara.biometric.index import BiometricIndex
from manara.db.base import utcnow
from manara.db.session import read_only_unit, unit_of_work
from manara.errors import Forbidden, Unauthenticated
from manara.identity import Actor, Perm, Role
from manara.member import keys
from manara.member.models import User
from manara.member.service import get_api_key_by_prefix, member_active
from manara.screening.index import ScreeningIndex
from manara.settings import get_settings
from manara.training.service import gated_actor
from manara.visibility import VIEWER_COUNTRY

log = logging.getLogger("manara.auth")
SessionFactory = Callable[[], AbstractContextManager[Session]]


def get_session() -> Iterator[Session]:
    """Yield a session in a transaction committed when the handler returns (rolled back on error).

    Used with ``scope="function"``: the commit happens before the response is sent, so a client told
    "created" (or redirected to the new page) finds the row; FastAPI's default would commit after.
    """
    with unit_of_work() as session:
        yield session


async def get_session_factory() -> SessionFactory:
    """Return a factory of unit-of-work sessions for handlers that commit in batches or stream."""
    return unit_of_work


async def get_read_session_factory() -> SessionFactory:
    """Return a factory of read-only units (no write lock on SQLite) for authentication."""
    return read_only_unit


DbSession = Annotated[Session, Depends(get_session, scope="function")]
DbSessionFactory = Annotated[SessionFactory, Depends(get_session_factory)]
ReadSessionFactory = Annotated[SessionFactory, Depends(get_read_session_factory)]


BEARER = HTTPBearer(auto_error=False, description="A Manara API key: `Authorization: Bearer mnr_…`")
API_KEY_HEADER = APIKeyHeader(name="X-API-Key", auto_error=False, description="The same API key, as a header")


def authenticate(session: Session, token: str | None, purpose: str | None) -> Actor:
    """Return the actor behind an API key token, or raise Unauthenticated."""
    parsed = keys.parse(token) if token else None
    key = get_api_key_by_prefix(session, parsed[0]) if parsed else None
    if parsed is None or key is None or not keys.matches(parsed[1], key.digest):
        log.info("authentication failed (prefix=%s)", parsed[0] if parsed else "-")
        raise Unauthenticated("missing or invalid API key")
    if key.revoked_at is not None or key.expires_at <= utcnow():
        raise Unauthenticated("API key revoked or expired")
    user = session.get(User, key.user_id)
    if user is None or not user.active:
        raise Unauthenticated("user disabled")
    if not member_active(session, user.country):
        raise Unauthenticated("member suspended")
    actor = Actor(
        user_id=user.id,
        username=user.username,
        country=user.country,
        role=Role(user.role),
        scopes=frozenset(key.scopes),
        api_key_id=key.id,
        purpose=(purpose or None) and purpose[:500],
        credential_by=key.minted_by if key.minted_by not in (None, user.id) else None,
    )
    actor = gated_actor(session, actor)  # training that gates access: drops what lacks its course
    if token is not None:
        keys.CACHE.put(token, key.expires_at, replace(actor, purpose=None))
    return actor


def _cached_actor(token: str | None, purpose: str | None) -> Actor | None:
    """Return the actor of a key verified less than a second ago, with this request's purpose."""
    if not token:
        return None
    actor: Actor | None = keys.CACHE.get(token, utcnow())
    return replace(actor, purpose=(purpose or None) and purpose[:500]) if actor is not None else None


async def current_actor(
    request: Request,
    factory: ReadSessionFactory,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)] = None,
    x_api_key: Annotated[str | None, Depends(API_KEY_HEADER)] = None,
    x_manara_purpose: Annotated[str | None, Header(description="Why the data is accessed (audited)")] = None,
) -> Actor:
    """Authenticate the request by API key (``Authorization: Bearer`` or ``X-API-Key``).

    A key verified in the last second is taken from the cache on the event loop; otherwise the key and
    its user are read in a worker thread."""
    token = x_api_key or (bearer.credentials if bearer is not None else None)
    return await _resolve(request, factory, token, x_manara_purpose)


async def _resolve(request: Request, factory: SessionFactory, token: str | None, purpose: str | None) -> Actor:
    actor = _cached_actor(token, purpose)
    if actor is None:
        actor = await run_in_threadpool(_authenticate_in_unit, factory, token, purpose)
    request.state.actor = actor
    VIEWER_COUNTRY.set(actor.country)  # recipients of shared records do not learn each other (visibility.py)
    check_user(request, actor)  # the user's rate limit, over all their keys (finding 11)
    return actor


def request_token(request: Request) -> str | None:
    """Return the API key of ``X-API-Key``, else of ``Authorization: Bearer`` (as BEARER and API_KEY_HEADER)."""
    if key := request.headers.get("x-api-key"):
        return key
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return credentials if scheme.lower() == "bearer" and credentials else None


async def header_actor(request: Request, factory: ReadSessionFactory) -> Actor:
    """Authenticate like `current_actor`, reading the headers itself: one dependency instead of four, for
    the hot screening endpoint (FastAPI resolves each dependency per request). Its route declares the
    security and the purpose header in OpenAPI with `AUTH_OPENAPI`."""
    return await _resolve(request, factory, request_token(request), request.headers.get("x-manara-purpose"))


async def authenticate_request(request: Request) -> Actor:
    """Authenticate like `header_actor`, outside FastAPI's dependency resolution: the validation error
    handler checks the key of an API request whose body could not even be parsed, so that a request
    without a valid key gets 401 whatever its body (FastAPI parses the body before any dependency runs)."""
    provider = request.app.dependency_overrides.get(get_read_session_factory, get_read_session_factory)
    factory = provider()
    if inspect.isawaitable(factory):
        factory = await factory
    return await header_actor(request, factory)


AUTH_OPENAPI: dict[str, Any] = {
    "security": [{"HTTPBearer": []}, {"APIKeyHeader": []}],
    "parameters": [
        {
            "name": "x-manara-purpose",
            "in": "header",
            "required": False,
            "schema": {"type": "string"},
            "description": "Why the data is accessed (audited)",
        }
    ],
}


def _authenticate_in_unit(factory: SessionFactory, token: str | None, purpose: str | None) -> Actor:
    with factory() as session:  # its own short transaction: handlers may open theirs
        return authenticate(session, token, purpose)


CurrentActor = Annotated[Actor, Depends(current_actor)]
HeaderActor = Annotated[Actor, Depends(header_actor)]


def require(perm: Perm) -> Callable[[Actor], Actor]:
    """Return a dependency that demands ``perm`` of the actor."""

    def dependency(actor: CurrentActor) -> Actor:
        if not actor.can(perm):
            raise Forbidden(f"this role or key lacks {perm.value}")
        return actor

    return dependency


class Paging:
    """Validated page parameters shared by every list endpoint."""

    def __init__(
        self,
        page: Annotated[int, Query(ge=1, le=1_000_000, description="1-based page number")] = 1,
        page_size: Annotated[int | None, Query(ge=1, description="items per page")] = None,
    ) -> None:
        settings = get_settings()
        self.page = page
        self.page_size = min(page_size or settings.page_size_default, settings.page_size_max)


PageParams = Annotated[Paging, Depends()]


def screening_index(request: Request) -> ScreeningIndex:
    """Return this process's screening index."""
    index: ScreeningIndex = request.app.state.screening_index
    return index


_biometric_index_lock = threading.Lock()


def biometric_index(request: Request) -> BiometricIndex:
    """Return this process's biometric index, created on first use."""
    with _biometric_index_lock:
        index: BiometricIndex | None = getattr(request.app.state, "biometric_index", None)
        if index is None:
            index = request.app.state.biometric_index = BiometricIndex()
        return index


def attachment_response(data: bytes, filename: str, content_type: str) -> Response:
    """Return a download that browsers save, never render or sniff."""
    headers = {
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
        "Cache-Control": "no-store",
    }
    return Response(data, media_type=content_type, headers=headers)
