"""Safe image decoding: size limits, decompression-bomb protection, corrupt and truncated input refused."""

from __future__ import annotations

import io
import warnings

import numpy as np
from numpy.typing import NDArray
from PIL import Image, UnidentifiedImageError

from manara.errors import ImageRejected, PayloadTooLarge

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "TIFF", "BMP", "WEBP"})  # and WSQ, see wsq_codec.py


def decode_rgb(data: bytes, *, max_bytes: int, max_pixels: int) -> NDArray[np.uint8]:
    """Decode an image to an RGB array, refusing oversized, bomb, corrupt, truncated or unknown input."""
    return _decode(data, max_bytes=max_bytes, max_pixels=max_pixels, mode="RGB")


def decode_gray(data: bytes, *, max_bytes: int, max_pixels: int) -> NDArray[np.uint8]:
    """Decode an image to a grayscale array (fingerprints), under the same limits as decode_rgb()."""
    return _decode(data, max_bytes=max_bytes, max_pixels=max_pixels, mode="L")


def _decode(data: bytes, *, max_bytes: int, max_pixels: int, mode: str) -> NDArray[np.uint8]:
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"image larger than {max_bytes} bytes", limit=max_bytes)
    if not data:
        raise ImageRejected("empty upload", ["empty"])
    if data.startswith(b"\xff\xa0"):  # WSQ start-of-image marker: the NBIS codec, out of process
        from manara.biometric.wsq_codec import decode_wsq

        return decode_wsq(data, max_pixels=max_pixels, mode=mode)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            _check_header(probe, max_pixels)
            probe.verify()  # checks structure and CRCs; the object is unusable afterwards
            image = Image.open(io.BytesIO(data))
            image.load()  # a truncated file fails here (LOAD_TRUNCATED_IMAGES stays False)
            return np.asarray(image.convert(mode), dtype=np.uint8)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected("image dimensions too large", ["too_many_pixels"]) from exc
    except UnidentifiedImageError as exc:
        raise ImageRejected("not an image in a supported format", ["not_an_image"]) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:  # broken or truncated data
        raise ImageRejected("corrupt or truncated image", ["corrupt"]) from exc


def _check_header(image: Image.Image, max_pixels: int) -> None:
    """Refuse unknown formats and huge dimensions before any pixel is decoded."""
    if image.format not in ACCEPTED_FORMATS:
        raise ImageRejected(f"unsupported image format {image.format}", ["unsupported_format"])
    width, height = image.size
    if width * height > max_pixels or width < 1 or height < 1:
        raise ImageRejected(f"image of {width}x{height} pixels exceeds the limit", ["too_many_pixels"])
