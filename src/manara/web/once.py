"""Secrets shown once after a redirect (post/redirect/get).

A form that creates a secret (a reset password, a new API key's token, a TOTP key) answers with a
redirect and this cookie: the secret encrypted (Fernet, a key of its own derived from
``MANARA_SECRET_KEY``), bound to the signed-in user and to the one page that shows it, for two
minutes at most. That page shows it and deletes the cookie in the same response (``no-store``), so a
reload neither repeats the action (the browser re-sends a GET) nor shows the secret again.
"""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken
from fastapi import Request, Response

from manara.settings import get_settings

ONCE_COOKIE = "manara_once"
ONCE_SECONDS = 120


def _fernet() -> Fernet:
    material = hashlib.sha256(b"manara.console.once:" + get_settings().secret_key.get_secret_value().encode())
    return Fernet(base64.urlsafe_b64encode(material.digest()))


def _flags() -> dict[str, bool | str]:
    return {"httponly": True, "samesite": "strict", "secure": get_settings().env == "prod", "path": "/console/"}


def carry(response: Response, *, user_id: str, page: str, kind: str, value: str) -> Response:
    """Attach ``value`` to ``response`` (a redirect to ``page``) for ``user_id`` to see once there."""
    token = _fernet().encrypt(json.dumps({"u": user_id, "p": page, "k": kind, "v": value}).encode()).decode()
    response.set_cookie(ONCE_COOKIE, token, max_age=ONCE_SECONDS, **_flags())  # type: ignore[arg-type]
    return response


def take(request: Request, *, user_id: str) -> tuple[str, str] | None:
    """Return (kind, value) carried to this page for this user, if fresh; the caller then calls ``forget``."""
    token = request.cookies.get(ONCE_COOKIE)
    try:
        data = json.loads(_fernet().decrypt(token.encode(), ttl=ONCE_SECONDS)) if token else None
    except (InvalidToken, ValueError):
        return None
    if not isinstance(data, dict) or data.get("u") != user_id or data.get("p") != request.url.path:
        return None
    kind, value = data.get("k"), data.get("v")
    return (kind, value) if isinstance(kind, str) and isinstance(value, str) else None


def forget(response: Response) -> Response:
    """Delete the carried secret from the browser and keep the page out of every cache."""
    response.delete_cookie(ONCE_COOKIE, **_flags())  # type: ignore[arg-type]
    response.headers["Cache-Control"] = "no-store"
    return response
