"""Fixtures shared by the screening tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from manara.settings import get_settings


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private MANARA_DATA_DIR (job uploads and results)."""
    monkeypatch.setenv("MANARA_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()
