"""Benchmark of the TAXII 2.1 server (issue 18), beside an anchor measured in the same run:

N indicators (100,000; ``--quick``: 10,000) are stored in ONE transaction (so all share one ``date_added``),
then a real server (uvicorn, one process, SQLite) is paged with ``limit=1000`` through the opaque ``next``
cursor while 500 more objects are added half-way: every object must come back exactly once (N + 500 ids, no
duplicate). Reported: objects served per second through TAXII (envelopes of STIX objects, each page audited)
and, as the anchor, through Manara's plain JSON list endpoint (``GET /api/v1/cyber/indicators``, 500 per page,
offset paging) over the same objects' first pages.

    .venv/bin/python benchmarks/taxii.py [--quick] [--objects N]
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy.orm import Session

from manara.cyber.actions import do_store_parsed
from manara.cyber.schemas import Placement
from manara.cyber.service import collection_id
from manara.cyber.stix import Candidate, Parsed
from manara.db.migrate import upgrade
from manara.db.session import make_engine
from manara.identity import Actor, Role
from manara.member import actions as member_actions
from manara.tlp import Tlp
from manara.visibility import Visibility

ROOT = Path(__file__).resolve().parents[1]
TAXII = "application/taxii+json;version=2.1"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _store(engine: object, actor: Actor, n: int, prefix: str) -> float:
    parsed = Parsed(received=n)
    parsed.candidates = [
        Candidate(kind="domain-name", value=f"{prefix}{i}.example", value_key=f"{prefix}{i}.example") for i in range(n)
    ]
    start = time.perf_counter()
    with Session(engine) as session, session.begin():  # type: ignore[call-overload]
        do_store_parsed(
            session, actor, parsed, Placement(tlp=Tlp.GREEN, visibility=Visibility.ALL), source="bench", fmt="bench"
        )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10,000 objects")
    parser.add_argument("--objects", type=int, default=None)
    args = parser.parse_args()
    n = args.objects or (10_000 if args.quick else 100_000)
    tmp = Path(tempfile.mkdtemp())
    url = f"sqlite:///{tmp / 'taxii.db'}"
    upgrade(url)
    engine = make_engine(url)
    system = Actor(user_id="bench", username="bench", country="ZZ", role=Role.ADMINISTRATOR)
    with Session(engine) as session, session.begin():
        actors, tokens = {}, {}
        for code in ("MA", "FR"):
            member_actions.do_create_member(session, code, acting=system)
            user = member_actions.do_create_user(
                session, f"{code.lower()}.analyst", country=code, role=Role.ANALYST, acting=system
            )
            _, tokens[code] = member_actions.do_create_api_key(session, user, acting=system)
            actors[code] = Actor(user_id=user.id, username=user.username, country=code, role=Role.ANALYST)
    stored = _store(engine, actors["MA"], n, "bulk")
    print(f"stored {n:,} indicators in one transaction in {stored:.1f} s ({n / stored:,.0f}/s)")

    port = _port()
    env = {
        **os.environ,
        "MANARA_ENV": "test",
        "MANARA_DATABASE_URL": url,
        "MANARA_DATA_DIR": str(tmp / "data"),
        "MANARA_SECRET_KEY": secrets.token_urlsafe(32),
        "MANARA_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "src"),
    }
    log = (tmp / "server.log").open("wb")
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "manara.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            for _ in range(600):
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            headers = {"Authorization": f"Bearer {tokens['FR']}", "Accept": TAXII}
            path = f"/taxii2/api/collections/{collection_id('MA', Tlp.GREEN)}/objects/"
            ids: list[str] = []
            params: dict[str, object] = {"limit": 1000}
            pages = 0
            added_during = 0
            start = time.perf_counter()
            paused = 0.0
            while True:
                body = client.get(path, params=params, headers=headers).json()
                pages += 1
                ids.extend(o["id"] for o in body.get("objects", []))
                if pages == max(2, n // 2000) and not added_during:
                    pause = time.perf_counter()
                    _store(engine, actors["MA"], 500, "late")  # added while the client pages
                    added_during = 500
                    paused += time.perf_counter() - pause
                if not body["more"]:
                    break
                params = {"limit": 1000, "next": body["next"]}
            taxii_s = time.perf_counter() - start - paused
            once = len(ids) == len(set(ids)) == n + added_during
            print(
                f"TAXII: {len(ids):,} objects in {pages} pages of <= 1000 in {taxii_s:.1f} s = "
                f"{len(ids) / taxii_s:,.0f} objects/s; every object exactly once (incl. {added_during} added "
                f"while paging): {'yes' if once else 'NO'}"
            )
            json_headers = {"Authorization": f"Bearer {tokens['FR']}"}
            budget = min(len(ids), 20_000)
            got = 0
            start = time.perf_counter()
            page = 1
            while got < budget:
                items = client.get(
                    "/api/v1/cyber/indicators", params={"page": page, "page_size": 500}, headers=json_headers
                ).json()["items"]
                if not items:
                    break
                got += len(items)
                page += 1
            json_s = time.perf_counter() - start
            rate = got / json_s
            print(
                f"anchor, JSON list endpoint (500 per page, offset): {got:,} objects in {json_s:.1f} s = {rate:,.0f}/s"
            )
            if not once:
                raise SystemExit(1)
    finally:
        server.terminate()
        server.wait(30)
        log.close()


if __name__ == "__main__":
    main()
