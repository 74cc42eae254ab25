"""Address codecs and validation: base58check, bech32/bech32m (BIP-173/BIP-350), EIP-55, TRON.

Bitcoin script types: P2PK, P2PKH, P2SH, P2WPKH, P2WSH, P2TR (and future witness versions, bech32m).
Every function here is pure; a bad address raises ``InvalidAddress`` with the reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

from Crypto.Hash import RIPEMD160, keccak

from manara.errors import ValidationFailed

Chain = Literal["btc", "eth", "trx"]
CHAINS: tuple[str, ...] = ("btc", "eth", "trx")
SCRIPT_TYPES = ("p2pk", "p2pkh", "p2sh", "p2wpkh", "p2wsh", "p2tr", "witness_unknown", "eth", "trx")

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
B58_INDEX = {c: i for i, c in enumerate(B58)}
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
BECH32_INDEX = {c: i for i, c in enumerate(BECH32)}
BECH32_CONST, BECH32M_CONST = 1, 0x2BC830A3

# Version bytes of base58 addresses: (p2pkh, p2sh) per network, and the bech32 human-readable parts.
NETWORKS = {"mainnet": (0x00, 0x05, "bc"), "testnet": (0x6F, 0xC4, "tb"), "regtest": (0x6F, 0xC4, "bcrt")}


class InvalidAddress(ValidationFailed):
    """An address or script that fails its checksum or its format's rules."""

    def __init__(self, address: str, reason: str) -> None:
        super().__init__(f"invalid address: {reason}", [{"field": "address", "message": reason}])
        self.reason = reason
        self.address = address


@dataclass(frozen=True)
class Address:
    """A validated address: its canonical text, chain, script type, network and payload (hash or program)."""

    text: str
    chain: str
    script_type: str
    network: str
    payload: bytes


def sha256d(data: bytes) -> bytes:
    """Return SHA-256 applied twice (Bitcoin's checksums and txids)."""
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def hash160(data: bytes) -> bytes:
    """Return RIPEMD-160 of SHA-256 (public key and script hashes)."""
    return RIPEMD160.new(hashlib.sha256(data).digest()).digest()


def keccak256(data: bytes) -> bytes:
    """Return Keccak-256 as Ethereum uses it (not the NIST SHA3-256 of ``hashlib``)."""
    return keccak.new(digest_bits=256, data=data).digest()


# --- base58check -------------------------------------------------------------------------------------------


def b58encode(data: bytes) -> str:
    """Encode bytes in base58, one '1' per leading zero byte."""
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, r = divmod(n, 58)
        out.append(B58[r])
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    """Decode base58 text; raise ValueError on a character outside the alphabet."""
    n = 0
    for c in text:
        if c not in B58_INDEX:
            raise ValueError(f"character {c!r} is not base58")
        n = n * 58 + B58_INDEX[c]
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    pad = len(text) - len(text.lstrip("1"))
    return b"\0" * pad + body


def b58check_encode(payload: bytes) -> str:
    """Encode with the 4-byte double-SHA-256 checksum."""
    return b58encode(payload + sha256d(payload)[:4])


def b58check_decode(text: str) -> bytes:
    """Decode base58check text and verify its checksum; raise ValueError on a mismatch."""
    raw = b58decode(text)
    if len(raw) < 5:
        raise ValueError("too short for base58check")
    payload, check = raw[:-4], raw[-4:]
    if sha256d(payload)[:4] != check:
        raise ValueError("base58check checksum mismatch")
    return payload


# --- bech32 / bech32m (BIP-173, BIP-350) ------------------------------------------------------------------


def _polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp]


def bech32_encode(hrp: str, data: list[int], const: int) -> str:
    """Encode 5-bit ``data`` under ``hrp`` with the bech32 (1) or bech32m constant."""
    values = _hrp_expand(hrp) + data
    polymod = _polymod(values + [0] * 6) ^ const
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32[d] for d in data + checksum)


def bech32_decode(text: str) -> tuple[str, list[int], int]:
    """Decode a bech32 or bech32m string; return (hrp, data, constant). Raise ValueError when invalid."""
    if any(ord(c) < 33 or ord(c) > 126 for c in text):
        raise ValueError("character outside the printable US-ASCII range")
    if text.lower() != text and text.upper() != text:
        raise ValueError("mixed case")
    text = text.lower()
    pos = text.rfind("1")
    if pos < 1 or pos + 7 > len(text) or len(text) > 90:
        raise ValueError("separator misplaced or string too long")
    if any(c not in BECH32_INDEX for c in text[pos + 1 :]):
        raise ValueError("character outside the bech32 alphabet")
    hrp, data = text[:pos], [BECH32_INDEX[c] for c in text[pos + 1 :]]
    const = _polymod(_hrp_expand(hrp) + data)
    if const not in (BECH32_CONST, BECH32M_CONST):
        raise ValueError("bech32 checksum mismatch")
    return hrp, data[:-6], const


