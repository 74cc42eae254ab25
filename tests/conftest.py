"""Test fixtures.

Strategy (read this before adding a fixture):
- One database per test process, migrated with Alembic (so migrations are tested on every run):
  SQLite in a temporary file by default; PostgreSQL when MANARA_TEST_DATABASE_URL points at a server
  (the Makefile starts a throwaway cluster; each xdist worker gets its own database).
- Every test runs inside a transaction that is rolled back at the end; code under test may commit,
  which only releases a SAVEPOINT (`session` fixture). The API client uses that same session.
- `net` builds a tiny network: members MA, FR and EG, one user of every role in each, and an API key
  per user, committed (to the test's SAVEPOINT) so that a request that fails and rolls back keeps it.
  Prefer building a minimal object inline over adding a new shared fixture.
- `tests/factories.py` holds plain builders (entities, notices driven to a state, event counts) shared
  by the domain tests; they commit to the test's SAVEPOINT like `net`.
- Outbound network is blocked (loopback and Unix sockets only).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from manara.api import deps
from manara.app import create_app
from manara.db.migrate import upgrade
from manara.db.session import make_engine
from manara.identity import Actor, Role
from manara.member import actions as member_actions
from manara.settings import get_settings

COUNTRIES = ("MA", "FR", "EG")
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture(autouse=True)
def block_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse connections to anything but loopback and Unix sockets."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple) and address[0] not in LOOPBACK:
            raise RuntimeError(f"network access blocked in tests: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True, scope="session")
def test_settings() -> Iterator[None]:
    """Run with MANARA_ENV=test and fresh settings."""
    os.environ["MANARA_ENV"] = "test"
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private MANARA_DATA_DIR (job uploads and results, case attachments)."""
    monkeypatch.setenv("MANARA_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _postgres_db(base_url: str, suffix: str = "") -> str:
    """Create a fresh database for this worker (and ``suffix``) on the test server; return its URL."""
    url = make_url(base_url)
    name = f"manara_test_{_worker()}{'_' + suffix if suffix else ''}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of this test process's migrated database."""
    base = os.environ.get("MANARA_TEST_DATABASE_URL")
    if base and base.startswith("postgresql"):
        url = _postgres_db(base)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """The engine of the test database."""
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test, even if the code under test commits."""
    connection = engine.connect()
    outer = connection.begin()
    s = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield s
    s.close()
    outer.rollback()
    connection.close()


@contextmanager
def _uow(session: Session) -> Iterator[Session]:
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


@pytest.fixture
def app(session: Session) -> Any:
    """The application, wired to the test session."""
    application = create_app(workers=False)

    def get_session() -> Iterator[Session]:
        with _uow(session) as s:
            yield s

    application.dependency_overrides[deps.get_session] = get_session
    application.dependency_overrides[deps.get_session_factory] = lambda: lambda: _uow(session)
    application.dependency_overrides[deps.get_read_session_factory] = lambda: lambda: _uow(session)
    return application


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    """An HTTP client for the application (no credentials)."""
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@dataclass
class NetUser:
    """A user of the test network: its actor and API token."""

    actor: Actor
    token: str

    @property
    def headers(self) -> dict[str, str]:
        """Authorization headers for this user."""
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Net:
    """The test network: ``net.user("MA", Role.BUREAU_OFFICER)``."""

    users: dict[tuple[str, Role], NetUser]

    def user(self, country: str, role: Role) -> NetUser:
        """Return the user of ``country`` in ``role``."""
        return self.users[(country, role)]


@pytest.fixture
def system_actor() -> Actor:
    """The actor of administrative set-up."""
    return Actor(user_id="test", username="test", country="ZZ", role=Role.ADMINISTRATOR)


@pytest.fixture
def net(session: Session, system_actor: Actor) -> Net:
    """Members MA, FR and EG with one user of every role each, with API keys."""
    users: dict[tuple[str, Role], NetUser] = {}
    for code in COUNTRIES:
        member_actions.do_create_member(session, code, acting=system_actor)
        for role in Role:
            user = member_actions.do_create_user(
                session, f"{code.lower()}.{role.value}", country=code, role=role, acting=system_actor
            )
            _, token = member_actions.do_create_api_key(session, user, acting=system_actor)
            actor = Actor(user_id=user.id, username=user.username, country=code, role=role)
            users[(code, role)] = NetUser(actor, token)
    session.commit()  # releases the SAVEPOINT only: a request that rolls back cannot undo the network
    return Net(users)


FIXTURES = Path(__file__).parent / "fixtures"


def person(entity_id: str, name: str, **props: Any) -> dict[str, Any]:
    """Return a minimal FtM Person dict."""
    properties: dict[str, Any] = {"name": [name]}
    properties.update({k: v if isinstance(v, list) else [v] for k, v in props.items()})
    return {"id": entity_id, "schema": "Person", "properties": properties}


Factory = Callable[..., Any]
