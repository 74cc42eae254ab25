"""Fuzz the whole API from its OpenAPI schema with schemathesis: at least 10,000 generated requests.

    python benchmarks/fuzz.py [--examples 45] [--hidden-examples 6] [--seed 21] [--only /notices] [--quick]

Every operation gets ``--examples`` generated requests (valid and invalid, half of them aimed at the ids of
real records), sent with the API keys of a bureau officer, a frontline officer, an analyst and the
administrator of MA and the administrator and a bureau officer of FR; then every operation that takes an id
gets ``--hidden-examples`` requests aimed at EG's hidden records only. Checks: no 5xx, bodies that conform
to the schema, no trace of EG's hidden records, no 2xx on a hidden record (``tests/fuzz/harness.py``).
The anchor beside the rate is ``GET /api/v1/me`` by the same transport in the same run: the cost of an
authenticated request that does no work. Exits 1 when a failure was found.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=45, help="generated requests per operation")
    parser.add_argument("--hidden-examples", type=int, default=6, help="requests per operation at hidden ids")
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--only", default="", help="only operations whose path contains this")
    parser.add_argument("--quick", action="store_true", help="3 requests per operation")
    args = parser.parse_args()
    if args.quick:
        args.examples, args.hidden_examples = 3, 1
    sys.path.insert(0, str(ROOT / "tests"))  # the harness, and served.py which seeds it
    from fastapi.testclient import TestClient

    from fuzz.harness import build_world, configured, fuzz
    from manara.app import create_app

    logging.disable(logging.WARNING)  # failed authentications and 4xx are the point here
    with tempfile.TemporaryDirectory(prefix="manara-fuzz-") as tmp:
        world = build_world(Path(tmp))
        with configured(world):
            app = create_app(workers=False)
            with TestClient(app) as client:
                headers = {"Authorization": f"Bearer {world.tokens['ma.bureau_officer']}"}
                started, n = time.perf_counter(), 300
                for _ in range(n):
                    client.get("/api/v1/me", headers=headers)
                anchor = n / (time.perf_counter() - started)
            report = fuzz(app, world, examples=args.examples, seed=args.seed, only=args.only)
            print("generated requests:")
            print(report.summary())
            hidden = fuzz(
                app, world, examples=args.hidden_examples, seed=args.seed + 1, only=args.only, hidden_only=True
            )
            print("requests aimed at hidden records:")
            print(hidden.summary())
    total = report.requests + hidden.requests
    failures = len(report.failures) + len(hidden.failures)
    rate = total / max(report.seconds + hidden.seconds, 1e-9)
    print(
        f"\ntotal: {total} requests, {failures} failures; {rate:.0f} requests/s (anchor GET /api/v1/me: {anchor:.0f}/s)"
    )
    if failures:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
