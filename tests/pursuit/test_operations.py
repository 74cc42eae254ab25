"""Coordinated operations: participants see and update only their own targets (plus what notice visibility
allows), the board's counts, arrests today, the situation report, imports and additions from other runs."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net, NetUser
from manara.audit.models import AuditEvent
from manara.db.base import utcnow
from manara.identity import Role
from manara.outbox.models import OutboxEvent
from manara.pursuit import service
from manara.pursuit.models import Operation
from pursuit.helpers import OPS, wanted


def _operation(client: TestClient, user: NetUser, participants: list[str], code: str = "LIBERTAS-26") -> dict[str, Any]:
    today = utcnow().date().isoformat()
    body = {
        "code": code,
        "name": "Operation Libertas",
        "participants": participants,
        "starts_on": today,
        "ends_on": today,
    }
    got = client.post(OPS, json=body, headers=user.headers)
    assert got.status_code == 201, got.text
    return dict(got.json())


def _setup(client: TestClient, net: Net, session: Session) -> tuple[dict[str, Any], dict[str, str]]:
    """MA leads, FR and EG take part: one target each; EG's notice is shared with MA and EG only."""
    ma = net.user("MA", Role.BUREAU_OFFICER)
    op = _operation(client, ma, ["FR", "EG"])
    n_ma = wanted(session, net)
    n_fr = wanted(session, net)
    n_eg = wanted(session, net, visibility="countries", shared=("EG",))
    body = {
        "targets": [
            {"notice_id": n_ma.id, "responsible_country": "MA"},
            {"notice_id": n_fr.reference, "responsible_country": "FR"},
            {"notice_id": n_eg.id, "responsible_country": "EG", "note": "last seen in Alexandria"},
        ]
    }
    got = client.post(f"{OPS}/{op['id']}/targets", json=body, headers=ma.headers)
    assert got.status_code == 201, got.text
    assert got.json() == {"added": 3, "skipped": 0, "errors": []}
    return op, {"MA": n_ma.id, "FR": n_fr.id, "EG": n_eg.id}


def _targets(client: TestClient, user: NetUser, op_id: str) -> dict[str, dict[str, Any]]:
    got = client.get(f"{OPS}/{op_id}/targets", headers=user.headers)
    assert got.status_code == 200, got.text
    return {t["notice_id"]: t for t in got.json()["items"]}


def test_participants_see_their_own_targets_and_what_notice_visibility_allows(
    client: TestClient, net: Net, session: Session
) -> None:
    op, notices = _setup(client, net, session)
    ma, fr, eg = (net.user(c, Role.BUREAU_OFFICER) for c in ("MA", "FR", "EG"))
    assert set(_targets(client, ma, op["id"])) == set(notices.values())
    # FR: its own, and MA's (a notice visible to all) - never EG's, whose notice it may not see
    assert set(_targets(client, fr, op["id"])) == {notices["FR"], notices["MA"]}
    assert set(_targets(client, eg, op["id"])) == set(notices.values())
    fr_view = client.get(f"{OPS}/{op['id']}/targets", headers=fr.headers).text
    assert "Alexandria" not in fr_view


def test_participants_update_only_their_own_targets(client: TestClient, net: Net, session: Session) -> None:
    op, notices = _setup(client, net, session)
    ma, fr = net.user("MA", Role.BUREAU_OFFICER), net.user("FR", Role.BUREAU_OFFICER)
    targets = _targets(client, ma, op["id"])
    fr_target, ma_target = targets[notices["FR"]]["id"], targets[notices["MA"]]["id"]
    url = f"{OPS}/{op['id']}/targets"
    assert client.patch(f"{url}/{ma_target}", json={"status": "arrested"}, headers=fr.headers).status_code == 404
    assert client.patch(f"{url}/{fr_target}", json={"status": "arrested"}, headers=ma.headers).status_code == 404
    assert client.patch(f"{url}/{fr_target}", json={"status": "caught"}, headers=fr.headers).status_code == 422
    got = client.patch(f"{url}/{fr_target}", json={"status": "arrested", "lat": 48.85, "lon": 2.35}, headers=fr.headers)
    assert got.status_code == 200 and got.json()["arrested_at"]
    analyst = net.user("FR", Role.ANALYST)
    assert client.patch(f"{url}/{fr_target}", json={"status": "sought"}, headers=analyst.headers).status_code == 404
    outsider = net.user("EG", Role.FRONTLINE_OFFICER)
    assert client.get(f"{OPS}/{op['id']}", headers=outsider.headers).status_code == 404


