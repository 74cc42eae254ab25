"""Shared helpers of the analysis tests: submit any FtM entity, run cross-matching on the test session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from manara.analysis.run import XrefReport, run_xref
from manara.entity.actions import do_upsert_entities, make_placement
from manara.entity.ftm import validate_entity
from manara.entity.models import Entity
from manara.entity.service import get_by_natural_key
from manara.identity import SYSTEM, Actor
from manara.visibility import Visibility


def put(
    session: Session, actor: Actor, data: dict[str, Any], visibility: str = "owner", shared: tuple[str, ...] = ()
) -> Entity:
    """Submit (upsert) one FtM entity of the actor's country and return its row."""
    place = make_placement(session, actor, Visibility(visibility), list(shared), None)
    do_upsert_entities(session, actor, [validate_entity(data)], place)
    session.commit()
    entity = get_by_natural_key(session, actor.country, data["id"])
    assert entity is not None
    return entity


def ftm(entity_id: str, schema: str, **props: Any) -> dict[str, Any]:
    """Return an FtM entity dict."""
    return {
        "id": entity_id,
        "schema": schema,
        "properties": {k: v if isinstance(v, list) else [v] for k, v in props.items()},
    }


def xref(session: Session, **kwargs: Any) -> XrefReport:
    """Run cross-matching in the test's transaction (each chunk commits to the test SAVEPOINT)."""

    @contextmanager
    def factory() -> Iterator[Session]:
        yield session
        session.commit()

    return run_xref(factory, SYSTEM, **kwargs)
