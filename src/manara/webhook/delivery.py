"""The delivery worker: fan out new outbox events, claim due deliveries, POST them signed, record outcomes.

One pass (``run_once``) runs three short units of work — fan-out, claim, record — and sends between them,
outside any transaction, so a slow receiver never holds a database lock. ``manara webhooks deliver`` runs
passes until nothing is due; servers run them in the job runner's process (``WebhookRunner``).
Each request goes to the address the SSRF guard checked (``security.resolve``), with the original host in
``Host`` and in TLS's SNI, and one HTTP client per endpoint host (a connection is never reused for another).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
from sqlalchemy.orm import Session

from manara import __version__, metrics
from manara.webhook import actions
from manara.webhook.actions import Claimed, Outcome
from manara.webhook.security import Endpoint, EndpointRefused, resolve, sign

log = logging.getLogger("manara.webhook")
SessionFactory = Callable[[], AbstractContextManager[Session]]
MAX_ANSWER_BYTES = 64 * 1024


class Sender:
    """Sends claimed deliveries; keeps one HTTP client per (host, port, checked address)."""

    def __init__(self, timeout: float = 10.0, *, verify: Any = True) -> None:
        self.timeout, self.verify = timeout, verify
        self.clients: dict[tuple[str, int, str], httpx.Client] = {}

    def close(self) -> None:
        """Close every client."""
        for client in self.clients.values():
            client.close()
        self.clients.clear()

    def _client(self, endpoint: Endpoint) -> httpx.Client:
        key = (endpoint.host, endpoint.port, endpoint.address)
        if key not in self.clients:
            self.clients[key] = httpx.Client(
                timeout=self.timeout, follow_redirects=False, verify=self.verify, trust_env=False
            )
        return self.clients[key]

    def send(self, claimed: Claimed) -> Outcome:
        """Attempt one delivery; a 2xx answer is a success, anything else (redirects included) a failure."""
        try:
            endpoint = resolve(claimed.url)
        except EndpointRefused as exc:
            return Outcome(claimed.id, False, None, f"refused: {exc}")
        body = orjson.dumps(claimed.body)
        address = f"[{endpoint.address}]" if ":" in endpoint.address else endpoint.address
        default_port = 443 if endpoint.scheme == "https" else 80
        host = endpoint.host if endpoint.port == default_port else f"{endpoint.host}:{endpoint.port}"
        headers = {
            "Host": host,
            "Content-Type": "application/json",
            "User-Agent": f"Manara-Webhooks/{__version__}",
            "X-Manara-Event": claimed.topic,
            "X-Manara-Event-Id": str(claimed.event_id),
            "X-Manara-Delivery": claimed.id,
            "X-Manara-Signature": sign(claimed.secret, int(time.time()), body),
        }
        client = self._client(endpoint)
        extensions = {"sni_hostname": endpoint.host} if endpoint.scheme == "https" else {}
        request = client.build_request(
            "POST",
            f"{endpoint.scheme}://{address}:{endpoint.port}{endpoint.target}",
            content=body,
            headers=headers,
            extensions=extensions,
        )
        try:
            response = client.send(request, stream=True)
            try:  # read (and drop) a short answer, so the connection goes back to the pool; never a long one
                seen = 0
                for chunk in response.iter_raw():
                    seen += len(chunk)
                    if seen > MAX_ANSWER_BYTES:
                        break
            finally:
                response.close()
        except httpx.HTTPError as exc:
            return Outcome(claimed.id, False, None, f"{type(exc).__name__}: {exc}")
        ok = 200 <= response.status_code < 300
        return Outcome(claimed.id, ok, response.status_code, "" if ok else f"HTTP {response.status_code}")


@dataclass
class PassResult:
    """What one pass did."""

    fanned_out: int = 0
    delivered: int = 0
    failed: int = 0
    dead: int = 0

    @property
    def attempted(self) -> int:
        """Deliveries attempted in the pass."""
        return self.delivered + self.failed + self.dead


def run_once(factory: SessionFactory, sender: Sender, *, limit: int = 100) -> PassResult:
    """Fan out new events, then attempt up to ``limit`` due deliveries and record their outcomes."""
    result = PassResult()
    with factory() as session:
        result.fanned_out = actions.do_fan_out(session)
    with factory() as session:
        claimed = actions.do_claim_due(session, limit=limit)
    if not claimed:
        return result
    outcomes = [sender.send(c) for c in claimed]
    with factory() as session:
        counts = actions.do_record_attempts(session, outcomes)
    result.delivered, result.failed, result.dead = counts["delivered"], counts["failed"], counts["dead"]
    for outcome, n in counts.items():
        if n:
            metrics.WEBHOOK_DELIVERIES.labels(outcome).inc(n)
    for c, o in zip(claimed, outcomes, strict=True):
        if not o.delivered:  # ids and status only: never the URL, the body or the secret
            log.info(
                "webhook delivery failed",
                extra={"delivery": c.id, "subscription": c.subscription_id, "event_id": c.event_id, "status": o.status},
            )
    return result


def run_until_idle(factory: SessionFactory, sender: Sender, *, limit: int = 100, max_passes: int = 1000) -> PassResult:
    """Run passes while deliveries are due (retries scheduled later are left for later)."""
    total = PassResult()
    for _ in range(max_passes):
        step = run_once(factory, sender, limit=limit)
        total.fanned_out += step.fanned_out
        total.delivered, total.failed, total.dead = (
            total.delivered + step.delivered,
            total.failed + step.failed,
            total.dead + step.dead,
        )
        if step.attempted == 0:
            break
    return total


class WebhookRunner:
    """A daemon thread running delivery passes every ``interval`` seconds (one process per deployment)."""

    def __init__(self, factory: SessionFactory, interval: float, timeout: float) -> None:
        self.factory, self.interval = factory, interval
        self.sender = Sender(timeout)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="manara-webhooks", daemon=True)

    def start(self) -> None:
        """Start the thread."""
        self.thread.start()

    def _loop(self) -> None:
        while not self.stop.is_set():
            try:
                while run_once(self.factory, self.sender).attempted and not self.stop.is_set():
                    pass
            except Exception:  # noqa: BLE001 - a failed pass is retried at the next tick
                log.exception("webhook delivery pass failed")
            self.stop.wait(self.interval)
        self.sender.close()


def passes(factory: SessionFactory, sender: Sender) -> Iterator[PassResult]:
    """Yield passes forever (``manara webhooks deliver --follow``)."""
    while True:
        yield run_once(factory, sender)
