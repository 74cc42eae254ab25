"""Optional second factor for console sign-in: time-based one-time passwords (RFC 6238, RFC 4226).

The shared secret is stored encrypted (Fernet, with a key derived from ``MANARA_SECRET_KEY``), shown
once at enrolment and never logged. A code is accepted for the current 30-second step or the one
either side (clock drift); a step already used is refused, so a code cannot be replayed. Wrong codes
count towards the same lockout as wrong passwords. Enrolling, confirming, resetting and verifying are
audited actions (``member/actions.py``); this module holds the codes and the secret's encryption.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

from cryptography.fernet import InvalidToken

from manara import keyring
from manara.member.passwords import second_factor_required

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


PURPOSE, LEGACY = "manara.totp", b"manara.totp:"  # keys of ``manara.keyring`` (rotatable)


def encrypt_secret(secret_b32: str) -> str:
    """Return the secret encrypted for storage (newest server key)."""
    return keyring.encrypt(PURPOSE, secret_b32.encode(), LEGACY)


def decrypt_secret(stored: str) -> str | None:
    """Return the stored secret, or None when no configured server key opens it."""
    try:
        return keyring.decrypt(PURPOSE, stored, LEGACY).decode()
    except (InvalidToken, ValueError):
        return None


def reencrypt_secret(stored: str) -> str:
    """Return the stored secret re-encrypted under the newest server key (``manara keys rotate``)."""
    return keyring.rotate(PURPOSE, stored, LEGACY)


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
