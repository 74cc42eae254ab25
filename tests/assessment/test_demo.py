"""The assessment demo: Morocco's English and Algeria's Arabic assessments, computed, reviewed and published."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net
from manara.assessment.models import Assessment, AssessmentRender
from manara.demo import assessment as demo
from manara.identity import Actor, Role
from manara.member import actions as member_actions


def test_the_demo_publishes_an_english_and_an_arabic_assessment(
    session: Session, net: Net, system_actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    for code in ("DZ", "TN", "ES"):
        member_actions.do_create_member(session, code, acting=system_actor)
    # the demo's authors and reviewers: MA and DZ analysts, FR and EG reviewers (the test network has the others)
    member_actions.do_create_user(session, "dz.analyst", country="DZ", role=Role.ANALYST, acting=system_actor)
    session.commit()

    @contextmanager
    def uow() -> Iterator[Session]:
        yield session
        session.commit()

    monkeypatch.setattr(demo, "unit_of_work", uow)
    summary = demo.load(7)
    assert summary.startswith("2 published assessments (en, ar)")
    rows = list(session.scalars(select(Assessment).order_by(Assessment.language)))
    assert [(a.language, a.owner_country, a.status, a.reviewer_country) for a in rows] == [
        ("ar", "DZ", "published", "EG"),
        ("en", "MA", "published", "FR"),
    ]
    assert all(a.snapshot_sha256 and a.indicators and a.judgements for a in rows)
    assert len(list(session.scalars(select(AssessmentRender)))) == 2
