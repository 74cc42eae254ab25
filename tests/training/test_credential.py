"""The credential's signature covers every field: changing, removing or adding any single field fails
verification (exhaustively over every field, and with values drawn by Hypothesis)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from manara.training import credential

NOW = datetime(2026, 12, 1, tzinfo=UTC)
KEY = Ed25519PrivateKey.generate()
UNSIGNED: dict[str, Any] = {
    "@context": list(credential.VC_CONTEXT),
    "id": "urn:uuid:4a0b1c6e-1111-4222-8333-944455556666",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "urn:manara:member:FR", "type": ["Profile"], "name": "Bureau central national (FR)"},
    "name": "أساسيات النشرات",
    "validFrom": "2026-11-01T10:00:00Z",
    "validUntil": "2099-11-01T10:00:00Z",
    "credentialSubject": {
        "type": ["AchievementSubject"],
        "id": "urn:manara:user:u-1",
        "name": "Amina El Idrissi",
        "country": "MA",
        "achievement": {
            "id": "urn:manara:course:c-1",
            "type": ["Achievement"],
            "achievementType": "Course",
            "humanCode": "NOT-101",
            "name": "أساسيات النشرات",
            "description": "",
            "criteria": {"narrative": "8 h, level basic"},
            "tag": ["notices", "databases"],
            "inLanguage": "ar",
        },
        "result": [{"type": ["Result"], "value": "88", "status": "Completed"}],
    },
    "credentialStatus": {
        "id": "http://localhost:8000/console/training/status/FR#3",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "3",
        "statusListCredential": "http://localhost:8000/console/training/status/FR",
    },
}
SIGNED = credential.sign(UNSIGNED, KEY, "urn:manara:member:FR#abc", NOW)
PUBLIC = KEY.public_key()


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Yield the path of every field (objects' keys and lists' items, at every depth)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield (*prefix, k)
            yield from paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield (*prefix, i)
            yield from paths(v, (*prefix, i))


ALL_PATHS = list(paths(SIGNED))


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        doc = doc[step]
    return doc


def _changed(value: Any) -> Any:
    if isinstance(value, str):
        return value + "x" if value else "x"
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, list):
        return [*value, "x"]
    return {**value, "x": "x"}


def test_the_untouched_credential_verifies() -> None:
    assert credential.verify_signature(SIGNED, PUBLIC).ok
    assert credential.offline_status(SIGNED, PUBLIC, NOW) == ("valid", "")
    assert len(ALL_PATHS) > 50


@pytest.mark.parametrize("path", ALL_PATHS, ids=lambda p: "/".join(map(str, p)))
def test_changing_any_field_fails(path: tuple[Any, ...]) -> None:
    doc = copy.deepcopy(SIGNED)
    parent = _parent(doc, path)
    parent[path[-1]] = _changed(parent[path[-1]])
    check = credential.verify_signature(doc, PUBLIC)
    assert not check.ok
    assert credential.offline_status(doc, PUBLIC, NOW)[0] == "tampered"


@pytest.mark.parametrize("path", ALL_PATHS, ids=lambda p: "/".join(map(str, p)))
def test_removing_any_field_fails(path: tuple[Any, ...]) -> None:
    doc = copy.deepcopy(SIGNED)
    parent = _parent(doc, path)
    del parent[path[-1]]
    assert not credential.verify_signature(doc, PUBLIC).ok


@settings(max_examples=300, deadline=None)
@given(
    index=st.integers(min_value=0, max_value=len(ALL_PATHS) - 1),
    value=st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.none(), st.lists(st.text(max_size=3))),
)
def test_any_new_value_anywhere_fails(index: int, value: Any) -> None:
    path = ALL_PATHS[index]
    doc = copy.deepcopy(SIGNED)
    parent = _parent(doc, path)
    if parent[path[-1]] == value:
        return
    parent[path[-1]] = value
    assert not credential.verify_signature(doc, PUBLIC).ok


def test_adding_a_field_or_another_key_fails() -> None:
    assert not credential.verify_signature({**SIGNED, "evidence": []}, PUBLIC).ok
    other = Ed25519PrivateKey.generate().public_key()
    assert not credential.verify_signature(SIGNED, other).ok


def test_dates_decide_expired_and_not_yet_valid() -> None:
    assert credential.offline_status(SIGNED, PUBLIC, datetime(2100, 1, 1, tzinfo=UTC))[0] == "expired"
    assert credential.offline_status(SIGNED, PUBLIC, datetime(2026, 1, 1, tzinfo=UTC))[0] == "not_yet_valid"


def test_public_key_forms_and_garbage() -> None:
    text = credential.public_multibase(PUBLIC)
    assert text.startswith("z6Mk")
    assert credential.load_public(text).public_bytes_raw() == PUBLIC.public_bytes_raw()
    assert credential.load_public(PUBLIC.public_bytes_raw().hex()).public_bytes_raw() == PUBLIC.public_bytes_raw()
    for bad in ("", "z0OIl", "abc", "zz"):
        with pytest.raises(ValueError):
            credential.load_public(bad)
    assert not credential.verify_signature("not a credential", PUBLIC).ok
    assert not credential.verify_signature({**SIGNED, "proof": {**SIGNED["proof"], "proofValue": "z0"}}, PUBLIC).ok


def test_floats_refused_and_status_list_bits() -> None:
    with pytest.raises(ValueError):
        credential.canonical({"a": 1.5})
    encoded = credential.encode_status_list({0, 9, 130_000}, 130_001)
    assert [credential.status_bit(encoded, i) for i in (0, 1, 9, 130_000, 5)] == [True, False, True, True, False]
