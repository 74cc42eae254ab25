"""The screening index: snapshot round trip and catching up with the outbox after a load."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import Net
from manara.identity import Role
from manara.matching import PersonRecord
from manara.screening.index import ScreeningIndex
from screening.helpers import publish_red

QUERY = PersonRecord(id="q", names=("Abderrahmane Ben Salah",), birth_dates=("1985-04-12",))


def test_snapshot_round_trip_then_outbox_catch_up(
    client: TestClient, net: Net, session: Session, tmp_path: Path
) -> None:
    notice = publish_red(client, net)
    built = ScreeningIndex()
    built.ensure(session)
    assert [t.notice_id for _, t in built.search("FR", QUERY, 5)] == [notice["id"]]
    built.save(tmp_path / "snap")

    loaded = ScreeningIndex()
    loaded.load(tmp_path / "snap")
    assert len(loaded) == 1 and [t.reference for _, t in loaded.search("FR", QUERY, 5)] == [notice["reference"]]

    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    client.post(f"/api/v1/notices/{notice['id']}/cancel", json={"reason": "withdrawn"}, headers=ma)
    loaded.ensure(session)
    assert loaded.search("FR", QUERY, 5) == [] and len(loaded) == 0


def test_owner_only_notice_is_never_returned_to_other_members(
    client: TestClient, net: Net, session: Session, tmp_path: Path
) -> None:
    publish_red(client, net, visibility="owner")
    shared = publish_red(client, net, visibility="countries", shared=["FR"], name="Abdel Rahman Ben Salah")
    index = ScreeningIndex()
    index.ensure(session)
    loaded = ScreeningIndex()
    index.save(tmp_path / "snap")
    loaded.load(tmp_path / "snap")
    for each in (index, loaded):  # restricted notices stay filtered after a snapshot load
        assert [t.notice_id for _, t in each.search("FR", QUERY, 5)] == [shared["id"]]
        assert each.search("TN", QUERY, 5) == []
        assert len(each.search("MA", QUERY, 5)) == 2
