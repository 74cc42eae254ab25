"""Synthetic fingerprint-like images for tests (the FVC images may not be redistributed).

An orientation field with a core and a delta (the zero-pole model of Sherlock and Monro) and random
noise repeatedly filtered with Gabor filters along that field (as SFinGe does): ridges grow from the
noise and end or fork where they meet, so each seed gives different minutiae in the same pattern.
"""

from __future__ import annotations

import io

import numpy as np
from numpy.typing import NDArray
from PIL import Image

WAVELENGTH = 9.0  # px between ridges at 500 ppi
BINS = 8


def _gabor(theta: float, size: int = 15, sigma: float = 3.5) -> NDArray[np.float64]:
    half = size // 2
    y, x = np.mgrid[-half : half + 1, -half : half + 1].astype(np.float64)
    across = x * np.cos(theta) + y * np.sin(theta)  # theta: the ridge normal
    along = -x * np.sin(theta) + y * np.cos(theta)
    kernel = np.exp(-(across**2 + along**2) / (2 * sigma**2)) * np.cos(2 * np.pi * across / WAVELENGTH)
    return kernel - kernel.mean()


def fingerprint(seed: int, size: int = 288) -> NDArray[np.uint8]:
    """Return a grayscale fingerprint-like image (dark ridges on a light background, elliptical finger)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size].astype(np.float64)
    core = (size * rng.uniform(0.35, 0.65), size * rng.uniform(0.3, 0.5))  # each seed: another finger
    delta = (size * rng.uniform(0.15, 0.85), size * rng.uniform(0.75, 0.95))
    ridge = 0.5 * (np.arctan2(y - core[1], x - core[0]) - np.arctan2(y - delta[1], x - delta[0]))
    normal = (ridge + np.pi / 2) % np.pi
    which = np.round(normal / np.pi * BINS).astype(int) % BINS
    pad = size + 16
    spectra = [np.fft.rfft2(_gabor(np.pi * k / BINS), s=(pad, pad)) for k in range(BINS)]
    field = rng.normal(size=(size, size))
    for _ in range(6):
        spectrum = np.fft.rfft2(field, s=(pad, pad))
        filtered = np.stack([np.fft.irfft2(spectrum * k, s=(pad, pad))[7 : 7 + size, 7 : 7 + size] for k in spectra])
        field = np.take_along_axis(filtered, which[None], axis=0)[0]
        field = np.clip(field / (np.abs(field).max() + 1e-9) * 3.0, -1.0, 1.0)
    inside = ((x - size / 2) / (size * 0.42)) ** 2 + ((y - size / 2) / (size * 0.48)) ** 2 <= 1.0
    image = np.where(inside, 128 + 100 * field, 235.0) + rng.normal(0, 4, size=(size, size))
    return np.clip(image, 0, 255).astype(np.uint8)


def moved(image: NDArray[np.uint8], degrees: float, dx: int, dy: int) -> NDArray[np.uint8]:
    """Return a rotated and translated copy (another impression of the same finger)."""
    turned = Image.fromarray(image).rotate(
        degrees, resample=Image.Resampling.BILINEAR, translate=(dx, dy), fillcolor=235
    )
    return np.asarray(turned, dtype=np.uint8)


def encode(image: NDArray[np.uint8], fmt: str = "PNG") -> bytes:
    """Encode a grayscale image (PNG, TIFF, JPEG, or WSQ through the NBIS encoder)."""
    if fmt == "WSQ":
        from manara.biometric.wsq_codec import encode_wsq

        return encode_wsq(image)
    out = io.BytesIO()
    Image.fromarray(image).save(out, format=fmt)
    return out.getvalue()