def convertbits(data: bytes | list[int], frombits: int, tobits: int, *, pad: bool) -> list[int]:
    """Regroup bits (8 -> 5 to encode, 5 -> 8 to decode); raise ValueError on invalid padding."""
    acc, bits, ret, maxv = 0, 0, [], (1 << tobits) - 1
    for value in data:
        if value < 0 or value >> frombits:
            raise ValueError("value out of range")
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            ret.append((acc >> bits) & maxv)
    if pad:
        if bits:
            ret.append((acc << (tobits - bits)) & maxv)
    elif bits >= frombits or ((acc << (tobits - bits)) & maxv):
        raise ValueError("invalid padding")
    return ret


def segwit_encode(hrp: str, version: int, program: bytes) -> str:
    """Encode a witness program: bech32 for version 0, bech32m for versions 1 to 16."""
    const = BECH32_CONST if version == 0 else BECH32M_CONST
    text = bech32_encode(hrp, [version, *convertbits(program, 8, 5, pad=True)], const)
    segwit_decode(hrp, text)
    return text


def segwit_decode(hrp: str, text: str) -> tuple[int, bytes]:
    """Decode a segwit address of network ``hrp``; return (version, program). Raise ValueError when invalid."""
    got_hrp, data, const = bech32_decode(text)
    if got_hrp != hrp:
        raise ValueError(f"human-readable part {got_hrp!r} is not {hrp!r}")
    if not data:
        raise ValueError("empty data")
    version = data[0]
    if version > 16:
        raise ValueError("witness version above 16")
    program = bytes(convertbits(data[1:], 5, 8, pad=False))
    if not 2 <= len(program) <= 40:
        raise ValueError("witness program of invalid length")
    if version == 0 and len(program) not in (20, 32):
        raise ValueError("version 0 program must be 20 or 32 bytes")
    if (version == 0) != (const == BECH32_CONST):
        raise ValueError("bech32 for version 0, bech32m for versions 1+")
    return version, program


# --- Bitcoin scripts ---------------------------------------------------------------------------------------


def script_to_address(script: bytes, network: str = "mainnet") -> tuple[str | None, str]:
    """Return (address, script type) of an output script; the address is None for nulldata/nonstandard.

    A P2PK output is given the P2PKH address of its public key (the convention of explorers and GraphSense).
    """
    p2pkh_v, p2sh_v, hrp = NETWORKS[network]
    n = len(script)
    if n == 25 and script[:3] == b"\x76\xa9\x14" and script[23:] == b"\x88\xac":
        return b58check_encode(bytes([p2pkh_v]) + script[3:23]), "p2pkh"
    if n == 23 and script[:2] == b"\xa9\x14" and script[22] == 0x87:
        return b58check_encode(bytes([p2sh_v]) + script[2:22]), "p2sh"
    if n in (35, 67) and script[0] == n - 2 and script[-1] == 0xAC and script[1] in (2, 3, 4, 6, 7):
        return b58check_encode(bytes([p2pkh_v]) + hash160(script[1:-1])), "p2pk"
    if n >= 4 and (script[0] == 0 or 0x51 <= script[0] <= 0x60) and script[1] == n - 2 and 2 <= n - 2 <= 40:
        version = 0 if script[0] == 0 else script[0] - 0x50
        program = script[2:]
        kind = {(0, 20): "p2wpkh", (0, 32): "p2wsh", (1, 32): "p2tr"}.get((version, len(program)))
        if version == 0 and kind is None:
            return None, "nonstandard"
        try:
            return segwit_encode(hrp, version, program), kind or "witness_unknown"
        except ValueError:
            return None, "nonstandard"
    if n and script[0] == 0x6A:
        return None, "nulldata"
    return None, "nonstandard"


def address_to_script(addr: Address) -> bytes:
    """Return the output script that pays a validated Bitcoin address (P2PK addresses pay as P2PKH)."""
    if addr.chain != "btc":
        raise InvalidAddress(addr.text, "only Bitcoin addresses have an output script")
    if addr.script_type in ("p2pkh", "p2pk"):
        return b"\x76\xa9\x14" + addr.payload + b"\x88\xac"
    if addr.script_type == "p2sh":
        return b"\xa9\x14" + addr.payload + b"\x87"
    version = int(addr.payload[0])
    program = addr.payload[1:]
    return bytes([0 if version == 0 else 0x50 + version, len(program)]) + program


