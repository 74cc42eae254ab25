"""TLP 2.0 markings: the five levels in order, what may leave the owner, the strictest of several."""

from __future__ import annotations

import pytest

from manara.tlp import STIX_MARKING_IDS, TLP_VALUES, Tlp, may_leave_owner, strictest


def test_the_five_levels_in_order_with_their_labels() -> None:
    assert TLP_VALUES == ("clear", "green", "amber", "amber+strict", "red")
    assert [t.label for t in Tlp] == ["TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"]
    assert len(set(STIX_MARKING_IDS.values())) == 5
    assert all(v.startswith("marking-definition--") for v in STIX_MARKING_IDS.values())


@pytest.mark.parametrize(
    ("tlp", "leaves"), [("clear", True), ("green", True), ("amber", True), ("amber+strict", False), ("red", False)]
)
def test_amber_strict_and_red_never_leave_the_owner(tlp: str, leaves: bool) -> None:
    assert may_leave_owner(tlp) is leaves


def test_strictest_and_unknown_levels() -> None:
    assert strictest(["green", "amber+strict", "amber"]) is Tlp.AMBER_STRICT
    assert strictest([]) is Tlp.CLEAR
    with pytest.raises(ValueError):
        may_leave_owner("white")
