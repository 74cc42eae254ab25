"""Who may see a live-feed event, decided from the outbox payload alone (default deny).

The payload is what the action wrote in its transaction, so a replayed event is judged exactly as it was
live. A payload without the fields a rule needs is shown to nobody.
"""

from __future__ import annotations

from typing import Any

from manara.identity import Actor, Perm
from manara.visibility import may_see

Payload = dict[str, Any]


def hit_parties(actor: Actor, payload: Payload) -> bool:
    """The two members of a hit: the record's owner and the querying member (as ``can_view_hit``)."""
    return actor.can(Perm.NOTICE_READ) and actor.country in (payload.get("owner"), payload.get("querying"))


def notice_owner(actor: Actor, payload: Payload) -> bool:
    """The member that owns the notice."""
    return actor.can(Perm.NOTICE_READ) and actor.country == payload.get("owner")


def notice_review_parties(actor: Actor, payload: Payload) -> bool:
    """The owner, and reviewers of other members while the notice awaits review (as ``can_view_notice``)."""
    awaiting = payload.get("status") == "submitted" or (
        payload.get("status") == "published" and payload.get("under_review") is True
    )
    return notice_owner(actor, payload) or (awaiting and actor.can(Perm.NOTICE_REVIEW))


def notice_published_scope(actor: Actor, payload: Payload) -> bool:
    """Every member the published notice is distributed to (owner, all members, or the named countries)."""
    if notice_owner(actor, payload):
        return True
    if payload.get("status") != "published" or not actor.can(Perm.NOTICE_READ):
        return False
    visibility, shared = payload.get("visibility"), payload.get("shared_with")
    if not isinstance(visibility, str) or not isinstance(shared, list):
        return False  # an event written before the payload carried its distribution: owner only
    owner = payload.get("owner")
    return isinstance(owner, str) and may_see(
        owner=owner, visibility=visibility, shared_with=shared, country=actor.country
    )


def case_reader(actor: Actor, payload: Payload) -> bool:
    """Case readers; ``case.*`` events are addressed (``outbox_event.country``), see ``FeedRule.addressed``."""
    return actor.can(Perm.CASE_READ)


def case_task_assignee(actor: Actor, payload: Payload) -> bool:
    """Case readers of the assignee country, or only the assigned user when the task names one."""
    user = payload.get("assignee_user_id")
    return case_reader(actor, payload) and (user is None or user == actor.user_id)


def same_country(actor: Actor, payload: Payload) -> bool:
    """Users of the member named in ``payload["country"]`` (a duty desk's own acknowledgements)."""
    return actor.can(Perm.NOTICE_READ) and actor.country == payload.get("country")


def drone_incident_audience(actor: Actor, payload: Payload) -> bool:
    """Drone readers of the incident's owner and of the members it is shared with (``drone.breach``)."""
    shared = payload.get("shared_with")
    return actor.can(Perm.DRONE_READ) and isinstance(shared, list) and actor.country in (payload.get("owner"), *shared)


def pursuit_party(actor: Actor, payload: Payload) -> bool:
    """Pursuit readers; ``pursuit.*`` events are addressed to each member country of the pursuit only."""
    return actor.can(Perm.PURSUIT_READ)


def operation_participant(actor: Actor, payload: Payload) -> bool:
    """Pursuit readers; ``operation.*`` events are addressed to the leader and each participant only (they
    carry counts, codes and countries, never a target's identity)."""
    return actor.can(Perm.PURSUIT_READ)


def appeal_owner(actor: Actor, payload: Payload) -> bool:
    """Pursuit readers of the member that owns the public appeal (tips, their escalation)."""
    return actor.can(Perm.PURSUIT_READ) and actor.country == payload.get("owner")
