"""Key rotation for stored secrets: MultiFernet over HKDF-derived keys; old secrets still decrypt; `manara keys
rotate` (its actions) re-encrypts under the newest key; values written before HKDF keys still open."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet
from sqlalchemy.orm import Session

from conftest import Net
from manara import keyring
from manara.identity import Role
from manara.member import totp
from manara.member.actions import do_reencrypt_totp_secrets
from manara.member.models import User
from manara.settings import get_settings
from manara.training import keys as signing_keys

OLD, NEW = "o" * 40, "n" * 40


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _secrets(monkeypatch: pytest.MonkeyPatch, current: str, previous: list[str]) -> None:
    monkeypatch.setenv("MANARA_SECRET_KEY", current)
    monkeypatch.setenv("MANARA_PREVIOUS_SECRET_KEYS", "[" + ",".join(f'"{p}"' for p in previous) + "]")
    get_settings.cache_clear()


def test_purposes_have_their_own_keys_derived_with_hkdf() -> None:
    assert keyring.derive(OLD, "a") != keyring.derive(OLD, "b") != keyring.derive(NEW, "a")
    token = keyring.encrypt("manara.totp", b"seed")
    with pytest.raises(keyring.InvalidToken):
        keyring.decrypt("manara.training.signing", token)


def test_old_secrets_still_decrypt_and_rotation_moves_to_the_newest(monkeypatch: pytest.MonkeyPatch) -> None:
    _secrets(monkeypatch, OLD, [])
    stored = totp.encrypt_secret("JBSWY3DPEHPK3PXP")
    _secrets(monkeypatch, NEW, [])
    assert totp.decrypt_secret(stored) is None  # without the old secret it is lost
    _secrets(monkeypatch, NEW, [OLD])
    assert totp.decrypt_secret(stored) == "JBSWY3DPEHPK3PXP"
    rotated = totp.reencrypt_secret(stored)
    _secrets(monkeypatch, NEW, [])  # the old secret dropped after `manara keys rotate`
    assert totp.decrypt_secret(rotated) == "JBSWY3DPEHPK3PXP"


def test_values_from_before_the_keyring_still_open(monkeypatch: pytest.MonkeyPatch) -> None:
    _secrets(monkeypatch, OLD, [])
    legacy = Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"manara.totp:" + OLD.encode()).digest()))
    stored = legacy.encrypt(b"JBSWY3DPEHPK3PXP").decode()
    assert totp.decrypt_secret(stored) == "JBSWY3DPEHPK3PXP"
    _, _, private = signing_keys.new_key()
    assert signing_keys.decrypt(private) is not None


def test_rotating_the_stored_second_factor_secrets(session: Session, net: Net, monkeypatch: pytest.MonkeyPatch) -> None:
    _secrets(monkeypatch, OLD, [])
    officer = net.user("MA", Role.BUREAU_OFFICER).actor
    user = session.get(User, officer.user_id)
    assert user is not None
    user.totp_secret = totp.encrypt_secret("JBSWY3DPEHPK3PXP")
    session.commit()
    _secrets(monkeypatch, NEW, [OLD])
    assert do_reencrypt_totp_secrets(session, acting=officer) >= 1
    _secrets(monkeypatch, NEW, [])
    assert totp.decrypt_secret(user.totp_secret) == "JBSWY3DPEHPK3PXP"
