"""The JSON API's contract: the application's OpenAPI document is the committed docs/openapi.json.

An API change is made on purpose: regenerate the file (`make openapi`) and review its diff.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from fastapi.testclient import TestClient  # noqa: E402
from openapi_doc import openapi_text  # noqa: E402

from conftest import Net  # noqa: E402
from manara.api.errors import ErrorOut  # noqa: E402
from manara.identity import Role  # noqa: E402


def test_the_api_is_the_committed_contract() -> None:
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    current = json.loads(openapi_text())
    assert sorted(current["paths"]) == sorted(committed["paths"])
    operations = {
        (path, method): op.get("operationId") for path, item in current["paths"].items() for method, op in item.items()
    }
    assert operations == {
        (path, method): op.get("operationId")
        for path, item in committed["paths"].items()
        for method, op in item.items()
    }
    assert current == committed, "the API changed: run `make openapi` and review the diff of docs/openapi.json"


def test_every_operation_has_a_unique_id_and_a_summary() -> None:
    schema = json.loads(openapi_text())
    ids = [op["operationId"] for item in schema["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids)) > 50
    assert all(op.get("summary") for item in schema["paths"].values() for op in item.values())


def test_errors_are_documented_as_the_body_the_api_sends(client: TestClient, net: Net) -> None:
    schema = json.loads(openapi_text())
    assert "HTTPValidationError" not in json.dumps(schema)
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    for path, item in schema["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, operation in item.items():
            for status in ("401", "404", "422"):
                answer = operation["responses"][status]["content"]["application/json"]["schema"]
                assert answer == error_ref, (path, method, status)
    user = net.user("MA", Role.BUREAU_OFFICER)
    bad = client.post("/api/v1/notices", json={"type": "nope"}, headers=user.headers)
    missing = client.get("/api/v1/notices/00000000-0000-0000-0000-000000000000", headers=user.headers)
    anonymous = client.get("/api/v1/notices")
    for answer, status in ((bad, 422), (missing, 404), (anonymous, 401)):
        assert answer.status_code == status
        parsed = ErrorOut.model_validate(answer.json())
        assert parsed.error.request_id == answer.headers["x-request-id"]
