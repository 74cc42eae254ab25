"""Console sign-in and sign-out."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from manara.api.deps import DbSession
from manara.api.ratelimit import client_address
from manara.member.actions import do_open_session, do_sign_in, do_sign_out, do_verify_second_factor
from manara.member.models import ConsoleSession, User
from manara.member.passwords import second_factor_required
from manara.settings import get_settings
from manara.web import session as web_session
from manara.web.deps import ConsoleActor, CsrfChecked
from manara.web.render import page

router = APIRouter()


def sso_enabled() -> bool:
    """Tell whether single sign-on (OpenID Connect, ``web/oidc.py``) is configured."""
    settings = get_settings()
    return bool(settings.oidc_issuer and settings.oidc_client_id)


def safe_next(target: str | None) -> str:
    """Return a post-sign-in target inside the console (never another site)."""
    if target and target.startswith("/console") and "//" not in target and "\\" not in target:
        return target
    return "/console/"


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    """Show the sign-in form."""
    if web_session.read(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return page(request, "login.html", next=safe_next(next), failed=False, username="", sso=sso_enabled())


@router.post("/login", dependencies=[CsrfChecked])
def login(
    request: Request,
    session: DbSession,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Sign in; every failure shows the same message, whatever its cause."""
    user = do_sign_in(session, username, password, address=client_address(request))
    if user is None:  # the failure is committed with the request: counters and audit events persist
        return page(
            request, "login.html", status=401, next=safe_next(next), failed=True, username=username, sso=sso_enabled()
        )
    if second_factor_required(user):
        response = RedirectResponse(f"/console/login/code?next={quote(safe_next(next), safe='')}", status_code=303)
        web_session.set_pending(response, user.id, user.password_hash)
        return response
    return open_session(request, session, user, "password", safe_next(next))


def open_session(request: Request, session: DbSession, user: User, credential: str, target: str) -> Response:
    """Open a server-side session for a user who passed every factor, and send the browser on."""
    _, token = do_open_session(session, user, credential=credential, user_agent=web_session.user_agent(request))
    response = RedirectResponse(target, status_code=303)
    web_session.clear_pending(response)
    web_session.set_session(response, web_session.issue(token))
    return response


@router.get("/login/code")
def code_form(request: Request, next: str | None = None) -> Response:
    """Ask for the authenticator code after a right password (only while that sign-in is pending)."""
    if web_session.read_pending(request) is None:
        return RedirectResponse("/console/login", status_code=303)
    return page(request, "login_code.html", next=safe_next(next), failed=False)


@router.post("/login/code", dependencies=[CsrfChecked])
def code(
    request: Request,
    session: DbSession,
    code: Annotated[str, Form(max_length=20)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Finish the sign-in with the code; wrong or replayed codes count towards the lockout."""
    pending = web_session.read_pending(request)
    user = session.get(User, pending[0]) if pending else None
    if pending is None or user is None or web_session.password_stamp(user.password_hash) != pending[1]:
        return RedirectResponse("/console/login", status_code=303)
    if not do_verify_second_factor(session, user, code, address=client_address(request)):  # the failure counts
        return page(request, "login_code.html", status=401, next=safe_next(next), failed=True)
    return open_session(request, session, user, "password", safe_next(next))


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Sign out: the session ends on the server (a copy of the cookie no longer works) and its cookie is removed."""
    do_sign_out(session, actor, session.get(ConsoleSession, request.state.console_session_id))
    response = RedirectResponse("/console/login", status_code=303)
    web_session.clear_session(response)
    return response
