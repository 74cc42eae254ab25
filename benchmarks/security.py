"""Benchmark of the per-request security controls (issue 21: findings 6, 10, 11), each beside an anchor
measured in the same run:

1. Server-side session check: look the cookie's token up by digest in ``console_session`` (N open sessions,
   SQLite) and check it (revoked, expired, user active with a password, user agent). Anchor: what the
   console did before — verify the signed cookie and read the user row.
2. Rate limits: three counts per request (address, API key, user) in the in-memory sliding windows of
   ``limits``. Anchor: one SHA-256 of the presented key (what key lookup costs anyway).
3. Middleware: a trivial ASGI app called directly, with and without ``SecurityHeaders`` + ``RateLimit``
   wrapped around it (no network, no framework): the cost the two add to every response.

    .venv/bin/python benchmarks/security.py [--quick] [--sessions N] [--requests N]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def per_call_us(fn: Callable[[], object], n: int) -> float:
    """Return the median of five runs of ``n`` calls, in microseconds per call."""
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(n):
            fn()
        runs.append((time.perf_counter() - started) / n * 1e6)
    return statistics.median(runs)


def sessions_part(workdir: Path, total: int, requests: int) -> None:
    os.environ["MANARA_DATABASE_URL"] = f"sqlite:///{workdir / 'bench.db'}"
    os.environ.setdefault("MANARA_ENV", "test")
    from itsdangerous import URLSafeTimedSerializer

    from manara.db.migrate import upgrade
    from manara.db.session import get_engine, unit_of_work
    from manara.identity import Actor, Role
    from manara.member import actions, sessions
    from manara.member.models import User
    from manara.settings import get_settings

    get_settings.cache_clear()
    upgrade(os.environ["MANARA_DATABASE_URL"])
    system = Actor(user_id="bench", username="bench", country="ZZ", role=Role.ADMINISTRATOR)
    tokens: list[str] = []
    with unit_of_work() as session:
        actions.do_create_member(session, "MA", acting=system)
        user = actions.do_create_user(session, "ma.bench", country="MA", role=Role.BUREAU_OFFICER, acting=system)
        user.password_hash = "$argon2id$placeholder"  # a password is set (its value does not matter here)
        user_id = user.id
    started = time.perf_counter()
    with unit_of_work() as session:
        user = session.get(User, user_id)
        assert user is not None
        for _ in range(total):
            tokens.append(actions.do_open_session(session, user, credential="password", user_agent="bench")[1])
    print(f"opened {total} sessions in {time.perf_counter() - started:.1f} s")
    serializer = URLSafeTimedSerializer("x" * 40, salt="manara.console.session")
    cookie = serializer.dumps({"u": user_id, "n": "nonce", "s": "stamp"})
    probe = tokens[len(tokens) // 2]
    with get_engine().connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    from sqlalchemy.orm import Session

    with Session(get_engine()) as session:

        def check() -> None:
            found = sessions.get_by_token(session, probe)
            assert found is not None and sessions.usable(found, session.get(User, found.user_id), "bench")
            session.expire_all()

        def anchor() -> None:
            data = serializer.loads(cookie, max_age=3600)
            assert session.get(User, data["u"]) is not None
            session.expire_all()

        ours, base = per_call_us(check, requests), per_call_us(anchor, requests)
    print(f"1. session check ({total} open sessions): {ours:.0f} µs/request; anchor (signed cookie + user row): "
          f"{base:.0f} µs/request; ratio {ours / base:.2f}")  # fmt: skip


def limits_part(requests: int) -> None:
    from manara.api.ratelimit import RateLimits
    from manara.settings import Settings

    limits = RateLimits.from_settings(Settings(env="dev"))
    assert limits is not None
    token = "mnr_abcdef012345_" + "s" * 43
    counter = [0]

    def three() -> None:
        counter[0] += 1
        n = counter[0] % 500  # 500 clients, keys and users
        limits.hit("per_address", f"192.0.2.{n % 250}")
        limits.hit("per_api_key", f"key-{n}")
        limits.hit("per_user", f"user-{n}")

    def anchor() -> None:
        hashlib.sha256(token.encode()).hexdigest()

    ours, base = per_call_us(three, requests), per_call_us(anchor, requests)
    print(f"2. rate limits (3 counts/request): {ours:.1f} µs/request; anchor (SHA-256 of the key): {base:.1f} µs")


def middleware_part(requests: int) -> None:
    from manara.api.ratelimit import RateLimit, RateLimits
    from manara.settings import Settings
    from manara.web.security_headers import SecurityHeaders

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": b"ok"})

    limits = RateLimits.from_settings(Settings(env="dev"))
    wrapped = SecurityHeaders(RateLimit(app, limits=limits))
    scope = {"type": "http", "path": "/console/notices", "method": "GET", "headers": [], "client": ("192.0.2.1", 1)}

    async def run(target: Any, n: int) -> float:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b""}

        async def send(message: dict[str, Any]) -> None:
            return None

        runs = []
        for _ in range(5):
            started = time.perf_counter()
            for _ in range(n):
                await target(dict(scope), receive, send)
            runs.append((time.perf_counter() - started) / n * 1e6)
        return statistics.median(runs)

    ours, base = asyncio.run(run(wrapped, requests)), asyncio.run(run(app, requests))
    print(f"3. headers + rate-limit middleware: {ours:.1f} µs/response; anchor (the bare ASGI app): {base:.1f} µs; "
          f"added {ours - base:.1f} µs")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="1,000 sessions, 2,000 requests")
    parser.add_argument("--sessions", type=int, default=0)
    parser.add_argument("--requests", type=int, default=0)
    args = parser.parse_args()
    total = args.sessions or (1_000 if args.quick else 50_000)
    requests = args.requests or (2_000 if args.quick else 20_000)
    with tempfile.TemporaryDirectory() as tmp:
        sessions_part(Path(tmp), total, requests // 10)
    limits_part(requests)
    middleware_part(requests)


if __name__ == "__main__":
    main()
