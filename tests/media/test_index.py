"""The match index: exact against brute force, fresh from the outbox, and its actions' audit and outbox."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy.orm import Session

from conftest import Net
from factories import counts
from manara.errors import ValidationFailed
from manara.identity import Role
from manara.media import actions, service
from manara.media.hashing import hash_image
from manara.media.index import MediaIndex, MultiIndex, brute_force
from manara.media.schemas import BankIn, HashIn
from media.imagery import jpeg


def test_multi_index_returns_exactly_what_brute_force_returns() -> None:
    rng = np.random.default_rng(7)
    codes = rng.integers(0, 2**63, size=(20_000, 4), dtype=np.uint64)
    # plant near neighbours of the queries at every distance up to 40
    queries = codes[:50].copy()
    planted = []
    for i, q in enumerate(queries):
        bits = np.unpackbits(q.view(np.uint8))
        flip = rng.choice(256, size=i % 41, replace=False)
        bits[flip] ^= 1
        planted.append(np.packbits(bits).view(np.uint64))
    codes = np.vstack([codes, np.array(planted)])
    index = MultiIndex(codes)
    for q in queries:
        for radius in (0, 10, 31):
            got, dist = index.search(q, radius)
            expected = brute_force(codes, q, radius)
            assert sorted(got.tolist()) == sorted(expected.tolist())
            assert (dist <= radius).all()
    with pytest.raises(ValueError, match="31"):
        index.search(queries[0], 32)
    assert MultiIndex(np.zeros((0, 4), dtype=np.uint64)).search(queries[0], 31)[0].size == 0


def test_index_follows_the_outbox(session: Session, net: Net) -> None:
    owner = net.user("FR", Role.BUREAU_OFFICER).actor
    bank = actions.do_create_bank(session, owner, BankIn(name="FR propaganda", labels=["propaganda"]))
    first = hash_image(jpeg(50)).pdq
    actions.do_add_hashes(session, owner, bank, [HashIn(signal_type="pdq", signal=first)])
    index = MediaIndex(refresh_seconds=0)
    index.ensure(session)
    assert len(index.search_pdq({"original": first}, 31)) == 1
    second = hash_image(jpeg(51)).pdq
    [row], _ = actions.do_add_hashes(session, owner, bank, [HashIn(signal_type="pdq", signal=second)])
    index.ensure(session)  # new hash: live at the next lookup
    assert row.id in index.search_pdq({"original": second}, 31)
    actions.do_disable_hash(session, owner, row, "mistake")
    index.ensure(session)
    assert row.id not in index.search_pdq({"original": second}, 31)
    throttled = MediaIndex(refresh_seconds=3600)
    throttled.ensure(session)
    actions.do_enable_hash(session, owner, row)
    throttled.ensure(session)  # within the refresh period: not yet
    assert row.id not in throttled.search_pdq({"original": second}, 31)
    throttled.refresh_now(session)
    assert row.id in throttled.search_pdq({"original": second}, 31)


def test_actions_write_audit_and_outbox_and_refuse_bad_input(session: Session, net: Net) -> None:
    owner = net.user("MA", Role.ANALYST).actor
    before = counts(session)
    bank = actions.do_create_bank(session, owner, BankIn(name="MA instructional", labels=["instructional"]))
    rows, dup = actions.do_add_hashes(
        session,
        owner,
        bank,
        [
            HashIn(signal_type="pdq", signal=hash_image(jpeg(52)).pdq),
            HashIn(signal_type="pdq", signal=hash_image(jpeg(52)).pdq),
        ],
    )
    assert len(rows) == 1 and dup == 1
    after = counts(session)
    assert after[0] - before[0] == 2 and after[1] - before[1] == 2
    with pytest.raises(ValidationFailed):
        actions.do_add_hashes(session, owner, bank, [HashIn(signal_type="pdq", signal="g" * 64)])
    assert counts(session) == after
    probe = service.probe_from_hash("pdq", rows[0].signal)  # type: ignore[arg-type]
    found = service.find_matches(session, net.user("EG", Role.FRONTLINE_OFFICER).actor, _built(session), probe)
    assert [f.hash.id for f in found] == [rows[0].id]


def _built(session: Session) -> MediaIndex:
    index = MediaIndex(refresh_seconds=0)
    index.ensure(session)
    return index
