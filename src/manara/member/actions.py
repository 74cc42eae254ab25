"""Write path of members, agencies, users, API keys, console passwords, sign-in and the second factor:
change + audit + outbox, never commit."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import timedelta

from followthemoney.types import registry
from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.db.base import utcnow
from manara.errors import Conflict, NotFound, ValidationFailed
from manara.identity import ALL_SCOPES, Actor, Role
from manara.member import keys, passwords, sessions, totp
from manara.member.models import Agency, ApiKey, ConsoleSession, Member, SignInThrottle, User
from manara.member.service import get_user_by_username, member_active
from manara.outbox.service import enqueue
from manara.settings import get_settings
from manara.text import sanitize

# Codes FtM knows that are not member-eligible states: unknown, organisations, historical states.
NOT_COUNTRIES = {"zz", "eu", "un", "aq", "dd", "su", "yu", "cs", "zr", "tp", "an", "bu", "yd", "ddr", "suhh"}


def iso_country(code: str) -> tuple[str, str]:
    """Return (ISO alpha-2 upper-case code, English name) or raise for an unknown country."""
    cleaned = registry.country.clean(code) if len(code.strip()) == 2 else None
    name = registry.country.names.get(cleaned or "")
    if cleaned is None or name is None or len(cleaned) != 2 or cleaned in NOT_COUNTRIES:
        raise ValidationFailed("unknown country", [{"field": "code", "message": f"not an ISO 3166 country: {code!r}"}])
    return cleaned.upper(), str(name)


def do_create_member(session: Session, code: str, *, acting: Actor, name: str | None = None) -> Member:
    """Admit a member country to the network."""
    iso, default_name = iso_country(code)
    if session.get(Member, iso) is not None:
        raise Conflict(f"member {iso} already exists", code=iso)
    member = Member(code=iso, name=sanitize(name or default_name)[:200])
    session.add(member)
    session.flush()
    record(session, acting, AuditAction.MEMBER_CREATED, target_type="member", target_ids=[iso])
    enqueue(session, "member.created", {"code": iso})
    return member


def do_set_member_active(session: Session, member: Member, active: bool, *, acting: Actor) -> Member:
    """Suspend a member country (its users can no longer sign in or use an API key, their console sessions end,
    and no record can be shared with it any more) or admit it again; nothing it owns is deleted."""
    if member.active == active:
        return member
    member.active = active
    record(
        session, acting, AuditAction.MEMBER_UPDATED, target_type="member", target_ids=[member.code],
        extra={"active": {"old": not active, "new": active}},
    )  # fmt: skip
    enqueue(session, "member.updated", {"code": member.code, "active": active}, country=member.code)
    keys.CACHE.clear()  # a cached key must not outlive its member's suspension here; ≤ 1 s elsewhere
    if not active:
        for user in session.scalars(select(User).where(User.country == member.code, User.active.is_(True))):
            do_revoke_user_sessions(session, user, acting=acting, reason="member_suspended")
    return member


def do_create_agency(
    session: Session, country: str, name: str, *, acting: Actor, kind: str = "national_bureau"
) -> Agency:
    """Register a national bureau or agency of a member country."""
    member = session.get(Member, country.upper())
    if member is None:
        raise NotFound("member", country)
    agency = Agency(country=member.code, name=sanitize(name)[:200], kind=kind)
    session.add(agency)
    session.flush()
    record(session, acting, AuditAction.AGENCY_CREATED, target_type="agency", target_ids=[agency.id])
    enqueue(session, "agency.created", {"id": agency.id, "country": agency.country}, country=agency.country)
    return agency


def do_create_user(
    session: Session,
    username: str,
    *,
    country: str,
    role: Role,
    acting: Actor,
    full_name: str = "",
    agency_id: str | None = None,
) -> User:
    """Create a user of a member country in one role."""
    username = sanitize(username)
    if not username or len(username) > 100:
        raise ValidationFailed("invalid username", [{"field": "username", "message": "1 to 100 characters"}])
    if session.get(Member, country.upper()) is None:
        raise NotFound("member", country)
    if get_user_by_username(session, username) is not None:
        raise Conflict(f"user {username} already exists", username=username)
    user = User(
        username=username,
        full_name=sanitize(full_name)[:200],
        country=country.upper(),
        role=Role(role).value,
        agency_id=agency_id,
    )
    session.add(user)
    session.flush()
    record(
        session,
        acting,
        AuditAction.USER_CREATED,
        target_type="user",
        target_ids=[user.id],
        extra={"role": user.role, "country": user.country},
    )
    enqueue(session, "user.created", {"id": user.id, "role": user.role}, country=user.country)
    return user


def do_update_user(
    session: Session, user: User, *, acting: Actor, role: Role | None = None, active: bool | None = None
) -> User:
    """Change a user's role or (de)activate them; a disabled user can neither sign in nor use a key."""
    if user.id == acting.user_id and (active is False or (role is not None and role != user.role)):
        raise ValidationFailed(
            "cannot demote or disable yourself",
            [{"field": "role" if active is not False else "active", "message": "another administrator must do this"}],
        )
    changes: dict[str, dict[str, object]] = {}
    if role is not None and role != user.role:
        changes["role"] = {"old": user.role, "new": Role(role).value}
        user.role = Role(role).value
    if active is not None and active != user.active:
        changes["active"] = {"old": user.active, "new": active}
        user.active = active
    if changes:
        record(session, acting, AuditAction.USER_UPDATED, target_type="user", target_ids=[user.id], extra=changes)
        enqueue(
            session, "user.updated", {"id": user.id, "role": user.role, "active": user.active}, country=user.country
        )
        keys.CACHE.clear()  # a cached key must not keep the old role or outlive the account here; ≤ 1 s elsewhere
        do_revoke_user_sessions(session, user, acting=acting, reason="disabled" if "active" in changes else "role")
    return user


