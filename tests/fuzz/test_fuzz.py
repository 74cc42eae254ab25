"""Schema-driven fuzzing of the whole API (issue 21), a short pass: every operation, several roles of two
countries, no server error, answers that conform to the schema, nothing of another country's hidden records.

The long run (at least 10,000 requests) is ``make fuzz`` (``benchmarks/fuzz.py``); docs/security.md records it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fuzz.harness import SECRET_NAME, SETUP, World, build_world, configured, fuzz, leaks
from manara.app import create_app
from manara.db.session import make_engine
from manara.member import actions as member_actions
from manara.member.models import User

pytestmark = pytest.mark.serial
EXAMPLES = 2  # per operation: about 500 requests with the sweep below, under 60 s on a busy 2-core machine


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, Any]]:
    world = build_world(tmp_path_factory.mktemp("fuzz"))
    with configured(world):
        yield world, create_app(workers=False)


def test_every_operation_answers_without_server_error_schema_violation_or_leak(world: tuple[World, Any]) -> None:
    state, app = world
    report = fuzz(app, state, examples=EXAMPLES, seed=21)
    print(report.summary())
    assert report.operations >= 150  # the whole API, not a part of it
    assert report.requests >= report.operations * 2
    assert not report.failures, report.summary()
    assert sum(n for status, n in report.statuses.items() if status < 300) > report.requests // 20  # not all refused


def test_ids_of_hidden_records_are_refused_by_every_operation_that_takes_an_id(world: tuple[World, Any]) -> None:
    state, app = world
    report = fuzz(app, state, examples=1, seed=7, hidden_only=True)
    print(report.summary())
    assert report.operations >= 50
    assert not report.failures, report.summary()


def test_the_leak_check_sees_a_hidden_record_in_an_answer(world: tuple[World, Any]) -> None:
    """The check is not vacuous: the owner's own view of its record would be reported as a leak."""
    state, _ = world
    assert leaks(state, "/api/v1/notices", f'{{"title": "Wanted: {SECRET_NAME}"}}') == [SECRET_NAME]
    assert leaks(state, "/api/v1/entities", f'{{"id": "{state.secret_ids[1]}"}}') == [state.secret_ids[1]]
    asked = f"/api/v1/entities/{state.secret_ids[1]}"  # a 404 may name the id the caller sent
    assert leaks(state, asked, f'{{"error": {{"message": "entity {state.secret_ids[1]} not found"}}}}') == []


def test_seeded_hidden_records_exist_for_their_owner(world: tuple[World, Any]) -> None:
    """The hidden records are real: EG's own officer reads them, so their absence elsewhere means something."""
    state, app = world
    engine = make_engine(state.url)
    with Session(engine) as session:
        user = session.query(User).filter_by(username="eg.bureau_officer").one()
        _, token = member_actions.do_create_api_key(session, user, acting=SETUP)
        session.commit()
    engine.dispose()
    with TestClient(app) as client:
        notice = client.get(f"/api/v1/notices/{state.secret_ids[0]}", headers={"Authorization": f"Bearer {token}"})
        assert notice.status_code == 200, notice.text
        assert SECRET_NAME in notice.text
        foreign = {"Authorization": f"Bearer {state.tokens['ma.bureau_officer']}"}
        assert client.get(f"/api/v1/notices/{state.secret_ids[0]}", headers=foreign).status_code == 404
