"""Benchmark: the console's server-side render times at 100,000 notices, and live-feed fan-out.

1. Builds a SQLite database in a temporary directory: 10 members, 100,000 notices planned by the demo
   generator (``manara.demo.notices.plan_notices``: every type, mostly published, 5% awaiting review
   (submitted within 12 hours, so the escalation job has nothing to do during the measurement),
   a third shared with named countries) bulk-inserted with their share rows and one outbox event each,
   and 500 open hits raised through ``do_raise_hit``.
2. Renders the dashboard (duty officer, reviewer) and the notices list through the real application
   in-process (Starlette's TestClient, signed in through the sign-in form): p50/p99 per page.
3. Starts ``manara serve`` (uvicorn on 127.0.0.1), opens 200 live-feed connections (half Moroccan,
   half French duty officers) plus 20 Egyptian ones that must receive nothing, then acknowledges a hit
   through the API once per round and measures, per client, the time from the request to the event's
   arrival: p50/p99/max over every delivery, and per round the time until all 200 had it.

    .venv/bin/python benchmarks/console.py [--notices 100000] [--renders 100] [--clients 200] [--rounds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from _server import free_port, percentiles, serve
from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from manara.db.base import new_id, utcnow
from manara.db.migrate import upgrade
from manara.db.session import make_engine
from manara.demo.notices import plan_notices
from manara.hit.actions import HitCandidate, do_raise_hit
from manara.identity import SYSTEM, Actor, Role
from manara.member import actions as member_actions
from manara.member.actions import do_set_password
from manara.notice.models import Notice, NoticeShare
from manara.notice.types import type_code
from manara.outbox.models import OutboxEvent
from manara.settings import get_settings

COUNTRIES = ["MA", "DZ", "TN", "EG", "JO", "LB", "AE", "FR", "ES", "DE"]
PASSWORD = "benchmark password 2026"
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


def people(session: Session) -> dict[str, Any]:
    """Create the members, console users (with passwords) and an API key of the Moroccan bureau."""
    users: dict[str, Any] = {}
    for code in COUNTRIES:
        member_actions.do_create_member(session, code, acting=SYSTEM)
    for code in ("MA", "FR", "EG"):
        for role in (Role.DUTY_OFFICER, Role.REVIEWER, Role.BUREAU_OFFICER, Role.FRONTLINE_OFFICER):
            user = member_actions.do_create_user(
                session, f"{code.lower()}.{role.value}", country=code, role=role, acting=SYSTEM
            )
            do_set_password(session, user, PASSWORD, acting=SYSTEM)
            users[user.username] = Actor(user_id=user.id, username=user.username, country=code, role=role)
    bureau = session.get(type(user), users["ma.bureau_officer"].user_id)
    _, users["ma.token"] = member_actions.do_create_api_key(session, bureau, acting=SYSTEM)
    return users


def notice_rows(count: int, author: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Plan ``count`` notices with the demo generator; return notice rows and share rows."""
    rows: list[dict[str, Any]] = []
    shares: list[dict[str, Any]] = []
    now, seed = utcnow(), 0
    while len(rows) < count:
        for code in COUNTRIES:
            for plan in plan_notices(code, seed):
                i = len(rows)
                status = "submitted" if i % 20 == 0 else ("published" if i % 4 else plan.status)
                status = "published" if status == "under_review" else status
                nid, others = new_id(), [c for c in COUNTRIES if c != code]
                shared = sorted({others[i % 9], others[(i * 7) % 9]}) if i % 3 == 0 else []
                when = now - timedelta(minutes=count - i)
                submitted = now - timedelta(minutes=i % 720) if status == "submitted" else when
                rows.append(
                    {
                        "id": nid,
                        "reference": f"{code}-{type_code(plan.body['type'])}-2026-{i:06X}",
                        "type": plan.body["type"],
                        "status": status,
                        "under_review": False,
                        "subject_id": None,
                        "title": plan.body["title"],
                        "summary": "",
                        "version": 1,
                        "details": plan.body["details"],
                        "visibility": "countries" if shared else "all",
                        "shared_with": shared,
                        "review_date": (now + timedelta(days=365)).date(),
                        "checks": {},
                        "created_by": author,
                        "owner_country": code,
                        "created_at": when,
                        "updated_at": when,
                        "published_at": when,
                        "submitted_at": submitted,
                    }
                )
                shares.extend({"notice_id": nid, "country": c} for c in shared)
                if len(rows) == count:
                    return rows, shares
        seed += 1
    return rows, shares


