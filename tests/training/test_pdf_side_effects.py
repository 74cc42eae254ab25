"""Rendering certificates must not weaken image decoding elsewhere in the process.

WeasyPrint turns on Pillow's process-wide LOAD_TRUNCATED_IMAGES when imported; biometric and media uploads
rely on truncated files being refused (a server renders certificates and checks uploads in one process).
"""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageFile

from manara.biometric.imaging import decode_rgb
from manara.errors import ImageRejected
from manara.media.hashing import MediaRejected, open_image
from manara.pdf import weasyprint_html


def _truncated_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((320, 240), 64).convert("RGB").save(buffer, "JPEG", quality=90)
    data = buffer.getvalue()
    return data[: len(data) // 2]


def test_truncated_uploads_are_still_refused_after_weasyprint_is_loaded() -> None:
    weasyprint_html()
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    data = _truncated_jpeg()
    with pytest.raises(MediaRejected):
        open_image(data)
    with pytest.raises(ImageRejected):
        decode_rgb(data, max_bytes=10_000_000, max_pixels=10_000_000)
