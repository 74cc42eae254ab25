"""A real Manara server for tests: a fresh database seeded with a small network, served in a child process.

Used by the browser tests and by the tests of `manara serve` itself.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy.orm import Session

from conftest import _postgres_db, person
from factories import red_details
from manara.db.migrate import upgrade
from manara.db.session import make_engine
from manara.entity.actions import do_upsert_entities, make_placement
from manara.entity.ftm import validate_entity
from manara.entity.service import get_by_natural_key
from manara.identity import Actor, Role
from manara.member import actions as member_actions
from manara.notice import actions as notice_actions
from manara.notice.schemas import NoticeIn
from manara.visibility import Visibility

ROOT = Path(__file__).parents[1]
COUNTRIES = ("MA", "FR", "EG")
SETUP = Actor(user_id="browser-setup", username="browser-setup", country="ZZ", role=Role.ADMINISTRATOR)
# Users who sign in through the form (argon2 hashing is slow on purpose: only these get a password).
SIGN_IN_USERS = frozenset(
    {
        "ma.bureau_officer",
        "ma.duty_officer",
        "ma.reviewer",
        "fr.frontline_officer",
        "fr.bureau_officer",
        "fr.reviewer",
        "eg.bureau_officer",
        "ma.administrator",
    }
)


def password_of(username: str) -> str:
    """Return the console password the seed gives ``username``."""
    return f"browser-test-{username}-pass"


@dataclass
class Seed:
    """What the server's database holds before the first test: ids the tests need."""

    red_notice_id: str = ""  # MA, published, visible to all: subject "Karim Benali"
    unshared_notice_id: str = ""  # EG, published, visible to EG only


def seed_network(url: str) -> Seed:
    """Create members MA, FR, EG with a user of every role each (some with a password) and two notices."""
    engine = make_engine(url)
    seed = Seed()
    with Session(engine, expire_on_commit=False) as session:
        actors: dict[tuple[str, Role], Actor] = {}
        for code in COUNTRIES:
            member_actions.do_create_member(session, code, acting=SETUP)
            for role in Role:
                username = f"{code.lower()}.{role.value}"
                user = member_actions.do_create_user(session, username, country=code, role=role, acting=SETUP)
                if username in SIGN_IN_USERS:
                    member_actions.do_set_password(session, user, password_of(username), acting=SETUP)
                actors[(code, role)] = Actor(user_id=user.id, username=username, country=code, role=role)
        session.commit()
        red = publish_red(
            session,
            actors[("MA", Role.BUREAU_OFFICER)],
            actors[("FR", Role.REVIEWER)],
            "Karim Benali",
            visibility="all",
        )
        hidden = publish_red(
            session,
            actors[("EG", Role.BUREAU_OFFICER)],
            actors[("MA", Role.REVIEWER)],
            "Samir Haddad",
            visibility="owner",
        )
        seed.red_notice_id, seed.unshared_notice_id = red, hidden
    engine.dispose()
    return seed


def publish_red(session: Session, owner: Actor, reviewer: Actor, name: str, *, visibility: str) -> str:
    """Publish a red notice of ``owner``'s country about a person ``name`` born 1985-04-12; return its id."""
    subject = person(f"subj-{name}", name, birthDate="1985-04-12", nationality=owner.country.lower())
    place = make_placement(session, owner, Visibility(visibility), [], None)
    do_upsert_entities(session, owner, [validate_entity(subject)], place)
    entity = get_by_natural_key(session, owner.country, subject["id"])
    assert entity is not None
    body = NoticeIn.model_validate(
        {
            "type": "red",
            "subject_id": entity.id,
            "title": f"Fugitive: {name}",  # user data: no word of the console catalog
            "summary": "Armed robbery.",
            "details": red_details(),
            "visibility": visibility,
            "shared_with": [],
        }
    )
    notice = notice_actions.do_create_notice(session, owner, body)
    notice_actions.do_submit_notice(session, owner, notice)
    notice_actions.do_review_notice(session, reviewer, notice, "approve", [])
    session.commit()
    return notice.id


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(proc: subprocess.Popen[bytes], url: str, log: Path, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited ({proc.returncode}):\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(f"{url}/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server was not ready in {timeout} s:\n{log.read_text()[-4000:]}")


def database(tmp: Path, suffix: str) -> str:
    """A fresh, migrated database: a SQLite file in ``tmp``, or one of its own on the PostgreSQL test server."""
    base = os.environ.get("MANARA_TEST_DATABASE_URL")
    url = (
        _postgres_db(base, suffix=suffix) if base and base.startswith("postgresql") else f"sqlite:///{tmp}/{suffix}.db"
    )
    upgrade(url)
    return url


@contextmanager
def running(
    command: list[str], url: str, tmp: Path, **env_over: str
) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    """Run ``command`` (a server taking ``--port``) over the database ``url``; yield the process, its base URL
    and its log once it is ready; stop it at the end."""
    port = free_port()
    env = {
        **os.environ,
        "MANARA_ENV": "test",
        "MANARA_DATABASE_URL": url,
        "MANARA_DATA_DIR": str(tmp / "data"),
        "MANARA_SECRET_KEY": secrets.token_urlsafe(32),
        "MANARA_SCREENING_REFRESH_SECONDS": "0.5",
        "MANARA_LOG_LEVEL": "WARNING",
        **env_over,
    }
    src = str(ROOT / "src")
    env["PYTHONPATH"] = os.pathsep.join([src, *([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])])
    log = tmp / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port)],  # noqa: S603
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=tmp,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(proc, base_url, log)
        yield proc, base_url, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
