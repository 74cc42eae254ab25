"""Console dependencies: the signed-in actor (from the session cookie) and the CSRF check of POST forms."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from typing import Annotated

from fastapi import Depends, Request

from manara.api.deps import DbSessionFactory
from manara.identity import Actor
from manara.member.models import User
from manara.member.passwords import user_actor
from manara.training.service import gated_actor
from manara.web import session as web_session
from manara.web.errors import CsrfRejected, SignInRequired


def console_actor(request: Request, factory: DbSessionFactory) -> Actor:
    """Return the signed-in user's actor, or send the browser to the sign-in page."""
    data = web_session.read(request)
    if data is None:
        raise SignInRequired("sign in to use the console")
    with factory() as session:  # its own short transaction, as for API keys
        user = session.get(User, data.user_id)
        if user is None or not user.active or web_session.password_stamp(user.password_hash) != data.stamp:
            raise SignInRequired("session no longer valid")
        # the audit chain records the session (a digest of its nonce) and who set the password if not the user
        signed_in = replace(
            user_actor(user), session_ref=session_reference(data.nonce), credential_by=user.password_set_by
        )
        actor = gated_actor(session, signed_in)  # training that gates access
    request.state.console_actor = actor
    request.state.console_theme = user.theme
    request.state.console_nonce = data.nonce
    request.state.actor = actor  # request logging, as for API requests
    return actor


ConsoleActor = Annotated[Actor, Depends(console_actor)]


def session_reference(nonce: str) -> str:
    """Name a console session in the audit chain without revealing its nonce (the CSRF secret)."""
    return "s:" + hashlib.sha256(nonce.encode()).hexdigest()[:16]


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
