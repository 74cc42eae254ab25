"""Encryption of stored secrets with rotatable keys: MultiFernet over keys derived with HKDF.

Every secret Manara stores encrypted (second-factor seeds, members' certificate-signing keys, webhook
signing secrets) goes through ``box(purpose)``. Its keys are derived with HKDF-SHA256 from the configured
server secrets — ``MANARA_SECRET_KEY`` first (the one that encrypts), then ``MANARA_PREVIOUS_SECRET_KEYS``
(still decrypt) — with the purpose as HKDF ``info``, so each purpose has its own keys. Values written
before HKDF keys existed (a key ``sha256(<legacy prefix> + secret)``) still decrypt. To rotate: put the
old secret in ``MANARA_PREVIOUS_SECRET_KEYS``, set the new ``MANARA_SECRET_KEY``, run ``manara keys
rotate`` (re-encrypts every stored secret under the new key), then drop the old secret.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from manara.settings import get_settings

__all__ = ["InvalidToken", "box", "decrypt", "encrypt", "rotate"]


def derive(secret: str, purpose: str) -> bytes:
    """Return the Fernet key of ``purpose`` derived from one server secret (HKDF-SHA256)."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"manara.keyring.v1", info=purpose.encode())
    return base64.urlsafe_b64encode(hkdf.derive(secret.encode()))


def _legacy(secret: str, prefix: bytes) -> bytes:
    return base64.urlsafe_b64encode(hashlib.sha256(prefix + secret.encode()).digest())


@lru_cache(maxsize=64)
def _box(purpose: str, legacy_prefix: bytes, secrets: tuple[str, ...]) -> MultiFernet:
    keys = [Fernet(derive(s, purpose)) for s in secrets]
    if legacy_prefix:
        keys += [Fernet(_legacy(s, legacy_prefix)) for s in secrets]
    return MultiFernet(keys)


def server_secrets() -> tuple[str, ...]:
    """Return the configured secrets, newest first (the first encrypts; all decrypt)."""
    settings = get_settings()
    previous = [s.get_secret_value() for s in settings.previous_secret_keys if s.get_secret_value()]
    return (settings.secret_key.get_secret_value(), *previous)


def box(purpose: str, legacy_prefix: bytes = b"") -> MultiFernet:
    """Return the MultiFernet of a purpose under the configured secrets."""
    return _box(purpose, legacy_prefix, server_secrets())


def encrypt(purpose: str, plaintext: bytes, legacy_prefix: bytes = b"") -> str:
    """Encrypt under the newest key of the purpose."""
    return box(purpose, legacy_prefix).encrypt(plaintext).decode()


def decrypt(purpose: str, token: str, legacy_prefix: bytes = b"") -> bytes:
    """Decrypt with any configured key of the purpose (raises ``InvalidToken``)."""
    return box(purpose, legacy_prefix).decrypt(token.encode())


def rotate(purpose: str, token: str, legacy_prefix: bytes = b"") -> str:
    """Return the value re-encrypted under the newest key (raises ``InvalidToken`` if no key opens it)."""
    return box(purpose, legacy_prefix).rotate(token.encode()).decode()
