"""What the benchmarks that time a running server share: latency percentiles, a free port, `manara serve`."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx


def percentiles(values: list[float]) -> tuple[float, float, float]:
    """Return p50, p99 and max of ``values`` (seconds) in milliseconds."""
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered) * 1000, p99 * 1000, ordered[-1] * 1000


def free_port() -> int:
    """Return a free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(url: str, workdir: Path, port: int) -> subprocess.Popen[bytes]:
    """Start `manara serve` on the benchmark database; wait until it answers."""
    env = {
        **os.environ,
        "MANARA_DATABASE_URL": url,
        "MANARA_DATA_DIR": str(workdir / "var"),
        "MANARA_LOG_LEVEL": "WARNING",
        "MANARA_RATE_LIMITS_ENABLED": "false",  # the benchmark measures the server, not its rate limits
    }
    proc = subprocess.Popen([sys.executable, "-m", "manara.cli.main", "serve", "--port", str(port)], env=env)  # noqa: S603
    deadline = time.time() + 300
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError("server did not become ready")
