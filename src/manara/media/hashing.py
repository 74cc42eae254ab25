"""Hashing of images (PDQ with its dihedral and trimmed variants), videos (vPDQ-compatible frame lists) and
exact copies (MD5, SHA-256). Decoding refuses oversized, bomb, corrupt, truncated and unknown input; the
bytes are never written anywhere."""

from __future__ import annotations

import hashlib
import io
import json
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pdqhash
from numpy.typing import NDArray
from PIL import Image, ImageChops, UnidentifiedImageError

from manara.errors import ImageRejected, PayloadTooLarge

PDQ_QUALITY_MIN = 50  # python-threatexchange: "less than quality 50 are too unreliable to match on"
PDQ_MATCH_DISTANCE = 31  # its confident-match threshold (of 256 bits)
VPDQ_QUERY_SHARE = 80.0  # share (%) of the probe's distinct frames that must match a bank video's frames
VPDQ_TARGET_SHARE = 0.0  # share (%) of the bank video's frames that must be matched (0: clips match)
MAX_IMAGE_BYTES = 32 * 1024 * 1024
MAX_IMAGE_PIXELS = 50_000_000  # a decompression bomb is refused from its header, before decoding
MAX_VIDEO_BYTES = 256 * 1024 * 1024
MAX_VIDEO_SECONDS = 4 * 3600
MAX_VIDEO_FRAME_PIXELS = 8192 * 4320
HASH_SIDE = 512  # images and frames are reduced to at most 512 px a side before hashing (as PDQ's reference)
IMAGE_FORMATS = frozenset({"JPEG", "PNG", "GIF", "BMP", "WEBP", "TIFF"})
CENTRE_CROPS = {"centre90": 20, "centre80": 10}  # name -> 1/part cut on each side (90% and 80% kept)
_TRANSPOSES = {
    "rot90": Image.Transpose.ROTATE_90,
    "rot180": Image.Transpose.ROTATE_180,
    "rot270": Image.Transpose.ROTATE_270,
    "flip_v": Image.Transpose.FLIP_TOP_BOTTOM,
    "flip_h": Image.Transpose.FLIP_LEFT_RIGHT,
    "rot90_flip_v": Image.Transpose.TRANSPOSE,
    "rot90_flip_h": Image.Transpose.TRANSVERSE,
}
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*")


class MediaRejected(ImageRejected):
    """The upload is not a usable image or video, or its hash is too poor to match on (422)."""


@dataclass(frozen=True)
class ImageHashes:
    """What an image leaves behind: its PDQ hash and quality, variants for matching, and exact digests."""

    pdq: str
    quality: int
    md5: str
    sha256: str
    variants: dict[str, str] = field(default_factory=dict)  # variant name -> PDQ hex (probe side only)


@dataclass(frozen=True)
class Frame:
    """One sampled video frame's PDQ hash (a vPDQ feature)."""

    pdq: str
    quality: int
    timestamp: float


@dataclass(frozen=True)
class VideoHashes:
    """A video's vPDQ frame list and exact digests."""

    frames: list[Frame]
    md5: str
    sha256: str
    duration: float

    @property
    def usable(self) -> list[Frame]:
        """Frames good enough to match on."""
        return [f for f in self.frames if f.quality >= PDQ_QUALITY_MIN]

    def signal(self) -> str:
        """The vPDQ signal string of python-threatexchange: a JSON list of ``"pdq_hex,quality,timestamp"``."""
        return vpdq_signal(self.frames)


def bits_to_hex(bits: NDArray[Any]) -> str:
    """Return the 64-hex-digit form of a 256-bit PDQ vector (first bit most significant, as HMA writes it)."""
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex()


def normalize_hex(value: str, signal_type: str) -> str:
    """Return a hash string in canonical lower-case hex, or raise ``MediaRejected`` if malformed."""
    text = value.strip().lower()
    pattern = _HEX32 if signal_type == "video_md5" else _HEX64
    if not pattern.match(text):
        digits = 32 if signal_type == "video_md5" else 64
        raise MediaRejected(f"a {signal_type} hash is {digits} hexadecimal digits", ["bad_hash"])
    return text


