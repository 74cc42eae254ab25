"""Traffic Light Protocol 2.0 (FIRST, 2022): the one handling marking of every Manara record that carries one.

A marking is a handling instruction to the people who receive a record, shown on every page that shows the
record; it is not an access rule (who may see a record is `manara.visibility`'s business). Two levels also
bound where a record may travel: TLP:AMBER+STRICT and TLP:RED never leave the owning member through an export
or a feed to a system outside Manara (``may_leave_owner``).
"""

from __future__ import annotations

from enum import StrEnum


class Tlp(StrEnum):
    """A TLP 2.0 level, from the least to the most restricted."""

    CLEAR = "clear"
    GREEN = "green"
    AMBER = "amber"
    AMBER_STRICT = "amber+strict"
    RED = "red"

    @property
    def label(self) -> str:
        """The marking as FIRST writes it (``TLP:AMBER+STRICT``); the same in every language."""
        return f"TLP:{self.value.upper()}"

    @property
    def rank(self) -> int:
        """0 for CLEAR up to 4 for RED: a record marked higher is handled more strictly."""
        return list(Tlp).index(self)


TLP_VALUES: tuple[str, ...] = tuple(t.value for t in Tlp)

# The official STIX 2.1 marking-definition ids of TLP 2.0 (OASIS CTI TC, "TLP 2.0 marking definitions"); the
# stix2 library ships only the TLP 1.0 set, so exporters take these.
STIX_MARKING_IDS: dict[Tlp, str] = {
    Tlp.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    Tlp.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    Tlp.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    Tlp.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    Tlp.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}


def may_leave_owner(tlp: str) -> bool:
    """Tell whether a record with this marking may be exported or fed outside its owning member."""
    return Tlp(tlp) not in (Tlp.AMBER_STRICT, Tlp.RED)


def strictest(levels: list[str]) -> Tlp:
    """The most restrictive of several markings (a report built from records takes at least the strictest)."""
    return max((Tlp(v) for v in levels), key=lambda t: t.rank, default=Tlp.CLEAR)
