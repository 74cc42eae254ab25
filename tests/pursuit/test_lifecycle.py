"""Pursuits: who sees them, the lifecycle's order and who may take each step, deadlines from the treaty
registry, documents, sightings, audit and outbox, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net
from factories import counts
from manara.audit.models import AuditEvent
from manara.db.base import utcnow
from manara.hit.models import Hit
from manara.identity import Role
from manara.outbox.models import OutboxEvent
from manara.pursuit.models import Pursuit
from pursuit.helpers import API, open_pursuit, step, wanted

READERS = (Role.BUREAU_OFFICER, Role.ANALYST, Role.DUTY_OFFICER)


def _arrested(client: TestClient, net: Net, session: Session) -> dict[str, str]:
    ma, fr = net.user("MA", Role.BUREAU_OFFICER), net.user("FR", Role.BUREAU_OFFICER)
    notice = wanted(session, net)
    p = open_pursuit(client, ma, notice.id, ["FR"])
    assert step(client, fr, p["id"], "located").status_code == 200
    got = step(client, fr, p["id"], "provisional_arrest")
    assert got.status_code == 200, got.text
    return dict(got.json())


@pytest.mark.parametrize("country", ["MA", "FR", "EG"])
@pytest.mark.parametrize("role", list(Role))
def test_only_members_of_the_pursuit_see_it(
    client: TestClient, net: Net, session: Session, country: str, role: Role
) -> None:
    notice = wanted(session, net)
    p = open_pursuit(client, net.user("MA", Role.BUREAU_OFFICER), notice.id, ["FR"])
    user = net.user(country, role)
    allowed = country in ("MA", "FR") and role in READERS
    got = client.get(f"{API}/{p['id']}", headers=user.headers)
    assert got.status_code == (200 if allowed else 404)
    listing = client.get(API, headers=user.headers)
    if role in READERS:
        assert [i["id"] for i in listing.json()["items"]] == ([p["id"]] if allowed else [])
    else:
        assert listing.status_code == 403
    assert notice.reference not in (got.text if not allowed else "")


def test_full_lifecycle_in_order_with_who_may_take_each_step(client: TestClient, net: Net, session: Session) -> None:
    ma, fr = net.user("MA", Role.BUREAU_OFFICER), net.user("FR", Role.BUREAU_OFFICER)
    notice = wanted(session, net)
    p = open_pursuit(client, ma, notice.id, ["FR"])
    assert p["state"] == "wanted" and {m["country"] for m in p["members"]} == {"MA", "FR"}
    pid = p["id"]
    # out of order: an arrest before anyone located the person
    assert step(client, fr, pid, "provisional_arrest").status_code == 409
    # the requesting member cannot "locate" in its own pursuit; FR can
    assert step(client, ma, pid, "located").status_code == 404
    got = step(client, fr, pid, "located")
    assert got.status_code == 200 and got.json()["located_by"] == "FR"
    # only the locating member records the arrest
    assert step(client, ma, pid, "provisional_arrest").status_code == 404
    got = step(client, fr, pid, "provisional_arrest")
    assert got.status_code == 200 and got.json()["deadline_at"] is not None
    # only the requesting member files the extradition request
    assert step(client, fr, pid, "extradition_requested").status_code == 404
    got = step(client, ma, pid, "extradition_requested")
    assert got.status_code == 200 and got.json()["deadline_at"] is None
    # the requested (locating) member decides; a refusal needs a reason
    assert step(client, ma, pid, "granted").status_code == 404
    assert step(client, fr, pid, "refused").status_code == 422
    assert step(client, fr, pid, "appeal", reason="the person appealed").status_code == 200
    assert step(client, fr, pid, "granted").status_code == 200
    assert step(client, ma, pid, "surrendered").status_code == 404
    done = step(client, fr, pid, "surrendered")
    assert done.status_code == 200 and done.json()["state"] == "surrendered" and done.json()["closed_at"]
    # a closed pursuit takes no more steps, not even a withdrawal
    assert step(client, ma, pid, "withdrawn", reason="late").status_code == 409
    states = [s["to_state"] for s in done.json()["steps"]]
    assert states == [
        "wanted",
        "located",
        "provisional_arrest",
        "extradition_requested",
        "appeal",
        "granted",
        "surrendered",
    ]
    assert [s["country"] for s in done.json()["steps"]][1:] == ["FR", "FR", "MA", "FR", "FR", "FR"]


def test_withdrawal_only_by_the_notice_owner_and_with_a_reason(client: TestClient, net: Net, session: Session) -> None:
    ma, fr = net.user("MA", Role.BUREAU_OFFICER), net.user("FR", Role.BUREAU_OFFICER)
    p = open_pursuit(client, ma, wanted(session, net).id, ["FR"])
    assert step(client, fr, p["id"], "withdrawn", reason="no").status_code == 404
    assert step(client, ma, p["id"], "withdrawn").status_code == 422
    got = step(client, ma, p["id"], "withdrawn", reason="warrant quashed")
    assert got.status_code == 200 and got.json()["state"] == "withdrawn"
    assert "withdrawn" not in got.json()["allowed_steps"]


def test_analysts_read_but_do_not_step(client: TestClient, net: Net, session: Session) -> None:
    p = open_pursuit(client, net.user("MA", Role.BUREAU_OFFICER), wanted(session, net).id, ["FR"])
    analyst = net.user("FR", Role.ANALYST)
    assert client.get(f"{API}/{p['id']}", headers=analyst.headers).status_code == 200
    assert step(client, analyst, p["id"], "located").status_code == 404


def test_default_deadline_when_no_treaty_binds_both(client: TestClient, net: Net, session: Session) -> None:
    got = _arrested(client, net, session)
    assert got["treaty_id"] is None and got["deadline_default"] is True
    p = session.get(Pursuit, got["id"])
    assert p is not None and p.arrested_at is not None and p.deadline_at is not None
    assert p.deadline_at - p.arrested_at == timedelta(days=40)


def test_deadline_from_the_bilateral_treaty_then_extension_within_it(
    client: TestClient, net: Net, session: Session
) -> None:
    admin = net.user("EG", Role.ADMINISTRATOR)
    body = {
        "id": "fr-ma-test",
        "name": "Test bilateral convention",
        "kind": "bilateral",
        "parties": ["FR", "MA"],
        "request_days": 18,
        "extension_days": 22,
        "article": "art. 16(4)",
    }
    assert (
        client.put(
            "/api/v1/treaties/fr-ma-test", json=body, headers=net.user("MA", Role.BUREAU_OFFICER).headers
        ).status_code
        == 403
    )
    assert client.put("/api/v1/treaties/fr-ma-test", json=body, headers=admin.headers).status_code == 200
    got = _arrested(client, net, session)
    assert got["treaty_id"] == "fr-ma-test" and got["deadline_default"] is False
    p = session.get(Pursuit, got["id"])
    assert p is not None and p.deadline_at is not None and p.arrested_at is not None
    assert p.deadline_at - p.arrested_at == timedelta(days=18)
    fr, ma = net.user("FR", Role.BUREAU_OFFICER), net.user("MA", Role.BUREAU_OFFICER)
    assert client.post(f"{API}/{p.id}/extend", json={"days": 5}, headers=ma.headers).status_code == 404
    assert client.post(f"{API}/{p.id}/extend", json={"days": 23}, headers=fr.headers).status_code == 422
    ok = client.post(f"{API}/{p.id}/extend", json={"days": 22, "reason": "translation"}, headers=fr.headers)
    assert ok.status_code == 200
    session.refresh(p)
    assert p.deadline_at - p.arrested_at == timedelta(days=40)
    assert client.post(f"{API}/{p.id}/extend", json={"days": 1}, headers=fr.headers).status_code == 422


def test_the_seeded_registry_holds_the_real_instruments(client: TestClient, net: Net) -> None:
    got = client.get("/api/v1/treaties", headers=net.user("MA", Role.BUREAU_OFFICER).headers)
    treaties = {t["id"]: t for t in got.json()}
    assert treaties["ece-1957"]["request_days"] == 18 and treaties["ece-1957"]["extension_days"] == 22
    assert "FR" in treaties["ece-1957"]["parties"] and "MA" in treaties["riyadh-1983"]["parties"]
    assert treaties["uk-us-2003"]["kind"] == "bilateral" and treaties["uk-us-2003"]["request_days"] == 60
    assert client.get("/api/v1/treaties", headers=net.user("MA", Role.FRONTLINE_OFFICER).headers).status_code == 403


def test_steps_are_audited_and_addressed_to_each_member(client: TestClient, net: Net, session: Session) -> None:
    ma, fr = net.user("MA", Role.BUREAU_OFFICER), net.user("FR", Role.BUREAU_OFFICER)
    p = open_pursuit(client, ma, wanted(session, net).id, ["FR"])
    before = counts(session)
    assert step(client, fr, p["id"], "located").status_code == 200
    after = counts(session)
    assert after[0] > before[0] and after[1] == before[1] + 2
    rows = session.scalars(select(OutboxEvent).where(OutboxEvent.topic == "pursuit.stepped")).all()
    assert sorted(r.country or "" for r in rows) == ["FR", "MA"]
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "pursuit.stepped")).all()
    assert audit and audit[-1].country == "FR"


def test_open_needs_own_published_red_notice_shared_with_members(
    client: TestClient, net: Net, session: Session
) -> None:
    ma, fr = net.user("MA", Role.BUREAU_OFFICER), net.user("FR", Role.BUREAU_OFFICER)
    notice = wanted(session, net)
    assert client.post(API, json={"notice_id": notice.id}, headers=fr.headers).status_code == 404
    assert client.post(API, json={"notice_id": notice.id, "members": ["XX"]}, headers=ma.headers).status_code == 422
    private = wanted(session, net, visibility="countries", shared=("EG",))
    got = client.post(API, json={"notice_id": private.id, "members": ["FR"]}, headers=ma.headers)
    assert got.status_code == 422 and "FR" in got.text
    open_pursuit(client, ma, notice.id)
    again = client.post(API, json={"notice_id": notice.id}, headers=ma.headers)
    assert again.status_code == 409
    assert client.post(API, json={"notice_id": notice.id, "extra": 1}, headers=ma.headers).status_code == 422
    assert (
        client.post(API, content=b"{not json", headers={**ma.headers, "Content-Type": "application/json"}).status_code
        == 422
    )
    assert client.post(API, json={"notice_id": ["x"]}, headers=ma.headers).status_code == 422
    assert client.post(API, json={"notice_id": "\u202enope\u200b"}, headers=ma.headers).status_code == 404


def test_open_from_a_confirmed_hit(client: TestClient, net: Net, session: Session) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER)
    notice = wanted(session, net)
    hit = Hit(
        querying_country="FR",
        querying_user_id=net.user("FR", Role.FRONTLINE_OFFICER).actor.user_id,
        owner_country="MA",
        target_type="notice",
        target_id=notice.id,
        notice_type="red",
        query_fingerprint="f" * 64,
        query={"names": ["x"]},
        algorithm="test",
        score=0.9,
        threshold=0.8,
        features={},
        status="open",
        deadline_at=utcnow() + timedelta(hours=1),
    )
    session.add(hit)
    session.commit()
    url = f"{API}/from-hit/{hit.id}"
    assert client.post(url, json={}, headers=ma.headers).status_code == 409  # not confirmed yet
    hit.status = "confirmed"
    session.commit()
    assert client.post(url, json={}, headers=net.user("FR", Role.BUREAU_OFFICER).headers).status_code == 404
    got = client.post(url, json={}, headers=ma.headers)
    assert got.status_code == 201, got.text
    body = got.json()
    assert body["state"] == "location_suspected" and body["hit_id"] == hit.id
    assert {m["country"] for m in body["members"]} == {"MA", "FR"}
    assert body["sightings"][0]["source"] == "hit" and body["sightings"][0]["country"] == "FR"


def test_sightings_and_documents(client: TestClient, net: Net, session: Session, data_dir: object) -> None:
    ma, fr, eg = (net.user(c, Role.BUREAU_OFFICER) for c in ("MA", "FR", "EG"))
    p = open_pursuit(client, ma, wanted(session, net).id, ["FR"])
    seen = {"source": "report", "country": "FR", "place": "Marseille", "lat": 43.3, "lon": 5.37}
    ok = client.post(f"{API}/{p['id']}/sightings", json={**seen, "seen_at": utcnow().isoformat()}, headers=fr.headers)
    assert ok.status_code == 201, ok.text
    bad = client.post(
        f"{API}/{p['id']}/sightings", json={**seen, "lat": 91, "seen_at": utcnow().isoformat()}, headers=fr.headers
    )
    assert bad.status_code == 422
    half = {**seen, "seen_at": utcnow().isoformat()}
    half.pop("lon")
    assert client.post(f"{API}/{p['id']}/sightings", json=half, headers=fr.headers).status_code == 422
    linked = {**seen, "source": "hit", "source_id": "no-such-hit", "seen_at": utcnow().isoformat()}
    assert client.post(f"{API}/{p['id']}/sightings", json=linked, headers=fr.headers).status_code == 404
    assert (
        client.post(
            f"{API}/{p['id']}/sightings", json={**seen, "seen_at": utcnow().isoformat()}, headers=eg.headers
        ).status_code
        == 404
    )
    files = {"file": ("warrant.pdf", b"%PDF-1.4 warrant", "application/pdf")}
    doc = client.post(f"{API}/{p['id']}/documents", files=files, data={"kind": "warrant"}, headers=ma.headers)
    assert doc.status_code == 201, doc.text
    fake = {"file": ("warrant.pdf", b"MZ\x90 not a pdf", "application/pdf")}
    assert (
        client.post(f"{API}/{p['id']}/documents", files=fake, data={"kind": "warrant"}, headers=ma.headers).status_code
        == 415
    )
    down = client.get(f"{API}/{p['id']}/documents/{doc.json()['id']}", headers=fr.headers)
    assert down.status_code == 200 and down.content == b"%PDF-1.4 warrant"
    assert "attachment" in down.headers["content-disposition"]
    assert client.get(f"{API}/{p['id']}/documents/{doc.json()['id']}", headers=eg.headers).status_code == 404
    full = client.get(f"{API}/{p['id']}", headers=fr.headers).json()
    assert full["sightings"][0]["place"] == "Marseille" and full["documents"][0]["kind"] == "warrant"
