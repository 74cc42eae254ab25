"""Where enrolled original images are kept when their owner asks (``manara.storage``)."""

from __future__ import annotations

from pathlib import Path

from manara.storage import BlobStore, LocalBlobStore

ImageStore = BlobStore


def image_store(data_dir: Path) -> ImageStore:
    """Return the configured store of original images."""
    return LocalBlobStore(data_dir / "biometrics")
