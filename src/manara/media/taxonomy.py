"""The labels a bank or a hash may carry: the GIFCT hash-sharing database's behaviour categories, plus
``other_illegal`` for material a member's law makes illegal outside the GIFCT scope (docs/media.md). The
console shows them translated (templates/console/media/_labels.html)."""

from __future__ import annotations

LABELS: dict[str, str] = {
    "attack_footage": "Attack footage (perpetrator-produced)",
    "attacker_manifesto": "Attacker manifesto",
    "imminent_threat": "Imminent credible threat",
    "graphic_violence": "Graphic violence against defenceless people",
    "glorification": "Glorification of terrorist acts",
    "propaganda": "Propaganda of a designated organisation",
    "recruitment": "Recruitment",
    "instructional": "Instructional material (weapons, explosives, attack planning)",
    "other_illegal": "Other illegal material",
}
