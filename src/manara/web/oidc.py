"""Console sign-in with OpenID Connect (single sign-on), with Authlib.

``GET /console/oidc/login`` sends the browser to the provider's authorization endpoint (authorization code
flow) with a fresh ``state``, ``nonce`` and PKCE ``code_verifier`` (S256), kept in a signed cookie that
lives ten minutes. ``GET /console/oidc/callback`` checks the state, exchanges the code (with the verifier)
at the token endpoint, and verifies the ID token: its signature against the provider's JWKS, issuer,
audience, expiry and the nonce. The claims then name the user (``MANARA_OIDC_USERNAME_CLAIM``), member
country and role (``MANARA_OIDC_COUNTRY_CLAIM``, ``MANARA_OIDC_ROLE_CLAIM`` through
``MANARA_OIDC_ROLE_MAP``). An unknown username is refused unless ``MANARA_OIDC_CREATE_USERS`` is on (then
the user is created, without a local password); an existing user of another country is refused; a changed
role is applied (which ends the user's other sessions). The session opened is of credential ``oidc``.
Every refusal shows one message and is audited with its reason.
"""

from __future__ import annotations

import logging
import threading
import time
import warnings
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from authlib.common.security import generate_token
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy.orm import Session

from manara.api.deps import DbSession
from manara.api.ratelimit import client_address
from manara.errors import ManaraError
from manara.identity import Actor, Role
from manara.member import actions as member_actions
from manara.member.models import User
from manara.member.service import get_user_by_username
from manara.settings import Settings, get_settings
from manara.web.auth_views import open_session, safe_next
from manara.web.render import page

log = logging.getLogger("manara.oidc")
router = APIRouter()
FLOW_COOKIE = "manara_oidc"
FLOW_SECONDS = 600
CACHE_SECONDS = 3600.0
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]
OIDC_ACTOR = Actor(user_id="oidc", username="single-sign-on", country="ZZ", role=Role.ADMINISTRATOR)


class SignOnRefused(Exception):
    """The single sign-on failed; the reason is audited, the browser sees one message."""

    def __init__(self, reason: str, username: str = "") -> None:
        super().__init__(reason)
        self.reason, self.username = reason, username


@dataclass
class Provider:
    """The provider's metadata and keys, read once an hour (keys again when a token names an unknown key)."""

    metadata: dict[str, Any]
    jwks: dict[str, Any]
    fetched: float


_CACHE: dict[str, Provider] = {}
_LOCK = threading.Lock()


def enabled(settings: Settings | None = None) -> bool:
    """Tell whether single sign-on is configured."""
    settings = settings or get_settings()
    return bool(settings.oidc_issuer and settings.oidc_client_id)


def _get_json(url: str) -> dict[str, Any]:
    response = httpx.get(url, timeout=10.0, follow_redirects=False)
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict):
        raise SignOnRefused(f"not a JSON object: {url}")
    return data


def provider(issuer: str, *, refresh_keys: bool = False) -> Provider:
    """Return the provider's discovery document and JWKS (cached per process)."""
    with _LOCK:
        cached = _CACHE.get(issuer)
        if cached is not None and not refresh_keys and time.monotonic() - cached.fetched < CACHE_SECONDS:
            return cached
    metadata = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    if metadata.get("issuer") != issuer:
        raise SignOnRefused("discovery document names another issuer")
    loaded = Provider(metadata, _get_json(str(metadata["jwks_uri"])), time.monotonic())
    with _LOCK:
        _CACHE[issuer] = loaded
    return loaded


def _flow_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret_key.get_secret_value(), salt="manara.console.oidc")


def _redirect_uri(request: Request, settings: Settings) -> str:
    return settings.oidc_redirect_url or str(request.url_for("oidc_callback"))


