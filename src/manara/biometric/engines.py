"""The engine interface per modality and the registry engines are plugged into.

A member can plug in a licensed engine by calling :func:`register_engine` (from a plugin's import
or at start-up); it becomes the default of its modality when registered with ``default=True``.
Templates record the engine name and template version that made them, and searches only compare
templates of the same engine and version.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from manara.errors import ImageRejected


class Modality(StrEnum):
    """A biometric modality."""

    FACE = "face"
    FINGER = "finger"


@dataclass(frozen=True)
class Template:
    """A biometric template made from one image, with its quality and any quality warnings."""

    vector: NDArray[np.float32]
    quality: float  # 0 (unusable) .. 1 (excellent)
    warnings: tuple[str, ...] = field(default=())
    details: dict[str, float] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        """Serialise the vector (little-endian float32)."""
        return self.vector.astype("<f4").tobytes()


def vector_from_bytes(data: bytes) -> NDArray[np.float32]:
    """Read a vector written by Template.to_bytes()."""
    return np.frombuffer(data, dtype="<f4").astype(np.float32)


@runtime_checkable
class BiometricEngine(Protocol):
    """What every engine provides; ``extract`` raises ImageRejected with reasons when it cannot."""

    name: str
    modality: Modality
    template_version: str

    def extract(self, image: bytes) -> Template:
        """Return the template of the (chosen) subject in an encoded image."""
        ...

    def compare(self, a: NDArray[np.float32], b: NDArray[np.float32]) -> float:
        """Return the similarity of two templates in [0, 1] (higher = more alike)."""
        ...


@runtime_checkable
class VectorEngine(BiometricEngine, Protocol):
    """An engine whose templates are points of a metric space (face embeddings): galleries live in faiss and
    are ranked by squared-L2 distance, which ``similarity`` turns into the score of ``compare``."""

    def similarity(self, distance: float) -> float:
        """Turn the index's squared-L2 distance between two templates into the similarity of compare()."""
        ...


@runtime_checkable
class PairwiseEngine(BiometricEngine, Protocol):
    """An engine whose templates can only be compared pair by pair (minutiae sets): galleries are scanned
    with ``compare_many``; ``decision_threshold`` is its 1:1 decision similarity."""

    decision_threshold: float

    def compare_many(self, probe: NDArray[np.float32], gallery: list[NDArray[np.float32]]) -> NDArray[np.float64]:
        """Return the similarity of ``probe`` to each gallery template, in order (same scores as compare())."""
        ...


# Which kind of engine each modality's galleries hold: the index keeps face templates in faiss and
# fingerprint templates as minutiae sets, so an engine must be of its modality's kind to be registered.
KIND: dict[Modality, Any] = {Modality.FACE: VectorEngine, Modality.FINGER: PairwiseEngine}


def is_pairwise(modality: str) -> bool:
    """Tell whether templates of ``modality`` are compared pairwise (kept outside faiss by the index)."""
    return KIND[Modality(modality)] is PairwiseEngine


_ENGINES: dict[Modality, dict[str, BiometricEngine]] = {}
_DEFAULTS: dict[Modality, str] = {}
# The built-in engine of each modality, named like an entry point: it imports this module (its protocols), so
# it is loaded by name when first needed rather than imported here (no import cycle, no model loaded early).
BUILTIN: dict[Modality, str] = {
    Modality.FACE: "manara.biometric.face_dlib:DlibFaceEngine",
    Modality.FINGER: "manara.biometric.finger_afis:AfisFingerEngine",
}


def register_engine(engine: BiometricEngine, *, default: bool = False) -> None:
    """Make an engine available; ``default=True`` makes new enrolments and searches use it.

    Raises TypeError when the engine is not of its modality's kind (:data:`KIND`).
    """
    kind = KIND[engine.modality]
    if not isinstance(engine, kind):
        raise TypeError(f"a {engine.modality} engine must be a {kind.__name__}: {engine.name!r} is not")
    _ENGINES.setdefault(engine.modality, {})[engine.name] = engine
    if default or engine.modality not in _DEFAULTS:
        _DEFAULTS[engine.modality] = engine.name


def unregister_engine(modality: Modality, name: str) -> None:
    """Remove an engine (tests, plugins being unloaded); the built-in default comes back on next use."""
    _ENGINES.get(modality, {}).pop(name, None)
    if _DEFAULTS.get(modality) == name:
        _DEFAULTS.pop(modality)


def default_engine(modality: Modality) -> BiometricEngine:
    """Return the engine new templates of ``modality`` are made with."""
    if modality not in _DEFAULTS and modality in BUILTIN:  # imported on first use: the models load lazily
        module, name = BUILTIN[modality].split(":")
        register_engine(getattr(importlib.import_module(module), name)())
    try:
        return _ENGINES[modality][_DEFAULTS[modality]]
    except KeyError:
        raise ImageRejected(f"no engine for modality {modality}", ["modality_unsupported"]) from None


def vector_engine(modality: Modality) -> VectorEngine:
    """Return the default engine of a modality whose templates are vectors (face)."""
    engine = default_engine(modality)
    if not isinstance(engine, VectorEngine):
        raise ImageRejected(f"the {modality} engine does not make vector templates", ["modality_unsupported"])
    return engine


def pairwise_engine(modality: Modality) -> PairwiseEngine:
    """Return the default engine of a modality whose templates are compared pairwise (finger)."""
    engine = default_engine(modality)
    if not isinstance(engine, PairwiseEngine):
        raise ImageRejected(f"the {modality} engine does not compare templates pairwise", ["modality_unsupported"])
    return engine
