"""TOTP second factor: the RFC 4226 and RFC 6238 test vectors, the drift window, replay and storage."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from manara import keyring
from manara.member import totp

RFC4226 = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890" * 6 + b"1234",
}
RFC6238 = [  # Appendix B: time, SHA-1, SHA-256, SHA-512 (8 digits)
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize("counter", range(10))
def test_hotp_matches_rfc_4226_appendix_d(counter: int) -> None:
    assert totp.hotp(SEEDS["sha1"], counter) == RFC4226[counter]


@pytest.mark.parametrize(("at", "sha1", "sha256", "sha512"), RFC6238)
def test_totp_matches_rfc_6238_appendix_b(at: int, sha1: str, sha256: str, sha512: str) -> None:
    for digest, expected in (("sha1", sha1), ("sha256", sha256), ("sha512", sha512)):
        assert totp.totp(SEEDS[digest], at, digits=8, digest=digest) == expected


def test_a_code_is_accepted_one_step_either_side_and_never_twice() -> None:
    key = totp.new_secret()
    now = 1_800_000_000.0
    code = totp.totp(totp._key(key), now)
    step = totp.matching_step(key, code, now=now)
    assert step == int(now // 30)
    assert totp.matching_step(key, code, now=now + 30) == step  # the next step still takes it (drift)
    assert totp.matching_step(key, code, now=now + 61) is None  # two steps later: expired
    assert totp.matching_step(key, code, now=now, after=step) is None  # already used: a replay
    assert totp.matching_step(key, "12345", now=now) is None and totp.matching_step(key, "abcdef", now=now) is None


def test_the_secret_is_stored_encrypted_and_a_changed_server_key_reads_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = totp.new_secret()
    stored = totp.encrypt_secret(secret)
    assert secret not in stored and totp.decrypt_secret(stored) == secret
    from manara.settings import get_settings

    settings = get_settings().model_copy(update={"secret_key": SecretStr("another-key-" + "x" * 40)})
    monkeypatch.setattr(keyring, "get_settings", lambda: settings)
    assert totp.decrypt_secret(stored) is None


def test_the_uri_names_the_issuer_user_and_parameters() -> None:
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXP", "ma.bureau_officer")
    assert uri.startswith("otpauth://totp/Manara:ma.bureau_officer?secret=JBSWY3DPEHPK3PXP&issuer=Manara")
    assert "digits=6" in uri and "period=30" in uri
