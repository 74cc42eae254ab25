"""Members' Ed25519 signing keys at rest.

Where they live: table ``training_signing_key``, one active key per member. The private key is stored only
encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under a key derived from ``MANARA_SECRET_KEY``
(``sha256("manara.training.signing:" + secret)``); a database dump alone does not reveal it. It is decrypted
in memory just to sign, never logged, audited, put in an outbox event or returned by an interface. Rotating
``MANARA_SECRET_KEY`` makes stored keys unusable (``KeyUnavailable``): re-key with
``manara training rotate-key`` (old certificates stay verifiable: their public keys are kept).
"""

from __future__ import annotations

import hashlib

from cryptography.fernet import InvalidToken
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from manara import keyring
from manara.errors import ManaraError
from manara.training.credential import public_multibase


class KeyUnavailable(ManaraError):
    """The member's signing key cannot be decrypted (the server secret changed)."""

    http_status = 503


PURPOSE, LEGACY = "manara.training.signing", b"manara.training.signing:"  # keys of ``manara.keyring``


def reencrypt(stored: str) -> str:
    """Return the stored private key re-encrypted under the newest server key (``manara keys rotate``)."""
    return keyring.rotate(PURPOSE, stored, LEGACY)


def new_key() -> tuple[Ed25519PrivateKey, str, str]:
    """Return a fresh private key, its public multibase and its encrypted form for storage."""
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return key, public_multibase(key.public_key()), keyring.encrypt(PURPOSE, raw, LEGACY)


def key_id(country: str, public: str) -> str:
    """Return the verification method id of a member's key: ``urn:manara:member:FR#<fingerprint>``."""
    return f"urn:manara:member:{country}#{hashlib.sha256(public.encode()).hexdigest()[:16]}"


def decrypt(stored: str) -> Ed25519PrivateKey:
    """Return the private key from its stored form, or raise KeyUnavailable."""
    try:
        raw = keyring.decrypt(PURPOSE, stored, LEGACY)
    except (InvalidToken, ValueError) as exc:
        raise KeyUnavailable("the signing key cannot be decrypted with this server's secret") from exc
    return Ed25519PrivateKey.from_private_bytes(raw)
