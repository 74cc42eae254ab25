"""Cases API: who sees a case (owner, invited, not invited -> 404, roles without permission), invitations,
messages, tasks, timeline order, audit and outbox, the first-response queue and the desk handover."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from case.helpers import API, open_case
from conftest import Net
from factories import counts, make_entity
from manara.audit.models import AuditEvent
from manara.case import service as case_service
from manara.identity import Perm, Role
from manara.outbox.models import OutboxEvent

READERS = (Role.BUREAU_OFFICER, Role.ANALYST, Role.DUTY_OFFICER)
NON_READERS = (Role.FRONTLINE_OFFICER, Role.REVIEWER, Role.ADMINISTRATOR)


def _paths(case_id: str) -> list[str]:
    return [f"{API}/{case_id}", f"{API}/{case_id}/messages", f"{API}/{case_id}/tasks", f"{API}/{case_id}/timeline"]


@pytest.mark.parametrize("country", ["MA", "FR", "EG"])
@pytest.mark.parametrize("role", list(Role))
def test_access_matrix(client: TestClient, net: Net, country: str, role: Role) -> None:
    case = open_case(client, net.user("MA", Role.BUREAU_OFFICER), invite=["FR"])
    user = net.user(country, role)
    allowed = country in ("MA", "FR") and role in READERS
    for path in _paths(case["id"]):
        got = client.get(path, headers=user.headers)
        assert got.status_code == (200 if allowed else 404), (path, got.text)
    listing = client.get(API, headers=user.headers).json()
    assert [c["id"] for c in listing["items"]] == ([case["id"]] if allowed else [])
    assert listing["total"] == (1 if allowed else 0)
    posted = client.post(f"{API}/{case['id']}/messages", json={"body": "Any news?"}, headers=user.headers)
    assert posted.status_code == (201 if allowed else 404)


def test_missing_case_and_roles_without_case_write(client: TestClient, net: Net) -> None:
    assert client.get(f"{API}/nope", headers=net.user("MA", Role.BUREAU_OFFICER).headers).status_code == 404
    for role in NON_READERS:
        got = client.post(API, json={"title": "A case"}, headers=net.user("MA", role).headers)
        assert got.status_code == 403, role
        assert got.json()["error"]["code"] == "forbidden"


def test_invite_reveals_the_case_and_only_the_owner_invites(client: TestClient, net: Net) -> None:
    ma, fr, eg = (net.user(c, Role.BUREAU_OFFICER) for c in ("MA", "FR", "EG"))
    case = open_case(client, ma, invite=["FR"])
    assert client.get(f"{API}/{case['id']}", headers=eg.headers).status_code == 404
    assert client.post(f"{API}/{case['id']}/invite", json={"countries": ["EG"]}, headers=fr.headers).status_code == 404
    bad = client.post(f"{API}/{case['id']}/invite", json={"countries": ["XX"]}, headers=ma.headers)
    assert bad.status_code == 422 and "XX" in bad.text
    got = client.post(f"{API}/{case['id']}/invite", json={"countries": ["EG", "FR"]}, headers=ma.headers)
    assert [m["country"] for m in got.json()["members"]] == ["MA", "FR", "EG"]
    assert client.get(f"{API}/{case['id']}", headers=eg.headers).status_code == 200


def test_records_one_may_not_see_cannot_be_attached(client: TestClient, session: Session, net: Net) -> None:
    ma, fr = net.user("MA", Role.BUREAU_OFFICER), net.user("FR", Role.BUREAU_OFFICER)
    mine = make_entity(session, ma.actor, "m1", "Karim Benali")  # owner only
    theirs = make_entity(session, fr.actor, "f1", "Jean Dupont")  # FR only
    got = client.post(API, json={"title": "Case", "entity_ids": [theirs.id]}, headers=ma.headers)
    assert got.status_code == 404
    case = open_case(client, ma, invite=["FR"], entity_ids=[mine.id])
    assert [e["id"] for e in case["entities"]] == [mine.id]
    as_fr = client.get(f"{API}/{case['id']}", headers=fr.headers).json()
    assert as_fr["entities"] == [] and "Karim" not in str(as_fr)  # FR may not see MA's entity


def test_hostile_input_gets_a_clear_4xx(client: TestClient, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER)
    case = open_case(client, ma, title="Bidi \u202etxt.exe\u202c case\u200b")
    assert case["title"] == "Bidi txt.exe case"
    huge = client.post(f"{API}/{case['id']}/messages", json={"body": "x" * 10_001}, headers=ma.headers)
    assert huge.status_code == 422
    empty = client.post(f"{API}/{case['id']}/messages", json={"body": "\u200b\u202e"}, headers=ma.headers)
    assert empty.status_code == 422
    assert (
        client.post(API, content=b"{not json", headers={**ma.headers, "Content-Type": "application/json"}).status_code
        == 422
    )
    assert client.post(API, json={"title": "ok title", "tlp": "purple"}, headers=ma.headers).status_code == 422
    json_headers = {**ma.headers, "Content-Type": "application/json"}
    big = client.post(API, content=b"x" * (11 * 1024 * 1024), headers=json_headers)
    assert big.status_code == 413


def test_messages_tasks_and_timeline_in_order(client: TestClient, session: Session, net: Net) -> None:
    ma, fr = net.user("MA", Role.BUREAU_OFFICER), net.user("FR", Role.ANALYST)
    case = open_case(client, ma, invite=["FR"])
    cid = case["id"]
    first = client.post(
        f"{API}/{cid}/messages", json={"body": "Phone +212 600 000 000 seen in Lyon?"}, headers=ma.headers
    ).json()
    reply = client.post(
        f"{API}/{cid}/messages", json={"body": "Yes, twice.", "parent_id": first["id"]}, headers=fr.headers
    )
    assert reply.status_code == 201 and reply.json()["parent_id"] == first["id"]
    foreign = client.post(f"{API}/{cid}/messages", json={"body": "x", "parent_id": "nope"}, headers=ma.headers)
    assert foreign.status_code == 404
    due = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    task = client.post(
        f"{API}/{cid}/tasks",
        json={"title": "Check the SIM owner", "assignee_country": "FR", "due_at": due},
        headers=ma.headers,
    )
    assert task.status_code == 201, task.text
    to_user = client.post(
        f"{API}/{cid}/tasks",
        json={"title": "Call the prosecutor", "assignee_user_id": fr.actor.user_id},
        headers=ma.headers,
    )
    assert to_user.json()["assignee_country"] == "FR"
    outsider = client.post(
        f"{API}/{cid}/tasks", json={"title": "Not a member", "assignee_country": "EG"}, headers=ma.headers
    )
    assert outsider.status_code == 422
    naive = client.post(
        f"{API}/{cid}/tasks", json={"title": "Naive date", "due_at": "2030-01-01T10:00:00"}, headers=ma.headers
    )
    assert naive.status_code == 422
    done = client.patch(f"{API}/{cid}/tasks/{task.json()['id']}", json={"status": "done"}, headers=fr.headers)
    assert done.json()["status"] == "done"
    eg = net.user("EG", Role.BUREAU_OFFICER)
    assert (
        client.patch(f"{API}/{cid}/tasks/{task.json()['id']}", json={"status": "open"}, headers=eg.headers).status_code
        == 404
    )
    tasks = client.get(f"{API}/{cid}/tasks", headers=fr.headers).json()
    assert [t["title"] for t in tasks] == ["Check the SIM owner", "Call the prosecutor"]  # dated first
    timeline = client.get(f"{API}/{cid}/timeline", headers=fr.headers).json()
    assert [e["kind"] for e in timeline] == [
        "opened",
        "invited",
        "message",
        "accepted",
        "message",
        "task_created",
        "task_created",
        "task_updated",
    ]
    assert [e["seq"] for e in timeline] == sorted(e["seq"] for e in timeline)
    assert "Yes, twice" not in str(timeline)  # the timeline carries ids, not message text
    messages = client.get(f"{API}/{cid}/messages", headers=fr.headers).json()
    assert [m["body"] for m in messages] == ["Phone +212 600 000 000 seen in Lyon?", "Yes, twice."]


def test_every_read_and_write_is_audited_with_outbox_events(client: TestClient, session: Session, net: Net) -> None:
    ma, fr = net.user("MA", Role.BUREAU_OFFICER), net.user("FR", Role.BUREAU_OFFICER)
    audit0, outbox0 = counts(session)
    case = open_case(client, ma, invite=["FR"])
    client.get(f"{API}/{case['id']}", headers=fr.headers)
    client.post(f"{API}/{case['id']}/messages", json={"body": "Received."}, headers=fr.headers)
    client.post(
        f"{API}/{case['id']}/tasks", json={"title": "Trace the phone", "assignee_country": "FR"}, headers=ma.headers
    )
    audit1, outbox1 = counts(session)
    actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))[-4:]
    assert actions == ["case.opened", "case.viewed", "case.message_posted", "case.task_assigned"]
    topics = [(e.topic, e.country) for e in session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))][outbox0:]
    assert topics == [
        ("case.opened", "MA"),
        ("case.invited", "FR"),
        ("case.accepted", "MA"),
        ("case.message_posted", "MA"),
        ("case.task_assigned", "FR"),
    ]
    assert audit1 - audit0 == 4


def test_first_response_queue(client: TestClient, session: Session, net: Net) -> None:
    ma, fr, eg = (net.user(c, Role.DUTY_OFFICER) for c in ("MA", "FR", "EG"))
    urgent = open_case(client, ma, invite=["FR", "EG"], priority="urgent", title="Urgent: kidnapping")
    normal = open_case(client, ma, invite=["FR"], title="Routine check")
    queue = case_service.awaiting_first_response(session, fr.actor)
    assert [q.case_id for q in queue] == [urgent["id"], normal["id"]]  # earliest deadline first
    assert queue[0].due_at - queue[0].invited_at == timedelta(minutes=60)
    assert not queue[0].overdue
    later = case_service.awaiting_first_response(session, fr.actor, now=datetime.now(UTC) + timedelta(hours=2))
    assert [q.overdue for q in later] == [True, False]
    client.post(f"{API}/{urgent['id']}/accept", headers=fr.headers).raise_for_status()
    assert [q.case_id for q in case_service.awaiting_first_response(session, fr.actor)] == [normal["id"]]
    assert client.post(f"{API}/{urgent['id']}/accept", headers=fr.headers).status_code == 409
    owner_side = client.get(f"{API}/awaiting?side=owner", headers=ma.headers).json()
    assert sorted((q["case_id"], q["country"]) for q in owner_side) == sorted(
        [(urgent["id"], "EG"), (normal["id"], "FR")]
    )
    frontline = net.user("FR", Role.FRONTLINE_OFFICER)
    assert case_service.awaiting_first_response(session, frontline.actor) == []
    assert Perm.CASE_READ not in frontline.actor.perms


def test_handover_is_read_and_acknowledged_by_the_next_shift(client: TestClient, net: Net) -> None:
    day, night = net.user("MA", Role.DUTY_OFFICER), net.user("MA", Role.BUREAU_OFFICER)
    case = open_case(client, day, invite=["FR"])
    note = client.post(
        f"{API}/handover",
        json={
            "open_items": "Case with FR awaiting answer.",
            "watch": "Urgent hit from ES expected.",
            "case_ids": [case["id"]],
        },
        headers=day.headers,
    )
    assert note.status_code == 201
    nid = note.json()["id"]
    pending = client.get(f"{API}/handover?pending=true", headers=night.headers).json()
    assert [n["id"] for n in pending] == [nid]
    assert client.post(f"{API}/handover/{nid}/acknowledge", headers=day.headers).status_code == 409  # the author
    fr = net.user("FR", Role.DUTY_OFFICER)
    assert client.post(f"{API}/handover/{nid}/acknowledge", headers=fr.headers).status_code == 404  # another desk
    assert client.get(f"{API}/handover", headers=fr.headers).json() == []
    analyst = net.user("MA", Role.ANALYST)  # analysts take part in cases but do not keep the desk handover
    assert client.post(f"{API}/handover/{nid}/acknowledge", headers=analyst.headers).status_code == 404
    acked = client.post(f"{API}/handover/{nid}/acknowledge", headers=night.headers)
    assert acked.json()["acknowledged_name"] == night.actor.username
    assert client.post(f"{API}/handover/{nid}/acknowledge", headers=night.headers).status_code == 409
    assert client.get(f"{API}/handover?pending=true", headers=night.headers).json() == []
    hidden = open_case(client, net.user("EG", Role.BUREAU_OFFICER))
    bad = client.post(f"{API}/handover", json={"open_items": "x", "case_ids": [hidden["id"]]}, headers=day.headers)
    assert bad.status_code == 404


def test_closed_case_refuses_writes(client: TestClient, net: Net) -> None:
    ma, fr = net.user("MA", Role.BUREAU_OFFICER), net.user("FR", Role.BUREAU_OFFICER)
    case = open_case(client, ma, invite=["FR"])
    assert client.post(f"{API}/{case['id']}/close", headers=fr.headers).status_code == 404
    assert client.post(f"{API}/{case['id']}/close", headers=ma.headers).json()["status"] == "closed"
    assert client.post(f"{API}/{case['id']}/messages", json={"body": "late"}, headers=fr.headers).status_code == 409


def test_a_case_may_be_marked_amber_strict_and_shows_it(client: TestClient, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER)
    created = client.post(API, json={"title": "Strict handling", "tlp": "amber+strict"}, headers=ma.headers)
    assert created.status_code == 201, created.text
    assert client.get(f"{API}/{created.json()['id']}", headers=ma.headers).json()["tlp"] == "amber+strict"


def test_new_cases_are_located_and_changes_synced_with_updated_after(client: TestClient, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER)
    first = client.post(API, json={"title": "Sync one"}, headers=ma.headers)
    assert first.headers["Location"] == f"{API}/{first.json()['id']}"
    mark = datetime.now(UTC)
    second = client.post(API, json={"title": "Sync two"}, headers=ma.headers).json()
    changed = client.get(API, params={"updated_after": mark.isoformat()}, headers=ma.headers).json()
    assert [c["id"] for c in changed["items"]] == [second["id"]]
    fr = client.get(API, params={"updated_after": mark.isoformat()}, headers=net.user("FR", Role.ANALYST).headers)
    assert fr.json()["items"] == []  # not invited: not synced