def _btc(text: str) -> Address:
    for network, (_, _, hrp) in NETWORKS.items():
        if text.lower().startswith(hrp + "1"):
            if network == "testnet" and text.lower().startswith("bcrt1"):
                continue
            try:
                version, program = segwit_decode(hrp, text)
            except ValueError as exc:
                raise InvalidAddress(text, str(exc)) from exc
            kind = {(0, 20): "p2wpkh", (0, 32): "p2wsh", (1, 32): "p2tr"}.get(
                (version, len(program)), "witness_unknown"
            )
            return Address(text.lower(), "btc", kind, network, bytes([version]) + program)
    try:
        payload = b58check_decode(text)
    except ValueError as exc:
        raise InvalidAddress(text, str(exc)) from exc
    if len(payload) != 21:
        raise InvalidAddress(text, "a base58 address holds a version byte and a 20-byte hash")
    for network, (p2pkh_v, p2sh_v, _) in NETWORKS.items():
        if payload[0] == p2pkh_v:
            return Address(text, "btc", "p2pkh", network, payload[1:])
        if payload[0] == p2sh_v:
            return Address(text, "btc", "p2sh", network, payload[1:])
    raise InvalidAddress(text, f"unknown version byte {payload[0]}")


def eth_checksum(hex40: str) -> str:
    """Return the EIP-55 mixed-case form of a 40-digit hexadecimal address (without 0x)."""
    low = hex40.lower()
    digest = keccak256(low.encode("ascii")).hex()
    return "0x" + "".join(c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c for i, c in enumerate(low))


def _eth(text: str) -> Address:
    body = text[2:]
    if len(body) != 40 or any(c not in "0123456789abcdefABCDEF" for c in body):
        raise InvalidAddress(text, "an Ethereum address is 0x and 40 hexadecimal digits")
    canonical = eth_checksum(body)
    if body != body.lower() and body != body.upper() and text[:2] + body != canonical:
        raise InvalidAddress(text, "EIP-55 checksum mismatch")
    return Address(canonical, "eth", "eth", "mainnet", bytes.fromhex(body))


def _trx(text: str) -> Address:
    try:
        payload = b58check_decode(text)
    except ValueError as exc:
        raise InvalidAddress(text, str(exc)) from exc
    if len(payload) != 21 or payload[0] != 0x41:
        raise InvalidAddress(text, "a TRON address is 0x41 and a 20-byte hash, in base58check")
    return Address(text, "trx", "trx", "mainnet", payload[1:])


def parse_address(text: str, chain: str | None = None) -> Address:
    """Validate an address of any supported chain (or of ``chain``) and return its parts."""
    text = text.strip()
    if not text or len(text) > 100 or not text.isascii() or not text.isprintable():
        raise InvalidAddress(text[:100], "empty, too long or not printable ASCII")
    if chain is not None and chain not in CHAINS:
        raise InvalidAddress(text, f"unknown chain {chain!r} (btc, eth, trx)")
    if text[:2] in ("0x", "0X"):
        found = _eth(text)
    elif text.startswith("T") and len(text) == 34:
        found = _trx(text)
    else:
        found = _btc(text)
    if chain is not None and found.chain != chain:
        raise InvalidAddress(text, f"a {found.chain} address, not {chain}")
    return found


def p2pkh_address(pubkey: bytes, network: str = "mainnet") -> str:
    """Return the P2PKH address of a public key."""
    return b58check_encode(bytes([NETWORKS[network][0]]) + hash160(pubkey))


def p2sh_address(redeem_script: bytes, network: str = "mainnet") -> str:
    """Return the P2SH address of a redeem script."""
    return b58check_encode(bytes([NETWORKS[network][1]]) + hash160(redeem_script))


def p2wpkh_address(pubkey: bytes, network: str = "mainnet") -> str:
    """Return the native segwit (v0) address of a public key."""
    return segwit_encode(NETWORKS[network][2], 0, hash160(pubkey))


def p2wsh_address(witness_script: bytes, network: str = "mainnet") -> str:
    """Return the native segwit (v0) address of a witness script."""
    return segwit_encode(NETWORKS[network][2], 0, hashlib.sha256(witness_script).digest())


def p2tr_address(output_key: bytes, network: str = "mainnet") -> str:
    """Return the taproot (v1, bech32m) address of a 32-byte x-only output key."""
    if len(output_key) != 32:
        raise InvalidAddress(output_key.hex(), "a taproot output key is 32 bytes")
    return segwit_encode(NETWORKS[network][2], 1, output_key)


def eth_address(pubkey64: bytes) -> str:
    """Return the EIP-55 address of an uncompressed secp256k1 public key (64 bytes, no 0x04 prefix)."""
    if len(pubkey64) == 65 and pubkey64[0] == 4:
        pubkey64 = pubkey64[1:]
    if len(pubkey64) != 64:
        raise InvalidAddress(pubkey64.hex(), "an uncompressed public key is 64 bytes")
    return eth_checksum(keccak256(pubkey64)[-20:].hex())


def trx_address(pubkey64: bytes) -> str:
    """Return the TRON address of an uncompressed secp256k1 public key."""
    if len(pubkey64) == 65 and pubkey64[0] == 4:
        pubkey64 = pubkey64[1:]
    if len(pubkey64) != 64:
        raise InvalidAddress(pubkey64.hex(), "an uncompressed public key is 64 bytes")
    return b58check_encode(b"\x41" + keccak256(pubkey64)[-20:])
