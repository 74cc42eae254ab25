"""FtM JSON-lines import through the importer and the API: bad lines, re-runs, interruptions."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import Net, _uow, person
from manara.api.entity import split_lines
from manara.entity.actions import make_placement
from manara.entity.importer import import_lines
from manara.entity.models import Entity
from manara.identity import Actor, Role
from manara.visibility import Visibility

NAMES = ["Karim Benali", "Sara Idrissi", "Youssef El Amrani", "Nadia Filali", "Hamid Saidi", "Laila Tazi"]


def lines(n: int = 7) -> list[bytes]:
    """Return ``n`` valid Person lines."""
    return [
        orjson.dumps(person(f"p{i}", NAMES[i % len(NAMES)], birthDate="1980-01-0" + str(i % 9 + 1))) for i in range(n)
    ]


def state(session: Session, owner: str) -> list[tuple[str, str, str, Any]]:
    """Return the owner's stored entities, comparably."""
    session.expire_all()
    rows = session.scalars(select(Entity).where(Entity.owner_country == owner).order_by(Entity.entity_id))
    return [(e.entity_id, e.caption, e.content_hash, e.properties) for e in rows]


unit = _uow  # a unit of work on the test session: commit (to the SAVEPOINT) or roll back


def _run(session: Session, actor: Actor, data: Any, batch: int = 1000) -> Any:
    place = make_placement(session, actor, Visibility.OWNER, [], None)
    return import_lines(lambda: unit(session), actor, data, place, batch_size=batch)


def test_bad_lines_are_reported_by_number_and_not_written(session: Session, net: Net) -> None:
    actor = net.user("MA", Role.BUREAU_OFFICER).actor
    good = lines(3)
    data = [
        good[0],
        b"{not json",
        orjson.dumps({"id": "x1", "schema": "Spaceship", "properties": {}}),
        good[1],
        b"",
        orjson.dumps(person("x2", "Ali", birthDate="1980-02-30")),
        orjson.dumps(person("x3", "Ali", nationality="xx")),
        orjson.dumps(["a list"]),
        good[2],
    ]
    report = _run(session, actor, data)
    assert (report.lines, report.created, report.unchanged) == (9, 3, 0)
    assert [e["line"] for e in report.errors] == [2, 3, 6, 7, 8]
    reasons = {e["line"]: e["reason"] for e in report.errors}
    assert "malformed JSON" in reasons[2] and "Spaceship" in reasons[3] and "1980-02-30" in reasons[6]
    assert "nationality" in reasons[7] and "object" in reasons[8]
    assert [row[0] for row in state(session, "MA")] == ["p0", "p1", "p2"]


def test_reimport_changes_nothing(session: Session, net: Net) -> None:
    actor = net.user("MA", Role.BUREAU_OFFICER).actor
    first = _run(session, actor, lines())
    snapshot = state(session, "MA")
    second = _run(session, actor, lines())
    assert (first.created, first.unchanged) == (7, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 7)
    assert state(session, "MA") == snapshot


def test_changed_lines_update_and_the_last_duplicate_wins(session: Session, net: Net) -> None:
    actor = net.user("MA", Role.BUREAU_OFFICER).actor
    _run(session, actor, lines(3))
    data = [orjson.dumps(person("p0", "Karim Benalli")), orjson.dumps(person("p0", "Karim Ben Ali")), lines(3)[1]]
    report = _run(session, actor, data)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert state(session, "MA")[0][1] == "Karim Ben Ali"


def test_interrupted_import_resumes_to_the_same_state(session: Session, net: Net) -> None:
    actor = net.user("FR", Role.BUREAU_OFFICER).actor
    data = lines(7)

    def interrupted() -> Iterator[bytes]:
        yield from data[:5]
        raise ConnectionError("client went away")

    with pytest.raises(ConnectionError):
        _run(session, actor, interrupted(), batch=2)
    # only whole batches were committed
    assert [row[0] for row in state(session, "FR")] == ["p0", "p1", "p2", "p3"]
    resumed = _run(session, actor, data, batch=2)
    assert (resumed.created, resumed.unchanged) == (3, 4)
    resumed_state = state(session, "FR")
    _run(session, net.user("EG", Role.BUREAU_OFFICER).actor, data, batch=2)  # uninterrupted, for comparison
    assert resumed_state == state(session, "EG")


