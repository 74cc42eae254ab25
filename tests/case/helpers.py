"""Shared helpers of the case tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import NetUser
from manara.settings import get_settings

API = "/api/v1/cases"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point MANARA_DATA_DIR (attachment store) at a private temporary directory."""
    monkeypatch.setenv("MANARA_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def open_case(client: TestClient, user: NetUser, **body: Any) -> dict[str, Any]:
    """Open a case through the API and return its body (asserting 201)."""
    payload = {"title": "Cannabis resin shipments via Tangier", "summary": "Joint investigation.", **body}
    got = client.post(API, json=payload, headers=user.headers)
    assert got.status_code == 201, got.text
    return dict(got.json())