def outbox_row(notice: dict[str, Any]) -> dict[str, Any]:
    """The event the approval of ``notice`` would have written."""
    topic = "notice.submitted" if notice["status"] == "submitted" else "notice.approved"
    payload = {k: notice[k] for k in ("id", "type", "status", "under_review", "reference", "visibility", "shared_with")}
    return {
        "topic": topic,
        "country": notice["owner_country"],
        "created_at": notice["updated_at"],
        "payload": {**payload, "owner": notice["owner_country"]},
    }


def build(url: str, count: int, hits: int) -> dict[str, Any]:
    """Create the benchmark database; return its users and the ids of open hits."""
    upgrade(url)
    factory = sessionmaker(bind=make_engine(url), expire_on_commit=False)
    started = time.perf_counter()
    with factory.begin() as session:
        users = people(session)
    rows, shares = notice_rows(count, users["ma.bureau_officer"].user_id)
    with factory.begin() as session:
        for i in range(0, len(rows), 5000):
            chunk = rows[i : i + 5000]
            session.execute(insert(Notice), chunk)
            session.execute(insert(OutboxEvent), [outbox_row(n) for n in chunk])
        session.execute(insert(NoticeShare), shares)
    with factory.begin() as session:
        hit_ids = [raise_hit(session, users["fr.frontline_officer"], i).id for i in range(hits)]
    print(f"set-up: {count:,} notices, {len(shares):,} shares, {hits:,} hits in {time.perf_counter() - started:.1f} s")
    return {"users": users, "hits": hit_ids}


def raise_hit(session: Session, querying: Actor, i: int) -> Any:
    """Raise an open hit of ``querying`` on a Moroccan red notice."""
    candidate = HitCandidate(
        target_type="notice",
        target_id=new_id(),
        owner_country="MA",
        notice_type="red",
        algorithm="person-v1",
        score=0.91,
        threshold=0.7,
        features={"name": 0.95},
        explanation="name and birth date agree",
    )
    return do_raise_hit(session, querying, candidate, fingerprint=f"{i:064x}", query={"names": [f"Person {i}"]})


