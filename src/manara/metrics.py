"""Prometheus metrics of the process (request latency, screening and match counts, queues, indexes, jobs).

This core module imports nothing of Manara. It defines the counters and histograms that code increments
where the work happens (``REQUESTS``/``LATENCY`` in the request middleware, ``SCREENINGS``/``MATCHES`` in
the screening index, ``WEBHOOK_DELIVERIES`` in the webhook worker). What is cheaper to read than to count
(queue lengths and overdue items, index sizes and refresh lag, job progress) is collected at scrape time by
a collector the application registers (``api/metrics.py``), from the database and this process's indexes.

Labels never carry personal data: route *templates* (``/api/v1/notices/{notice_id}``, never a raw path or
a query string), methods, status codes, fixed kinds and outcomes.

Several server processes (``manara serve --workers N``) each count their own requests: ``serve.py`` calls
``use_multiprocess(folder)`` before any process counts anything, and every process then writes its values to
memory-mapped files in that folder, which ``/metrics`` sums over all processes (prometheus-client's
multiprocess mode). Every metric below has labels, so its values are created at first use, after that switch.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram, values
from prometheus_client import multiprocess as _multiprocess

NAMESPACE = "manara"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUESTS = Counter(
    "http_requests",
    "HTTP requests answered, by method, route template and status code.",
    ("method", "route", "status"),
    namespace=NAMESPACE,
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route template.",
    ("method", "route"),
    namespace=NAMESPACE,
    buckets=LATENCY_BUCKETS,
)
SCREENINGS = Counter(
    "screenings",
    "Searches of a screening index (one per person screened, single or in a batch), by index.",
    ("index",),
    namespace=NAMESPACE,
)
MATCHES = Counter(
    "matches",
    "Candidates returned by screening searches (above the engine's threshold, before visibility), by index.",
    ("index",),
    namespace=NAMESPACE,
)
WEBHOOK_DELIVERIES = Counter(
    "webhook_delivery_attempts",
    "Webhook delivery attempts, by outcome (delivered, failed, dead).",
    ("outcome",),
    namespace=NAMESPACE,
)

# This process's indexes: name -> (entries, monotonic time of the last refresh); read at scrape time.
_INDEXES: dict[str, tuple[int, float]] = {}


def note_index_refresh(name: str, entries: int) -> None:
    """Record that this process's index ``name`` has just been brought up to date."""
    _INDEXES[name] = (entries, time.monotonic())


def index_state() -> dict[str, tuple[int, float]]:
    """Return each index of this process as (entries, seconds since its last refresh)."""
    now = time.monotonic()
    return {name: (entries, now - at) for name, (entries, at) in _INDEXES.items()}


def multiprocess_dir() -> str | None:
    """Return the folder of multiprocess mode, or None when this process counts alone."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def use_multiprocess(folder: Path) -> None:
    """Switch this process (and the processes it forks) to multiprocess mode, with an emptied ``folder``.

    Called by the supervisor of several server workers before any of them counts: prometheus-client picks
    its value class when a metric's labelled child is created, which is after this call.
    """
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, mode=0o700)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]


def process_dead(pid: int) -> None:
    """Forget the live gauges of a worker that exited (its counters stay summed)."""
    folder = multiprocess_dir()
    if folder:
        _multiprocess.mark_process_dead(pid, folder)  # type: ignore[no-untyped-call]


def registry() -> CollectorRegistry:
    """Return a registry of this deployment's counters: this process's, or all workers' in multiprocess mode."""
    from prometheus_client import REGISTRY

    folder = multiprocess_dir()
    if not folder:
        return REGISTRY
    combined = CollectorRegistry()
    _multiprocess.MultiProcessCollector(combined, path=folder)  # type: ignore[no-untyped-call]
    return combined