def _client(settings: Settings, redirect_uri: str) -> Any:
    """Authlib's OAuth 2 client over httpx, imported when single sign-on is used (Authlib warns, on import, that
    its httpx integration will move to the httpx2 package; the integration works as documented)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from authlib.integrations.httpx_client import OAuth2Client

    secret = settings.oidc_client_secret.get_secret_value() or None
    return OAuth2Client(
        client_id=settings.oidc_client_id,
        client_secret=secret,
        scope=settings.oidc_scopes,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_post" if secret else "none",  # noqa: S106 - a method name
        timeout=10.0,
    )


@router.get("/oidc/login")
def oidc_login(request: Request, next: str | None = None) -> Response:  # noqa: A002 - the query's name
    """Send the browser to the identity provider (state, nonce and PKCE verifier kept in a signed cookie)."""
    settings = get_settings()
    if not enabled(settings):
        return RedirectResponse("/console/login", status_code=303)
    meta = provider(settings.oidc_issuer).metadata
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    with _client(settings, _redirect_uri(request, settings)) as client:
        uri, _ = client.create_authorization_url(
            str(meta["authorization_endpoint"]), state=state, nonce=nonce, code_verifier=verifier
        )
    response = RedirectResponse(uri, status_code=303)
    flow = _flow_serializer().dumps({"s": state, "n": nonce, "v": verifier, "next": safe_next(next)})
    cookie = {"httponly": True, "samesite": "lax", "path": "/console/oidc", "secure": settings.env == "prod"}
    response.set_cookie(FLOW_COOKIE, flow, max_age=FLOW_SECONDS, **cookie)  # type: ignore[arg-type]
    return response


def _flow(request: Request) -> dict[str, str]:
    value = request.cookies.get(FLOW_COOKIE)
    try:
        data = _flow_serializer().loads(value, max_age=FLOW_SECONDS) if value else None
    except BadSignature:
        data = None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in ("s", "n", "v", "next")):
        raise SignOnRefused("no sign-on in progress in this browser (or older than ten minutes)")
    return data


def verify_id_token(id_token: str, settings: Settings, nonce: str) -> dict[str, Any]:
    """Return the ID token's claims once its signature (JWKS), issuer, audience, expiry and nonce are right."""
    known = provider(settings.oidc_issuer)
    try:
        try:
            token = jwt.decode(id_token, KeySet.import_key_set(known.jwks), algorithms=ALGORITHMS)  # type: ignore[arg-type]
        except JoseError:  # perhaps a key rotated at the provider: read its keys once more
            fresh = provider(settings.oidc_issuer, refresh_keys=True)
            token = jwt.decode(id_token, KeySet.import_key_set(fresh.jwks), algorithms=ALGORITHMS)  # type: ignore[arg-type]
        registry = jwt.JWTClaimsRegistry(
            leeway=60,
            iss={"essential": True, "value": settings.oidc_issuer},
            aud={"essential": True, "value": settings.oidc_client_id},
            exp={"essential": True},
            sub={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        registry.validate(token.claims)
    except (JoseError, ValueError) as bad:
        raise SignOnRefused(f"ID token refused: {type(bad).__name__}: {bad}") from bad
    return dict(token.claims)


def mapped_role(claims: dict[str, Any], settings: Settings) -> Role | None:
    """Return the role the claims give (through the role map), or None."""
    value = claims.get(settings.oidc_role_claim)
    values = value if isinstance(value, list) else [value]
    for candidate in values:
        if not isinstance(candidate, str):
            continue
        name = settings.oidc_role_map.get(candidate, "" if settings.oidc_role_map else candidate)
        if name in Role._value2member_map_:
            return Role(name)
    return None


def user_for(session: Session, claims: dict[str, Any], settings: Settings) -> User:
    """Return the user the claims name: existing (same country; role kept in step), or created when allowed."""
    username = claims.get(settings.oidc_username_claim)
    if not isinstance(username, str) or not username.strip() or len(username) > 100:
        raise SignOnRefused(f"claim {settings.oidc_username_claim!r} missing or invalid")
    username = username.strip()
    country = claims.get(settings.oidc_country_claim)
    country = country.upper() if isinstance(country, str) else None
    role = mapped_role(claims, settings)
    user = get_user_by_username(session, username)
    if user is None:
        if not settings.oidc_create_users:
            raise SignOnRefused("unknown user (creating users on sign-on is off)", username)
        if country is None or role is None:
            raise SignOnRefused("country or role claim missing or unmapped", username)
        try:
            with session.begin_nested():
                full_name = claims.get("name") if isinstance(claims.get("name"), str) else ""
                user = member_actions.do_create_user(
                    session, username, country=country, role=role, acting=OIDC_ACTOR, full_name=str(full_name)
                )
        except ManaraError as refused:
            raise SignOnRefused(f"user not created: {refused.message}", username) from refused
        return user
    if not user.active:
        raise SignOnRefused("user disabled", username)
    if country is not None and country != user.country:
        raise SignOnRefused("country claim differs from the user's member country", username)
    if role is not None and role.value != user.role:
        member_actions.do_update_user(session, user, acting=OIDC_ACTOR, role=role)
    return user


@router.get("/oidc/callback", name="oidc_callback")
def oidc_callback(request: Request, session: DbSession, code: str = "", state: str = "") -> Response:
    """Finish the single sign-on: check state, exchange the code, verify the ID token, open an ``oidc`` session."""
    settings = get_settings()
    address = client_address(request)
    if not enabled(settings):
        return RedirectResponse("/console/login", status_code=303)
    try:
        flow = _flow(request)
        if not state or len(state) > 200 or state != flow["s"]:
            raise SignOnRefused("state does not match this browser's sign-on")
        if not code or len(code) > 2000:
            raise SignOnRefused(f"no code: {request.query_params.get('error', 'none')[:100]}")
        meta = provider(settings.oidc_issuer).metadata
        with _client(settings, _redirect_uri(request, settings)) as client:
            try:
                tokens = client.fetch_token(str(meta["token_endpoint"]), code=code, code_verifier=flow["v"])
            except Exception as failed:  # noqa: BLE001 - any failure of the exchange is a refused sign-on
                raise SignOnRefused(f"token exchange failed: {type(failed).__name__}") from failed
        id_token = tokens.get("id_token")
        if not isinstance(id_token, str):
            raise SignOnRefused("no ID token in the token response")
        claims = verify_id_token(id_token, settings, flow["n"])
        user = user_for(session, claims, settings)
    except SignOnRefused as refused:
        log.info("single sign-on refused: %s", refused.reason)
        member_actions.do_record_oidc_failure(session, refused.reason, address=address, username=refused.username)
        shown = {"next": "/console/", "failed": False, "username": "", "sso_failed": True, "sso": True}
        refusal: Response = page(request, "login.html", status=401, **shown)
        refusal.delete_cookie(FLOW_COOKIE, path="/console/oidc")
        return refusal
    member_actions.do_sign_in_oidc(session, user, address=address, issuer=settings.oidc_issuer)
    response = open_session(request, session, user, "oidc", flow["next"])
    response.delete_cookie(FLOW_COOKIE, path="/console/oidc")
    return response


def login_link(next_target: str) -> str:
    """Return the link of the sign-on button on the sign-in page."""
    return f"/console/oidc/login?next={quote(next_target, safe='')}"
