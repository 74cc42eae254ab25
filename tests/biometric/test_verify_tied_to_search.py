"""A biometric decision is tied to a real search of the examiner (finding 12): its score comes from the audited
search, once per candidate; a candidate's notice is shown only to those who may see the notice."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biometric.helpers import ColourEngine, colour_engine, enrol, image_bytes, search, subject
from conftest import Net
from factories import make_notice
from manara.audit.models import AuditEvent
from manara.entity.models import Entity
from manara.hit.models import Hit
from manara.identity import Role

__all__ = ["colour_engine"]
VERIFY = "/api/v1/biometrics/candidates/verify"
RED, NEAR_RED = (200, 10, 10), (190, 20, 10)


def _fr_template(client: TestClient, net: Net) -> str:
    entity = subject(client, net, "FR", "Jean", visibility="all")
    return str(enrol(client, net, "FR", entity["id"], RED).json()["id"])


def test_a_decision_needs_a_search_of_ones_own_that_returned_the_template(
    client: TestClient, session: Session, net: Net, colour_engine: ColourEngine
) -> None:
    template = _fr_template(client, net)
    examiner = net.user("MA", Role.FRONTLINE_OFFICER)
    hits_before = session.scalar(select(func.count(Hit.id)))
    forged = {"template_id": template, "decision": "potential_candidate", "score": 0.99}
    assert client.post(VERIFY, json=forged, headers=examiner.headers).status_code == 422  # no search: refused
    audit_seq = session.scalar(select(func.max(AuditEvent.seq)))
    not_a_search = {**forged, "search_id": audit_seq}
    assert client.post(VERIFY, json=not_a_search, headers=examiner.headers).status_code == 404
    theirs = search(client, net, "EG", NEAR_RED).json()  # another member's search
    assert (
        client.post(VERIFY, json={**forged, "search_id": theirs["search_id"]}, headers=examiner.headers).status_code
        == 404
    )
    assert session.scalar(select(func.count(Hit.id))) == hits_before

    mine = search(client, net, "MA", NEAR_RED).json()
    (candidate,) = [c for c in mine["candidates"] if c["template_id"] == template]
    body = {**forged, "search_id": mine["search_id"]}  # the client's 0.99 is ignored
    first = client.post(VERIFY, json=body, headers=examiner.headers)
    assert first.status_code == 201 and first.json()["score"] == candidate["score"] != 0.99
    hit = session.get(Hit, first.json()["hit_id"])
    assert hit is not None and hit.score == candidate["score"] and hit.threshold == mine["threshold"]
    repeated = client.post(VERIFY, json=body, headers=examiner.headers)
    assert repeated.status_code == 409  # not repeatable: one decision per candidate of a search
    assert session.scalar(select(func.count(Hit.id))) == hits_before + 1


def test_a_search_expires_for_decisions(
    client: TestClient, session: Session, net: Net, colour_engine: ColourEngine
) -> None:
    template = _fr_template(client, net)
    examiner = net.user("MA", Role.FRONTLINE_OFFICER)
    mine = search(client, net, "MA", NEAR_RED).json()
    event = session.get(AuditEvent, mine["search_id"])
    assert event is not None
    event.occurred_at -= timedelta(hours=25)  # (the chain breaks too; what matters here is the age check)
    session.flush()
    body = {"template_id": template, "search_id": mine["search_id"], "decision": "potential_candidate"}
    assert client.post(VERIFY, json=body, headers=examiner.headers).status_code == 404


def test_candidates_show_a_notice_only_to_those_who_may_see_it(
    client: TestClient, session: Session, net: Net, colour_engine: ColourEngine
) -> None:
    fr = net.user("FR", Role.BUREAU_OFFICER)
    draft = make_notice(session, fr.actor, status="draft", visibility="all")  # FR only until published
    person = session.get(Entity, draft.subject_id)
    assert person is not None
    person.visibility = "all"  # the person is known to all members; the draft notice about them is not
    session.commit()
    enrolled = client.post(
        "/api/v1/biometrics/enrolments",
        data={"notice_id": draft.id},
        files={"image": ("face.png", image_bytes(RED), "image/png")},
        headers=fr.headers,
    )
    assert enrolled.status_code == 201, enrolled.text
    template = enrolled.json()["id"]
    as_ma = search(client, net, "MA", NEAR_RED).json()["candidates"]
    as_fr = search(client, net, "FR", NEAR_RED).json()["candidates"]
    assert [c["notice_id"] for c in as_fr if c["template_id"] == template] == [draft.id]
    assert [c["notice_id"] for c in as_ma if c["template_id"] == template] == [None]  # the template, not its notice
    ma = net.user("MA", Role.FRONTLINE_OFFICER).headers
    got = client.get(f"/api/v1/biometrics/enrolments/{template}", headers=ma)
    assert got.status_code == 200 and got.json()["notice_id"] is None
    assert client.get(f"/api/v1/notices/{draft.id}", headers=ma).status_code == 404
    assert draft.id not in str(as_ma)
