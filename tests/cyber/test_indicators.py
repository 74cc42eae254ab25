"""Indicators: normalisation, recording, access (404 for the invisible), cross-matching, links, audit."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net
from cyber.helpers import API, add, open_case
from factories import counts
from manara.audit.models import AuditEvent
from manara.cyber.models import CyberIndicator
from manara.cyber.normalize import normalize_value
from manara.errors import ValidationFailed
from manara.identity import Role


@pytest.mark.parametrize(
    ("kind", "value", "key"),
    [
        ("domain-name", "BÜCHER.Example.", "xn--bcher-kva.example"),
        ("url", "HTTPS://Evil.Example:443/a b?x=1#frag", "https://evil.example/a%20b?x=1"),
        ("url", "hxxp://evil.example", "http://evil.example/"),
        ("ipv4-addr", "192.0.2.010" if False else "192.0.2.10", "192.0.2.10"),
        ("ipv4-addr", "10.0.0.1/32", "10.0.0.1"),
        ("ipv6-addr", "2001:DB8::0001", "2001:db8::1"),
        ("file-md5", "D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e"),
        (
            "file-sha256",
            "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        ("email-addr", "Scam@Exämple.com", "scam@xn--exmple-cua.com"),
        ("cryptocurrency-wallet", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
        ("vulnerability", "cve-2024-3400", "CVE-2024-3400"),
    ],
)
def test_values_are_normalised(kind: str, value: str, key: str) -> None:
    assert normalize_value(kind, value) == key


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("domain-name", "localhost"),
        ("domain-name", "evil\u200b.example"),
        ("domain-name", "-bad-.example"),
        ("domain-name", "10.0.0.1"),
        ("ipv4-addr", "2001:db8::1"),
        ("ipv4-addr", "300.1.1.1"),
        ("ipv6-addr", "10.0.0.1"),
        ("url", "javascript:alert(1)"),
        ("url", "evil.example/path"),
        ("file-md5", "abc"),
        ("file-sha1", "z" * 40),
        ("email-addr", "no-at-sign"),
        ("cryptocurrency-wallet", "not a wallet!"),
        ("vulnerability", "CVE-24-1"),
        ("domain-name", "evil\u202e.example"),
        ("domain-name", ""),
    ],
)
def test_invalid_values_are_refused(kind: str, value: str) -> None:
    with pytest.raises(ValidationFailed):
        normalize_value(kind, value)


def test_record_audits_and_enqueues(client: TestClient, net: Net, session: Session) -> None:
    before = counts(session)
    out = add(client, net, "MA", "domain-name", "Login-Bank.example", tlp="green", visibility="all")
    assert out["value_key"] == "login-bank.example" and out["stix_id"].startswith("indicator--")
    assert counts(session) == (before[0] + 1, before[1] + 1)


def test_duplicate_and_bad_input(client: TestClient, net: Net, session: Session) -> None:
    headers = net.user("MA", Role.BUREAU_OFFICER).headers
    add(client, net, "MA", "ipv4-addr", "198.51.100.7")
    again = client.post(f"{API}/indicators", json={"kind": "ipv4-addr", "value": "198.51.100.7"}, headers=headers)
    assert again.status_code == 409
    for body in (
        {"kind": "ipv4-addr", "value": "198.51.100.300"},
        {"kind": "shoe-size", "value": "42"},
        {"kind": "domain-name", "value": 42},
        {"kind": "domain-name", "value": "a.example", "confidence": 101},
        {"kind": "domain-name", "value": "a.example", "visibility": "countries", "shared_with": ["ZZ"]},
        {"kind": "domain-name", "value": "a.example", "visibility": "countries", "shared_with": []},
        {"kind": "domain-name", "value": "a.example", "tlp": "white"},
        {"kind": "domain-name", "value": "a.example", "surprise": 1},
    ):
        response = client.post(f"{API}/indicators", json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)
    malformed = client.post(
        f"{API}/indicators", content=b"{not json", headers={**headers, "content-type": "application/json"}
    )
    assert malformed.status_code == 422
    assert session.scalar(select(CyberIndicator.id).where(CyberIndicator.value_key == "a.example")) is None


@pytest.mark.parametrize("role", [Role.FRONTLINE_OFFICER, Role.DUTY_OFFICER, Role.REVIEWER, Role.ADMINISTRATOR])
def test_roles_without_write_get_403(client: TestClient, net: Net, role: Role) -> None:
    response = client.post(
        f"{API}/indicators", json={"kind": "domain-name", "value": "x.example"}, headers=net.user("MA", role).headers
    )
    assert response.status_code == 403


def test_reviewer_and_admin_may_not_read(client: TestClient, net: Net) -> None:
    for role in (Role.REVIEWER, Role.ADMINISTRATOR):
        assert client.get(f"{API}/indicators", headers=net.user("MA", role).headers).status_code == 403
    assert client.get(f"{API}/indicators").status_code == 401


def test_visibility_and_404(client: TestClient, net: Net) -> None:
    own = add(client, net, "MA", "domain-name", "private.example")
    shared = add(client, net, "MA", "domain-name", "shared.example", visibility="countries", shared_with=["FR"])
    fr, eg = net.user("FR", Role.DUTY_OFFICER).headers, net.user("EG", Role.BUREAU_OFFICER).headers
    assert client.get(f"{API}/indicators/{own['id']}", headers=fr).status_code == 404
    assert client.get(f"{API}/indicators/{shared['id']}", headers=fr).status_code == 200
    assert client.get(f"{API}/indicators/{shared['id']}", headers=eg).status_code == 404
    listed = {i["id"] for i in client.get(f"{API}/indicators", headers=fr).json()["items"]}
    assert shared["id"] in listed and own["id"] not in listed
    # another member may not revoke or link it: 404, like a missing record
    fr_officer = net.user("FR", Role.BUREAU_OFFICER).headers
    assert client.post(f"{API}/indicators/{shared['id']}/revoke", headers=fr_officer).status_code == 404


def test_revoked_indicator_disappears_for_others(client: TestClient, net: Net) -> None:
    ind = add(client, net, "MA", "domain-name", "gone.example", visibility="all")
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    assert client.post(f"{API}/indicators/{ind['id']}/revoke", headers=ma).json()["revoked"] is True
    assert client.post(f"{API}/indicators/{ind['id']}/revoke", headers=ma).status_code == 409
    assert (
        client.get(f"{API}/indicators/{ind['id']}", headers=net.user("FR", Role.DUTY_OFFICER).headers).status_code
        == 404
    )
    assert client.get(f"{API}/indicators/{ind['id']}", headers=ma).status_code == 200


def test_cross_match_links_the_same_value_in_two_countries(client: TestClient, net: Net, session: Session) -> None:
    ma = add(client, net, "MA", "domain-name", "secure-paypa1.example", visibility="all")
    fr = add(client, net, "FR", "domain-name", "SECURE-PAYPA1.example.", visibility="all")
    add(client, net, "EG", "domain-name", "secure-paypa1.example")  # EG's own: MA may not learn of it
    detail = client.get(f"{API}/indicators/{ma['id']}", headers=net.user("MA", Role.ANALYST).headers).json()
    assert [(s["owner_country"], s["indicator_id"]) for s in detail["seen_in"]] == [("FR", fr["id"])]
    matches = client.get(f"{API}/matches", headers=net.user("MA", Role.ANALYST).headers).json()
    assert matches == [{"kind": "domain-name", "value": "secure-paypa1.example", "members": 2}]
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "cyber.viewed")).all()[-1]
    assert set(event.target_ids) == {ma["id"], fr["id"]}


def test_search_by_value_is_audited(client: TestClient, net: Net, session: Session) -> None:
    ind = add(client, net, "MA", "url", "https://evil.example/login")
    found = client.get(
        f"{API}/indicators", params={"q": "HTTPS://EVIL.example/login"}, headers=net.user("MA", Role.ANALYST).headers
    )
    assert [i["id"] for i in found.json()["items"]] == [ind["id"]]
    last = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert last is not None and last.action == "cyber.viewed" and last.target_ids == [ind["id"]]


def test_links_to_a_case_and_the_case_export(client: TestClient, net: Net, session: Session) -> None:
    case_id = open_case(session, net, "MA")
    ind = add(client, net, "MA", "domain-name", "kit.example", tlp="green")
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    link = client.post(
        f"{API}/indicators/{ind['id']}/links", json={"target_kind": "case", "target_id": case_id}, headers=ma
    )
    assert link.status_code == 201
    again = client.post(
        f"{API}/indicators/{ind['id']}/links", json={"target_kind": "case", "target_id": case_id}, headers=ma
    )
    assert again.status_code == 409
    other = client.post(
        f"{API}/indicators/{ind['id']}/links", json={"target_kind": "case", "target_id": "no-such-case"}, headers=ma
    )
    assert other.status_code == 404
    detail = client.get(f"{API}/indicators/{ind['id']}", headers=ma).json()
    assert detail["links"][0]["target_id"] == case_id
    # FR is not in the case: 404
    fr_case = open_case(session, net, "FR")
    hidden = client.post(
        f"{API}/indicators/{ind['id']}/links", json={"target_kind": "case", "target_id": fr_case}, headers=ma
    )
    assert hidden.status_code == 404
