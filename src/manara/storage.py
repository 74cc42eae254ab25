"""Keyed files kept by the server (enrolled original images, case attachments): a small storage interface."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Protocol

KEY = re.compile(r"^[0-9a-f-]{36}$")


class BlobStore(Protocol):
    """Keeps files by key (the id of the record they belong to)."""

    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key``."""
        ...

    def get(self, key: str) -> bytes:
        """Return the bytes stored under ``key``."""
        ...

    def delete(self, key: str) -> None:
        """Remove the image under ``key`` if any."""
        ...


class LocalBlobStore:
    """Files under one directory, readable by the server's user only."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not KEY.match(key):  # keys are record ids: never a path from the outside
            raise ValueError(f"invalid storage key {key!r}")
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes) -> None:
        """Write the bytes atomically with mode 0600."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        tmp.replace(path)

    def get(self, key: str) -> bytes:
        """Return the stored bytes."""
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        """Remove the file if it exists."""
        self._path(key).unlink(missing_ok=True)
