"""The default face engine: dlib's HOG detector (CNN fallback), 5-point alignment, ResNet 128-d embedding.

Detection runs dlib's HOG detector, again at twice the size when it finds nothing, and finally dlib's
CNN (MMOD) detector. Of several faces the engine keeps the largest, discounted by its distance from the
image centre (the subject of a photo is usually large and central). The template is the mean of the
embeddings of the aligned face chip and its mirror image (test-time flip augmentation).

The model files ship inside the PyPI package ``face_recognition_models`` (MIT licence; dlib itself is
Boost-licensed) and are read from the installed package: nothing is downloaded.
"""

from __future__ import annotations

import importlib.resources
import math
import threading
from typing import Any

import numpy as np
from numpy.typing import NDArray

from manara.biometric.engines import Modality, Template
from manara.biometric.imaging import decode_rgb
from manara.errors import ImageRejected
from manara.settings import get_settings

# dlib's model decides "same person" below a Euclidean distance of 0.6; similarity maps
# 0 -> 1.0, 0.6 -> 0.5 and >= 1.2 -> 0.0, linearly, so scores read the same across tools.
DISTANCE_SCALE = 1.2
CNN_MAX_SIDE = 800  # the CNN detector runs on a copy at most this many px wide or high (speed)
MAX_YAW = 0.35  # nose offset from the eyes' midpoint, in inter-eye distances: beyond this the pose is extreme


def _model_path(name: str) -> str:
    return str(importlib.resources.files("face_recognition_models") / "models" / name)


def laplacian_variance(gray: NDArray[np.float32]) -> float:
    """Return the variance of the 4-neighbour Laplacian: low values mean a blurred image."""
    if gray.shape[0] < 3 or gray.shape[1] < 3:
        return 0.0
    lap = gray[1:-1, :-2] + gray[1:-1, 2:] + gray[:-2, 1:-1] + gray[2:, 1:-1] - 4 * gray[1:-1, 1:-1]
    return float(lap.var())


def prominence(rect: Any, width: int, height: int) -> float:
    """Rank a detected face: its area, discounted by up to 60% as its centre moves from the image centre."""
    cx, cy = (rect.left() + rect.right()) / 2, (rect.top() + rect.bottom()) / 2
    offset = math.hypot((cx - width / 2) / (width / 2 or 1), (cy - height / 2) / (height / 2 or 1)) / math.sqrt(2)
    return float(rect.width() * rect.height()) * (1.0 - 0.6 * min(offset, 1.0))


def yaw_ratio(points: list[tuple[float, float]]) -> float:
    """Estimate head turn from 5 landmarks: horizontal nose offset over inter-eye distance."""
    eye_a = ((points[0][0] + points[1][0]) / 2, (points[0][1] + points[1][1]) / 2)
    eye_b = ((points[2][0] + points[3][0]) / 2, (points[2][1] + points[3][1]) / 2)
    mid_x = (eye_a[0] + eye_b[0]) / 2
    eye_dist = math.dist(eye_a, eye_b) or 1.0
    return abs(points[4][0] - mid_x) / eye_dist


