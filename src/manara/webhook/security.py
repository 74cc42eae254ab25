"""Endpoint checks (SSRF guard), the signing secret's storage and the delivery signature.

An endpoint must be ``https://`` (plain ``http://`` only to a loopback address in ``dev``/``test``) and every
address its host resolves to must be public, unless it falls in ``MANARA_WEBHOOK_ALLOW_NETWORKS``: private,
loopback, link-local, multicast and reserved addresses are refused, at subscription and again at each delivery,
which then connects to the very address it checked (no second lookup a DNS rebinding could answer).

Signature: ``X-Manara-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.fernet import Fernet

from manara.errors import ValidationFailed
from manara.settings import get_settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix of generated secrets, not a secret


@dataclass(frozen=True)
class Endpoint:
    """A checked endpoint: where to connect (``address``) and what to ask for (``url``, ``host``, ``port``)."""

    url: str
    scheme: str
    host: str
    port: int
    address: str
    target: str  # path and query, as sent in the request line


class EndpointRefused(ValueError):
    """The endpoint is malformed, does not resolve, or resolves to a refused address."""


def _fernet() -> Fernet:
    material = hashlib.sha256(b"manara.webhook.secret:" + get_settings().secret_key.get_secret_value().encode())
    return Fernet(base64.urlsafe_b64encode(material.digest()))


def new_secret() -> str:
    """Return a fresh signing secret (shown once)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def encrypt_secret(secret: str) -> str:
    """Return the secret encrypted for storage."""
    return _fernet().encrypt(secret.encode()).decode()


def decrypt_secret(stored: str) -> str:
    """Return the signing secret of a subscription."""
    return _fernet().decrypt(stored.encode()).decode()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Return the ``X-Manara-Signature`` header value of ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """Check a signature header as a receiver should (timestamp within ``tolerance`` seconds)."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def _allowed(address: IPAddress, scheme: str) -> bool:
    settings = get_settings()
    if any(address in ipaddress.ip_network(n, strict=False) for n in settings.webhook_allow_networks):
        return True
    if address.is_loopback:
        return settings.env in ("dev", "test")
    return scheme == "https" and address.is_global and not address.is_multicast


def check_url(url: str) -> tuple[str, str, int, str]:
    """Check the form of an endpoint URL; return (scheme, host, port, target) or raise ``EndpointRefused``."""
    if len(url) > 2000 or any(c.isspace() or ord(c) < 32 for c in url):
        raise EndpointRefused("the URL is too long or contains spaces or control characters")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http"):
        raise EndpointRefused("the URL must start with https://")
    if parts.username is not None or parts.password is not None:
        raise EndpointRefused("the URL must not carry a user name or password")
    if parts.fragment:
        raise EndpointRefused("the URL must not have a fragment")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise EndpointRefused("the URL has an invalid port") from exc
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise EndpointRefused("the URL has no host")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, host, port, target


def resolve(url: str) -> Endpoint:
    """Check ``url`` and the addresses its host resolves to; return where to connect."""
    scheme, host, port, target = check_url(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise EndpointRefused(f"the host {host!r} does not resolve") from exc
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    if not addresses:
        raise EndpointRefused(f"the host {host!r} does not resolve")
    for address in addresses:
        if not _allowed(address, scheme):
            raise EndpointRefused(f"the host {host!r} resolves to a refused address ({address})")
        if scheme == "http" and not address.is_loopback:
            raise EndpointRefused("plain http:// is accepted only to a loopback receiver in development")
    return Endpoint(url, scheme, host, port, str(addresses[0]), target)


def validate_endpoint(url: str) -> Endpoint:
    """``resolve``, as a validation error of the ``url`` field."""
    try:
        return resolve(url)
    except EndpointRefused as exc:
        raise ValidationFailed("endpoint refused", [{"field": "url", "message": str(exc)}]) from exc
