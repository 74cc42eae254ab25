"""The case timeline names only records the viewer may see (finding 7: ids of invisible entities leaked)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from case.helpers import API, open_case
from conftest import Net
from factories import make_entity, make_notice
from manara.identity import Role


def test_timeline_leaves_out_entities_and_notices_the_viewer_may_not_see(
    client: TestClient, session: Session, net: Net
) -> None:
    ma, fr = net.user("MA", Role.BUREAU_OFFICER), net.user("FR", Role.BUREAU_OFFICER)
    hidden = make_entity(session, ma.actor, "m1", "Karim Benali")  # MA only
    shared = make_entity(session, ma.actor, "m2", "Sara Idrissi", visibility="all")
    draft = make_notice(session, ma.actor, status="draft")  # not published: MA only
    case = open_case(client, ma, invite=["FR"])
    body = {"entity_ids": [hidden.id, shared.id], "notice_ids": [draft.id]}
    assert client.post(f"{API}/{case['id']}/links", json=body, headers=ma.headers).status_code == 200
    as_ma = client.get(f"{API}/{case['id']}/timeline", headers=ma.headers).json()
    as_fr = client.get(f"{API}/{case['id']}/timeline", headers=fr.headers).json()
    linked_ma = [e["data"] for e in as_ma if e["kind"] == "linked"]
    linked_fr = [e["data"] for e in as_fr if e["kind"] == "linked"]
    assert sorted(linked_ma[0]["entity_ids"]) == sorted([hidden.id, shared.id])
    assert linked_ma[0]["notice_ids"] == [draft.id]
    assert linked_fr == [{"entity_ids": [shared.id], "notice_ids": []}]
    assert hidden.id not in str(as_fr) and draft.id not in str(as_fr)
    assert client.get(f"/api/v1/entities/{hidden.id}", headers=fr.headers).status_code == 404  # as elsewhere
