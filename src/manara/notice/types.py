"""The notice types and what Manara knows of each: one registry, read by every layer above.

``NOTICE_TYPES`` holds one ``NoticeTypeInfo`` per ``NoticeType``: the letter of its references, the colour
of its badge, its urgency, the particulars it carries and requires, the default time the owner has to
answer a hit on it, and its English label. The submission checks, the reference generator, hit deadlines,
the screening advice, the live feed, the console (labels, badge colours, the form) and the demo data all
read it. Adding a type: a ``NoticeType`` member, its entry here (``tests/notice/test_types.py`` fails
without one), and the translations of its label in ``web/translations``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from manara.text import N_


class NoticeType(StrEnum):
    """INTERPOL's notice colours, the UN special notice and the diffusion."""

    RED = "red"
    YELLOW = "yellow"
    BLUE = "blue"
    BLACK = "black"
    GREEN = "green"
    ORANGE = "orange"
    PURPLE = "purple"
    UN_SPECIAL = "un_special"
    DIFFUSION = "diffusion"


class Urgency(StrEnum):
    """How fast a type calls for action, wherever Manara tells: one rule for the whole application.

    ``URGENT``: the publication reaches the live feed of every recipient, and a screening match is
    announced "URGENT" to the officer. ``ROUTINE``: neither. How fast the owner must answer a hit is the
    finer, per-type ``hit_deadline`` (urgent types: within the hour).
    """

    URGENT = "urgent"
    ROUTINE = "routine"


@dataclass(frozen=True)
class NoticeTypeInfo:
    """The facts of one notice type.

    ``required_fields``: what submission requires (``subject``: the subject record; the others: keys of
    ``Notice.details``). ``detail_fields``: the particulars the type carries, which the console form shows
    for it (its required details among them).
    """

    type: NoticeType
    code: str  # the letter of its references: MA-R-2026-7F3A9C
    colour: str  # CSS hex of its badge
    colour_name: str
    urgency: Urgency
    required_fields: tuple[str, ...]
    detail_fields: tuple[str, ...]
    hit_deadline: timedelta  # default; MANARA_HIT_DEADLINE_MINUTES overrides it per type
    label: str  # English; the console translates it
    published_on_submit: bool = False  # published at once and reviewed afterwards (a diffusion), not before


_CHARGES = (
    "offence",
    "facts",
    "legal_provision",
    "max_penalty_years",
    "max_penalty_life",
    "warrant_reference",
    "warrant_date",
    "issuing_authority",
    "extradition_countries",
)
_REQUEST = ("requested_action", "purpose")
_WARNINGS = ("criminal_activity", "threat", "modus_operandi")

NOTICE_TYPES: dict[NoticeType, NoticeTypeInfo] = {
    info.type: info
    for info in (
        NoticeTypeInfo(
            type=NoticeType.RED,
            code="R",
            colour="#b00020",
            colour_name="red",
            urgency=Urgency.URGENT,
            required_fields=(
                "subject",
                "offence",
                "facts",
                "legal_provision",
                "warrant_reference",
                "issuing_authority",
                "extradition_countries",
            ),
            detail_fields=_CHARGES,
            hit_deadline=timedelta(minutes=30),
            label=N_("Red notice"),
        ),
        NoticeTypeInfo(
            type=NoticeType.YELLOW,
            code="Y",
            colour="#f2c500",
            colour_name="yellow",
            urgency=Urgency.URGENT,
            required_fields=("subject", "disappearance_date", "disappearance_place"),
            detail_fields=("disappearance_date", "disappearance_place"),
            hit_deadline=timedelta(minutes=60),
            label=N_("Yellow notice"),
        ),
        NoticeTypeInfo(
            type=NoticeType.BLUE,
            code="B",
            colour="#0b4fa3",
            colour_name="blue",
            urgency=Urgency.ROUTINE,
            required_fields=("subject", "facts", "requested_action"),
            detail_fields=(*_CHARGES, *_REQUEST),
            hit_deadline=timedelta(minutes=240),
            label=N_("Blue notice"),
        ),
        NoticeTypeInfo(
            type=NoticeType.BLACK,
            code="K",
            colour="#111111",
            colour_name="black",
            urgency=Urgency.ROUTINE,
            required_fields=("found_date", "found_place"),
            detail_fields=("found_date", "found_place"),
            hit_deadline=timedelta(minutes=240),
            label=N_("Black notice"),
        ),
        NoticeTypeInfo(
            type=NoticeType.GREEN,
            code="G",
            colour="#1b6e34",
            colour_name="green",
            urgency=Urgency.ROUTINE,
            required_fields=("subject", "criminal_activity"),
            detail_fields=_WARNINGS,
            hit_deadline=timedelta(minutes=480),
            label=N_("Green notice"),
        ),
        NoticeTypeInfo(
            type=NoticeType.ORANGE,
            code="O",
            colour="#a84300",
            colour_name="orange",
            urgency=Urgency.URGENT,
            required_fields=("threat",),
            detail_fields=_WARNINGS,
            hit_deadline=timedelta(minutes=60),
            label=N_("Orange notice"),
        ),
        NoticeTypeInfo(
            type=NoticeType.PURPLE,
            code="P",
            colour="#5b2a86",
            colour_name="purple",
            urgency=Urgency.ROUTINE,
            required_fields=("modus_operandi",),
            detail_fields=_WARNINGS,
            hit_deadline=timedelta(minutes=480),
            label=N_("Purple notice"),
        ),
        NoticeTypeInfo(
            type=NoticeType.UN_SPECIAL,
            code="U",
            colour="#5b92e5",
            colour_name="UN blue",
            urgency=Urgency.ROUTINE,
            required_fields=("subject", "un_committee", "un_reference"),
            detail_fields=("un_committee", "un_reference"),
            hit_deadline=timedelta(minutes=120),
            label=N_("UN special notice"),
        ),
        NoticeTypeInfo(
            type=NoticeType.DIFFUSION,
            code="D",
            colour="#e6e6e6",
            colour_name="grey",
            urgency=Urgency.URGENT,
            required_fields=("subject", "purpose"),
            detail_fields=(*_CHARGES, *_REQUEST),
            hit_deadline=timedelta(minutes=30),
            label=N_("Diffusion"),
            published_on_submit=True,
        ),
    )
}


def type_info(ntype: str) -> NoticeTypeInfo | None:
    """Return the facts of a notice type, or None for a value that is not one (``document``, ``biometric``)."""
    try:
        return NOTICE_TYPES[NoticeType(ntype)]
    except ValueError:
        return None


def is_urgent(ntype: str) -> bool:
    """Tell whether a type is urgent (see ``Urgency``); a value that is no notice type is not."""
    info = type_info(ntype)
    return info is not None and info.urgency is Urgency.URGENT


def required_fields(ntype: str) -> tuple[str, ...]:
    """Return the fields submission requires of a notice of this type (ValueError for an unknown type)."""
    return NOTICE_TYPES[NoticeType(ntype)].required_fields


def type_code(ntype: str) -> str:
    """Return the letter of a type in notice references (ValueError for an unknown type)."""
    return NOTICE_TYPES[NoticeType(ntype)].code


def published_on_submit(ntype: str) -> bool:
    """Tell whether a type is published at once on submission and reviewed afterwards (a diffusion)."""
    info = type_info(ntype)
    return info is not None and info.published_on_submit
