"""Hashing: PDQ robustness to the transformations the issue lists, signal formats, and refused input."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageOps

from manara.errors import PayloadTooLarge
from manara.media.hashing import (
    MediaRejected,
    distances,
    hash_image,
    hash_video,
    normalize_hex,
    packed,
    parse_vpdq,
    vpdq_shares,
)
from manara.media.service import parse_signals
from media.imagery import encode, jpeg, picture, video


def best(probe: bytes, banked: str) -> int:
    variants = hash_image(probe, variants=True).variants
    return int(distances(packed(list(variants.values())), packed([banked])).min())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_transformed_copies_stay_within_31_bits(seed: int) -> None:
    original = picture(seed)
    banked = hash_image(encode(original, "PNG")).pdq
    copies = {
        "jpeg30": encode(original, "JPEG", quality=30),
        "half": encode(original.resize((160, 120)), "PNG"),
        "gray": encode(original.convert("L"), "PNG"),
        "mirror": encode(ImageOps.mirror(original), "PNG"),
        "rot90": encode(original.rotate(90, expand=True), "PNG"),
        "rot180": encode(original.rotate(180), "PNG"),
        "border": encode(ImageOps.expand(original, border=30, fill=(255, 255, 255)), "PNG"),
    }
    far = {name: d for name, copy in copies.items() if (d := best(copy, banked)) > 31}
    assert far == {}
    assert best(jpeg(seed + 100), banked) > 31


def test_pdq_hex_is_threatexchanges_bit_order() -> None:
    hashed = hash_image(jpeg(1))
    assert len(hashed.pdq) == 64 and int(hashed.pdq, 16) >= 0 and hashed.quality >= 50
    assert normalize_hex(hashed.pdq.upper(), "pdq") == hashed.pdq
    with pytest.raises(MediaRejected):
        normalize_hex("12", "pdq")


def test_vpdq_signal_round_trips() -> None:
    hashed = hash_video(video([1, 2, 3]))
    frames = parse_vpdq(hashed.signal())
    assert [f.pdq for f in frames] == [f.pdq for f in hashed.frames] and len(frames) == 3
    assert vpdq_shares(frames, hashed.frames) == (100.0, 100.0)
    for bad in ("", "[]", "{}", '["a,b"]', "[1]"):
        with pytest.raises(MediaRejected):
            parse_vpdq(bad)


def test_images_refused_safely() -> None:
    with pytest.raises(PayloadTooLarge):
        hash_image(b"\xff\xd8\xff" + b"0" * 100, max_bytes=50)
    with pytest.raises(MediaRejected, match="format"):
        hash_image(b"\xff\xd8\xffnot really")
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, "PNG")
    with pytest.raises(MediaRejected) as info:
        hash_image(bomb.getvalue())
    assert info.value.reasons == ["too_many_pixels"]
    with pytest.raises(MediaRejected):
        hash_video(b"RIFF0000AVI garbage" * 20)


def test_signal_files_parse_and_unknown_types_are_refused() -> None:
    pdq = hash_image(jpeg(4)).pdq
    items = parse_signals(f"# comment\npdq {pdq}\n\n{pdq.upper()}\nvideo_md5 {'a' * 32}\n")
    assert [i.signal_type for i in items] == ["pdq", "pdq", "video_md5"]
    with pytest.raises(Exception, match="unknown signal type"):
        parse_signals(f"tmk {pdq}\n")
