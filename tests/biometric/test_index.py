"""The biometric index past the exact-search size: IVF keeps visibility, removal and snapshots right.

Vectors are random 128-d templates drawn here (no images), so the approximate path runs in a unit test:
``MANARA_BIOMETRIC_ANN_MIN`` is lowered to 500 so a 2,000-template gallery becomes IVF.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from manara import snapshot_trust
from manara.biometric.index import BiometricIndex, Entry, search_params, visibility_selector
from manara.settings import get_settings
from manara.snapshot_trust import UntrustedSnapshot

ENGINE = ("test-engine", "1")
FINGER = ("test-minutiae", "1")


@pytest.fixture
def small_ann(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("MANARA_BIOMETRIC_ANN_MIN", "500")
    monkeypatch.setenv("MANARA_BIOMETRIC_ANN_NPROBE", "4")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def entry(n: int, owner: str, visibility: str) -> Entry:
    return Entry(
        template_id=f"t{n}",
        engine=ENGINE,
        owner=owner,
        visibility=visibility,
        shared_with=(),
        subject_pk=f"s{n}",
        subject_status="active",
        subject_visibility=visibility,
        subject_shared_with=(),
        notice_id=None,
    )


def gallery(size: int, hidden: set[int]) -> tuple[BiometricIndex, np.ndarray]:
    """Index ``size`` random templates: those in ``hidden`` are EG's own (owner only), the rest FR's (all)."""
    vectors = np.random.default_rng(3).normal(0, 0.1, size=(size, 128)).astype(np.float32)
    index = BiometricIndex()
    for n, vector in enumerate(vectors):
        index.put(*((entry(n, "EG", "owner"), vector) if n in hidden else (entry(n, "FR", "all"), vector)))
    return index, vectors


def test_large_gallery_turns_approximate_and_hides_what_one_may_not_see(small_ann: None) -> None:
    hidden = set(range(0, 2000, 2))
    index, vectors = gallery(2000, hidden)
    assert index.galleries[ENGINE].approximate
    for n in (0, 2, 500, 1998):  # each probe is exactly a hidden template: the nearest of all
        ma = index.search(ENGINE, "MA", vectors[n], 20)
        assert len(ma) == 20 and all(e.owner == "FR" for e, _ in ma)
        eg = index.search(ENGINE, "EG", vectors[n], 1)
        assert eg[0][0].template_id == f"t{n}" and eg[0][1] == pytest.approx(0.0, abs=1e-5)
    assert index.visible_count(ENGINE, "MA") == 1000


def test_the_bitmap_selector_admits_exactly_the_allowed_ids() -> None:
    import faiss

    vectors = np.random.default_rng(5).normal(0, 0.1, size=(300, 16)).astype(np.float32)
    flat = faiss.IndexIDMap2(faiss.IndexFlatL2(16))
    flat.add_with_ids(vectors, np.arange(1, 301, dtype=np.int64))  # ids 1..300, like the index's internal ids
    allowed = np.array([3, 8, 9, 17, 64, 250], dtype=np.int64)  # 300 (past the bitmap's last byte) is not
    selector, _bits = visibility_selector(allowed)
    for probe in (vectors[299], vectors[0], vectors[63]):  # ids 300, 1, 64: two of them forbidden and nearest
        _, ids = flat.search(probe.reshape(1, -1), 300, params=search_params(flat, selector, 1))
        assert sorted(int(i) for i in ids[0] if i >= 0) == allowed.tolist()
    empty, _none = visibility_selector(np.array([], dtype=np.int64))
    _, ids = flat.search(vectors[:1], 5, params=search_params(flat, empty, 1))
    assert (ids < 0).all()


def test_a_sparse_visible_set_is_searched_completely(small_ann: None) -> None:
    visible = set(range(0, 2000, 250))  # 8 of 2,000 visible to MA: scattered over many cells
    index, vectors = gallery(2000, set(range(2000)) - visible)
    found = index.search(ENGINE, "MA", vectors[1], 20)
    assert sorted(e.template_id for e, _ in found) == sorted(f"t{n}" for n in visible)


def test_removal_and_snapshot_round_trip(small_ann: None, tmp_path: Path) -> None:
    index, vectors = gallery(1000, set())
    index.drop("t5")
    assert all(e.template_id != "t5" for e, _ in index.search(ENGINE, "MA", vectors[5], 10))
    index.save(tmp_path / "snap")
    copy = BiometricIndex()
    copy.load(tmp_path / "snap")
    assert copy.built and len(copy) == 999 and copy.galleries[ENGINE].approximate
    for n in (1, 7, 900):
        assert [(e.template_id, round(d, 4)) for e, d in copy.search(ENGINE, "MA", vectors[n], 5)] == [
            (e.template_id, round(d, 4)) for e, d in index.search(ENGINE, "MA", vectors[n], 5)
        ]
    copy.put(entry(5000, "FR", "all"), vectors[5])  # the loaded index keeps taking updates
    assert copy.search(ENGINE, "MA", vectors[5], 1)[0][0].template_id == "t5000"


def test_unknown_snapshot_format_is_refused(tmp_path: Path) -> None:
    (tmp_path / "templates.json").write_text('{"format": 99}')
    with pytest.raises(ValueError, match="format"):
        BiometricIndex().load(tmp_path)


def finger_entry(n: int, owner: str, visibility: str, position: int) -> Entry:
    return Entry(
        template_id=f"f{n}",
        engine=FINGER,
        owner=owner,
        visibility=visibility,
        shared_with=(),
        subject_pk=f"s{n}",
        subject_status="active",
        subject_visibility=visibility,
        subject_shared_with=(),
        notice_id=None,
        modality="finger",
        finger_position=position,
    )


def test_fingerprints_live_beside_faiss_and_survive_a_snapshot(small_ann: None, tmp_path: Path) -> None:
    index, vectors = gallery(600, set())  # a face gallery past ANN_MIN: IVF
    minutiae = {n: np.arange(8 * (n % 5 + 1), dtype=np.float32) + n for n in range(6)}  # sets of unequal size
    for n, packed in minutiae.items():
        index.put(finger_entry(n, "EG" if n == 3 else "FR", "owner" if n == 3 else "all", n % 3), packed)
    assert FINGER not in index.galleries and index.visible_count(FINGER, "MA") == 5
    assert index.search(FINGER, "MA", minutiae[0], 5) == []  # fingerprints are never ranked by faiss
    index.drop("f5")
    index.save(tmp_path / "snap")
    copy = BiometricIndex()
    copy.load(tmp_path / "snap")
    assert len(copy) == 605 and copy.galleries[ENGINE].approximate
    seen = {e.template_id: (e.finger_position, v.tolist()) for e, v in copy.visible_minutiae(FINGER, "MA")}
    assert seen == {f"f{n}": (n % 3, minutiae[n].tolist()) for n in (0, 1, 2, 4)}  # EG's f3 hidden, f5 dropped
    assert [e.template_id for e, _ in copy.visible_minutiae(FINGER, "EG")].count("f3") == 1
    assert copy.search(ENGINE, "MA", vectors[7], 1)[0][0].template_id == "t7"  # faces unaffected
    copy.drop("f0")  # the loaded index keeps taking removals and updates of both modalities
    copy.put(finger_entry(9, "FR", "all", 2), minutiae[1])
    assert sorted(e.template_id for e, _ in copy.visible_minutiae(FINGER, "MA")) == ["f1", "f2", "f4", "f9"]


def test_a_snapshot_missing_fingerprint_minutiae_is_refused(tmp_path: Path) -> None:
    index = BiometricIndex()
    index.put(finger_entry(1, "FR", "all", 1), np.ones(8, dtype=np.float32))
    index.save(tmp_path)
    (tmp_path / "minutiae-0.npz").unlink()
    with pytest.raises(UntrustedSnapshot, match="removed"):  # the seal no longer matches (tests/security)
        BiometricIndex().load(tmp_path)
    meta = json.loads((tmp_path / "templates.json").read_text())
    meta["minutiae"] = []
    (tmp_path / "templates.json").write_text(json.dumps(meta))
    snapshot_trust.seal(tmp_path)  # sealed as it is now: the structural check still refuses it
    with pytest.raises(ValueError, match="minutiae"):
        BiometricIndex().load(tmp_path)
