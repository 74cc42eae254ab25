"""Static files of the console: compressed for clients that accept gzip, cacheable, revalidated by ETag."""

from __future__ import annotations

import gzip
from pathlib import Path

from fastapi.testclient import TestClient

CSS = "/console/static/vendor/bootstrap/bootstrap.min.css"
STATIC = Path(__file__).resolve().parents[2] / "src" / "manara" / "web" / "static"


def test_text_files_are_sent_compressed_and_identical(client: TestClient) -> None:
    response = client.get(CSS, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["content-encoding"] == "gzip"
    assert "max-age" in response.headers["cache-control"] and response.headers["vary"] == "Accept-Encoding"
    original = (STATIC / "vendor" / "bootstrap" / "bootstrap.min.css").read_bytes()
    assert response.content == original  # httpx decodes gzip: the content is the file's
    assert int(response.headers["content-length"]) < len(original) / 4
    assert gzip.decompress(gzip.compress(original)) == original


def test_plain_clients_and_ranges_get_the_file_as_it_is(client: TestClient) -> None:
    plain = client.get(CSS, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "content-encoding" not in plain.headers
    ranged = client.get(CSS, headers={"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
    assert ranged.status_code == 206 and len(ranged.content) == 100 and "content-encoding" not in ranged.headers


def test_revalidation_answers_not_modified(client: TestClient) -> None:
    first = client.get(CSS, headers={"Accept-Encoding": "gzip"})
    again = client.get(CSS, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_missing_and_escaping_paths_are_not_found(client: TestClient) -> None:
    assert client.get("/console/static/nothing.css").status_code == 404
    assert client.get("/console/static/../../settings.py").status_code == 404
