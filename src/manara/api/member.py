"""JSON API of the member administration: who am I, members, users and API keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from manara.api.conditional import IfMatch, require_match, send_tag
from manara.api.deps import CurrentActor, DbSession, require
from manara.identity import Actor, Perm
from manara.member import actions, service, sessions
from manara.member.access import access_api_key_for_revoke, access_user_for_admin
from manara.member.schemas import (
    ApiKeyIn,
    ApiKeyOut,
    ConsoleSessionOut,
    MemberOut,
    MeOut,
    NewApiKeyOut,
    SessionsRevokedOut,
    UserIn,
    UserOut,
    UserPatch,
)
from manara.pagination import PageOut

router = APIRouter(tags=["members"])
Admin = Annotated[Actor, Depends(require(Perm.MEMBER_ADMIN))]


@router.get("/me", response_model=MeOut)
def me(actor: CurrentActor) -> MeOut:
    """Return who you are and what you may do."""
    return MeOut(
        user_id=actor.user_id,
        username=actor.username,
        country=actor.country,
        role=actor.role.value,
        permissions=sorted(p.value for p in actor.perms),
    )


@router.get("/members", response_model=PageOut[MemberOut])
def list_members(session: DbSession, actor: Annotated[Actor, Depends(require(Perm.MEMBER_READ))]) -> PageOut[MemberOut]:
    """List the member countries of the network."""
    members = [MemberOut.model_validate(m) for m in service.list_members(session)]
    return PageOut(items=members, total=len(members), page=1, page_size=max(len(members), 1))


@router.get("/users", response_model=PageOut[UserOut])
def list_users(session: DbSession, actor: Admin) -> PageOut[UserOut]:
    """List the users of your country."""
    users = [UserOut.model_validate(u) for u in service.list_users(session, country=actor.country)]
    return PageOut(items=users, total=len(users), page=1, page_size=max(len(users), 1))


@router.post("/users", response_model=UserOut, status_code=201)
def create_user(body: UserIn, session: DbSession, actor: Admin) -> UserOut:
    """Create a user of your country."""
    user = actions.do_create_user(
        session, body.username, country=actor.country, role=body.role, acting=actor, full_name=body.full_name
    )
    return UserOut.model_validate(user)


@router.patch("/users/{user_id}", response_model=UserOut)
def update_user(
    user_id: str, body: UserPatch, session: DbSession, actor: Admin, response: Response, if_match: IfMatch = None
) -> UserOut:
    """Change a user's role or disable (``active: false``) or re-enable them; disabling ends their sessions.
    With ``If-Match`` (the ``ETag`` of the last change), only if nobody changed the user since (412 otherwise)."""
    user = access_user_for_admin(session, actor, user_id)
    require_match(if_match, user)
    updated = actions.do_update_user(session, user, acting=actor, role=body.role, active=body.active)
    session.flush()
    send_tag(response, updated)
    return UserOut.model_validate(updated)


@router.get("/users/{user_id}/sessions", response_model=list[ConsoleSessionOut])
def list_sessions(user_id: str, session: DbSession, actor: Admin) -> list[ConsoleSessionOut]:
    """List a user's open console sessions (never their tokens)."""
    user = access_user_for_admin(session, actor, user_id)
    return [ConsoleSessionOut.model_validate(s) for s in sessions.sessions_of(session, user.id)]


@router.post("/users/{user_id}/sessions/revoke", response_model=SessionsRevokedOut)
def revoke_sessions(user_id: str, session: DbSession, actor: Admin) -> SessionsRevokedOut:
    """End every console session of a user of your country now (their open live feeds close within seconds)."""
    user = access_user_for_admin(session, actor, user_id)
    return SessionsRevokedOut(revoked=actions.do_revoke_user_sessions(session, user, acting=actor, reason="admin"))


@router.get("/users/{user_id}/api-keys", response_model=list[ApiKeyOut])
def list_keys(user_id: str, session: DbSession, actor: Admin) -> list[ApiKeyOut]:
    """List a user's API keys (metadata only)."""
    user = access_user_for_admin(session, actor, user_id)
    return [ApiKeyOut.model_validate(k) for k in service.list_api_keys(session, user.id)]


@router.post("/users/{user_id}/api-keys", response_model=NewApiKeyOut, status_code=201)
def create_key(user_id: str, body: ApiKeyIn, session: DbSession, actor: Admin) -> NewApiKeyOut:
    """Create an API key for a user of your country; the token is shown only in this response."""
    user = access_user_for_admin(session, actor, user_id)
    key, token = actions.do_create_api_key(
        session, user, acting=actor, name=body.name, days=body.days, scopes=body.scopes
    )
    return NewApiKeyOut(**ApiKeyOut.model_validate(key).model_dump(), token=token)


@router.post("/api-keys/{key_id}/revoke", response_model=ApiKeyOut)
def revoke_key(key_id: str, session: DbSession, actor: CurrentActor) -> ApiKeyOut:
    """Revoke an API key: your own, or any of your country's as administrator."""
    key = access_api_key_for_revoke(session, actor, key_id)
    return ApiKeyOut.model_validate(actions.do_revoke_api_key(session, key, acting=actor))
