"""Verifiable Credentials (W3C VC 2.0, Open Badges 3.0 data model) signed with Ed25519: a Data Integrity proof
with the ``eddsa-jcs-2022`` cryptosuite. Pure functions, no database: the offline verifier
(``manara training verify``) uses this module alone.

Signing: ``hash = sha256(canon(proof options)) + sha256(canon(credential without proof))``, signed with the
issuer's Ed25519 key; ``proofValue`` is the signature in multibase base58btc (``z…``). ``canon`` is the JSON
Canonicalization Scheme (RFC 8785) for the values credentials hold here (strings, integers, booleans, lists,
objects: keys sorted, no whitespace, UTF-8): credentials carry no floating-point numbers.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub
VC_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
CRYPTOSUITE = "eddsa-jcs-2022"


def canonical(value: Any) -> bytes:
    """Return the JCS canonical form of a JSON value (refuses floats, which credentials never hold)."""

    def check(v: Any) -> None:
        if isinstance(v, float):
            raise ValueError("floating-point numbers are not allowed in credentials")
        if isinstance(v, dict):
            for k, item in v.items():
                if not isinstance(k, str):
                    raise ValueError("object keys must be strings")
                check(item)
        elif isinstance(v, list):
            for item in v:
                check(item)

    check(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def b58encode(data: bytes) -> str:
    """Return base58btc (Bitcoin alphabet)."""
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58decode(text: str) -> bytes:
    """Decode base58btc; ValueError on a character outside the alphabet."""
    n = 0
    for ch in text:
        i = B58.find(ch)
        if i < 0:
            raise ValueError("not base58btc")
        n = n * 58 + i
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def public_multibase(key: Ed25519PublicKey) -> str:
    """Return the public key as multibase (``z6Mk…``, as in did:key)."""
    return "z" + b58encode(ED25519_PUB_PREFIX + key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def load_public(text: str) -> Ed25519PublicKey:
    """Read a public key given as multibase (``z6Mk…``), PEM, or 64 hex digits; ValueError otherwise."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        from cryptography.hazmat.primitives.serialization import load_pem_public_key

        key = load_pem_public_key(text.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return key
    if text.startswith("z"):
        raw = b58decode(text[1:])
        if not raw.startswith(ED25519_PUB_PREFIX) or len(raw) != 34:
            raise ValueError("not a multibase Ed25519 public key")
        return Ed25519PublicKey.from_public_bytes(raw[2:])
    try:
        raw = bytes.fromhex(text)
    except ValueError as exc:
        raise ValueError("unrecognised public key (multibase z6Mk…, PEM or hex expected)") from exc
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def _signing_input(unsigned: dict[str, Any], options: dict[str, Any]) -> bytes:
    return hashlib.sha256(canonical(options)).digest() + hashlib.sha256(canonical(unsigned)).digest()


def sign(
    unsigned: dict[str, Any], key: Ed25519PrivateKey, verification_method: str, created: datetime
) -> dict[str, Any]:
    """Return ``unsigned`` with its Data Integrity proof (eddsa-jcs-2022)."""
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
        "@context": unsigned.get("@context", VC_CONTEXT),
    }
    signature = key.sign(_signing_input(unsigned, options))
    proof = {k: v for k, v in options.items() if k != "@context"} | {"proofValue": "z" + b58encode(signature)}
    return unsigned | {"proof": proof}


@dataclass(frozen=True)
class Check:
    """What signature verification found: ``ok``, or the reason it failed."""

    ok: bool
    reason: str = ""
    verification_method: str = ""


def verify_signature(credential: Any, key: Ed25519PublicKey) -> Check:
    """Check a credential's proof against the issuer's public key: any change to any field fails."""
    if not isinstance(credential, dict) or not isinstance(credential.get("proof"), dict):
        return Check(False, "no proof")
    proof = credential["proof"]
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        return Check(False, "unsupported proof type")
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        return Check(False, "malformed proof value")
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"} | {"@context": unsigned.get("@context", VC_CONTEXT)}
    try:
        key.verify(b58decode(value[1:]), _signing_input(unsigned, options))
    except (InvalidSignature, ValueError):
        return Check(False, "signature does not match: the credential was altered or signed by another key")
    return Check(True, verification_method=str(proof.get("verificationMethod", "")))


def parse_time(value: Any) -> datetime | None:
    """Return an ISO timestamp of a credential as an aware datetime, or None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def offline_status(credential: dict[str, Any], key: Ed25519PublicKey, now: datetime) -> tuple[str, str]:
    """Return ``(status, reason)`` of a credential checked with no server: ``tampered``, ``expired``,
    ``not_yet_valid`` or ``valid`` (revocation needs the issuer's status list: see ``status_bit``)."""
    check = verify_signature(credential, key)
    if not check.ok:
        return "tampered", check.reason
    valid_from, valid_until = parse_time(credential.get("validFrom")), parse_time(credential.get("validUntil"))
    if valid_from is not None and now < valid_from:
        return "not_yet_valid", f"valid from {credential.get('validFrom')}"
    if valid_until is not None and now >= valid_until:
        return "expired", f"expired on {credential.get('validUntil')}"
    return "valid", ""


def encode_status_list(revoked: set[int], size: int) -> str:
    """Return a Bitstring Status List's ``encodedList``: GZIP of the bits, base64url, multibase ``u``."""
    import base64
    import gzip

    bits = bytearray(max((size + 7) // 8, 16 * 1024))  # at least 131,072 entries (herd privacy)
    for i in revoked:
        bits[i // 8] |= 0x80 >> (i % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode().rstrip("=")


def status_bit(encoded: str, index: int) -> bool:
    """Return the bit at ``index`` of an ``encodedList`` (True: revoked)."""
    import base64
    import gzip

    body = encoded[1:] if encoded.startswith("u") else encoded
    bits = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return bool(bits[index // 8] & (0x80 >> (index % 8))) if index // 8 < len(bits) else False
