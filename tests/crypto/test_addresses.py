"""Address codecs against the BIP-173 / BIP-350 test vectors, EIP-55, TRON, and round trips of every type."""

from __future__ import annotations

import pytest

from manara.crypto.addresses import (
    InvalidAddress,
    address_to_script,
    b58check_encode,
    bech32_decode,
    eth_address,
    eth_checksum,
    hash160,
    p2pkh_address,
    p2sh_address,
    p2tr_address,
    p2wpkh_address,
    p2wsh_address,
    parse_address,
    script_to_address,
    segwit_decode,
    trx_address,
)

BECH32_VALID = [
    "A12UEL5L",
    "a12uel5l",
    "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
    "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
    "11" + "q" * 82 + "c8247j",
    "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
    "?1ezyfcl",
]
BECH32M_VALID = [
    "A1LQFN3A",
    "a1lqfn3a",
    "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
    "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
    "11" + "l" * 83 + "udsr8",
    "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
    "?1v759aa",
]
BECH32_INVALID = [
    "\x201nwldj5",  # HRP character out of range
    "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",  # too long
    "pzry9x0s0muk",  # no separator
    "1pzry9x0s0muk",  # empty HRP
    "x1b4n0q5v",  # invalid data character
    "li1dgmt3",  # too short checksum
    "A1G7SGD8",  # checksum calculated with uppercase HRP
    "10a06t8",  # empty HRP
    "1qzzfhee",  # empty HRP
]
SEGWIT_VALID = [
    ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6"),
    (
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
        "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262",
    ),
    (
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
        "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6",
    ),
    ("BC1SW50QGDZ25J", "6002751e"),
    ("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "5210751e76e8199196d454941c45d1b3a323"),
    (
        "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
        "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
    ),
    (
        "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
        "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
    ),
    (
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
    ),
]
SEGWIT_INVALID = [
    "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",  # invalid HRP
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",  # bech32 instead of bech32m
    "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",  # bech32 instead of bech32m
    "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",  # bech32 instead of bech32m
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",  # bech32m instead of bech32
    "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",  # bech32m instead of bech32
    "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",  # invalid character
    "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",  # witness version 17
    "bc1pw5dgrnzv",  # program of 1 byte
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",  # program of 41 bytes
    "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",  # version 0 program of 16 bytes
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",  # mixed case
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",  # zero padding of more than 4 bits
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",  # non-zero padding
    "bc1gmk9yu",  # empty data section
]
PUBKEY = bytes.fromhex("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")  # generator point G


@pytest.mark.parametrize("text", BECH32_VALID)
def test_bip173_valid_strings(text: str) -> None:
    assert bech32_decode(text)[2] == 1


@pytest.mark.parametrize("text", BECH32M_VALID)
def test_bip350_valid_strings(text: str) -> None:
    assert bech32_decode(text)[2] == 0x2BC830A3


@pytest.mark.parametrize("text", BECH32_INVALID)
def test_bip173_invalid_strings(text: str) -> None:
    with pytest.raises(ValueError):
        bech32_decode(text)


@pytest.mark.parametrize(("text", "script"), SEGWIT_VALID)
def test_valid_segwit_addresses_give_their_script(text: str, script: str) -> None:
    hrp = "tb" if text.lower().startswith("tb") else "bc"
    version, program = segwit_decode(hrp, text)
    assert bytes([version + 0x50 if version else 0, len(program)]) + program == bytes.fromhex(script)
    addr = parse_address(text)
    assert address_to_script(addr).hex() == script
    network = "testnet" if hrp == "tb" else "mainnet"
    assert script_to_address(bytes.fromhex(script), network)[0] == text.lower()


@pytest.mark.parametrize("text", SEGWIT_INVALID)
def test_invalid_segwit_addresses_are_refused(text: str) -> None:
    with pytest.raises(InvalidAddress):
        parse_address(text)


def test_every_bitcoin_script_type_round_trips() -> None:
    key_hash = hash160(PUBKEY)
    cases = {
        "p2pkh": (p2pkh_address(PUBKEY), b"\x76\xa9\x14" + key_hash + b"\x88\xac"),
        "p2sh": (p2sh_address(b"\x51"), b"\xa9\x14" + hash160(b"\x51") + b"\x87"),
        "p2wpkh": (p2wpkh_address(PUBKEY), b"\x00\x14" + key_hash),
        "p2wsh": (p2wsh_address(b"\x51"), None),
        "p2tr": (p2tr_address(PUBKEY[1:]), b"\x51\x20" + PUBKEY[1:]),
    }
    assert cases["p2pkh"][0] == "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"
    assert cases["p2wpkh"][0] == "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    for kind, (text, script) in cases.items():
        addr = parse_address(text)
        assert addr.script_type == kind and addr.chain == "btc"
        out = address_to_script(addr)
        if script is not None:
            assert out == script
        assert script_to_address(out) == (text, kind)
    # P2PK pays a public key; it is named by that key's P2PKH address
    assert script_to_address(bytes([33]) + PUBKEY + b"\xac") == (cases["p2pkh"][0], "p2pk")
    assert script_to_address(b"\x6a\x04abcd") == (None, "nulldata")
    assert script_to_address(b"\x00\x10" + bytes(16)) == (None, "nonstandard")


def test_base58check_rejects_a_changed_character_and_unknown_versions() -> None:
    good = "1ECeZBxCVJ8Wm2JSN3Cyc6rge2gnvD3W5K"
    assert parse_address(good).script_type == "p2pkh"
    with pytest.raises(InvalidAddress, match="checksum"):
        parse_address(good[:-1] + "L")
    with pytest.raises(InvalidAddress, match="version"):
        parse_address(b58check_encode(b"\x30" + bytes(20)))
    with pytest.raises(InvalidAddress):
        parse_address("1ECeZBxCVJ8Wm2JSN3Cyc6rge2gnvD3W50")  # 0 is not base58
    assert parse_address("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy").script_type == "p2sh"


@pytest.mark.parametrize(
    "text",
    [
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ],
)
def test_eip55_vectors(text: str) -> None:
    assert eth_checksum(text[2:].lower()) == text
    assert parse_address(text).text == text
    assert parse_address(text.lower()).text == text  # unchecksummed forms are accepted and normalised
    assert parse_address("0x" + text[2:].upper()).text == text
    broken = text[:-1] + (text[-1].swapcase() if text[-1].isalpha() else text[-1])
    flipped = next(i for i, c in enumerate(text[2:], 2) if c.isalpha())
    broken = text[:flipped] + text[flipped].swapcase() + text[flipped + 1 :]
    with pytest.raises(InvalidAddress, match="EIP-55"):
        parse_address(broken)


def test_ethereum_and_tron_addresses_from_a_public_key() -> None:
    # private key 1: the generator point, uncompressed
    point = bytes.fromhex(
        "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
        "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8"
    )
    assert eth_address(point) == "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"
    tron = trx_address(point)
    assert parse_address(tron).chain == "trx" and parse_address(tron).payload.hex() == eth_address(point)[2:].lower()
    assert parse_address("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "trx").script_type == "trx"
    with pytest.raises(InvalidAddress, match="checksum"):
        parse_address("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u")


@pytest.mark.parametrize("text", ["", " ", "x" * 101, "1ECeZBxCVJ8Wm2JSN3Cyc6rge2gnvD3W5K\u202e", "0x12", "bc1"])
def test_hostile_or_empty_input_is_refused(text: str) -> None:
    with pytest.raises(InvalidAddress):
        parse_address(text)


def test_chain_is_checked() -> None:
    with pytest.raises(InvalidAddress, match="not eth"):
        parse_address("1ECeZBxCVJ8Wm2JSN3Cyc6rge2gnvD3W5K", "eth")
    with pytest.raises(InvalidAddress, match="unknown chain"):
        parse_address("1ECeZBxCVJ8Wm2JSN3Cyc6rge2gnvD3W5K", "doge")
