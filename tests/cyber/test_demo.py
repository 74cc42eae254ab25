"""The cyber demo on a fresh SQLite file, after the crypto demo: indicators of five members, the phishing
domain MA and FR both hold (a cross-match), wallets linked to the crypto case, KEV entries cited by it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from manara.case.models import Case
from manara.cyber import service
from manara.cyber.models import CyberIndicator, CyberLink, KevCitation
from manara.db.migrate import upgrade
from manara.db.session import get_engine, get_sessionmaker, unit_of_work
from manara.demo.crypto import demo_actor
from manara.demo.crypto import load as load_crypto
from manara.demo.cyber import load
from manara.identity import Actor, Role
from manara.member import actions as member_actions
from manara.settings import get_settings

SAMPLE = Path(__file__).parent / "data" / "kev_sample.csv"


def _clear() -> None:
    get_settings.cache_clear()
    get_engine.cache_clear()
    get_sessionmaker.cache_clear()


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("MANARA_DATABASE_URL", url)
    monkeypatch.setenv("MANARA_KEV_CSV", str(SAMPLE))
    _clear()
    upgrade(url)
    admin = Actor(user_id="t", username="t", country="ZZ", role=Role.ADMINISTRATOR)
    with unit_of_work() as session:
        for code in ("MA", "FR", "EG", "DZ", "TN"):
            member_actions.do_create_member(session, code, acting=admin)
            for role in Role:
                member_actions.do_create_user(
                    session, f"{code.lower()}.{role.value}", country=code, role=role, acting=admin
                )
    yield
    get_engine().dispose()
    _clear()


def test_demo_tells_the_story(demo_db: None) -> None:
    load_crypto(7)
    summary = load(7)
    assert summary.startswith("16 cyber indicators, 4 indicator links") and "3 KEV entries cited" in summary
    with unit_of_work() as session:
        owners = set(session.scalars(select(CyberIndicator.owner_country).distinct()))
        assert owners == {"MA", "FR", "DZ", "TN", "EG"}
        ma = demo_actor(session, "MA", Role.ANALYST)
        domain = session.scalars(
            select(CyberIndicator).where(CyberIndicator.owner_country == "MA", CyberIndicator.kind == "domain-name")
        ).one()
        assert [o.owner_country for o in service.seen_in(session, ma, domain)] == ["FR"]
        case = session.scalars(select(Case).where(Case.title.like("LockBit%"))).one()
        assert session.scalar(select(func.count()).select_from(KevCitation).where(KevCitation.case_id == case.id)) == 3
        linked = session.scalar(
            select(func.count())
            .select_from(CyberLink)
            .where(CyberLink.target_kind == "case", CyberLink.target_id == case.id)
        )
        assert linked == 1  # FR's ransom wallet: FR owns the case
        assert (
            session.scalar(select(func.count()).select_from(CyberLink).where(CyberLink.target_kind == "crypto_wallet"))
            == 3
        )
        eg = demo_actor(session, "EG", Role.ANALYST)
        red = session.scalars(select(CyberIndicator).where(CyberIndicator.tlp == "red")).one()
        assert red.owner_country == "EG" and red.visibility == "owner"
        assert service.seen_in(session, eg, red) == []
