"""Identifier normalisation on real formats."""

from __future__ import annotations

import pytest

from manara.analysis.identifiers import (
    identifier_keys,
    normalize_email,
    normalize_iban,
    normalize_phone,
    normalize_plate,
    normalize_vin,
    normalize_wallet,
)


@pytest.mark.parametrize(
    ("raw", "region", "want"),
    [
        ("+33 6 12 34 56 78", None, "+33612345678"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("0033 6-12-34-56-78", "FR", "+33612345678"),
        ("+212 661-234567", None, "+212661234567"),
        ("0661234567", "MA", "+212661234567"),
        ("+20 10 1234 5678", None, "+201012345678"),
        ("0612345678", None, None),  # national number without a region: ambiguous
        ("+33 1", None, None),
        ("not a phone", "FR", None),
    ],
)
def test_phone_to_e164(raw: str, region: str | None, want: str | None) -> None:
    assert normalize_phone(raw, region) == want


def test_email() -> None:
    assert normalize_email("  Karim.Benali@Example.MA ") == "karim.benali@example.ma"
    assert normalize_email("mailto:<A@B.FR>") == "a@b.fr"
    assert normalize_email("karim at example.ma") is None


def test_iban_mod97() -> None:
    assert normalize_iban("GB82 WEST 1234 5698 7654 32") == "GB82WEST12345698765432"
    assert normalize_iban("fr14 2004 1010 0505 0001 3m02 606") == "FR1420041010050500013M02606"
    assert normalize_iban("IBAN DE89 3704 0044 0532 0130 00") == "DE89370400440532013000"
    assert normalize_iban("GB82 WEST 1234 5698 7654 33") is None  # one digit off: check fails
    assert normalize_iban("12345") is None


def test_wallets_by_chain_rules() -> None:
    genesis = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
    assert normalize_wallet(genesis, "BTC") == genesis  # base58 is case-sensitive: kept as written
    assert normalize_wallet(genesis.lower(), "BTC") != genesis
    assert normalize_wallet("1A1zP1eP5QGefi2DMPTfTL5SLmv7Div0Na", "BTC") is None  # 0 is not base58
    bech = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
    assert normalize_wallet(bech.upper(), "BTC") == bech  # bech32: case-insensitive, lower canonical
    assert normalize_wallet("bc1qAR0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "BTC") is None  # mixed case invalid
    eth = "0xde0B295669a9FD93d5F28D9Ec85E40f4cb697BAe"
    assert normalize_wallet(eth, "ETH") == eth.lower()
    assert normalize_wallet(eth) == eth.lower()  # chain detected from the form
    assert normalize_wallet("0x1234", "ETH") is None


def test_vehicles() -> None:
    assert normalize_vin("1hgcm826-33a004352") == "1HGCM82633A004352"
    assert normalize_vin("1HGCM82633A00435O") is None  # O is never used in a VIN
    assert normalize_plate("ab-123-cd") == normalize_plate("AB 123 CD") == "AB123CD"


def test_identifier_keys_of_entities() -> None:
    person = {"phone": ["+212661234567"], "email": ["K@X.MA"], "passportNumber": ["ma-123 4567"]}
    assert identifier_keys("Person", person, "MA") == {
        ("phone", "+212661234567"),
        ("email", "k@x.ma"),
        ("document", "MA1234567"),
    }
    wallet = {"publicKey": ["BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ"], "currencySymbol": ["BTC"]}
    assert identifier_keys("CryptoWallet", wallet) == {("wallet", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")}
    car = {"registrationNumber": ["12345-A-6"]}
    assert identifier_keys("Vehicle", car) == {("plate", "12345A6")}
    account = {"iban": ["MA64011519000001205000534921"]}
    assert identifier_keys("BankAccount", account) == {("iban", "MA64011519000001205000534921")}


def test_document_numbers_are_qualified_by_issuing_country() -> None:
    assert identifier_keys("Person", {"passportNumber": ["L246297"], "nationality": ["tn"]}, "FR") == {
        ("document", "tn:L246297")
    }
    assert identifier_keys("Passport", {"number": ["L246297"], "country": ["jo"]}) == {("document", "jo:L246297")}


def test_iban_of_no_country_and_mistyped_bitcoin_addresses_are_not_identifiers() -> None:
    assert normalize_iban("XX82 WEST 1234 5698 7654 32") is None  # the mod-97 check alone would pass it
    assert normalize_iban("DE89 3704 0044 0532 0130") is None  # wrong length for Germany
    assert normalize_wallet("1BoatSLRHtKNngkdXEeobR76b53LETtpyU", "BTC") is None  # base58check fails
    assert normalize_wallet("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdx") is None  # bech32 checksum fails
    assert normalize_wallet("1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "BTC") == "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"


def test_national_ibans_outside_the_registry_are_checked_by_length_and_checksum() -> None:
    assert normalize_iban("MA64 0115 1900 0001 2050 0053 4921") == "MA64011519000001205000534921"
    assert normalize_iban("MA64 0115 1900 0001 2050 0053 4922") is None  # checksum
    assert normalize_iban("MA64 0115 1900 0001 2050 0053 49") is None  # Moroccan IBANs have 28 characters