def do_create_api_key(
    session: Session,
    user: User,
    *,
    acting: Actor,
    name: str = "",
    days: int | None = None,
    scopes: list[str] | None = None,
) -> tuple[ApiKey, str]:
    """Create an API key for ``user``; return the row and the token, which is never shown again."""
    wanted = sorted(set(scopes)) if scopes else sorted(ALL_SCOPES)
    days = days if days is not None else get_settings().api_key_default_days
    unknown = [s for s in wanted if s not in ALL_SCOPES]
    if unknown or days < 1 or days > 3650:
        raise ValidationFailed(
            "invalid key request",
            [{"field": "scopes", "message": f"unknown: {unknown}"}]
            if unknown
            else [{"field": "days", "message": "1 to 3650"}],
        )
    new = keys.generate()
    key = ApiKey(
        prefix=new.prefix,
        digest=new.digest,
        user_id=user.id,
        name=sanitize(name)[:100],
        scopes=wanted,
        expires_at=utcnow() + timedelta(days=days),
        minted_by=acting.user_id,
    )
    session.add(key)
    session.flush()
    record(
        session,
        acting,
        AuditAction.API_KEY_CREATED,
        target_type="api_key",
        target_ids=[key.id],
        extra={
            "user_id": user.id,
            "scopes": wanted,
            "expires_at": key.expires_at.isoformat(),
            "minted_for_another": acting.user_id != user.id,
        },
    )
    enqueue(session, "api_key.created", {"id": key.id, "user_id": user.id}, country=user.country)  # never the token
    return key, new.token


def do_revoke_api_key(session: Session, key: ApiKey, *, acting: Actor) -> ApiKey:
    """Revoke an API key at once."""
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        record(session, acting, AuditAction.API_KEY_REVOKED, target_type="api_key", target_ids=[key.id])
        enqueue(session, "api_key.revoked", {"id": key.id})
    keys.CACHE.clear()  # this process refuses it at once; the others within the cache's 1 s
    return key


