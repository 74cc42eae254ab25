"""The crypto demo on a fresh SQLite file: FR's ransomware cluster, MA's exchange deposit and seized-phone
wallet (a cross-match and a hit to FR), EG's darknet-market tag, the CoinJoin never merged, and the case."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from manara.case.models import Case
from manara.crypto import service
from manara.crypto.models import CryptoTx
from manara.db.migrate import upgrade
from manara.db.session import get_engine, get_sessionmaker, unit_of_work
from manara.demo.crypto import addr, demo_actor, load
from manara.hit.models import Hit
from manara.identity import Actor, Role
from manara.member import actions as member_actions
from manara.settings import get_settings


def _clear() -> None:
    get_settings.cache_clear()
    get_engine.cache_clear()
    get_sessionmaker.cache_clear()


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("MANARA_DATABASE_URL", url)
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
    summary = load(7)
    assert "1 cross-match" in summary and "1 crypto case" in summary
    with unit_of_work() as session:
        ma = demo_actor(session, "MA", Role.ANALYST)
        fr = demo_actor(session, "FR", Role.ANALYST)
        hit = session.scalars(select(Hit).where(Hit.querying_country == "MA")).first()
        assert hit is not None and hit.owner_country == "FR" and hit.target_type == "crypto_tag"
        seed = service.address_row(session, "btc", addr("ransom1", 7))
        assert seed is not None
        cluster = set(service.cluster_addresses(session, service.cluster_of(session, seed)))
        assert addr("phone-wallet", 7) in cluster and len(cluster) == 4
        exposure = service.exposure_report(session, fr, "btc", seed, direction="forward", hops=3)
        assert exposure["direct"] == {} and set(exposure["indirect"]) == {"exchange", "darknet_market"}
        assert service.exposure_report(session, ma, "btc", seed, direction="forward", hops=3)["indirect"]
        assert session.scalar(select(CryptoTx.coinjoin).where(CryptoTx.n_inputs == 5, CryptoTx.coinjoin.is_(True)))
        case = session.scalars(select(Case).where(Case.title.like("LockBit%"))).one()
        assert {m.country for m in case.members} == {"FR", "MA"}