def test_import_api_streams_ndjson(client: TestClient, session: Session, net: Net) -> None:
    headers = {**net.user("MA", Role.ANALYST).headers, "Content-Type": "application/x-ndjson"}
    body = b"\n".join([*lines(4), b'{"id": "bad", "schema": "Person", "properties": {"name": ["A"], "wings": ["2"]}}'])
    resp = client.post(
        "/api/v1/entities/import",
        content=body,
        headers=headers,
        params={"visibility": "countries", "shared_with": ["FR"]},
    )
    assert resp.status_code == 200, resp.text
    report = resp.json()
    assert (report["lines"], report["created"], report["unchanged"]) == (5, 4, 0)
    assert [e["line"] for e in report["errors"]] == [5] and "wings" in report["errors"][0]["reason"]
    again = client.post(
        "/api/v1/entities/import",
        content=body,
        headers=headers,
        params={"visibility": "countries", "shared_with": ["FR"]},
    ).json()
    assert (again["created"], again["unchanged"]) == (0, 4)
    fr = client.get("/api/v1/entities", headers=net.user("FR", Role.ANALYST).headers).json()
    eg = client.get("/api/v1/entities", headers=net.user("EG", Role.ANALYST).headers).json()
    assert fr["total"] == 4 and eg["total"] == 0
    assert session.scalar(select(func.count(Entity.id)).where(Entity.entity_id == "bad")) == 0


def test_import_api_refuses_bad_distribution_and_media(client: TestClient, net: Net) -> None:
    headers = {**net.user("MA", Role.BUREAU_OFFICER).headers, "Content-Type": "application/x-ndjson"}
    bad = client.post(
        "/api/v1/entities/import",
        content=lines(1)[0],
        headers=headers,
        params={"visibility": "countries", "shared_with": ["XX"]},
    )
    assert bad.status_code == 422
    json_body = client.post(
        "/api/v1/entities/import", content=lines(1)[0], headers={**headers, "Content-Type": "application/json"}
    )
    assert json_body.status_code == 415


def _split(chunks: list[bytes], max_line: int) -> list[bytes]:
    async def source() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    async def main() -> list[bytes]:
        return [line async for line in split_lines(source(), max_line)]

    return anyio.run(main)


def test_line_splitting_matches_split_at_every_chunk_boundary() -> None:
    body = b'{"a": 1}\n\n{"b": 22}\r\nxyz\n' + b"q" * 40 + b"\nlast"
    expected = [line if len(line) <= 16 else line[:17] for line in body.split(b"\n")]
    for size in (1, 2, 3, 5, 7, 16, 17, 64, len(body)):
        chunks = [body[i : i + size] for i in range(0, len(body), size)]
        assert _split(chunks, 16) == expected, size


def test_a_huge_line_is_cut_at_the_limit_in_linear_time() -> None:
    chunk = b"x" * 65536
    started = time.perf_counter()
    lines = _split([chunk] * 768 + [b"\n", orjson.dumps(person("p1", "Karim Benali"))], 256 * 1024)  # 48 MB
    elapsed = time.perf_counter() - started
    assert [len(line) for line in lines[:1]] == [256 * 1024 + 1]  # kept no more than the limit + 1 byte
    assert orjson.loads(lines[1])["id"] == "p1"
    assert elapsed < 2.0, elapsed  # the quadratic splitter took minutes on this body


def test_import_api_reports_an_overlong_line_and_imports_the_rest(client: TestClient, net: Net) -> None:
    headers = {**net.user("MA", Role.ANALYST).headers, "Content-Type": "application/x-ndjson"}
    body = b"\n".join([lines(1)[0], b'{"id": "' + b"y" * (300 * 1024) + b'"}', lines(2)[1]])
    report = client.post("/api/v1/entities/import", content=body, headers=headers).json()
    assert (report["lines"], report["created"]) == (3, 2)
    assert report["errors"] == [{"line": 2, "reason": "line longer than 262144 bytes"}]
