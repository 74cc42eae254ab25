"""Index snapshots: a run from a snapshot indexes exactly what a run from the database does."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from analysis.helpers import ftm, put, xref
from conftest import Net, person
from manara.analysis.run import build_index
from manara.analysis.snapshot import FORMAT
from manara.analysis.xref import XrefIndex
from manara.identity import Role


def summary(index: XrefIndex) -> tuple[object, ...]:
    keys = {k: sorted(v) for k, v in index.by_key.items() if v}
    names = {k: sorted(v) for k, v in index.by_org_name.items() if v}
    return set(index.nodes.values()), keys, names, sorted(r.id for r in index.matcher.records())


def test_snapshot_then_changes_equals_a_fresh_build(session: Session, net: Net, tmp_path: Path) -> None:
    ma, fr = net.user("MA", Role.ANALYST).actor, net.user("FR", Role.ANALYST).actor
    put(session, ma, person("k1", "Karim Benali", phone="+212661234567"), visibility="all")
    gone = put(session, ma, person("k2", "Samira Benali"))
    put(session, fr, ftm("o1", "Company", name="Atlas Trading SARL"), visibility="all")
    path = tmp_path / "xref.snapshot"
    first = build_index(session, snapshot=path)
    assert path.exists() and (tmp_path / "xref.snapshot.matcher").exists() and len(first) == 3
    put(session, ma, person("k1", "Karim Benali", phone="+212661000000"), visibility="all")  # changed
    put(session, fr, person("k9", "كريم بنعلي", birthDate="1985-04-12"))  # new
    gone.status = "expired"
    session.commit()
    warm = build_index(session, snapshot=path)
    cold = build_index(session)
    assert summary(warm) == summary(cold)
    assert ("phone", "+212661000000") in warm.by_key and not warm.by_key.get(("phone", "+212661234567"))
    assert gone.id not in warm.nodes


def test_runs_with_a_snapshot_find_the_same_links(session: Session, net: Net, tmp_path: Path) -> None:
    ma, fr = net.user("MA", Role.ANALYST).actor, net.user("FR", Role.ANALYST).actor
    put(session, ma, person("k1", "Karim Benali", birthDate="1985-04-12", nationality="ma"))
    path = tmp_path / "xref.snapshot"
    assert xref(session, snapshot=path).links == 0
    put(session, fr, person("k9", "Karim Benali", birthDate="1985-04-12", nationality="ma"), visibility="all")
    assert xref(session, snapshot=path).links == 1


def test_a_snapshot_of_another_version_is_rebuilt(session: Session, net: Net, tmp_path: Path) -> None:
    put(session, net.user("MA", Role.ANALYST).actor, person("k1", "Karim Benali"))
    path = tmp_path / "xref.snapshot"
    path.write_text('{"format": "something-else"}\n')
    assert len(build_index(session, snapshot=path)) == 1
    assert path.read_text().startswith(f'{{"format":"{FORMAT}"')