# Console passwords and sign-in (hashing and lockout rules in ``passwords.py``).


def do_set_password(
    session: Session, user: User, password: str, *, acting: Actor, min_length: int = passwords.MIN_LENGTH
) -> User:
    """Set a user's console password (argon2) and lift any lockout."""
    if len(password) < min_length or len(password) > 1024:
        raise ValidationFailed(
            "password too short or too long", [{"field": "password", "message": f"{min_length} to 1024 characters"}]
        )
    user.password_hash = passwords.hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    user.password_set_by = None if acting.user_id == user.id else acting.user_id
    record(session, acting, AuditAction.USER_PASSWORD_SET, target_type="user", target_ids=[user.id])
    do_revoke_user_sessions(session, user, acting=acting, reason="password")
    return user


THEMES = ("auto", "light", "dark", "contrast")


def do_set_theme(session: Session, user: User, theme: str, *, acting: Actor) -> User:
    """Remember the user's console display (light, dark, high contrast, or the system's choice)."""
    if theme not in THEMES:
        raise ValidationFailed("unknown display theme", [{"field": "theme", "message": f"one of {', '.join(THEMES)}"}])
    user.theme = theme
    record(session, acting, AuditAction.USER_PREFERENCES_SET, target_type="user", target_ids=[user.id])
    return user


def do_reset_password(session: Session, user: User, *, acting: Actor) -> str:
    """Give a user a new random password (ending their sessions); return it to be shown this once."""
    password = secrets.token_urlsafe(15)  # 20 characters, about 120 bits
    do_set_password(session, user, password, acting=acting)
    return password


def _count_failure(
    session: Session, user: User | None, username: str, *, address: str, factor: str = "password", blocked: bool = False
) -> None:
    """Count a failed password or code against its (address, account) pair; past the free ones, the pair waits.

    A failure while the pair waits (``blocked``) is recorded but neither checked nor counted. Unknown
    usernames count the same way, so the back-off tells nothing about which accounts exist.
    """
    now = utcnow()
    key = sessions.throttle_key(address, username)
    row = session.get(SignInThrottle, key)
    if row is None:
        row = SignInThrottle(key=key, failures=0, updated_at=now)
        session.add(row)
    if not blocked:
        row.failures += 1
        row.updated_at = now
        wait = sessions.wait_after(row.failures)
        row.blocked_until = now + wait if wait else None
    if user is not None and not blocked:
        user.failed_logins += 1  # for the record; it locks nothing (finding 11)
    actor = passwords.user_actor(user) if user is not None else _anonymous(username)
    extra = {"username": username[:100], "failures": row.failures, "factor": factor, "address": address[:64]}
    record(
        session,
        actor,
        AuditAction.AUTH_SIGN_IN_FAILED,
        target_type="user" if user is not None else None,
        target_ids=[user.id] if user is not None else (),
        extra={**extra, "blocked": blocked},
    )
    if not blocked and row.blocked_until is not None:
        until = row.blocked_until.isoformat()
        record(session, actor, AuditAction.AUTH_THROTTLED, extra={**extra, "until": until})


def _sign_in_succeeded(session: Session, user: User, address: str) -> None:
    """Clear the pair's back-off and the failure counter, and audit the sign-in (every factor passed)."""
    user.failed_logins, user.locked_until = 0, None
    row = session.get(SignInThrottle, sessions.throttle_key(address, user.username))
    if row is not None:
        session.delete(row)
    record(session, passwords.user_actor(user), AuditAction.AUTH_SIGNED_IN, target_type="user", target_ids=[user.id])


def _anonymous(username: str) -> Actor:
    """The actor recorded for a failed sign-in under a name that is not a user."""
    return Actor(
        user_id="anonymous", username=username[:100], country="ZZ", role=Role.FRONTLINE_OFFICER, scopes=frozenset()
    )


