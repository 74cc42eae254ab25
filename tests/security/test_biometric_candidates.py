"""Finding 12 remainder: the ids a biometric candidate list names pass the searcher's current access check,
even when the index has not yet learnt that a subject was narrowed."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biometric.helpers import ColourEngine, colour_engine, enrol, search, subject
from conftest import Net
from manara.entity.models import Entity

__all__ = ["colour_engine"]
RED, NEAR_RED, GREEN = (200, 10, 10), (190, 20, 10), (10, 200, 10)


def test_a_subject_narrowed_since_the_index_was_built_is_not_a_candidate(
    client: TestClient, session: Session, net: Net, colour_engine: ColourEngine
) -> None:
    fr = subject(client, net, "FR", "Jean", visibility="all")
    fr_template = enrol(client, net, "FR", fr["id"], RED).json()["id"]
    ma = subject(client, net, "MA", "Said", visibility="all")
    ma_template = enrol(client, net, "MA", ma["id"], GREEN).json()["id"]
    before = search(client, net, "MA", NEAR_RED).json()["candidates"]
    assert [c["template_id"] for c in before] == [fr_template, ma_template]
    row = session.get(Entity, fr["id"])
    assert row is not None
    row.visibility = "owner"  # written straight to the database: the index has not heard of it yet
    session.commit()
    after = search(client, net, "MA", NEAR_RED).json()["candidates"]
    assert [c["template_id"] for c in after] == [ma_template]
    assert [c["rank"] for c in after] == [1]  # no gap where the hidden candidate was
    assert all(c["subject_pk"] != fr["id"] for c in after)
    owner_view = search(client, net, "FR", NEAR_RED).json()["candidates"]
    assert owner_view[0]["template_id"] == fr_template  # the owner still finds it
