"""Shared helpers of the biometric tests: generated images and a fake engine registered like a plugin.

The fake engine reads an image's mean colour as its "face", so tests control which images are alike
without shipping face photographs; it still decodes through the real safe decoder.
"""

from __future__ import annotations

import io
import math
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from numpy.typing import NDArray
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import Net, person
from manara.biometric.engines import Modality, Template, register_engine, unregister_engine
from manara.biometric.imaging import decode_rgb
from manara.errors import ImageRejected
from manara.identity import Role
from manara.models import Base
from manara.settings import get_settings


def image_bytes(colour: tuple[int, int, int], size: tuple[int, int] = (48, 48), fmt: str = "PNG") -> bytes:
    """Return an encoded image of one colour."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt)
    return out.getvalue()


class ColourEngine:
    """A fake face engine: the template is the mean colour; black images have 'no face'."""

    name = "test-colour"
    modality = Modality.FACE
    template_version = "1"

    def extract(self, image: bytes) -> Template:
        """Return the mean colour as a 3-d template."""
        settings = get_settings()
        rgb = decode_rgb(image, max_bytes=settings.biometric_max_image_bytes, max_pixels=settings.biometric_max_pixels)
        vector = rgb.reshape(-1, 3).mean(axis=0).astype(np.float32) / 255
        if float(vector.sum()) < 0.05:
            raise ImageRejected("no face found in the image", ["no_face"])
        return Template(vector=vector, quality=1.0)

    def compare(self, a: NDArray[np.float32], b: NDArray[np.float32]) -> float:
        """Return 1 - Euclidean distance, floored at 0."""
        return self.similarity(float(np.sum((a - b) ** 2)))

    def similarity(self, distance: float) -> float:
        """Map a squared distance to [0, 1]."""
        return max(0.0, 1.0 - math.sqrt(distance))


@pytest.fixture
def colour_engine() -> Iterator[ColourEngine]:
    """Register the fake engine as the default face engine for one test."""
    engine = ColourEngine()
    register_engine(engine, default=True)
    yield engine
    unregister_engine(Modality.FACE, engine.name)


def subject(
    client: TestClient, net: Net, owner: str, name: str, visibility: str = "all", shared: list[str] | None = None
) -> dict[str, Any]:
    """Create a person entity owned by ``owner``; return it."""
    bo = net.user(owner, Role.BUREAU_OFFICER)
    body = {**person(f"p-{name}", name), "visibility": visibility, "shared_with": shared or []}
    response = client.post("/api/v1/entities", json=body, headers=bo.headers)
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


def enrol(client: TestClient, net: Net, owner: str, subject_pk: str, colour: tuple[int, int, int], **form: str) -> Any:
    """Enrol an image of ``colour`` for a subject; return the response."""
    return client.post(
        "/api/v1/biometrics/enrolments",
        data={"subject_pk": subject_pk, **form},
        files={"image": ("face.png", image_bytes(colour), "image/png")},
        headers=net.user(owner, Role.BUREAU_OFFICER).headers,
    )


def search(client: TestClient, net: Net, country: str, colour: tuple[int, int, int], limit: int = 10) -> Any:
    """Search an image of ``colour`` as a frontline officer of ``country``."""
    return client.post(
        "/api/v1/biometrics/search",
        data={"limit": str(limit)},
        files={"image": ("probe.png", image_bytes(colour), "image/png")},
        headers=net.user(country, Role.FRONTLINE_OFFICER).headers,
    )


def private_storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the data folder and the process's temporary folder into ``tmp_path`` (tests run in parallel)."""
    monkeypatch.setenv("MANARA_DATA_DIR", str(tmp_path / "data"))
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    get_settings.cache_clear()


def table_counts(session: Session) -> dict[str, int]:
    """Return the row count of every table (to prove a search stored nothing)."""
    return {t.name: session.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables}


def files_under(*roots: Path) -> set[str]:
    """Return every file below ``roots``."""
    return {os.path.join(d, f) for root in roots for d, _, fs in os.walk(root) for f in fs}
