"""Generated test media: structured images (shapes, gradients, text bars) and short videos; never downloaded."""

from __future__ import annotations

import io
import random
from fractions import Fraction

import numpy as np
from PIL import Image, ImageDraw


def picture(seed: int, size: tuple[int, int] = (320, 240)) -> Image.Image:
    """A distinct, structured RGB picture (quality well above PDQ's threshold)."""
    rng = random.Random(seed)
    width, height = size
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack(
        [
            (np.sin(x / rng.uniform(9, 40) + rng.uniform(0, 6)) * 60 + 120),
            (np.cos(y / rng.uniform(9, 40) + rng.uniform(0, 6)) * 60 + 120),
            ((x + y) / (width + height) * 200),
        ],
        axis=2,
    ).astype(np.uint8)
    image = Image.fromarray(base, "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = x0 + rng.randrange(20, width // 2), y0 + rng.randrange(20, height // 2)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        if rng.random() < 0.5:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        else:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
    return image


def encode(image: Image.Image, fmt: str = "JPEG", **options: object) -> bytes:
    """Encode an image to bytes."""
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def jpeg(seed: int, size: tuple[int, int] = (320, 240), quality: int = 90) -> bytes:
    """A generated picture as JPEG bytes."""
    return encode(picture(seed, size), "JPEG", quality=quality)


def video(
    seeds: list[int],
    *,
    seconds_each: float = 1.0,
    fps: int = 10,
    size: tuple[int, int] = (160, 120),
    bit_rate: int = 1_500_000,
) -> bytes:
    """A short MPEG-4 video showing each seed's picture in turn (encoded in memory with PyAV)."""
    import av

    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.bit_rate = bit_rate
        stream.time_base = Fraction(1, fps)
        n = 0
        for seed in seeds:
            frame_image = picture(seed).resize(size)
            for _ in range(int(seconds_each * fps)):
                frame = av.VideoFrame.from_image(frame_image)
                frame.pts = n
                n += 1
                for packet in stream.encode(frame):
                    container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()
