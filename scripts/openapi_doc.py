"""Regenerate docs/openapi.json, the JSON API's contract: `python scripts/openapi_doc.py > docs/openapi.json`.

`tests/api/test_openapi.py` fails when the application's schema differs from the committed file, so an API
change (a route, a field, an operation id) is made on purpose and reviewed as a diff of this file.
"""

import json
import sys

from manara.app import create_app


def openapi_text() -> str:
    """Return the application's OpenAPI document as stable, diffable JSON."""
    schema = create_app(workers=False).openapi()
    return json.dumps(schema, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(openapi_text())