class DlibFaceEngine:
    """Face detection, alignment and embedding with dlib (thread-safe; models load on first use)."""

    name = "dlib-resnet-v1"
    modality = Modality.FACE
    template_version = "dlib-20/resnet_v1/5pt/hog+cnn/flip"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._models: tuple[Any, Any, Any] | None = None
        self._cnn: Any = None

    def _load(self) -> tuple[Any, Any, Any]:
        with self._lock:
            if self._models is None:
                import dlib

                self._models = (
                    dlib.get_frontal_face_detector(),
                    dlib.shape_predictor(_model_path("shape_predictor_5_face_landmarks.dat")),
                    dlib.face_recognition_model_v1(_model_path("dlib_face_recognition_resnet_model_v1.dat")),
                )
            return self._models

    def _cnn_detect(self, rgb: NDArray[np.uint8]) -> list[Any]:
        """Run dlib's CNN face detector (loaded on first need) on an image of at most CNN_MAX_SIDE px."""
        import dlib

        with self._lock:
            if self._cnn is None:
                self._cnn = dlib.cnn_face_detection_model_v1(_model_path("mmod_human_face_detector.dat"))
        scale = min(1.0, CNN_MAX_SIDE / max(rgb.shape[:2]))
        small = rgb
        if scale < 1.0:
            from PIL import Image

            size = (max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale)))
            small = np.ascontiguousarray(np.asarray(Image.fromarray(rgb).resize(size, Image.Resampling.BILINEAR)))
        rects = []
        for found in self._cnn(small, 0):  # finds faces of about 80 px and more
            r = found.rect
            rects.append(
                dlib.rectangle(
                    round(r.left() / scale), round(r.top() / scale), round(r.right() / scale), round(r.bottom() / scale)
                )
            )
        return rects

    def extract(self, image: bytes) -> Template:
        """Detect the largest face, check its quality, align it and return its 128-d embedding."""
        settings = get_settings()
        rgb = decode_rgb(image, max_bytes=settings.biometric_max_image_bytes, max_pixels=settings.biometric_max_pixels)
        return self.extract_rgb(rgb)

    def extract_rgb(self, rgb: NDArray[np.uint8]) -> Template:
        """Return the template of the largest face in a decoded RGB image."""
        detector, predictor, encoder = self._load()
        rgb = np.ascontiguousarray(rgb)
        rects, _, _ = detector.run(rgb, 0, 0.0)
        if not rects and max(rgb.shape[:2]) <= 1200:  # small faces: look again at twice the size
            rects, _, _ = detector.run(rgb, 1, 0.0)
        if not rects:  # profile, occluded or dark faces: the slower CNN detector
            rects = self._cnn_detect(rgb)
        if not rects:
            raise ImageRejected("no face found in the image", ["no_face"])
        warnings: list[str] = []
        if len(rects) > 1:
            warnings.append("several_faces_largest_chosen")
        rect = max(rects, key=lambda r: prominence(r, rgb.shape[1], rgb.shape[0]))
        side = min(rect.width(), rect.height())
        min_side = get_settings().biometric_min_face_pixels
        if side < min_side:
            raise ImageRejected(f"face of {side} px is smaller than {min_side} px", ["face_too_small"])
        shape = predictor(rgb, rect)
        points = [(float(shape.part(i).x), float(shape.part(i).y)) for i in range(5)]
        yaw = yaw_ratio(points)
        if yaw > MAX_YAW:
            warnings.append("extreme_pose")
        sharpness = _sharpness(rgb, rect)
        if sharpness < get_settings().biometric_min_sharpness:
            warnings.append("blurry")
        import dlib

        chip = dlib.get_face_chip(rgb, shape, size=150, padding=0.25)
        straight = np.asarray(encoder.compute_face_descriptor(chip), dtype=np.float32)
        mirrored = np.asarray(encoder.compute_face_descriptor(np.ascontiguousarray(chip[:, ::-1])), dtype=np.float32)
        vector = ((straight + mirrored) / 2).astype(np.float32)
        quality = max(0.0, 1.0 - 0.25 * len(warnings))
        details = {"face_px": float(side), "yaw": round(yaw, 3), "sharpness": round(sharpness, 1)}
        return Template(vector=vector, quality=quality, warnings=tuple(warnings), details=details)

    def compare(self, a: NDArray[np.float32], b: NDArray[np.float32]) -> float:
        """Return the similarity of two embeddings in [0, 1]."""
        return self.similarity(float(np.sum((a - b) ** 2)))

    def similarity(self, distance: float) -> float:
        """Map a squared Euclidean distance to [0, 1]: 0.6 (dlib's same-person limit) gives 0.5."""
        return max(0.0, 1.0 - math.sqrt(max(distance, 0.0)) / DISTANCE_SCALE)


def _sharpness(rgb: NDArray[np.uint8], rect: Any) -> float:
    """Return the Laplacian variance of the face crop, resized to a common scale by striding."""
    top, bottom = max(rect.top(), 0), min(rect.bottom(), rgb.shape[0])
    left, right = max(rect.left(), 0), min(rect.right(), rgb.shape[1])
    crop = rgb[top:bottom, left:right].astype(np.float32).mean(axis=2)
    step = max(1, min(crop.shape[:2]) // 100)  # compare faces of different sizes at about 100 px
    return laplacian_variance(crop[::step, ::step])
