"""The live feed's event types: each outbox topic maps to a visibility rule and a rendered line.

To add an event type, register a ``FeedRule`` in ``RULES``: ``visible(actor, payload)`` decides on the
server who receives it (default deny), ``render(payload, _)`` returns the line in the reader's language.
Lines carry no personal data (types, references, countries): the records they link to are read, and
audited, on their own pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from manara.live import rules
from manara.member.roles import Actor
from manara.web.render import N_

Gettext = Callable[[str], str]
URGENT_TYPES = frozenset({"red", "yellow", "orange", "diffusion"})
TYPE_LABELS = {"red": N_("Red notice"), "yellow": N_("Yellow notice"), "blue": N_("Blue notice"),
               "black": N_("Black notice"), "green": N_("Green notice"), "orange": N_("Orange notice"),
               "purple": N_("Purple notice"), "un_special": N_("UN special notice"), "diffusion": N_("Diffusion"),
               "document": N_("Travel document")}  # fmt: skip


@dataclass(frozen=True)
class FeedLine:
    """One rendered feed entry: its text, a link, and a level (``urgent``, ``escalated`` or ``info``)."""

    text: str
    href: str | None
    level: str


@dataclass(frozen=True)
class FeedRule:
    """How an outbox topic appears in the feed, and to whom."""

    visible: Callable[[Actor, dict[str, Any]], bool]
    render: Callable[[dict[str, Any], Gettext], FeedLine]


def _kind(payload: dict[str, Any], _: Gettext, key: str = "notice_type") -> str:
    value = str(payload.get(key, ""))
    return _(TYPE_LABELS[value]) if value in TYPE_LABELS else value


def _args(payload: dict[str, Any], _: Gettext, key: str = "notice_type") -> dict[str, str]:
    return {"type": _kind(payload, _, key), "owner": str(payload.get("owner", "")),
            "querying": str(payload.get("querying", "")), "reference": str(payload.get("reference", ""))}  # fmt: skip


def _hit_line(msgid: str, level: str) -> Callable[[dict[str, Any], Gettext], FeedLine]:
    def render(payload: dict[str, Any], _: Gettext) -> FeedLine:
        return FeedLine(_(msgid) % _args(payload, _), f"/console/hits#hit-{payload.get('id', '')}", level)

    return render


def _notice_line(msgid: str, level: str) -> Callable[[dict[str, Any], Gettext], FeedLine]:
    def render(payload: dict[str, Any], _: Gettext) -> FeedLine:
        return FeedLine(_(msgid) % _args(payload, _, "type"), f"/console/notices/{payload.get('id', '')}", level)

    return render


def _case_line(msgid: str, level: str) -> Callable[[dict[str, Any], Gettext], FeedLine]:
    def render(payload: dict[str, Any], _: Gettext) -> FeedLine:
        case_id = payload.get("case_id", payload.get("id", ""))
        return FeedLine(_(msgid) % {"reference": str(payload.get("reference", ""))}, f"/console/cases/{case_id}",
                        level)  # fmt: skip

    return render


def _urgent_published(actor: Actor, payload: dict[str, Any]) -> bool:
    return payload.get("type") in URGENT_TYPES and rules.notice_published_scope(actor, payload)


def _submitted(actor: Actor, payload: dict[str, Any]) -> bool:
    """Reviewers and the owner; a diffusion (published at once, under review) also reaches its recipients."""
    return rules.notice_review_parties(actor, payload) or _urgent_published(actor, payload)


def _acknowledged(payload: dict[str, Any], _: Gettext) -> FeedLine:
    args = {"user": str(payload.get("username", "")), "reference": str(payload.get("reference", ""))}
    return FeedLine(_("%(user)s acknowledged %(reference)s") % args, payload.get("href"), "info")


RULES: dict[str, FeedRule] = {
    "hit.raised": FeedRule(rules.hit_parties, _hit_line(N_("New hit on a %(type)s of %(owner)s, raised by "
                                                           "%(querying)s"), "urgent")),
    "hit.acknowledged": FeedRule(rules.hit_parties, _hit_line(N_("%(owner)s acknowledged a hit on a %(type)s "
                                                                 "raised by %(querying)s"), "info")),
    "hit.judged": FeedRule(rules.hit_parties, _hit_line(N_("%(owner)s answered a hit on a %(type)s raised by "
                                                           "%(querying)s"), "info")),
    "hit.escalated": FeedRule(rules.hit_parties, _hit_line(N_("Overdue: hit on a %(type)s of %(owner)s raised by "
                                                              "%(querying)s is unanswered"), "escalated")),
    "notice.approved": FeedRule(_urgent_published, _notice_line(N_("%(type)s %(reference)s published by "
                                                                   "%(owner)s"), "urgent")),
    "notice.submitted": FeedRule(_submitted, _notice_line(N_("%(type)s %(reference)s of "
                                                                              "%(owner)s awaits review"), "info")),
    "notice.refused": FeedRule(rules.notice_owner, _notice_line(N_("%(type)s %(reference)s was refused by "
                                                                   "review"), "info")),
    "notice.escalated": FeedRule(rules.notice_review_parties, _notice_line(N_("Overdue: review of %(type)s "
                                                                              "%(reference)s of %(owner)s"),
                                                                           "escalated")),
    "case.message_posted": FeedRule(rules.case_participants, _case_line(N_("New message in case %(reference)s"),
                                                                        "info")),
    "case.escalated": FeedRule(rules.case_participants, _case_line(N_("Overdue: case %(reference)s awaits a "
                                                                      "first response"), "escalated")),
    "queue.acknowledged": FeedRule(rules.same_country, _acknowledged),
}  # fmt: skip
TOPICS = tuple(RULES)


def render_for(actor: Actor, topic: str, payload: dict[str, Any], _: Gettext) -> FeedLine | None:
    """Return the line of an event for ``actor``, or None when the actor may not see it (or it is not fed)."""
    rule = RULES.get(topic)
    if rule is None or not rule.visible(actor, payload):
        return None
    return rule.render(payload, _)