def sign_in(client: Any, username: str) -> None:
    """Sign in through the console's form (CSRF token first), as a browser does."""
    token = CSRF.search(client.get("/console/login").text)
    assert token, "no sign-in form"
    response = client.post(
        "/console/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token.group(1), "next": "/console/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.status_code


OLDER = re.compile(r'href="([^"]+)" rel="next"')


def follow_older(client: Any, path: str) -> str:
    """Resolve ``path#N`` to the URL of its page N by following the list's "Older" links, as a reader would."""
    path, _, number = path.partition("#")
    for _ in range(int(number or 1) - 1):
        link = OLDER.search(client.get(path).text)
        assert link, f"no next page after {path}"
        path = link.group(1).replace("&amp;", "&")
    return path


def render_times(url: str, renders: int) -> None:
    """Render each page ``renders`` times in-process and print p50/p99."""
    from fastapi.testclient import TestClient

    from manara.app import create_app

    pages = [
        ("dashboard, duty officer MA", "ma.duty_officer", "/console/"),
        ("dashboard, reviewer FR", "fr.reviewer", "/console/"),
        ("operations wall, duty MA", "ma.duty_officer", "/console/wall"),
        ("wall counters fragment", "ma.duty_officer", "/console/wall/counters"),
        ("wall map fragment", "ma.duty_officer", "/console/wall/map"),
        ("notices list, page 1", "ma.bureau_officer", "/console/notices"),
        ("notices list, red, page 40", "ma.bureau_officer", "/console/notices?type=red#40"),
        ("notices list, page 400", "ma.bureau_officer", "/console/notices#400"),
    ]
    for label, username, path in pages:
        with TestClient(create_app(workers=False)) as client:
            sign_in(client, username)
            path = follow_older(client, path)
            first = client.get(path)
            assert first.status_code == 200, (path, first.status_code)
            times = []
            for _ in range(renders):
                start = time.perf_counter()
                client.get(path)
                times.append(time.perf_counter() - start)
        p50, p99, top = percentiles(times)
        print(f"render {label:<28} p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  max {top:7.1f} ms  ({renders} requests)")


class FeedClient:
    """One browser's EventSource, reduced to a socket reading SSE frames and timing hit ids."""

    def __init__(self, cookie: str) -> None:
        self.cookie, self.seen, self.frames, self.reconnects = cookie, {}, 0, 0
        self.ready = asyncio.Event()
        self.waiting: dict[str, float] = {}

    async def run(self, port: int) -> None:
        """Connect, record when each awaited hit id arrives, and reconnect with Last-Event-ID as EventSource does."""
        last_id = ""
        while True:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            resume = f"Last-Event-ID: {last_id}\r\n" if last_id else ""
            writer.write(
                f"GET /console/feed HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n{resume}"
                f"Cookie: manara_session={self.cookie}\r\n\r\n".encode()
            )
            await writer.drain()
            try:
                while line := await reader.readline():
                    if line.startswith(b"retry:"):
                        self.ready.set()
                    elif line.startswith(b"id: "):
                        last_id = line[4:].strip().decode()
                    elif line.startswith(b"data: "):
                        self.frames += 1
                        match = re.search(rb"#hit-([0-9a-f-]{36})", line)
                        if match:
                            self.seen.setdefault(match.group(1).decode(), time.perf_counter())
            finally:
                writer.close()
            self.reconnects += 1


def cookie_for(port: int, username: str) -> str:
    """Sign in on the running server and return the session cookie."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        sign_in(client, username)
        return str(client.cookies["manara_session"])


async def fan_out(port: int, clients: int, rounds: int, hits: list[str], token: str) -> None:
    """Connect the clients, acknowledge one hit per round, and time every delivery."""
    cookies = {u: cookie_for(port, u) for u in ("ma.duty_officer", "fr.duty_officer", "eg.duty_officer")}
    watchers = [FeedClient(cookies["ma.duty_officer" if i % 2 else "fr.duty_officer"]) for i in range(clients)]
    strangers = [FeedClient(cookies["eg.duty_officer"]) for _ in range(20)]
    tasks = []
    for batch in range(0, len(watchers + strangers), 20):
        group = (watchers + strangers)[batch : batch + 20]
        tasks += [asyncio.create_task(c.run(port)) for c in group]
        await asyncio.wait_for(asyncio.gather(*(c.ready.wait() for c in group)), 30)
    deliveries: list[float] = []
    all_received: list[float] = []
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {token}"}
    ) as api:
        for hit_id in hits[:rounds]:
            await asyncio.sleep(0.5)
            start = time.perf_counter()
            response = await api.post(f"/api/v1/hits/{hit_id}/acknowledge")
            assert response.status_code == 200, response.text
            deadline = start + 15
            while any(hit_id not in c.seen for c in watchers) and time.perf_counter() < deadline:
                await asyncio.sleep(0.002)
            arrived = [c.seen[hit_id] - start for c in watchers if hit_id in c.seen]
            deliveries += arrived
            all_received.append(max(arrived) if len(arrived) == clients else float("inf"))
    leaked = sum(s.frames for s in strangers)
    reconnects = sum(c.reconnects for c in watchers + strangers)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    p50, p99, top = percentiles(deliveries)
    a50, a99, amax = percentiles(all_received)
    missing = rounds * clients - len(deliveries)
    print(
        f"fan-out to {clients} clients, {rounds} actions: per delivery p50 {p50:.1f} ms  p99 {p99:.1f} ms  "
        f"max {top:.1f} ms; all {clients} received: p50 {a50:.1f} ms  p99 {a99:.1f} ms  max {amax:.1f} ms; "
        f"missing {missing}; frames leaked to the 20 EG clients: {leaked}; reconnections: {reconnects}"
    )


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notices", type=int, default=100_000)
    parser.add_argument("--renders", type=int, default=100)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory(prefix="manara-console-bench-", dir="/tmp") as tmp:
        url = f"sqlite:///{tmp}/console.db"
        os.environ["MANARA_DATABASE_URL"] = url  # read by the in-process app and the server
        get_settings.cache_clear()
        built = build(url, args.notices, max(500, args.rounds))
        render_times(url, args.renders)
        print(f"load average after renders: {os.getloadavg()}")
        port = free_port()
        server = serve(url, Path(tmp), port)
        try:
            asyncio.run(fan_out(port, args.clients, args.rounds, built["hits"], built["users"]["ma.token"]))
        finally:
            server.terminate()
            server.wait(30)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
