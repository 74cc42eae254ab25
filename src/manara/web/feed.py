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

from manara.identity import Actor
from manara.live import access as rules
from manara.notice.types import is_urgent
from manara.text import N_
from manara.web.notice_types import TYPE_LABELS

Gettext = Callable[[str], str]
PRIORITY_LABELS = {
    "low": N_("Low priority"),
    "normal": N_("Normal priority"),
    "high": N_("High priority"),
    "urgent": N_("Urgent"),
}


@dataclass(frozen=True)
class FeedLine:
    """One rendered feed entry: its text, a link, and a level (``urgent``, ``escalated`` or ``info``)."""

    text: str
    href: str | None
    level: str


@dataclass(frozen=True)
class FeedRule:
    """How an outbox topic appears in the feed, and to whom.

    ``addressed``: the action wrote one outbox row per member that should hear of it (``outbox_event.country``,
    as every ``case.*`` event): only users of that member may see the row, then ``visible`` decides among them.
    """

    visible: Callable[[Actor, dict[str, Any]], bool]
    render: Callable[[dict[str, Any], Gettext], FeedLine]
    addressed: bool = False


def _kind(payload: dict[str, Any], _: Gettext, key: str = "notice_type") -> str:
    value = str(payload.get(key, ""))
    return _(TYPE_LABELS[value]) if value in TYPE_LABELS else value


def _args(payload: dict[str, Any], _: Gettext, key: str = "notice_type") -> dict[str, str]:
    return {
        "type": _kind(payload, _, key),
        "owner": str(payload.get("owner", "")),
        "querying": str(payload.get("querying", "")),
        "reference": str(payload.get("reference", "")),
    }


def _hit_line(msgid: str, level: str) -> Callable[[dict[str, Any], Gettext], FeedLine]:
    def render(payload: dict[str, Any], _: Gettext) -> FeedLine:
        return FeedLine(_(msgid) % _args(payload, _), f"/console/hits#hit-{payload.get('id', '')}", level)

    return render


def _notice_line(msgid: str, level: str) -> Callable[[dict[str, Any], Gettext], FeedLine]:
    def render(payload: dict[str, Any], _: Gettext) -> FeedLine:
        return FeedLine(_(msgid) % _args(payload, _, "type"), f"/console/notices/{payload.get('id', '')}", level)

    return render


def _case_args(payload: dict[str, Any], _: Gettext) -> dict[str, str]:
    priority = str(payload.get("priority", ""))
    due = str(payload.get("due_at") or "")
    return {
        "priority": _(PRIORITY_LABELS[priority]) if priority in PRIORITY_LABELS else priority,
        "country": str(payload.get("author_country") or payload.get("country") or ""),
        "due": f"{due[:10]} {due[11:16]} UTC" if len(due) >= 16 else due,
    }


def _case_line(msgid: str, level: str) -> Callable[[dict[str, Any], Gettext], FeedLine]:
    def render(payload: dict[str, Any], _: Gettext) -> FeedLine:
        return FeedLine(_(msgid) % _case_args(payload, _), f"/console/cases/{payload.get('case_id', '')}", level)

    return render


def _urgent_published(actor: Actor, payload: dict[str, Any]) -> bool:
    """The distribution of a published notice of an urgent type (the registry's ``Urgency``)."""
    return is_urgent(str(payload.get("type", ""))) and rules.notice_published_scope(actor, payload)


def _submitted(actor: Actor, payload: dict[str, Any]) -> bool:
    """Reviewers and the owner; a diffusion (published at once, under review) also reaches its recipients."""
    return rules.notice_review_parties(actor, payload) or _urgent_published(actor, payload)


def _acknowledged(payload: dict[str, Any], _: Gettext) -> FeedLine:
    args = {"user": str(payload.get("username", "")), "reference": str(payload.get("reference", ""))}
    return FeedLine(_("%(user)s acknowledged %(reference)s") % args, payload.get("href"), "info")


