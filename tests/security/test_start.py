"""Finding 5: the server refuses the public development secret beyond loopback, and production on a database
holding the demo network's publicly known passwords or keys."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from conftest import Net, _uow
from manara.cli.main import app as cli
from manara.demo.network import DEMO_ACTOR, _create_users
from manara.demo.security import demo_credentials
from manara.member import actions as member_actions
from manara.serve import UnsafeStart, check_start, listens_beyond_loopback
from manara.settings import get_settings


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("host", "beyond"),
    [
        ("127.0.0.1", False),
        ("localhost", False),
        ("::1", False),
        ("[::1]", False),
        ("127.0.0.2", False),
        ("0.0.0.0", True),
        ("::", True),
        ("192.168.1.10", True),
        ("manara.example", True),
    ],  # fmt: skip
)
def test_loopback_or_not(host: str, beyond: bool) -> None:
    assert listens_beyond_loopback(host) is beyond


def test_the_development_secret_is_refused_beyond_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MANARA_ENV", "dev")
    monkeypatch.delenv("MANARA_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    check_start("127.0.0.1")  # a developer's own machine: fine
    with pytest.raises(UnsafeStart, match="forge"):
        check_start("0.0.0.0")  # noqa: S104 - the point of the test
    monkeypatch.setenv("MANARA_SECRET_KEY", "short")
    get_settings.cache_clear()
    with pytest.raises(UnsafeStart):
        check_start("192.168.1.10")
    monkeypatch.setenv("MANARA_SECRET_KEY", "x" * 40)
    get_settings.cache_clear()
    check_start("0.0.0.0")  # noqa: S104


def test_the_cli_says_why_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MANARA_ENV", "dev")
    monkeypatch.delenv("MANARA_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])  # noqa: S104
    assert result.exit_code == 2 and "refusing to listen on 0.0.0.0" in result.output
    assert "Traceback" not in result.output


def test_production_refuses_a_database_with_demo_credentials(
    session: Session, net: Net, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MANARA_ENV", "prod")
    monkeypatch.setenv("MANARA_SECRET_KEY", "p" * 48)
    get_settings.cache_clear()
    check_start("0.0.0.0", lambda: _uow(session))  # noqa: S104 - the test network has no demo credentials
    assert demo_credentials(session) == []
    member_actions.do_create_member(session, "TN", acting=DEMO_ACTOR)
    _create_users(session, "TN")
    session.commit()
    found = demo_credentials(session)
    assert "user tn.bureau_officer" in found and any(f.startswith("API key tn-") for f in found)
    with pytest.raises(UnsafeStart, match="demo credentials"):
        check_start("127.0.0.1", lambda: _uow(session))
    monkeypatch.setenv("MANARA_ENV", "dev")
    get_settings.cache_clear()
    check_start("127.0.0.1", lambda: _uow(session))  # a demo on a laptop is what the demo is for
