"""Console dependencies: the signed-in actor (from the session cookie) and the CSRF check of POST forms."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Annotated

from fastapi import Depends, Request

from manara.api.deps import DbSessionFactory
from manara.api.ratelimit import check_user
from manara.identity import Actor
from manara.member import sessions
from manara.member.actions import do_touch_session
from manara.member.models import User
from manara.member.passwords import user_actor
from manara.training.service import gated_actor
from manara.web import session as web_session
from manara.web.errors import CsrfRejected, SignInRequired


def console_actor(request: Request, factory: DbSessionFactory) -> Actor:
    """Return the signed-in user's actor, or send the browser to the sign-in page.

    The cookie only names a server-side session: it must be open (not signed out, not revoked by a password
    or role change, not expired), of an active user who may use the console with that credential, and
    used by the browser that opened it (finding 6).
    """
    data = web_session.read(request)
    if data is None:
        raise SignInRequired("sign in to use the console")
    with factory() as session:  # its own short transaction, as for API keys
        found = sessions.get_by_token(session, data.token)
        user = session.get(User, found.user_id) if found is not None else None
        if found is None or user is None or not sessions.usable(found, user, web_session.user_agent(request)):
            raise SignInRequired("session no longer valid")
        do_touch_session(session, found)
        # the audit chain records the session (its id) and who set the password if not the user
        set_by = user.password_set_by if found.credential == "password" else None
        signed_in = replace(user_actor(user), session_ref=sessions.reference(found), credential_by=set_by)
        actor = gated_actor(session, signed_in)  # training that gates access
        request.state.console_session_id = found.id
    request.state.console_actor = actor
    request.state.console_theme = user.theme
    request.state.console_nonce = data.nonce
    request.state.actor = actor  # request logging, as for API requests
    check_user(request, actor)  # the user's rate limit, over all their sessions and keys (finding 11)
    return actor


ConsoleActor = Annotated[Actor, Depends(console_actor)]


async def check_csrf(request: Request) -> None:
    """Refuse a POST whose form lacks the token bound to this session (or to the pre-sign-in nonce)."""
    form = await request.form()
    token = form.get("csrf_token")
    signed_in = web_session.read(request)
    nonce = signed_in.nonce if signed_in else request.cookies.get(web_session.ANON_COOKIE)
    if not web_session.csrf_valid(nonce, token if isinstance(token, str) else None):
        raise CsrfRejected("missing or invalid CSRF token")


CsrfChecked = Depends(check_csrf)


def optional_date(value: str | None) -> date | None:
    """Return a filter's ISO date, or None (no bound) when it is empty or not a date."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