def _drone_breach(payload: dict[str, Any], _: Gettext) -> FeedLine:
    args = {k: str(payload.get(v) or "") for k, v in (("uas", "uas_id"), ("zone", "zone_name"), ("owner", "owner"))}
    text = _("Drone %(uas)s entered the zone %(zone)s of %(owner)s") % args
    return FeedLine(text, f"/console/drones/incidents/{payload.get('id', '')}", "urgent")


PURSUIT_STATES = {
    "wanted": N_("Wanted"),
    "location_suspected": N_("Location suspected"),
    "located": N_("Located"),
    "provisional_arrest": N_("Provisional arrest"),
    "extradition_requested": N_("Extradition requested"),
    "granted": N_("Extradition granted"),
    "refused": N_("Extradition refused"),
    "appeal": N_("Decision under appeal"),
    "surrendered": N_("Surrendered"),
    "released": N_("Released"),
    "withdrawn": N_("Withdrawn"),
}
TARGET_STATUSES = {
    "sought": N_("Sought"),
    "located": N_("Located"),
    "arrested": N_("Arrested"),
    "not_located": N_("Not located"),
    "cancelled": N_("Cancelled"),
}


def _pursuit_line(msgid: str, level: str) -> Callable[[dict[str, Any], Gettext], FeedLine]:
    def render(payload: dict[str, Any], _: Gettext) -> FeedLine:
        state = str(payload.get("state", ""))
        args = {
            "reference": str(payload.get("reference", "")),
            "owner": str(payload.get("owner", "")),
            "country": str(payload.get("country") or payload.get("located_by") or ""),
            "state": _(PURSUIT_STATES[state]) if state in PURSUIT_STATES else state,
        }
        return FeedLine(_(msgid) % args, f"/console/pursuits/{payload.get('pursuit_id', '')}", level)

    return render


def _operation_line(msgid: str, level: str) -> Callable[[dict[str, Any], Gettext], FeedLine]:
    def render(payload: dict[str, Any], _: Gettext) -> FeedLine:
        status = str(payload.get("status", ""))
        args = {
            "code": str(payload.get("code", "")),
            "owner": str(payload.get("owner", "")),
            "country": str(payload.get("country", "")),
            "status": _(TARGET_STATUSES[status]) if status in TARGET_STATUSES else status,
        }
        return FeedLine(_(msgid) % args, f"/console/operations/{payload.get('operation_id', '')}", level)

    return render


def _tip_line(msgid: str, level: str) -> Callable[[dict[str, Any], Gettext], FeedLine]:
    def render(payload: dict[str, Any], _: Gettext) -> FeedLine:
        return FeedLine(_(msgid), f"/console/pursuits/tips#tip-{payload.get('tip_id', '')}", level)

    return render


