"""Two editors never overwrite each other silently: ETag on read and write, If-Match on update (412 when the
notice changed in between); Location on creation; incremental sync with updated_after."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import Net
from factories import counts, make_entity
from manara.identity import Role

API = "/api/v1/notices"


def _draft(client: TestClient, session: Session, net: Net, title: str = "Wanted for fraud") -> tuple[dict, dict]:
    owner = net.user("MA", Role.BUREAU_OFFICER)
    subject = make_entity(session, owner.actor, f"s-{title}", "Hamid Saidi")
    session.commit()
    created = client.post(API, json={"type": "blue", "title": title, "subject_id": subject.id}, headers=owner.headers)
    assert created.status_code == 201, created.text
    return created, owner.headers  # type: ignore[return-value]


def test_a_stale_update_is_refused_and_changes_nothing(client: TestClient, session: Session, net: Net) -> None:
    created, headers = _draft(client, session, net)
    notice_id = created.json()["id"]
    assert created.headers["Location"] == f"{API}/{notice_id}"
    read = client.get(f"{API}/{notice_id}", headers=headers)
    tag = read.headers["ETag"]
    assert tag == created.headers["ETag"] and tag.startswith('"')
    first = client.patch(f"{API}/{notice_id}", json={"title": "First editor"}, headers={**headers, "If-Match": tag})
    assert first.status_code == 200 and first.headers["ETag"] != tag
    assert client.get(f"{API}/{notice_id}", headers=headers).headers["ETag"] == first.headers["ETag"]
    before = counts(session)
    second = client.patch(f"{API}/{notice_id}", json={"title": "Second editor"}, headers={**headers, "If-Match": tag})
    assert second.status_code == 412
    error = second.json()["error"]
    assert error["code"] == "precondition_failed" and error["details"]["etag"] == first.headers["ETag"]
    assert client.get(f"{API}/{notice_id}", headers=headers).json()["title"] == "First editor"
    assert counts(session)[1] == before[1]  # nothing announced
    current = first.headers["ETag"]
    for condition in ("*", '"nope", {}', "W/{}"):
        if_match = condition.format(current)
        again = client.patch(f"{API}/{notice_id}", json={"title": "Third"}, headers={**headers, "If-Match": if_match})
        assert again.status_code == 200, (if_match, again.text)
        current = again.headers["ETag"]
    assert client.patch(f"{API}/{notice_id}", json={"title": "No condition"}, headers=headers).status_code == 200


def test_updated_after_returns_what_changed_oldest_first(client: TestClient, session: Session, net: Net) -> None:
    first, headers = _draft(client, session, net, "First")
    mark = datetime.now(UTC)
    second, _ = _draft(client, session, net, "Second")
    listing = client.get(API, params={"updated_after": mark.isoformat()}, headers=headers).json()
    assert [n["id"] for n in listing["items"]] == [second.json()["id"]]
    client.patch(f"{API}/{first.json()['id']}", json={"title": "First again"}, headers=headers)
    later = client.get(API, params={"updated_after": mark.isoformat()}, headers=headers).json()
    assert [n["id"] for n in later["items"]] == [second.json()["id"], first.json()["id"]]
    naive = (mark - timedelta(hours=1)).replace(tzinfo=None).isoformat()  # read as UTC
    assert len(client.get(API, params={"updated_after": naive}, headers=headers).json()["items"]) == 2
    other = client.get(API, params={"updated_after": mark.isoformat()}, headers=net.user("EG", Role.ANALYST).headers)
    assert other.json()["items"] == []  # drafts of another member stay invisible
    bad = client.get(API, params={"updated_after": "yesterday"}, headers=headers)
    assert bad.status_code == 422
