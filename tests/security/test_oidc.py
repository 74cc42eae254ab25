"""OpenID Connect sign-in for the console (issue 20) against a provider the test starts on a loopback port:
PKCE, state and nonce, the ID token checked against the provider's JWKS, claims mapped to user, country and
role, no user created unless allowed; OIDC users hold no local password yet get a session (finding 5)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from joserfc.jwk import RSAKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net
from manara.audit.models import AuditEvent
from manara.member.models import ConsoleSession
from manara.member.service import get_user_by_username
from manara.settings import get_settings
from security.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, Running


@pytest.fixture
def idp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Provider]:
    running = Running()
    provider = running.provider
    monkeypatch.setenv("MANARA_OIDC_ISSUER", provider.issuer)
    monkeypatch.setenv("MANARA_OIDC_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("MANARA_OIDC_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("MANARA_OIDC_ROLE_MAP", '{"ncb-duty": "duty_officer", "ncb-officer": "bureau_officer"}')
    get_settings.cache_clear()
    yield provider
    running.stop()
    get_settings.cache_clear()


def sign_on(client: TestClient, target: str = "/console/notices") -> httpx.Response:
    """Go through the whole flow as a browser: Manara → provider (approves) → Manara's callback."""
    start = client.get(f"/console/oidc/login?next={target}", follow_redirects=False)
    assert start.status_code == 303
    authorize = start.headers["location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    assert "code_verifier" not in query  # the verifier never leaves the server and the browser's signed cookie
    approved = httpx.get(authorize, follow_redirects=False)
    assert approved.status_code == 302
    back = urlsplit(approved.headers["location"])
    return client.get(f"{back.path}?{back.query}", follow_redirects=False)  # type: ignore[return-value]


def test_the_sign_in_page_offers_single_sign_on(client: TestClient, idp: Provider) -> None:
    assert 'id="sso-login"' in client.get("/console/login").text


def test_an_existing_user_signs_on_and_gets_an_oidc_session(
    client: TestClient, session: Session, net: Net, idp: Provider
) -> None:
    idp.claims = {"preferred_username": "ma.bureau_officer", "manara_country": "MA", "manara_role": "ncb-officer"}
    done = sign_on(client)
    assert done.status_code == 303 and done.headers["location"] == "/console/notices"
    assert client.get("/console/notices").status_code == 200
    user = get_user_by_username(session, "ma.bureau_officer")
    assert user is not None and user.password_hash is None  # no local password, yet a session (finding 5 adapted)
    opened = session.scalars(select(ConsoleSession).where(ConsoleSession.user_id == user.id)).one()
    assert opened.credential == "oidc"
    [exchange] = idp.token_requests
    assert exchange["code_verifier"] and exchange["grant_type"] == "authorization_code"
    signed_in = session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.signed_in")).one()
    assert signed_in.extra["via"] == "oidc" and signed_in.extra["issuer"] == idp.issuer
    # such a user cannot sign in with a password: there is none
    form = client.get("/console/login")
    assert form.status_code in (200, 303)


def test_the_role_claim_keeps_the_role_in_step(client: TestClient, session: Session, net: Net, idp: Provider) -> None:
    idp.claims = {"preferred_username": "ma.bureau_officer", "manara_country": "MA", "manara_role": "ncb-duty"}
    assert sign_on(client).status_code == 303
    user = get_user_by_username(session, "ma.bureau_officer")
    assert user is not None and user.role == "duty_officer"


def _refused(client: TestClient, session: Session) -> list[str]:
    assert client.get("/console/notices", follow_redirects=False).status_code == 303  # not signed in
    return [
        e.extra["reason"] for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.oidc_failed"))
    ]


def test_unknown_users_are_refused_unless_creation_is_allowed(
    client: TestClient, session: Session, net: Net, idp: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    idp.claims = {"preferred_username": "fr.new.officer", "manara_country": "FR", "manara_role": "ncb-duty"}
    refused = sign_on(client)
    assert refused.status_code == 401 and 'id="sso-error"' in refused.text
    assert any("unknown user" in r for r in _refused(client, session))
    assert get_user_by_username(session, "fr.new.officer") is None
    monkeypatch.setenv("MANARA_OIDC_CREATE_USERS", "true")
    get_settings.cache_clear()
    assert sign_on(client).status_code == 303
    created = get_user_by_username(session, "fr.new.officer")
    assert created is not None and (created.country, created.role) == ("FR", "duty_officer")
    assert created.password_hash is None
    assert client.get("/console/notices").status_code == 200


def test_another_countrys_claim_is_refused(client: TestClient, session: Session, net: Net, idp: Provider) -> None:
    idp.claims = {"preferred_username": "ma.bureau_officer", "manara_country": "FR", "manara_role": "ncb-officer"}
    assert sign_on(client).status_code == 401
    assert any("country" in r for r in _refused(client, session))


def test_a_token_signed_with_another_key_is_refused(
    client: TestClient, session: Session, net: Net, idp: Provider
) -> None:
    idp.claims = {"preferred_username": "ma.bureau_officer", "manara_country": "MA"}
    idp.sign_with = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    assert sign_on(client).status_code == 401
    assert any("ID token refused" in r for r in _refused(client, session))


@pytest.mark.parametrize("tamper", ["nonce", "audience"])
def test_a_replayed_nonce_or_another_audience_is_refused(
    client: TestClient, session: Session, net: Net, idp: Provider, tamper: str
) -> None:
    idp.claims = {"preferred_username": "ma.bureau_officer", "manara_country": "MA"}
    if tamper == "nonce":
        idp.nonce_override = "a-nonce-of-another-sign-on"
    else:
        idp.audience = "another-client"
    assert sign_on(client).status_code == 401
    assert any("ID token refused" in r for r in _refused(client, session))


def test_the_state_must_be_this_browsers(client: TestClient, session: Session, net: Net, idp: Provider) -> None:
    idp.claims = {"preferred_username": "ma.bureau_officer", "manara_country": "MA"}
    start = client.get("/console/oidc/login", follow_redirects=False)
    approved = httpx.get(start.headers["location"], follow_redirects=False)
    back = urlsplit(approved.headers["location"])
    victim = TestClient(
        client.app, raise_server_exceptions=False
    )  # a login CSRF: the attacker's code, the victim's browser
    assert victim.get(f"{back.path}?{back.query}", follow_redirects=False).status_code == 401
    forged = back.query.replace("state=", "state=x")
    assert client.get(f"{back.path}?{forged}", follow_redirects=False).status_code == 401
    assert any("state" in r or "no sign-on" in r for r in _refused(client, session))


def test_without_configuration_there_is_no_single_sign_on(client: TestClient) -> None:
    get_settings.cache_clear()
    assert 'id="sso-login"' not in client.get("/console/login").text
    assert client.get("/console/oidc/login", follow_redirects=False).headers["location"] == "/console/login"
