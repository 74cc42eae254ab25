"""Normalise identifiers (phones, e-mails, IBANs, wallets, plates, VINs, documents) for exact matching.

Each ``normalize_*`` returns a canonical string or None when the value is not a valid identifier of
that kind; two values name the same identifier exactly when their normal forms are equal.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from typing import Any

import phonenumbers

from manara.matching.identifiers import bitcoin_problem, iban_problem, normalize_country, normalize_document

_SEPARATORS = re.compile(r"[\s\-_.·/]+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$")
_BASE58 = frozenset("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")
_BECH32 = frozenset("qpzry9x8gf2tvdw0s3jn54khce6mua7l")
_HEX = frozenset(string.hexdigits)
_VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")  # ISO 3779: no I, O or Q
_PLATE = re.compile(r"^[A-Z0-9\u0600-\u06FF\u0400-\u04FF]{2,12}$")


def normalize_phone(value: str, region: str | None = None) -> str | None:
    """Return the E.164 form of a phone number (``region`` is an ISO alpha-2 hint for national numbers)."""
    try:
        number = phonenumbers.parse(value.strip()[:64], region.upper() if region else None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def normalize_email(value: str) -> str | None:
    """Return an e-mail address stripped and lower-cased, or None if it is not one."""
    text = value.strip().lower().removeprefix("mailto:").strip().strip("<>").strip()
    return text if len(text) <= 254 and _EMAIL.match(text) else None


def normalize_iban(value: str) -> str | None:
    """Return an IBAN without separators, upper-cased, if it is a real one (country, length, checksum)."""
    text = _SEPARATORS.sub("", value.upper())
    if text.startswith("IBAN"):
        text = text[4:]
    if not _IBAN.match(text):
        return None
    return text if iban_problem(text) is None else None


def _bitcoin(text: str) -> str | None:
    lower = text.lower()
    if lower.startswith(("bc1", "tb1")):
        # bech32 is case-insensitive but must not mix cases; the canonical form is lower case.
        if text != lower and text != text.upper():
            return None
        body = lower[3:]
        shaped = 11 <= len(body) <= 87 and set(body) <= _BECH32
        return lower if shaped and (lower.startswith("tb1") or bitcoin_problem(lower) is None) else None
    # base58 (P2PKH "1…", P2SH "3…") is case-sensitive: keep it exactly as written; its checksum must hold.
    if text[:1] in ("1", "3") and 25 <= len(text) <= 35 and set(text) <= _BASE58 and bitcoin_problem(text) is None:
        return text
    return None


def _ethereum(text: str) -> str | None:
    # EIP-55 mixed case is only a checksum: the address is the 20 bytes, compared in lower case.
    if len(text) == 42 and text[:2].lower() == "0x" and set(text[2:]) <= _HEX:
        return "0x" + text[2:].lower()
    return None


def normalize_wallet(value: str, chain: str | None = None) -> str | None:
    """Return a crypto wallet address by its chain's rules (BTC, ETH; detected when ``chain`` is None)."""
    text = value.strip()
    symbol = (chain or "").strip().upper()
    if symbol in ("BTC", "XBT", "BITCOIN"):
        return _bitcoin(text)
    if symbol in ("ETH", "ETHEREUM", "USDT", "USDC") and text[:2].lower() == "0x":
        return _ethereum(text)
    if not symbol:
        return _ethereum(text) or _bitcoin(text)
    return text if 20 <= len(text) <= 128 and text.isalnum() else None  # other chains: exact, as written


def normalize_vin(value: str) -> str | None:
    """Return a vehicle identification number upper-cased without separators, if it has VIN form."""
    text = _SEPARATORS.sub("", value.upper())
    return text if _VIN.match(text) else None


def normalize_plate(value: str) -> str | None:
    """Return a registration plate upper-cased without spaces, dashes or dots."""
    text = _SEPARATORS.sub("", value.upper())
    return text if _PLATE.match(text) else None


def _values(props: dict[str, Any], *names: str) -> list[str]:
    return [str(v) for name in names for v in props.get(name) or [] if v]


def _region(props: dict[str, Any], owner: str | None) -> str | None:
    for value in _values(props, "country", "nationality", "jurisdiction"):
        code = normalize_country(value)
        if code:
            return code
    return owner


def _keys(kind: str, values: Iterable[str | None]) -> set[tuple[str, str]]:
    return {(kind, v) for v in values if v}


def identifier_keys(schema: str, props: dict[str, Any], owner: str | None = None) -> set[tuple[str, str]]:
    """Return the ``(kind, normal form)`` identifiers an FtM entity carries, for exact cross-matching."""
    region = _region(props, owner)
    keys = _keys("phone", (normalize_phone(v, region) for v in _values(props, "phone")))
    keys |= _keys("email", map(normalize_email, _values(props, "email")))
    keys |= _keys("iban", map(normalize_iban, _values(props, "iban", "accountNumber")))
    documents = ("passportNumber", "idNumber", "number") if schema != "BankAccount" else ()
    # A document number is unique only within its issuing country: qualify it when the entity names one.
    issuer = _region(props, None)
    doc_numbers = (normalize_document(v) for v in _values(props, *documents))
    keys |= _keys("document", (f"{issuer}:{n}" if issuer and n else n for n in doc_numbers))
    if schema == "CryptoWallet":
        chains = _values(props, "currencySymbol", "currency")
        chain = chains[0] if chains else None
        keys |= _keys("wallet", (normalize_wallet(v, chain) for v in _values(props, "publicKey", "cryptoAddress")))
    if schema in ("Vehicle", "Vessel", "Airplane"):
        numbers = _values(props, "registrationNumber")
        keys |= _keys("vin", map(normalize_vin, numbers))
        keys |= _keys("plate", (normalize_plate(v) for v in numbers if not normalize_vin(v)))
    return keys
