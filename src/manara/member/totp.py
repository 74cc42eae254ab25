"""Optional second factor for console sign-in: time-based one-time passwords (RFC 6238, RFC 4226).

The shared secret is stored encrypted (Fernet, with a key derived from ``MANARA_SECRET_KEY``), shown
once at enrolment and never logged. A code is accepted for the current 30-second step or the one
either side (clock drift); a step already used is refused, so a code cannot be replayed. Wrong codes
count towards the same lockout as wrong passwords. Every change is audited; never commits.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.db.base import utcnow
from manara.identity import Actor
from manara.member.models import User
from manara.member.passwords import count_failure, is_locked, second_factor_required, sign_in_succeeded
from manara.settings import get_settings

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
ISSUER = "Manara"


def hotp(key: bytes, counter: int, digits: int = DIGITS, digest: str = "sha1") -> str:
    """Return the HOTP value of ``counter`` (RFC 4226 section 5.3, dynamic truncation)."""
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def totp(key: bytes, at: float, digits: int = DIGITS, digest: str = "sha1") -> str:
    """Return the TOTP value at Unix time ``at`` (RFC 6238: T0 = 0, X = 30 seconds)."""
    return hotp(key, int(at // STEP_SECONDS), digits, digest)


def new_secret() -> str:
    """Return a new 160-bit secret in base32, as authenticator apps expect it."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def _key(secret_b32: str) -> bytes:
    return base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))


def provisioning_uri(secret_b32: str, username: str) -> str:
    """Return the ``otpauth://`` URI an authenticator app imports (Key URI Format)."""
    params = urlencode(
        {"secret": secret_b32, "issuer": ISSUER, "algorithm": "SHA1", "digits": DIGITS, "period": STEP_SECONDS}
    )
    return f"otpauth://totp/{quote(ISSUER)}:{quote(username)}?{params}"


def _fernet() -> Fernet:
    material = hashlib.sha256(b"manara.totp:" + get_settings().secret_key.get_secret_value().encode()).digest()
    return Fernet(base64.urlsafe_b64encode(material))


def encrypt_secret(secret_b32: str) -> str:
    """Return the secret encrypted for storage."""
    return _fernet().encrypt(secret_b32.encode()).decode()


def decrypt_secret(stored: str) -> str | None:
    """Return the stored secret, or None when it cannot be decrypted (the server key changed)."""
    try:
        return _fernet().decrypt(stored.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def matching_step(secret_b32: str, code: str, *, now: float | None = None, after: int | None = None) -> int | None:
    """Return the time step ``code`` is valid for (within the drift window, later than ``after``), or None."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    key, current = _key(secret_b32), int((time.time() if now is None else now) // STEP_SECONDS)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if (after is None or step > after) and hmac.compare_digest(hotp(key, step), code):
            return step
    return None


enabled = second_factor_required


def do_start_totp(session: Session, user: User, *, acting: Actor) -> str:
    """Generate a pending secret for the user (replacing an unconfirmed one); return it to be shown once."""
    if enabled(user):
        raise ValueError("second factor already enabled")
    secret = new_secret()
    user.totp_secret, user.totp_confirmed_at, user.totp_last_step = encrypt_secret(secret), None, None
    record(session, acting, AuditAction.USER_TOTP_STARTED, target_type="user", target_ids=[user.id])
    return secret


def do_confirm_totp(session: Session, user: User, code: str, *, acting: Actor) -> bool:
    """Enable the pending second factor if ``code`` is right; return whether it was."""
    secret = decrypt_secret(user.totp_secret) if user.totp_secret and not enabled(user) else None
    step = matching_step(secret, code) if secret else None
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


def do_verify_second_factor(session: Session, user: User, code: str) -> bool:
    """Finish a sign-in with the code; a wrong, replayed or locked-out attempt counts as a failure."""
    secret = decrypt_secret(user.totp_secret) if enabled(user) and user.totp_secret else None
    step = None
    if secret and not is_locked(user) and user.active:
        step = matching_step(secret, code, after=user.totp_last_step)
    if step is None:
        count_failure(session, user, user.username, factor="totp")
        return False
    user.totp_last_step = step
    sign_in_succeeded(session, user)
    return True
