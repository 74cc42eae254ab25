"""Console sessions a user can see and end: "Your sessions" (own), and an administrator ending a user's.

Sessions live on the server (``member/sessions.py``): ending one refuses its next request at once, and
its open live feeds close within ``MANARA_SESSION_CHECK_SECONDS``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from manara.api.deps import DbSession
from manara.member import sessions
from manara.member.access import access_own_session, access_user_for_admin
from manara.member.actions import do_revoke_session, do_revoke_user_sessions
from manara.web import session as web_session
from manara.web.admin_views import require_admin
from manara.web.deps import ConsoleActor, CsrfChecked
from manara.web.render import page

router = APIRouter()


@router.get("/account/sessions")
def my_sessions(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """List the user's open console sessions, the current one marked, each with a button to end it."""
    return page(
        request,
        "security/sessions.html",
        sessions=sessions.sessions_of(session, actor.user_id),
        current=request.state.console_session_id,
    )


@router.post("/account/sessions/{session_id}/revoke", dependencies=[CsrfChecked])
def revoke_mine(session_id: str, request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """End one of the user's own sessions (another user's is 404); ending the current one signs out."""
    found = access_own_session(session, actor, session_id)
    do_revoke_session(session, found, acting=actor, reason="user")
    if found.id == request.state.console_session_id:
        response = RedirectResponse("/console/login", status_code=303)
        web_session.clear_session(response)
        return response
    return RedirectResponse("/console/account/sessions", status_code=303)


@router.post("/account/sessions/revoke-others", dependencies=[CsrfChecked])
def revoke_others(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """End every session of the user but the current one (a lost phone, a shared computer)."""
    for other in sessions.sessions_of(session, actor.user_id):
        if other.id != request.state.console_session_id:
            do_revoke_session(session, other, acting=actor, reason="user")
    return RedirectResponse("/console/account/sessions", status_code=303)


@router.post("/admin/users/{user_id}/sessions/revoke", dependencies=[CsrfChecked])
def revoke_users(user_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """An administrator ends every console session of a user of their country (404 for anyone else)."""
    require_admin(actor)
    user = access_user_for_admin(session, actor, user_id)
    do_revoke_user_sessions(session, user, acting=actor, reason="admin")
    return RedirectResponse(f"/console/admin/users/{user.id}", status_code=303)
