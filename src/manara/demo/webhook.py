"""Demo of webhooks: the duty desks' SIEM connectors of three members, subscribed through the domain's actions.

Morocco's and Tunisia's endpoints listen on this machine (``http://127.0.0.1:8089/manara/<cc>``: run any
receiver there, e.g. the verification snippet of docs/operations.md, to watch signed deliveries arrive; with
nothing listening, deliveries are retried and end on the dead-letter list of Administration → Webhooks).
France's connector is paused. Only events from now on are delivered (a subscription never receives the past).
"""

from __future__ import annotations

from manara.db.session import unit_of_work
from manara.identity import Actor, Role
from manara.member.service import get_user_by_username
from manara.webhook import actions
from manara.webhook.schemas import SubscriptionIn, SubscriptionPatch

RECEIVER = "http://127.0.0.1:8089/manara"
SUBSCRIPTIONS = {
    "MA": (["hit.raised", "hit.escalated", "notice.approved", "case.invited", "case.message_posted"], True),
    "TN": (["hit.raised", "notice.approved", "drone.breach"], True),
    "FR": (["hit.raised", "case.invited", "case.escalated"], False),
}


def load(seed: int) -> str:
    """Subscribe the demo members' connectors; return a one-line summary."""
    del seed  # nothing random
    made = 0
    with unit_of_work() as session:
        for country, (types, active) in SUBSCRIPTIONS.items():
            user = get_user_by_username(session, f"{country.lower()}.{Role.ADMINISTRATOR.value}")
            if user is None:
                continue
            admin = Actor(user_id=user.id, username=user.username, country=country, role=Role.ADMINISTRATOR)
            body = SubscriptionIn(
                url=f"{RECEIVER}/{country.lower()}", event_types=types, description=f"SIEM connector of NCB {country}"
            )
            sub, _secret = actions.do_create_subscription(session, admin, body)  # the demo never shows it
            if not active:
                actions.do_update_subscription(session, admin, sub, SubscriptionPatch(active=False))
            made += 1
    return f"{made} webhook subscriptions (MA and TN to {RECEIVER}/…, FR paused)"