RULES: dict[str, FeedRule] = {
    "hit.raised": FeedRule(
        rules.hit_parties, _hit_line(N_("New hit on a %(type)s of %(owner)s, raised by %(querying)s"), "urgent")
    ),
    "hit.acknowledged": FeedRule(
        rules.hit_parties, _hit_line(N_("%(owner)s acknowledged a hit on a %(type)s raised by %(querying)s"), "info")
    ),
    "hit.judged": FeedRule(
        rules.hit_parties, _hit_line(N_("%(owner)s answered a hit on a %(type)s raised by %(querying)s"), "info")
    ),
    "hit.escalated": FeedRule(
        rules.hit_parties,
        _hit_line(N_("Overdue: hit on a %(type)s of %(owner)s raised by %(querying)s is unanswered"), "escalated"),
    ),
    "notice.approved": FeedRule(
        _urgent_published, _notice_line(N_("%(type)s %(reference)s published by %(owner)s"), "urgent")
    ),
    "notice.submitted": FeedRule(
        _submitted, _notice_line(N_("%(type)s %(reference)s of %(owner)s awaits review"), "info")
    ),
    "notice.refused": FeedRule(
        rules.notice_owner, _notice_line(N_("%(type)s %(reference)s was refused by review"), "info")
    ),
    "notice.escalated": FeedRule(
        rules.notice_review_parties,
        _notice_line(N_("Overdue: review of %(type)s %(reference)s of %(owner)s"), "escalated"),
    ),
    "case.invited": FeedRule(
        rules.case_reader,
        _case_line(N_("Invitation to a case (%(priority)s): first response due %(due)s"), "urgent"),
        addressed=True,
    ),
    "case.accepted": FeedRule(
        rules.case_reader, _case_line(N_("%(country)s accepted a case invitation"), "info"), addressed=True
    ),
    "case.message_posted": FeedRule(
        rules.case_reader, _case_line(N_("%(country)s posted a message in a case"), "info"), addressed=True
    ),
    "case.task_assigned": FeedRule(
        rules.case_task_assignee, _case_line(N_("A case task was assigned to you"), "info"), addressed=True
    ),
    "case.closed": FeedRule(rules.case_reader, _case_line(N_("A case was closed"), "info"), addressed=True),
    "case.escalated": FeedRule(
        rules.case_reader,
        _case_line(N_("Overdue: a case (%(priority)s) awaits a first response"), "escalated"),
        addressed=True,
    ),
    "queue.acknowledged": FeedRule(rules.same_country, _acknowledged),
    "drone.breach": FeedRule(rules.drone_incident_audience, _drone_breach),
    "pursuit.opened": FeedRule(
        rules.pursuit_party, _pursuit_line(N_("Pursuit of %(reference)s opened by %(owner)s"), "info"), addressed=True
    ),
    "pursuit.stepped": FeedRule(
        rules.pursuit_party,
        _pursuit_line(N_("Pursuit of %(reference)s: %(state)s (%(country)s)"), "info"),
        addressed=True,
    ),
    "pursuit.decided": FeedRule(
        rules.pursuit_party,
        _pursuit_line(N_("Extradition decision on %(reference)s: %(state)s"), "urgent"),
        addressed=True,
    ),
    "pursuit.sighting": FeedRule(
        rules.pursuit_party, _pursuit_line(N_("New sighting in %(country)s for %(reference)s"), "info"), addressed=True
    ),
    "pursuit.document": FeedRule(
        rules.pursuit_party, _pursuit_line(N_("Document added to the pursuit of %(reference)s"), "info"), addressed=True
    ),
    "pursuit.escalated": FeedRule(
        rules.pursuit_party,
        _pursuit_line(N_("Overdue: the provisional arrest on %(reference)s lapsed without a request"), "escalated"),
        addressed=True,
    ),
    "operation.created": FeedRule(
        rules.operation_participant,
        _operation_line(N_("Operation %(code)s started by %(owner)s"), "info"),
        addressed=True,
    ),
    "operation.target_updated": FeedRule(
        rules.operation_participant,
        _operation_line(N_("Operation %(code)s: a target of %(country)s is now %(status)s"), "info"),
        addressed=True,
    ),
    "appeal.tip": FeedRule(rules.appeal_owner, _tip_line(N_("New public tip on an appeal"), "urgent"), addressed=True),
    "appeal.escalated": FeedRule(
        rules.appeal_owner, _tip_line(N_("Overdue: a public tip awaits your desk"), "escalated"), addressed=True
    ),
}
TOPICS = tuple(RULES)


def render_for(
    actor: Actor, topic: str, payload: dict[str, Any], _: Gettext, *, address: str | None = None
) -> FeedLine | None:
    """Return the line of an event for ``actor``, or None when the actor may not see it (or it is not fed).

    ``address`` is the event's ``outbox_event.country``; an addressed rule's event without one reaches nobody.
    """
    rule = RULES.get(topic)
    if rule is None or (rule.addressed and (address is None or address != actor.country)):
        return None
    if not rule.visible(actor, payload):
        return None
    return rule.render(payload, _)
