"""The console session cookie (a signed token of a server-side session), and CSRF tokens bound to the session
(or to a pre-sign-in nonce)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from manara.settings import get_settings

SESSION_COOKIE = "manara_session"
ANON_COOKIE = "manara_csrf"  # a random nonce for forms shown before sign-in (double-submit)
MAX_AGE_SECONDS = 12 * 3600


@dataclass(frozen=True)
class SessionCookie:
    """What the session cookie holds: the token of a server-side session (``member/sessions.py``).

    The token is also the session's CSRF nonce; the database keeps only its digest.
    """

    token: str

    @property
    def nonce(self) -> str:
        """The secret CSRF tokens of this session are derived from."""
        return self.token


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret_key.get_secret_value(), salt="manara.console.session")


def password_stamp(password_hash: str | None) -> str:
    """Return a short digest of the password hash (binds a pending second-factor sign-in to the password)."""
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


def issue(token: str) -> str:
    """Return the signed cookie value carrying a server-side session's token."""
    return _serializer().dumps({"t": token})


def read(request: Request) -> SessionCookie | None:
    """Return the request's session cookie if it is authentic and younger than 12 hours.

    Authentic is not enough: ``web/deps.py`` checks the session on the server at every request.
    """
    value = request.cookies.get(SESSION_COOKIE)
    if not value or len(value) > 512:
        return None
    try:
        data = _serializer().loads(value, max_age=MAX_AGE_SECONDS)
    except BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict) or not isinstance(data.get("t"), str) or not 32 <= len(data["t"]) <= 64:
        return None
    return SessionCookie(token=data["t"])


def user_agent(request: Request) -> str:
    """Return the browser's User-Agent (a session is bound to it)."""
    return request.headers.get("user-agent", "")[:1000]


def _cookie_flags() -> dict[str, bool | str]:
    return {"httponly": True, "samesite": "lax", "secure": get_settings().env == "prod", "path": "/"}


def set_session(response: Response, value: str) -> None:
    """Attach the session cookie (HttpOnly, SameSite=Lax, Secure in prod, 12 hours)."""
    response.set_cookie(SESSION_COOKIE, value, max_age=MAX_AGE_SECONDS, **_cookie_flags())  # type: ignore[arg-type]


def clear_session(response: Response) -> None:
    """Remove the session cookie."""
    response.delete_cookie(SESSION_COOKIE, **_cookie_flags())  # type: ignore[arg-type]


def anon_nonce(request: Request) -> tuple[str, bool]:
    """Return the pre-sign-in nonce and whether it is new (then the caller must set the cookie)."""
    value = request.cookies.get(ANON_COOKIE)
    if value and 16 <= len(value) <= 64:
        return value, False
    return secrets.token_urlsafe(24), True


def set_anon_nonce(response: Response, nonce: str) -> None:
    """Attach the pre-sign-in nonce cookie."""
    response.set_cookie(ANON_COOKIE, nonce, max_age=MAX_AGE_SECONDS, **_cookie_flags())  # type: ignore[arg-type]


def csrf_token(nonce: str) -> str:
    """Return the CSRF token of a session (or pre-sign-in) nonce."""
    key = get_settings().secret_key.get_secret_value().encode()
    return hmac.new(key, f"csrf:{nonce}".encode(), hashlib.sha256).hexdigest()


def csrf_valid(nonce: str | None, token: str | None) -> bool:
    """Tell whether a submitted token belongs to the nonce, in constant time."""
    return bool(nonce and token) and hmac.compare_digest(csrf_token(nonce or ""), token or "")


# Between the password and the second factor: a short-lived signed cookie naming the user (and the
# password it was checked against). It grants nothing by itself; only the right code turns it into a session.
PENDING_COOKIE = "manara_second_factor"
PENDING_SECONDS = 300


def _pending_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret_key.get_secret_value(), salt="manara.console.second_factor")


def set_pending(response: Response, user_id: str, password_hash: str | None) -> None:
    """Attach the cookie of a sign-in waiting for its second factor (5 minutes)."""
    value = _pending_serializer().dumps({"u": user_id, "s": password_stamp(password_hash)})
    response.set_cookie(PENDING_COOKIE, value, max_age=PENDING_SECONDS, **_cookie_flags())  # type: ignore[arg-type]


def read_pending(request: Request) -> tuple[str, str] | None:
    """Return (user id, password stamp) of a sign-in waiting for its second factor, if any and fresh."""
    value = request.cookies.get(PENDING_COOKIE)
    try:
        data = _pending_serializer().loads(value, max_age=PENDING_SECONDS) if value else None
    except BadSignature:
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in ("u", "s")):
        return None
    return data["u"], data["s"]


def clear_pending(response: Response) -> None:
    """Remove the second-factor cookie."""
    response.delete_cookie(PENDING_COOKIE, **_cookie_flags())  # type: ignore[arg-type]
