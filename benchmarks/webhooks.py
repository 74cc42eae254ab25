"""Benchmark of webhook deliveries: events from the outbox to a local HTTP receiver, beside an anchor measured
in the same run.

Measured: ``run_until_idle`` over N outbox events (``hit.raised`` of the subscription's member) into a fresh
SQLite database: fan-out (visibility rule per event), claims, one signed POST per event (HMAC-SHA256, a fresh
timestamp), and the outcomes recorded, in passes of 100. Anchor: the same number of POSTs of the same bodies
with the same HTTP client (keep-alive, same receiver), no database and no signature. The ratio is the cost of
the outbox, the bookkeeping and the signature over the bare HTTP traffic. Then the same with a receiver that
fails every request once (each event is attempted twice), to show what retries cost.

    .venv/bin/python benchmarks/webhooks.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import orjson


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver
    fail_first: set[str] | None = None
    lock = threading.Lock()

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("content-length", "0")))
        status = 200
        if Handler.fail_first is not None:
            key = self.headers.get("x-manara-delivery", "")
            with Handler.lock:
                if key not in Handler.fail_first:
                    Handler.fail_first.add(key)
                    status = 503
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return


@contextmanager
def receiver() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 events instead of 2,000")
    args = parser.parse_args()
    n = 200 if args.quick else 2000
    tmp = Path(tempfile.mkdtemp(prefix="manara-webhooks-"))
    os.environ.update(
        {"MANARA_ENV": "test", "MANARA_DATABASE_URL": f"sqlite:///{tmp}/bench.db", "MANARA_DATA_DIR": str(tmp)}
    )
    os.environ["MANARA_WEBHOOK_BACKOFF_SECONDS"] = "0.001"  # retries due at once in the second run

    from manara.db.base import utcnow
    from manara.db.migrate import upgrade
    from manara.db.session import unit_of_work
    from manara.identity import Actor, Role
    from manara.member import actions as member_actions
    from manara.outbox.service import enqueue
    from manara.settings import get_settings
    from manara.webhook import actions
    from manara.webhook.delivery import Sender, run_until_idle
    from manara.webhook.models import WebhookDelivery
    from manara.webhook.schemas import SubscriptionIn

    get_settings.cache_clear()
    upgrade(os.environ["MANARA_DATABASE_URL"])
    setup = Actor(user_id="bench", username="bench", country="ZZ", role=Role.ADMINISTRATOR)
    with unit_of_work() as s:
        for code in ("MA", "FR"):
            member_actions.do_create_member(s, code, acting=setup)
        user = member_actions.do_create_user(s, "ma.admin", country="MA", role=Role.ADMINISTRATOR, acting=setup)
        admin = Actor(user_id=user.id, username=user.username, country="MA", role=Role.ADMINISTRATOR)

    def events(count: int) -> None:
        with unit_of_work() as s:
            for i in range(count):
                payload = {
                    "id": f"hit-{i}",
                    "owner": "MA",
                    "querying": "FR",
                    "status": "open",
                    "target_type": "notice",
                    "target_id": f"n-{i}",
                    "notice_type": "red",
                    "deadline_at": (utcnow() + timedelta(hours=1)).isoformat(),
                }
                enqueue(s, "hit.raised", payload, country="MA")

    def anchor(url: str, bodies: list[bytes]) -> float:
        with httpx.Client(timeout=10, trust_env=False) as client:
            started = time.perf_counter()
            for body in bodies:
                client.post(url, content=body, headers={"Content-Type": "application/json"}).raise_for_status()
            return time.perf_counter() - started

    with receiver() as url:
        with unit_of_work() as s:
            actions.do_create_subscription(s, admin, SubscriptionIn(url=url, event_types=["hit.raised"]))
        sender = Sender(timeout=10)
        run_until_idle(unit_of_work, sender)  # warm the connection
        for label, failing in (("every receiver answer 200", False), ("each first attempt answered 503", True)):
            Handler.fail_first = set() if failing else None
            events(n)
            started = time.perf_counter()
            done = run_until_idle(unit_of_work, sender)
            while failing and done.delivered < n:  # retries were scheduled a millisecond later
                time.sleep(0.002)
                more = run_until_idle(unit_of_work, sender)
                done.delivered, done.failed = done.delivered + more.delivered, done.failed + more.failed
            elapsed = time.perf_counter() - started
            assert done.delivered == n, done
            with unit_of_work() as s:
                bodies = [orjson.dumps(d.body) for d in s.query(WebhookDelivery).limit(n)]
            Handler.fail_first = None
            plain = anchor(url, bodies)
            print(f"{label}: {n} events")
            print(
                f"  webhooks (fan-out, claim, signed POST, record): {n / elapsed:8.0f} deliveries/s  ({elapsed:.2f} s)"
            )
            print(f"  anchor (the same POSTs, same client, no DB)  : {n / plain:8.0f} requests/s    ({plain:.2f} s)")
            print(f"  ratio: {elapsed / plain:.1f}x the bare HTTP time; attempts: {done.delivered + done.failed}")
        sender.close()


if __name__ == "__main__":
    main()
