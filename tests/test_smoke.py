"""The application starts, answers health probes and serves its OpenAPI document."""

from fastapi.testclient import TestClient


def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/health").json()["status"] == "ok"
    assert client.get("/ready").json() == {"status": "ready", "screening_index": 0}


def test_openapi_lists_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/notices" in paths and "/api/v1/entities/import" in paths


def test_landing_page(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "Manara" in page.text and "/docs" in page.text


def test_api_docs_need_no_network(client: TestClient) -> None:
    page = client.get("/docs").text
    assert "swagger-ui-bundle.js" in page and "cdn." not in page and "https://" not in page
    assert client.get("/static-offline-docs/swagger-ui-bundle.js").status_code == 200
