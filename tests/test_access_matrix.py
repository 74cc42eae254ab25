"""Access matrix: every API route x role x visibility x owner/non-owner -> expected status.

MA owns every record; FR is named in ``countries`` records, EG is not. A record one may not see is
answered 404 exactly like a missing one, and its content never appears in any response."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import Net, person
from factories import make_entity, make_notice
from manara.db.base import utcnow
from manara.identity import ROLE_PERMS, Perm, Role

OWNER, INCLUDED, EXCLUDED = "MA", "FR", "EG"
COUNTRIES = (OWNER, INCLUDED, EXCLUDED)
VISIBILITIES = {"owner": (), "countries": (INCLUDED,), "all": ()}
SECRET = "Zoubida Qasimi-Marker"
FUTURE = str(utcnow().date() + timedelta(days=400))


def can(role: Role, perm: Perm) -> bool:
    return perm in ROLE_PERMS[role]


def visible(country: str, visibility: str) -> bool:
    """The oracle: owner, everyone for ``all``, named countries for ``countries``."""
    return country == OWNER or visibility == "all" or (visibility == "countries" and country == INCLUDED)


@dataclass(frozen=True)
class Case:
    """A notice route: the state it needs, the request, and who may use it."""

    state: str
    method: str
    suffix: str
    body: dict[str, Any] | None
    allowed: Callable[[str, Role, str], bool]


def _owner_writer(country: str, role: Role, _vis: str) -> bool:
    return country == OWNER and can(role, Perm.NOTICE_WRITE)


NOTICE_CASES = {
    "get-published": Case("published", "GET", "", None, lambda c, r, v: can(r, Perm.NOTICE_READ) and visible(c, v)),
    "get-draft": Case("draft", "GET", "", None, lambda c, r, v: c == OWNER and can(r, Perm.NOTICE_READ)),
    "get-submitted": Case(
        "submitted",
        "GET",
        "",
        None,
        lambda c, r, v: can(r, Perm.NOTICE_READ) and (c == OWNER or can(r, Perm.NOTICE_REVIEW)),
    ),
    "patch": Case("draft", "PATCH", "", {"title": "Edited title"}, _owner_writer),
    "submit": Case("draft", "POST", "/submit", None, _owner_writer),
    "review": Case(
        "submitted",
        "POST",
        "/review",
        {"decision": "approve"},
        lambda c, r, v: c != OWNER and can(r, Perm.NOTICE_REVIEW),
    ),
    "cancel": Case("published", "POST", "/cancel", {"reason": "withdrawn by the court"}, _owner_writer),
    "revalidate": Case("published", "POST", "/revalidate", {"review_date": FUTURE}, _owner_writer),
}

vis = pytest.mark.parametrize("visibility", list(VISIBILITIES))
ACTORS = [(c, r) for c in COUNTRIES for r in Role]


def _check(results: list[tuple[str, Role, int, int]]) -> None:
    """Fail with the whole table of mismatches (country, role, expected, got)."""
    wrong = [(c, r.value, want, got) for c, r, want, got in results if want != got]
    assert not wrong, f"(country, role, expected, got): {wrong}"


def _notice(session: Session, net: Net, state: str, visibility: str) -> str:
    return make_notice(
        session,
        net.user(OWNER, Role.BUREAU_OFFICER).actor,
        status=state,
        title=SECRET,
        visibility=visibility,
        shared=VISIBILITIES[visibility],
        reviewer=net.user(INCLUDED, Role.REVIEWER).actor,
    ).id


def _entity(session: Session, net: Net, visibility: str) -> str:
    actor = net.user(OWNER, Role.BUREAU_OFFICER).actor
    return make_entity(session, actor, "secret-1", SECRET, visibility=visibility, shared=VISIBILITIES[visibility]).id


def _leaks(resp: Any) -> bool:
    """Tell whether a refusal reveals the hidden record (it must not, and must be canonical)."""
    return resp.status_code >= 400 and (SECRET in resp.text or "error" not in resp.json())


@pytest.mark.parametrize("case", list(NOTICE_CASES))
@vis
def test_notice_routes(client: TestClient, session: Session, net: Net, case: str, visibility: str) -> None:
    spec = NOTICE_CASES[case]
    results, leaks = [], []
    for country, role in ACTORS:
        notice_id = _notice(session, net, spec.state, visibility)  # fresh: the route may change it
        resp = client.request(
            spec.method,
            f"/api/v1/notices/{notice_id}{spec.suffix}",
            json=spec.body,
            headers=net.user(country, role).headers,
        )
        results.append((country, role, 200 if spec.allowed(country, role, visibility) else 404, resp.status_code))
        leaks += [(country, role)] if _leaks(resp) else []
    _check(results)
    assert not leaks


@vis
def test_notice_list_and_search_count_only_visible(
    client: TestClient, session: Session, net: Net, visibility: str
) -> None:
    _notice(session, net, "published", visibility)
    _notice(session, net, "draft", visibility)
    results = []
    for country, role in ACTORS:
        sees = can(role, Perm.NOTICE_READ) and visible(country, visibility)
        drafts = can(role, Perm.NOTICE_READ) and country == OWNER
        for params in ({}, {"q": "qasimi"}, {"owner": OWNER}, {"status": "published"}):
            resp = client.get("/api/v1/notices", params=params, headers=net.user(country, role).headers)
            page = resp.json()
            expected = int(sees) + int(drafts and params.get("status") != "published")
            assert resp.status_code == 200 and page["total"] == len(page["items"])
            results.append((country, role, expected, page["total"]))
            assert (SECRET in resp.text) == bool(expected), (country, role, params)
    _check(results)


@vis
def test_create_notice_needs_write(client: TestClient, net: Net, visibility: str) -> None:
    body = {
        "type": "blue",
        "title": "Missing witness",
        "visibility": visibility,
        "shared_with": list(VISIBILITIES[visibility]),
    }
    results = []
    for country, role in ACTORS:
        resp = client.post("/api/v1/notices", json=body, headers=net.user(country, role).headers)
        results.append((country, role, 201 if can(role, Perm.NOTICE_WRITE) else 403, resp.status_code))
    _check(results)


ENTITY_CASES = {
    "get": ("GET", "", None, lambda c, r, v: can(r, Perm.ENTITY_READ) and visible(c, v)),
    "revalidate": (
        "POST",
        "/revalidate",
        {"review_date": FUTURE},
        lambda c, r, v: c == OWNER and can(r, Perm.ENTITY_WRITE),
    ),
    "delete": ("DELETE", "", None, lambda c, r, v: c == OWNER and can(r, Perm.ENTITY_WRITE)),
}


@pytest.mark.parametrize("case", list(ENTITY_CASES))
@vis
def test_entity_routes(client: TestClient, session: Session, net: Net, case: str, visibility: str) -> None:
    method, suffix, body, allowed = ENTITY_CASES[case]
    ok = 204 if method == "DELETE" else 200
    results, leaks = [], []
    for country, role in ACTORS:
        pk = _entity(session, net, visibility)
        resp = client.request(
            method, f"/api/v1/entities/{pk}{suffix}", json=body, headers=net.user(country, role).headers
        )
        results.append((country, role, ok if allowed(country, role, visibility) else 404, resp.status_code))
        leaks += [(country, role)] if _leaks(resp) else []
    _check(results)
    assert not leaks


@vis
def test_entity_list_search_and_export(client: TestClient, session: Session, net: Net, visibility: str) -> None:
    _entity(session, net, visibility)
    results = []
    for country, role in ACTORS:
        headers = net.user(country, role).headers
        listed = client.get("/api/v1/entities", params={"q": "qasimi"}, headers=headers)
        exported = client.get("/api/v1/entities/export", headers=headers)
        reader = can(role, Perm.ENTITY_READ)
        results += [(country, role, 200 if reader else 403, r.status_code) for r in (listed, exported)]
        sees = reader and visible(country, visibility)
        assert (SECRET in listed.text) == sees and (SECRET in exported.text) == sees, (country, role)
        if reader:
            assert listed.json()["total"] == len(listed.json()["items"]) == int(sees)
    _check(results)


@vis
def test_entity_writes_need_write(client: TestClient, net: Net, visibility: str) -> None:
    shared = list(VISIBILITIES[visibility])
    results = []
    for n, (country, role) in enumerate(ACTORS):
        headers = net.user(country, role).headers
        body = {**person(f"w{n}", "Amine Tazi"), "visibility": visibility, "shared_with": shared}
        created = client.post("/api/v1/entities", json=body, headers=headers)
        line = b'{"id": "i%d", "schema": "Person", "properties": {"name": ["Sara Idrissi"]}}\n' % n
        imported = client.post(
            "/api/v1/entities/import",
            params={"visibility": visibility, "shared_with": shared},
            content=line,
            headers={**headers, "Content-Type": "application/x-ndjson"},
        )
        writer = can(role, Perm.ENTITY_WRITE)
        results += [
            (country, role, 201 if writer else 403, created.status_code),
            (country, role, 200 if writer else 403, imported.status_code),
        ]
    _check(results)


def _admin_cases(session: Session, net: Net) -> dict[str, tuple[str, str, dict[str, Any] | None, Callable[..., int]]]:
    """Member administration routes on MA's frontline officer and its key, and who may use them."""
    from manara.member.service import list_api_keys

    target = net.user(OWNER, Role.FRONTLINE_OFFICER).actor
    key_id = list_api_keys(session, target.user_id)[0].id

    def admin_of_owner(c: str, r: Role, n: int) -> int:
        return n if r == Role.ADMINISTRATOR and c == OWNER else (404 if r == Role.ADMINISTRATOR else 403)

    return {
        "me": ("GET", "/me", None, lambda c, r: 200),
        "members": ("GET", "/members", None, lambda c, r: 200),
        "audit": ("GET", "/audit", None, lambda c, r: 200 if r == Role.ADMINISTRATOR else 403),
        "audit-verify": ("GET", "/audit/verify", None, lambda c, r: 200 if r == Role.ADMINISTRATOR else 403),
        "users": ("GET", "/users", None, lambda c, r: 200 if r == Role.ADMINISTRATOR else 403),
        "create-user": (
            "POST",
            "/users",
            {"username": "new.{c}.{r}", "role": "analyst"},
            lambda c, r: 201 if r == Role.ADMINISTRATOR else 403,
        ),
        "update-user": (
            "PATCH",
            f"/users/{target.user_id}",
            {"role": "frontline_officer"},
            lambda c, r: admin_of_owner(c, r, 200),
        ),
        "list-keys": ("GET", f"/users/{target.user_id}/api-keys", None, lambda c, r: admin_of_owner(c, r, 200)),
        "create-key": (
            "POST",
            f"/users/{target.user_id}/api-keys",
            {"name": "laptop"},
            lambda c, r: admin_of_owner(c, r, 201),
        ),
        "revoke-key": (
            "POST",
            f"/api-keys/{key_id}/revoke",
            None,
            lambda c, r: 200 if (c == OWNER and r in (Role.ADMINISTRATOR, Role.FRONTLINE_OFFICER)) else 404,
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "me",
        "members",
        "audit",
        "audit-verify",
        "users",
        "create-user",
        "update-user",
        "list-keys",
        "create-key",
        "revoke-key",
    ],
)
def test_member_and_audit_routes(client: TestClient, session: Session, net: Net, case: str) -> None:
    method, path, body, expect = _admin_cases(session, net)[case]
    results = []
    for country, role in ACTORS:
        if case == "revoke-key":  # un-revoke, so every actor meets the same state
            from manara.member.models import ApiKey

            session.execute(ApiKey.__table__.update().values(revoked_at=None))
        data = {k: v.format(c=country.lower(), r=role.value) for k, v in body.items()} if body else None
        resp = client.request(method, f"/api/v1{path}", json=data, headers=net.user(country, role).headers)
        results.append((country, role, expect(country, role), resp.status_code))
    _check(results)


def test_users_list_shows_only_own_country(client: TestClient, net: Net) -> None:
    resp = client.get("/api/v1/users", headers=net.user(EXCLUDED, Role.ADMINISTRATOR).headers)
    users = resp.json()["items"]
    assert {u["country"] for u in users} == {EXCLUDED} and resp.json()["total"] == len(users) == len(Role)