def test_board_summary_counts_and_version_follow_each_change(client: TestClient, net: Net, session: Session) -> None:
    op, notices = _setup(client, net, session)
    fr = net.user("FR", Role.BUREAU_OFFICER)
    before = client.get(f"{OPS}/{op['id']}/summary", headers=fr.headers).json()
    assert before["total"] == 3 and before["by_status"]["sought"] == 3 and before["arrests_today"] == 0
    target = _targets(client, fr, op["id"])[notices["FR"]]["id"]
    client.patch(f"{OPS}/{op['id']}/targets/{target}", json={"status": "arrested"}, headers=fr.headers)
    after = client.get(f"{OPS}/{op['id']}/summary", headers=fr.headers).json()
    assert after["version"] > before["version"]
    assert after["by_status"]["arrested"] == 1 and after["by_country"]["FR"]["arrested"] == 1
    assert after["arrests_today"] == 1
    events = session.scalars(select(OutboxEvent).where(OutboxEvent.topic == "operation.target_updated")).all()
    assert sorted(e.country or "" for e in events) == ["EG", "FR", "MA"]
    assert all("notice" not in json.dumps(e.payload) for e in events)
    operation = session.get(Operation, op["id"])
    assert operation is not None
    assert service.operation_results(session, operation).by_status["arrested"] == 1


def test_situation_report_is_audited_and_filtered(client: TestClient, net: Net, session: Session) -> None:
    op, notices = _setup(client, net, session)
    eg, fr = net.user("EG", Role.BUREAU_OFFICER), net.user("FR", Role.BUREAU_OFFICER)
    target = _targets(client, eg, op["id"])[notices["EG"]]["id"]
    client.patch(f"{OPS}/{op['id']}/targets/{target}", json={"status": "located"}, headers=eg.headers)
    report = client.get(f"{OPS}/{op['id']}/report", headers=fr.headers).json()
    assert target not in {c["target_id"] for c in report["changes"]}
    assert report["summary"]["by_status"]["located"] == 1
    mine = client.get(f"{OPS}/{op['id']}/report", headers=eg.headers).json()
    assert target in {c["target_id"] for c in mine["changes"]}
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "operation.viewed")).all()


def test_only_the_leader_adds_targets_and_bad_rows_are_refused(client: TestClient, net: Net, session: Session) -> None:
    op, notices = _setup(client, net, session)
    ma, fr = net.user("MA", Role.BUREAU_OFFICER), net.user("FR", Role.BUREAU_OFFICER)
    url = f"{OPS}/{op['id']}/targets"
    extra = wanted(session, net)
    assert (
        client.post(
            url, json={"targets": [{"notice_id": extra.id, "responsible_country": "FR"}]}, headers=fr.headers
        ).status_code
        == 404
    )
    not_participant = {"targets": [{"notice_id": extra.id, "responsible_country": "XX"}]}
    assert client.post(url, json=not_participant, headers=ma.headers).status_code == 422
    blind = {"targets": [{"notice_id": notices["EG"], "responsible_country": "FR"}]}
    assert client.post(url, json=blind, headers=ma.headers).status_code == 422
    again = client.post(
        url, json={"targets": [{"notice_id": notices["MA"], "responsible_country": "MA"}]}, headers=ma.headers
    )
    assert again.json()["skipped"] == 1
    csv_file = f"notice,country,note\n{extra.reference},FR,from the CSV\n".encode()
    got = client.post(f"{url}/import", files={"file": ("targets.csv", csv_file, "text/csv")}, headers=ma.headers)
    assert got.status_code == 201 and got.json()["added"] == 1, got.text
    bad = client.post(
        f"{url}/import", files={"file": ("t.json", b'[{"notice_id": 3}]', "application/json")}, headers=ma.headers
    )
    assert bad.status_code == 422
    dup = client.post(
        OPS,
        json={**{k: op[k] for k in ("code", "name")}, "starts_on": op["starts_on"], "ends_on": op["ends_on"]},
        headers=ma.headers,
    )
    assert dup.status_code == 409
    wrong = {"code": "X1", "name": "x", "starts_on": "2026-12-05", "ends_on": "2026-12-01"}
    assert client.post(OPS, json=wrong, headers=ma.headers).status_code == 422


def test_operation_list_and_close(client: TestClient, net: Net, session: Session) -> None:
    op, _ = _setup(client, net, session)
    ma, fr = net.user("MA", Role.BUREAU_OFFICER), net.user("FR", Role.BUREAU_OFFICER)
    assert [o["id"] for o in client.get(OPS, headers=fr.headers).json()] == [op["id"]]
    other = net.user("EG", Role.ANALYST)
    assert [o["id"] for o in client.get(OPS, headers=other.headers).json()] == [op["id"]]
    assert client.post(f"{OPS}/{op['id']}/close", headers=fr.headers).status_code == 404
    assert client.post(f"{OPS}/{op['id']}/close", headers=ma.headers).json()["status"] == "closed"
    assert client.post(f"{OPS}/{op['id']}/close", headers=ma.headers).status_code == 409
