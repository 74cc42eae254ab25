"""Organisations match by name without legal form, across scripts, besides identifiers."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.helpers import ftm, put, xref
from conftest import Net
from manara.analysis.models import SuggestedLink
from manara.analysis.orgs import org_name_key, org_name_keys
from manara.identity import Role


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Atlas Trading SARL", "ATLAS TRADING S.A.R.L."),
        ("Atlas Trading SARL", "Atlas Trading Société à responsabilité limitée"),
        ("Siemens Aktiengesellschaft", "SIEMENS AG"),
        ("ООО Ромашка Экспорт", "Romashka Eksport OOO"),
        ("Al Noor Trading LLC", "Trading Al-Noor L.L.C."),
    ],
)
def test_same_key(a: str, b: str) -> None:
    assert org_name_key(a) == org_name_key(b) is not None


def test_different_or_too_short() -> None:
    assert org_name_key("Atlas Trading SARL") != org_name_key("Atlas Logistics SARL")
    assert org_name_key("ABC Ltd") is None  # too little left once the legal form is gone
    assert org_name_keys("Person", {"name": ["Atlas Trading SARL"]}) == set()


def test_organisations_pair_by_name_scored_by_country(session: Session, net: Net) -> None:
    ma, fr, eg = (net.user(c, Role.ANALYST).actor for c in ("MA", "FR", "EG"))
    a = put(session, ma, ftm("o1", "Company", name="Atlas Trading SARL", jurisdiction="ma"), visibility="all")
    b = put(session, fr, ftm("o2", "Organization", name="ATLAS TRADING S.A.R.L.", country="ma"))
    c = put(session, eg, ftm("o3", "Company", name="Atlas Trading LLC", jurisdiction="eg"))
    put(session, fr, ftm("o4", "Company", name="Atlas Logistics SARL", jurisdiction="ma"))
    put(session, ma, ftm("o5", "Company", name="Atlas Trading", jurisdiction="ma"))  # same owner as o1: never
    xref(session)
    got = {frozenset((x.left_pk, x.right_pk)): x for x in session.scalars(select(SuggestedLink))}
    ab, ac = frozenset((a.id, b.id)), frozenset((a.id, c.id))
    assert ab in got and ac in got
    assert got[ab].kind == "organization" and got[ab].score == 0.9 and got[ab].features["country_mismatch"] == 0
    assert got[ac].score == 0.7 and got[ac].features["country_mismatch"] == 1.0  # a namesake abroad
    assert "atlas trading" in got[ab].explanation
    assert all(a.id in pair or b.id in pair for pair in got)  # b and c see neither the other nor o4 pairs
