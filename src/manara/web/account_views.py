"""The signed-in user's own account: the console display (theme), a second factor (TOTP) for sign-in.

The secret is shown once, as a QR code of its ``otpauth://`` URI, as that URI and as text, on the page
the creating form redirects to (``web/once.py``: a reload shows it no more); the second factor is on
only after a right code confirms the user's app has it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from manara.api.deps import DbSession
from manara.identity import Actor
from manara.member.actions import do_confirm_totp, do_set_theme, do_start_totp
from manara.member.models import User
from manara.member.totp import enabled, provisioning_uri
from manara.text import N_
from manara.web import once
from manara.web.deps import ConsoleActor, CsrfChecked
from manara.web.qr import qr_svg
from manara.web.render import gettext, page

router = APIRouter()
WRONG_CODE = N_("Wrong code. Check the time on your device and try again, or start again.")
QR_LABEL = N_("QR code of the key for your authenticator app")


def _user(session: DbSession, actor: Actor) -> User:
    user = session.get(User, actor.user_id)
    assert user is not None  # the session was checked against this user a moment ago
    return user


def _page(
    request: Request, user: User, *, status: int = 200, secret: str | None = None, error: str | None = None
) -> Response:
    uri = provisioning_uri(secret, user.username) if secret else None
    qr = qr_svg(uri, gettext(request, QR_LABEL)) if uri else None
    response = page(
        request,
        "account.html",
        status=status,
        user=user,
        enabled=enabled(user),
        pending=user.totp_secret is not None and not enabled(user),
        secret=secret,
        uri=uri,
        qr=qr,
        error=error,
    )
    return once.forget(response)


@router.get("/account")
def account(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Show the user's account and the state of their second factor (and a new key, the once it was carried)."""
    carried = once.take(request, user_id=actor.user_id)
    secret = carried[1] if carried and carried[0] == "totp" else None
    return _page(request, _user(session, actor), secret=secret)


@router.post("/account/totp/start", dependencies=[CsrfChecked])
def start(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Create a new secret for the user's authenticator app; the account page shows it this once."""
    user = _user(session, actor)
    response = RedirectResponse("/console/account", status_code=303)
    if enabled(user):
        return response
    secret = do_start_totp(session, user, acting=actor)
    return once.carry(response, user_id=actor.user_id, page="/console/account", kind="totp", value=secret)


@router.post("/account/totp/confirm", dependencies=[CsrfChecked])
def confirm(
    request: Request, session: DbSession, actor: ConsoleActor, code: Annotated[str, Form(max_length=20)] = ""
) -> Response:
    """Turn the second factor on when the code from the app is right."""
    user = _user(session, actor)
    if not do_confirm_totp(session, user, code, acting=actor):
        return _page(request, user, status=422, error=gettext(request, WRONG_CODE))
    return RedirectResponse("/console/account", status_code=303)


@router.post("/account/theme", dependencies=[CsrfChecked])
def set_theme(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    theme: Annotated[str, Form(max_length=16)] = "auto",
    next: Annotated[str, Form(max_length=2000)] = "/console/",  # noqa: A002 - the form field's name
) -> Response:
    """Remember the user's display (light, dark, high contrast, system) and go back to the page they were on."""
    do_set_theme(session, _user(session, actor), theme, acting=actor)
    back = next if next.startswith("/console") and not next.startswith("//") else "/console/"  # never off-site
    return RedirectResponse(back, status_code=303)
