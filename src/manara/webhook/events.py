"""The event types a webhook may subscribe to, each with the live feed's visibility rule (``live/access.py``).

A subscription receives an event only if its member could see it on the live feed: the rule of the topic is
asked about the subscription's actor (``subscriber``: a bureau officer of the member, the widest reading role
of a member's desk, with no user of its own — a case task assigned to a named user never leaves by webhook).
``addressed`` topics (``case.*``) were written once per member that should hear of them (``outbox_event.country``):
only that member's subscriptions receive each copy. ``tests/webhook/test_visibility.py`` checks that every
topic here uses the very rule of the live feed (``web/feed.py: RULES``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from manara.identity import Actor, Role
from manara.live import access as rules
from manara.text import N_


@dataclass(frozen=True)
class EventType:
    """A topic that may leave by webhook: its label, who may see it, and whether it is addressed."""

    label: str
    visible: Callable[[Actor, dict[str, Any]], bool]
    addressed: bool = False


def _published_or_review(actor: Actor, payload: dict[str, Any]) -> bool:
    """A submitted notice: the owner and reviewers; a diffusion published at once: its distribution."""
    return rules.notice_review_parties(actor, payload) or rules.notice_published_scope(actor, payload)


EVENT_TYPES: dict[str, EventType] = {
    "hit.raised": EventType(N_("Hit raised"), rules.hit_parties),
    "hit.acknowledged": EventType(N_("Hit acknowledged"), rules.hit_parties),
    "hit.judged": EventType(N_("Hit answered"), rules.hit_parties),
    "hit.escalated": EventType(N_("Hit overdue"), rules.hit_parties),
    "notice.approved": EventType(N_("Notice published"), rules.notice_published_scope),
    "notice.submitted": EventType(N_("Notice submitted for review"), _published_or_review),
    "notice.refused": EventType(N_("Notice refused by review"), rules.notice_owner),
    "notice.escalated": EventType(N_("Notice review overdue"), rules.notice_review_parties),
    "case.invited": EventType(N_("Case invitation"), rules.case_reader, addressed=True),
    "case.accepted": EventType(N_("Case invitation accepted"), rules.case_reader, addressed=True),
    "case.message_posted": EventType(N_("Case message"), rules.case_reader, addressed=True),
    "case.task_assigned": EventType(N_("Case task assigned"), rules.case_task_assignee, addressed=True),
    "case.closed": EventType(N_("Case closed"), rules.case_reader, addressed=True),
    "case.escalated": EventType(N_("Case response overdue"), rules.case_reader, addressed=True),
    "queue.acknowledged": EventType(N_("Queue item acknowledged"), rules.same_country),
    "drone.breach": EventType(N_("Drone geofence breach"), rules.drone_incident_audience),
}
TOPICS = tuple(EVENT_TYPES)


def subscriber(subscription_id: str, country: str) -> Actor:
    """The actor a subscription reads events as (see the module docstring)."""
    return Actor(user_id=f"webhook:{subscription_id}", username="webhook", country=country, role=Role.BUREAU_OFFICER)


def may_receive(subscription_id: str, country: str, topic: str, payload: dict[str, Any], address: str | None) -> bool:
    """Tell whether a subscription of ``country`` may receive the event (default deny)."""
    kind = EVENT_TYPES.get(topic)
    if kind is None or (kind.addressed and address != country):
        return False
    return kind.visible(subscriber(subscription_id, country), payload)
