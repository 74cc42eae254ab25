"""Indicator kinds and the normal form of their values: the key two members' records are cross-matched by."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import SplitResult, quote, unquote, urlsplit

from manara.analysis.identifiers import normalize_email, normalize_wallet
from manara.errors import ValidationFailed

KINDS: tuple[str, ...] = (
    "domain-name",
    "ipv4-addr",
    "ipv6-addr",
    "url",
    "file-md5",
    "file-sha1",
    "file-sha256",
    "email-addr",
    "cryptocurrency-wallet",
    "vulnerability",
)
HASH_LENGTHS = {"file-md5": 32, "file-sha1": 40, "file-sha256": 64}
HASH_STIX_NAMES = {"file-md5": "MD5", "file-sha1": "SHA-1", "file-sha256": "SHA-256"}
MAX_VALUE = 2048
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_HEX = re.compile(r"^[0-9a-f]+$")
_CVE = re.compile(r"^CVE-\d{4}-\d{4,}$")
_DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}


def _refuse(kind: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"invalid {kind}", [{"field": "value", "message": message}])


def _clean(value: str) -> str:
    text = unicodedata.normalize("NFC", value).strip()
    if not text or len(text) > MAX_VALUE:
        raise ValidationFailed("invalid value", [{"field": "value", "message": f"1 to {MAX_VALUE} characters"}])
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") for ch in text):
        raise ValidationFailed("invalid value", [{"field": "value", "message": "control or invisible characters"}])
    return text


def normalize_domain(value: str) -> str:
    """Return a domain name IDNA-encoded (A-labels), lower case, without a trailing dot; raise if invalid."""
    text = _clean(value).rstrip(".").lower()
    try:
        ascii_name = text.encode("idna").decode("ascii") if not text.isascii() else text
    except UnicodeError as exc:
        raise _refuse("domain-name", "not a valid internationalised domain name") from exc
    labels = ascii_name.split(".")
    if len(labels) < 2 or len(ascii_name) > 253 or not all(_LABEL.match(label) for label in labels):
        raise _refuse("domain-name", "a domain name has two or more labels of letters, digits and hyphens")
    if labels[-1].isdigit():
        raise _refuse("domain-name", "an IP address is not a domain name")
    return ascii_name


def normalize_url(value: str) -> str:
    """Return a URL with a lower-case scheme and IDNA host, no default port, no fragment; raise if invalid."""
    text = _clean(value)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise _refuse("url", "not a URL") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https", "ftp", "hxxp", "hxxps") or not parts.hostname:
        raise _refuse("url", "an absolute http, https or ftp URL")
    scheme = scheme.replace("hxxp", "http")
    raw_host = parts.hostname
    try:
        host = str(ipaddress.ip_address(raw_host.strip("[]")))
        host = f"[{host}]" if ":" in host else host
    except ValueError:
        host = normalize_domain(raw_host)
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~%") or "/"
    return SplitResult(scheme, netloc, path, parts.query, "").geturl()


def _ip(kind: str, text: str) -> str:
    try:
        ip = ipaddress.ip_network(text, strict=False) if "/" in text else ipaddress.ip_address(text)
    except ValueError as exc:
        raise _refuse(kind, "not an IP address") from exc
    if ip.version != (4 if kind == "ipv4-addr" else 6):
        raise _refuse(kind, f"not an IPv{4 if kind == 'ipv4-addr' else 6} address")
    if isinstance(ip, ipaddress.IPv4Network | ipaddress.IPv6Network) and ip.num_addresses == 1:
        return str(ip.network_address)
    return str(ip)


def _hash(kind: str, text: str) -> str:
    digest = text.lower()
    if len(digest) != HASH_LENGTHS[kind] or not _HEX.match(digest):
        raise _refuse(kind, f"{HASH_LENGTHS[kind]} hexadecimal digits")
    return digest


def _email(text: str) -> str:
    local, _, domain = text.rpartition("@")
    email = normalize_email(f"{local}@{normalize_domain(domain)}") if local and domain else None
    if email is None:
        raise _refuse("email-addr", "not an e-mail address")
    return email


def _wallet(text: str) -> str:
    wallet = normalize_wallet(text)
    if wallet is None:
        raise _refuse("cryptocurrency-wallet", "not a Bitcoin or Ethereum address (or 20-128 letters and digits)")
    return wallet


def _cve(text: str) -> str:
    cve = text.upper()
    if not _CVE.match(cve):
        raise _refuse("vulnerability", "a CVE identifier such as CVE-2024-3400")
    return cve


def normalize_value(kind: str, value: str) -> str:
    """Return the normal form of ``value`` as an indicator of ``kind``; raise ValidationFailed if invalid."""
    if kind not in KINDS:
        raise ValidationFailed("unknown kind", [{"field": "kind", "message": f"one of {', '.join(KINDS)}"}])
    text = _clean(value)
    if kind in ("ipv4-addr", "ipv6-addr"):
        return _ip(kind, text)
    if kind in HASH_LENGTHS:
        return _hash(kind, text)
    simple = {
        "domain-name": normalize_domain,
        "url": normalize_url,
        "email-addr": _email,
        "cryptocurrency-wallet": _wallet,
        "vulnerability": _cve,
    }
    return simple[kind](text)