def looks_like_image(data: bytes) -> bool:
    """Tell from its first bytes whether ``data`` is an image rather than a video container."""
    return data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def open_image(data: bytes, *, max_bytes: int = MAX_IMAGE_BYTES, max_pixels: int = MAX_IMAGE_PIXELS) -> Image.Image:
    """Decode an image reduced to at most ``HASH_SIDE`` px a side, refusing bad input with a clear error."""
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"image larger than {max_bytes} bytes", limit=max_bytes)
    if not data:
        raise MediaRejected("empty upload", ["empty"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
            if opened.format not in IMAGE_FORMATS:
                raise MediaRejected(f"unsupported image format {opened.format}", ["unsupported_format"])
            width, height = opened.size
            if width * height > max_pixels or width < 1 or height < 1:
                raise MediaRejected(f"image of {width}x{height} pixels exceeds the limit", ["too_many_pixels"])
            opened.draft("RGB", (HASH_SIDE, HASH_SIDE))  # JPEG: decode at a reduced scale, much faster
            opened.load()  # a truncated file fails here (LOAD_TRUNCATED_IMAGES stays False)
            image = opened.convert("RGB")
            if max(image.size) > HASH_SIDE:
                image.thumbnail((HASH_SIDE, HASH_SIDE), Image.Resampling.BILINEAR)
            return image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaRejected("image dimensions too large", ["too_many_pixels"]) from exc
    except UnidentifiedImageError as exc:
        raise MediaRejected("not an image in a supported format", ["not_an_image"]) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:  # broken or truncated data
        raise MediaRejected("corrupt or truncated image", ["corrupt"]) from exc


def pdq_of(image: Image.Image) -> tuple[str, int]:
    """Return the PDQ hash (hex) and quality (0-100) of an RGB image."""
    bits, quality = pdqhash.compute(np.asarray(image, dtype=np.uint8))
    return bits_to_hex(bits), int(quality)


def trimmed(image: Image.Image, *, tolerance: int = 24, min_cut: float = 0.03) -> Image.Image | None:
    """Return the image without a uniform border (letterbox, frame, pasted margin), or None if it has none."""
    corner = image.getpixel((0, 0))
    background = Image.new("RGB", image.size, corner)
    diff = ImageChops.difference(image, background).convert("L").point(lambda v: 255 if v > tolerance else 0)
    box = diff.getbbox()
    if box is None:
        return None
    left, top, right, bottom = box
    width, height = image.size
    cut = max(left / width, top / height, (width - right) / width, (height - bottom) / height)
    kept = (right - left) * (bottom - top) / (width * height)
    if cut < min_cut or kept < 0.25:
        return None
    return image.crop(box)


def hash_image(data: bytes, *, variants: bool = False, max_bytes: int = MAX_IMAGE_BYTES) -> ImageHashes:
    """Hash an image file. ``variants`` (probes): also the 7 other dihedral transforms, a border-trimmed copy,
    centre crops and top parts, so that a rotated, mirrored, framed, padded or captioned copy of a banked
    image matches."""
    image = open_image(data, max_bytes=max_bytes)
    md5, sha = hashlib.md5(data, usedforsecurity=False).hexdigest(), hashlib.sha256(data).hexdigest()
    array = np.asarray(image, dtype=np.uint8)
    if not variants:
        bits, quality = pdqhash.compute(array)
        return ImageHashes(bits_to_hex(bits), int(quality), md5, sha)
    bits, quality = pdqhash.compute(array)
    found = {"original": bits_to_hex(bits)}
    # The 7 other dihedral transforms, hashed from the transformed pixels: PDQ's own dihedral variants
    # (computed from the DCT) miss about a third of 180° rotations by a few bits on 250 px images.
    for name, transpose in _TRANSPOSES.items():
        found[name] = pdq_of(image.transpose(transpose))[0]
    inner = trimmed(image)
    width, height = image.size
    extra = {
        "trimmed": inner,
        **{name: centre_crop(image, part) for name, part in CENTRE_CROPS.items()},
        # a caption bar added below the picture: hash the top part (bars of 1/5 and 1/4 of the picture's height)
        "top83": image.crop((0, 0, width, height * 5 // 6)),
        "top80": image.crop((0, 0, width, height * 4 // 5)),
    }
    for name, part in extra.items():
        if part is not None and min(part.size) > 0:  # a picture a few pixels high has no top part to hash
            part_hex, part_quality = pdq_of(part)
            if part_quality >= PDQ_QUALITY_MIN:
                found[name] = part_hex
    return ImageHashes(found["original"], int(quality), md5, sha, found)


def centre_crop(image: Image.Image, part: int) -> Image.Image:
    """The image without 1/``part`` of its width and height on each side."""
    width, height = image.size
    return image.crop((width // part, height // part, width - width // part, height - height // part))


def crop_hashes(data: bytes) -> dict[str, str]:
    """Hashes of an image's centre crops, banked beside its own hash so that cropped re-posts match
    (plain PDQ misses a crop of 5% on each side); crops too poor to match on are left out."""
    image = open_image(data)
    out = {}
    for name, part in CENTRE_CROPS.items():
        hexed, quality = pdq_of(centre_crop(image, part))
        if quality >= PDQ_QUALITY_MIN:
            out[name] = hexed
    return out


def hash_video(
    data: bytes,
    *,
    seconds_per_hash: float = 1.0,
    max_bytes: int = MAX_VIDEO_BYTES,
    max_seconds: float = MAX_VIDEO_SECONDS,
) -> VideoHashes:
    """Decode a video with PyAV and hash one frame per ``seconds_per_hash`` with PDQ (vPDQ's method)."""
    import av  # noqa: PLC0415 - FFmpeg's libraries load only when a video is actually hashed

    if len(data) > max_bytes:
        raise PayloadTooLarge(f"video larger than {max_bytes} bytes", limit=max_bytes)
    if not data:
        raise MediaRejected("empty upload", ["empty"])
    frames: list[Frame] = []
    last = 0.0
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.video:
                raise MediaRejected("no video stream in the file", ["no_video"])
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            next_at = 0.0
            for frame in container.decode(stream):
                if frame.time is None:
                    continue
                t = float(frame.time)
                if t > max_seconds:
                    raise MediaRejected(f"video longer than {max_seconds:.0f} s", ["too_long"])
                last = max(last, t)
                if t + 1e-6 < next_at:
                    continue
                next_at = t + seconds_per_hash
                if frame.width * frame.height > MAX_VIDEO_FRAME_PIXELS:
                    raise MediaRejected("video frames too large", ["too_many_pixels"])
                scale = min(1.0, HASH_SIDE / max(frame.width, frame.height))
                rgb = frame.reformat(
                    width=max(1, round(frame.width * scale)), height=max(1, round(frame.height * scale)), format="rgb24"
                ).to_ndarray()
                bits, quality = pdqhash.compute(np.ascontiguousarray(rgb, dtype=np.uint8))
                frames.append(Frame(bits_to_hex(bits), int(quality), round(t, 3)))
    except MediaRejected:
        raise
    except (av.error.FFmpegError, OSError, ValueError, EOFError, IndexError) as exc:
        raise MediaRejected("corrupt, truncated or unsupported video", ["corrupt"]) from exc
    if not frames:
        raise MediaRejected("no decodable frame in the video", ["corrupt"])
    md5, sha = hashlib.md5(data, usedforsecurity=False).hexdigest(), hashlib.sha256(data).hexdigest()
    return VideoHashes(frames, md5, sha, last)


def vpdq_signal(frames: list[Frame]) -> str:
    """Serialise frames as python-threatexchange's vPDQ signal: a JSON list of ``"pdq_hex,quality,timestamp"``."""
    return json.dumps([f"{f.pdq},{f.quality},{f.timestamp:.3f}" for f in frames])


def parse_vpdq(signal: str, *, max_frames: int = 100_000) -> list[Frame]:
    """Parse a vPDQ signal string, or raise ``MediaRejected``."""
    try:
        items = json.loads(signal)
    except ValueError as exc:
        raise MediaRejected("a vpdq signal is a JSON list of 'pdq_hex,quality,timestamp'", ["bad_hash"]) from exc
    if not isinstance(items, list) or not items or len(items) > max_frames:
        raise MediaRejected("a vpdq signal lists 1 to 100000 frames", ["bad_hash"])
    frames = []
    for item in items:
        parts = item.split(",") if isinstance(item, str) else []
        try:
            pdq_hex, quality, timestamp = parts
            frame = Frame(normalize_hex(pdq_hex, "pdq"), int(quality), float(timestamp))
        except (ValueError, MediaRejected) as exc:
            raise MediaRejected(f"bad vpdq frame {str(item)[:80]!r}", ["bad_hash"]) from exc
        if not 0 <= frame.quality <= 100 or not 0 <= frame.timestamp <= 10**7:
            raise MediaRejected(f"bad vpdq frame {str(item)[:80]!r}", ["bad_hash"])
        frames.append(frame)
    return frames


def packed(hexes: list[str]) -> NDArray[np.uint64]:
    """Return hashes as an (n, 4) array of 64-bit words, the form distances are computed on."""
    if not hexes:
        return np.zeros((0, 4), dtype=np.uint64)
    raw = np.frombuffer(bytes.fromhex("".join(hexes)), dtype=np.uint8).reshape(-1, 32)
    return np.ascontiguousarray(raw).view(np.uint64)


def distances(a: NDArray[np.uint64], b: NDArray[np.uint64]) -> NDArray[np.int64]:
    """Return the (len(a), len(b)) matrix of Hamming distances between two packed hash arrays."""
    out = np.empty((len(a), len(b)), dtype=np.int64)
    step = max(1, 4_000_000 // max(1, len(b)))
    for i in range(0, len(a), step):
        out[i : i + step] = np.bitwise_count(a[i : i + step, None, :] ^ b[None, :, :]).sum(axis=2)
    return out


def vpdq_shares(query: list[Frame], target: list[Frame], *, distance: int = PDQ_MATCH_DISTANCE) -> tuple[float, float]:
    """vPDQ comparison: the share (%) of the query's distinct good frames within ``distance`` of some
    target frame, and the same share of the target's frames, both ways."""
    q = sorted({f.pdq for f in query if f.quality >= PDQ_QUALITY_MIN})
    t = sorted({f.pdq for f in target if f.quality >= PDQ_QUALITY_MIN})
    if not q or not t:
        return 0.0, 0.0
    close = distances(packed(q), packed(t)) <= distance
    return 100.0 * float(close.any(axis=1).mean()), 100.0 * float(close.any(axis=0).mean())