def do_sign_in(session: Session, username: str, password: str, *, address: str = "local") -> User | None:
    """Return the user when the credentials are right and the account is usable; else None.

    Every outcome is audited. Callers must show one message for every failure: unknown user, wrong
    password, no password (finding 5), disabled account or a waiting (address, account) pair look the same
    from outside. For a user with a second factor (``passwords.second_factor_required``) the sign-in is not
    complete: the pair's back-off stays until the code is right.
    """
    name = username.strip()
    if sessions.blocked_until(session, address, name) is not None:  # not even checked: no guessing while waiting
        _count_failure(
            session, get_user_by_username(session, name) if name else None, name, address=address, blocked=True
        )
        return None
    user = get_user_by_username(session, name) if name else None
    matched = passwords.verify_password(user.password_hash if user else None, password)
    if user is None or not matched or not user.active or not member_active(session, user.country):
        _count_failure(session, user, name, address=address)
        return None
    if not passwords.second_factor_required(user):
        _sign_in_succeeded(session, user, address)
    return user


def do_sign_out(session: Session, actor: Actor, console_session: ConsoleSession | None = None) -> None:
    """Audit a console sign-out and end its session on the server (a saved cookie no longer works)."""
    record(session, actor, AuditAction.AUTH_SIGNED_OUT, target_type="user", target_ids=[actor.user_id])
    if console_session is not None:
        do_revoke_session(session, console_session, acting=actor, reason="sign_out")


def do_sign_in_oidc(session: Session, user: User, *, address: str, issuer: str) -> None:
    """Audit a single sign-on whose ID token was verified (the provider checked the person; no local password)."""
    user.failed_logins = 0
    record(
        session,
        passwords.user_actor(user),
        AuditAction.AUTH_SIGNED_IN,
        target_type="user",
        target_ids=[user.id],
        extra={"via": "oidc", "issuer": issuer[:200], "address": address[:64]},
    )


def do_record_oidc_failure(session: Session, reason: str, *, address: str, username: str = "") -> None:
    """Audit a refused single sign-on (bad state, token or claims, unknown or disabled user)."""
    record(
        session,
        _anonymous(username or "oidc"),
        AuditAction.AUTH_OIDC_FAILED,
        extra={"reason": reason[:200], "address": address[:64], "username": username[:100]},
    )


# Server-side console sessions (tokens, lifetimes and the checks in ``sessions.py``).


def do_open_session(session: Session, user: User, *, credential: str, user_agent: str) -> tuple[ConsoleSession, str]:
    """Open a console session for a signed-in user; return it and its token (for the cookie only)."""
    usable = sessions.may_use_console(user, credential) and member_active(session, user.country)
    if credential not in sessions.CREDENTIALS or not usable:
        raise ValidationFailed("no console session for this user", [{"field": "credential", "message": credential}])
    now, token = utcnow(), sessions.new_token()
    opened = ConsoleSession(
        digest=sessions.token_digest(token),
        user_id=user.id,
        credential=credential,
        created_at=now,
        last_seen_at=now,
        expires_at=now + sessions.LIFETIME,
        user_agent_hash=sessions.agent_digest(user_agent),
        user_agent=sanitize(user_agent)[:200],
    )
    session.add(opened)
    session.flush()
    set_by = user.password_set_by if credential == "password" else None
    actor = replace(passwords.user_actor(user), session_ref=sessions.reference(opened), credential_by=set_by)
    record(
        session,
        actor,
        AuditAction.AUTH_SESSION_OPENED,
        target_type="console_session",
        target_ids=[opened.id],
        extra={"credential": credential, "expires_at": opened.expires_at.isoformat()},
    )
    return opened, token


def do_touch_session(session: Session, console_session: ConsoleSession) -> None:
    """Note that a session was used (at most once a minute: not a write per request)."""
    now = utcnow()
    if now - console_session.last_seen_at >= sessions.TOUCH_EVERY:
        console_session.last_seen_at = now


