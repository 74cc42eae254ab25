"""Opening a case from a suggested link: the other owner, told only that a link exists, invites the link's
other side without learning who it is or what its entity says until that side accepts."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.helpers import put, xref
from case.helpers import API
from conftest import Net, person
from manara.analysis.models import SuggestedLink
from manara.case import service as case_service
from manara.identity import Role
from manara.outbox.models import OutboxEvent

KARIM = {"birthDate": "1985-04-12", "nationality": "ma"}


def _link(session: Session, net: Net) -> tuple[str, str, str]:
    """MA holds a private record; FR's record is visible to all: MA may read the link, FR may not."""
    ma, fr = net.user("MA", Role.ANALYST), net.user("FR", Role.ANALYST)
    a = put(session, ma.actor, person("k1", "Karim Benali", passportNumber="XK4419273", **KARIM))
    b = put(session, fr.actor, person("k9", "Karim Benali", **KARIM), visibility="all")
    xref(session)
    link = session.scalars(select(SuggestedLink)).one()
    assert {link.left_pk, link.right_pk} == {a.id, b.id}
    return link.id, a.id, b.id


def test_sealed_invitation_until_the_other_side_accepts(client: TestClient, session: Session, net: Net) -> None:
    link_id, ma_pk, fr_pk = _link(session, net)
    ma, fr = net.user("MA", Role.BUREAU_OFFICER), net.user("FR", Role.BUREAU_OFFICER)
    told = session.scalars(
        select(OutboxEvent).where(OutboxEvent.topic == "analysis.link_suggested", OutboxEvent.country == "FR")
    ).one()
    assert told.payload == {"link_id": link_id, "entity_id": fr_pk}
    assert client.get(f"/api/v1/analysis/links/{link_id}", headers=fr.headers).status_code == 404
    got = client.post(
        f"{API}/from-link/{link_id}", json={"title": "Possible match with our subject"}, headers=fr.headers
    )
    assert got.status_code == 201, got.text
    case = got.json()
    cid = case["id"]
    assert case["link"] == {
        "id": link_id,
        "visible": False,
        "status": None,
        "score": None,
        "own_entity": case["link"]["own_entity"],
    }
    assert case["link"]["own_entity"]["id"] == fr_pk
    assert [(m["country"], m["sealed"]) for m in case["members"]] == [("FR", False), (None, True)]
    as_fr = str(client.get(f"{API}/{cid}", headers=fr.headers).json())
    timeline_fr = client.get(f"{API}/{cid}/timeline", headers=fr.headers).json()
    for text in (as_fr, str(timeline_fr), str(client.get(f"{API}/awaiting?side=owner", headers=fr.headers).json())):
        assert "'MA'" not in text and ma_pk not in text and "XK4419273" not in text
    assert client.post(f"{API}/{cid}/invite", json={"countries": ["EG"]}, headers=fr.headers).status_code == 409
    assert (
        client.post(
            f"{API}/{cid}/tasks", json={"title": "Guess", "assignee_country": "MA"}, headers=fr.headers
        ).status_code
        == 422
    )
    # The invited side sees the case and may read the link (it sees both entities).
    as_ma = client.get(f"{API}/{cid}", headers=ma.headers).json()
    assert as_ma["link"]["visible"] is True and as_ma["link"]["own_entity"]["id"] == ma_pk
    assert [m["country"] for m in as_ma["members"]] == ["FR", "MA"]
    assert [q.case_id for q in case_service.awaiting_first_response(session, ma.actor)] == [cid]
    assert client.post(f"{API}/{cid}/accept", headers=ma.headers).status_code == 200
    after = client.get(f"{API}/{cid}", headers=fr.headers).json()
    assert [m["country"] for m in after["members"]] == ["FR", "MA"]
    assert after["link"]["visible"] is False  # accepting reveals who, not MA's record: sharing it is MA's call
    assert ma_pk not in str(after)
    again = client.post(f"{API}/from-link/{link_id}", json={"title": "Again"}, headers=ma.headers)
    assert again.status_code == 409 and again.json()["error"]["details"]["case_id"] == cid


def test_only_the_links_owners_may_open_a_case_on_it(client: TestClient, session: Session, net: Net) -> None:
    link_id, _, _ = _link(session, net)
    for user in (
        net.user("EG", Role.BUREAU_OFFICER),
        net.user("FR", Role.REVIEWER),
        net.user("FR", Role.FRONTLINE_OFFICER),
    ):
        got = client.post(f"{API}/from-link/{link_id}", json={"title": "Fishing"}, headers=user.headers)
        assert got.status_code == 404, user.actor.username
    assert (
        client.post(
            f"{API}/from-link/nope", json={"title": "x y z"}, headers=net.user("FR", Role.BUREAU_OFFICER).headers
        ).status_code
        == 404
    )


def test_reader_of_both_sides_opens_an_unsealed_case(client: TestClient, session: Session, net: Net) -> None:
    link_id, ma_pk, _ = _link(session, net)
    ma = net.user("MA", Role.ANALYST)
    case = client.post(
        f"{API}/from-link/{link_id}", json={"title": "Same person?", "priority": "high"}, headers=ma.headers
    ).json()
    assert [(m["country"], m["sealed"]) for m in case["members"]] == [("MA", False), ("FR", False)]
    assert case["link"]["visible"] is True
    as_fr = client.get(f"{API}/{case['id']}", headers=net.user("FR", Role.ANALYST).headers).json()
    assert as_fr["entities"] == [] and ma_pk not in str(as_fr)  # FR still may not see MA's record
    client.post(f"/api/v1/analysis/links/{link_id}/judge", json={"judgement": "same"}, headers=ma.headers)
    kinds = [e["kind"] for e in client.get(f"{API}/{case['id']}/timeline", headers=ma.headers).json()]
    assert kinds == ["opened", "invited", "link_judged"]
    fr_kinds = [
        e["kind"]
        for e in client.get(f"{API}/{case['id']}/timeline", headers=net.user("FR", Role.ANALYST).headers).json()
    ]
    assert fr_kinds == ["opened", "invited"]  # FR may not see the link, nor its judgement
