"""Console fixtures: `console.sign_in(country, role)` gives a test user a password and signs the client in.

Passwords are set with the real argon2 action; the client keeps cookies like a browser does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from conftest import Net
from manara.identity import Role
from manara.member.actions import do_set_password
from manara.member.service import get_user_by_username

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


def csrf_of(html: str) -> str:
    """Return the CSRF token of the first form of a page."""
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@dataclass
class Console:
    """Drive the console as one browser."""

    client: TestClient
    session: Session
    net: Net

    def set_password(self, username: str, password: str = PASSWORD) -> None:
        """Give a user a console password."""
        user = get_user_by_username(self.session, username)
        assert user is not None
        do_set_password(self.session, user, password, acting=self.net.user("MA", Role.ADMINISTRATOR).actor)
        self.session.commit()

    def login(self, username: str, password: str = PASSWORD) -> Response:
        """Post the sign-in form as a browser would (form first, for its CSRF token)."""
        form = self.client.get("/console/login")
        return self.client.post(
            "/console/login",
            data={"username": username, "password": password, "csrf_token": csrf_of(form.text), "next": "/console/"},
            follow_redirects=False,
        )

    def sign_in(self, country: str, role: Role) -> str:
        """Sign in as the test user of ``country`` in ``role``; return the username."""
        username = f"{country.lower()}.{role.value}"
        self.set_password(username)
        response = self.login(username)
        assert response.status_code == 303, response.text
        return username

    def post(self, url: str, data: dict[str, str] | None = None, *, token_from: str = "/console/") -> Response:
        """Post a console form with the CSRF token of the page ``token_from``."""
        token = csrf_of(self.client.get(token_from).text)
        return self.client.post(url, data={**(data or {}), "csrf_token": token}, follow_redirects=False)


@pytest.fixture
def console(client: TestClient, session: Session, net: Net) -> Console:
    """A browser-like client of the console over the test network."""
    return Console(client, session, net)