def do_revoke_session(session: Session, console_session: ConsoleSession, *, acting: Actor, reason: str) -> bool:
    """End a session now (its next request, and its open live feeds within seconds, are refused)."""
    if console_session.revoked_at is not None:
        return False
    console_session.revoked_at, console_session.revoked_reason = utcnow(), reason[:40]
    record(
        session,
        acting,
        AuditAction.AUTH_SESSION_REVOKED,
        target_type="console_session",
        target_ids=[console_session.id],
        extra={"user_id": console_session.user_id, "reason": reason[:40]},
    )
    return True


def do_revoke_user_sessions(session: Session, user: User, *, acting: Actor, reason: str) -> int:
    """End every open session of a user (password change, role change, disabled, or on request)."""
    return sum(
        do_revoke_session(session, open_session, acting=acting, reason=reason)
        for open_session in sessions.sessions_of(session, user.id)
    )


# The optional second factor (codes and the secret's encryption in ``totp.py``).


def do_start_totp(session: Session, user: User, *, acting: Actor) -> str:
    """Generate a pending secret for the user (replacing an unconfirmed one); return it to be shown once."""
    if totp.enabled(user):
        raise ValueError("second factor already enabled")
    secret = totp.new_secret()
    user.totp_secret, user.totp_confirmed_at, user.totp_last_step = totp.encrypt_secret(secret), None, None
    record(session, acting, AuditAction.USER_TOTP_STARTED, target_type="user", target_ids=[user.id])
    return secret


def do_confirm_totp(session: Session, user: User, code: str, *, acting: Actor) -> bool:
    """Enable the pending second factor if ``code`` is right; return whether it was."""
    secret = totp.decrypt_secret(user.totp_secret) if user.totp_secret and not totp.enabled(user) else None
    step = totp.matching_step(secret, code) if secret else None
    if step is None:
        return False
    user.totp_confirmed_at, user.totp_last_step = utcnow(), step
    record(session, acting, AuditAction.USER_TOTP_ENABLED, target_type="user", target_ids=[user.id])
    return True


def do_reset_totp(session: Session, user: User, *, acting: Actor) -> User:
    """Remove a user's second factor (lost device): they sign in with the password and may enrol again."""
    user.totp_secret, user.totp_confirmed_at, user.totp_last_step = None, None, None
    record(session, acting, AuditAction.USER_TOTP_RESET, target_type="user", target_ids=[user.id])
    return user


def do_verify_second_factor(session: Session, user: User, code: str, *, address: str = "local") -> bool:
    """Finish a sign-in with the code; a wrong or replayed code counts towards the pair's back-off."""
    if sessions.blocked_until(session, address, user.username) is not None:
        _count_failure(session, user, user.username, address=address, factor="totp", blocked=True)
        return False
    secret = totp.decrypt_secret(user.totp_secret) if totp.enabled(user) and user.totp_secret else None
    step = None
    if secret and user.active:
        step = totp.matching_step(secret, code, after=user.totp_last_step)
    if step is None:
        _count_failure(session, user, user.username, address=address, factor="totp")
        return False
    user.totp_last_step = step
    _sign_in_succeeded(session, user, address)
    return True


def do_reencrypt_totp_secrets(session: Session, *, acting: Actor) -> int:
    """Re-encrypt every second-factor secret under the newest server key (``manara keys rotate``); audited."""
    users = list(session.scalars(select(User).where(User.totp_secret.is_not(None))))
    for user in users:
        assert user.totp_secret is not None
        user.totp_secret = totp.reencrypt_secret(user.totp_secret)
    record(
        session,
        acting,
        AuditAction.SECRETS_REENCRYPTED,
        target_type="user",
        extra={"count": len(users), "what": "totp"},
    )
    return len(users)
