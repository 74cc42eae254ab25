"""Write path of webhooks: subscriptions (audited), the fan-out of outbox events to deliveries, and the
delivery worker's claims and outcomes (machinery, not audited: the subscription changes are)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.db.base import utcnow
from manara.errors import Conflict, InvalidTransition
from manara.identity import Actor
from manara.outbox.cursor import LATE_COMMIT_WINDOW
from manara.outbox.models import OutboxEvent
from manara.outbox.service import enqueue
from manara.settings import get_settings
from manara.webhook import security
from manara.webhook.access import require_admin
from manara.webhook.events import EVENT_TYPES, may_receive
from manara.webhook.models import WebhookCursor, WebhookDelivery, WebhookSubscription
from manara.webhook.schemas import SubscriptionIn, SubscriptionPatch
from manara.webhook.service import backoff

CURSOR = "outbox"
MAX_SUBSCRIPTIONS = 50  # per member
ERROR_CHARS = 300


def _emit(session: Session, actor: Actor, action: AuditAction, sub: WebhookSubscription, **extra: object) -> None:
    record(session, actor, action, target_type="webhook_subscription", target_ids=[sub.id], extra=dict(extra))
    payload = {"id": sub.id, "owner": sub.owner_country, "active": sub.active}
    enqueue(session, str(action), payload, country=sub.owner_country)


def do_create_subscription(session: Session, actor: Actor, data: SubscriptionIn) -> tuple[WebhookSubscription, str]:
    """Subscribe an endpoint of the actor's member; return it and its signing secret (shown once)."""
    require_admin(actor)
    security.validate_endpoint(data.url)
    mine = WebhookSubscription.owner_country == actor.country
    if (session.scalar(select(func.count(WebhookSubscription.id)).where(mine)) or 0) >= MAX_SUBSCRIPTIONS:
        raise Conflict(f"a member may have at most {MAX_SUBSCRIPTIONS} webhook subscriptions")
    if session.scalar(select(WebhookSubscription.id).where(mine, WebhookSubscription.url == data.url)):
        raise Conflict("this endpoint is already subscribed", url=data.url)
    secret = security.new_secret()
    sub = WebhookSubscription(
        owner_country=actor.country,
        url=data.url,
        description=data.description,
        event_types=list(data.event_types),
        secret_encrypted=security.encrypt_secret(secret),
        secret_hint=secret[-4:],
        active=True,
        after_event=session.scalar(select(func.max(OutboxEvent.id))) or 0,
        created_by=actor.user_id,
    )
    session.add(sub)
    session.flush()
    _emit(session, actor, AuditAction.WEBHOOK_SUBSCRIBED, sub, url=data.url, event_types=sub.event_types)
    return sub, secret


def do_update_subscription(
    session: Session, actor: Actor, sub: WebhookSubscription, patch: SubscriptionPatch
) -> WebhookSubscription:
    """Pause or resume a subscription, change its event types or description."""
    require_admin(actor)
    changed: dict[str, object] = {}
    if patch.active is not None and patch.active != sub.active:
        sub.active = changed["active"] = patch.active
    if patch.event_types is not None and patch.event_types != sub.event_types:
        sub.event_types = changed["event_types"] = list(patch.event_types)
    if patch.description is not None and patch.description != sub.description:
        sub.description = changed["description"] = patch.description
    if changed:
        sub.updated_at = utcnow()
        _emit(session, actor, AuditAction.WEBHOOK_UPDATED, sub, **changed)
    return sub


def do_rotate_secret(session: Session, actor: Actor, sub: WebhookSubscription) -> str:
    """Replace the signing secret; return the new one (shown once). Pending retries are signed with it."""
    require_admin(actor)
    secret = security.new_secret()
    sub.secret_encrypted, sub.secret_hint, sub.updated_at = security.encrypt_secret(secret), secret[-4:], utcnow()
    _emit(session, actor, AuditAction.WEBHOOK_SECRET_ROTATED, sub)
    return secret


def do_delete_subscription(session: Session, actor: Actor, sub: WebhookSubscription) -> None:
    """Delete a subscription and its deliveries."""
    require_admin(actor)
    _emit(session, actor, AuditAction.WEBHOOK_DELETED, sub, url=sub.url)
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.subscription_id == sub.id))
    session.delete(sub)


def do_replay_delivery(session: Session, actor: Actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Put a dead delivery back in the queue for a fresh series of attempts."""
    require_admin(actor)
    if delivery.status != "dead":
        raise InvalidTransition("webhook delivery", delivery.status, "replay")
    _requeue(delivery)
    record(
        session,
        actor,
        AuditAction.WEBHOOK_REPLAYED,
        target_type="webhook_delivery",
        target_ids=[delivery.id, delivery.subscription_id],
    )
    return delivery


def do_replay_dead(session: Session, actor: Actor, sub: WebhookSubscription) -> int:
    """Put every dead delivery of a subscription back in the queue; return how many."""
    require_admin(actor)
    dead = session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.subscription_id == sub.id, WebhookDelivery.status == "dead")
    ).all()
    for delivery in dead:
        _requeue(delivery)
    if dead:
        record(
            session,
            actor,
            AuditAction.WEBHOOK_REPLAYED,
            target_type="webhook_subscription",
            target_ids=[sub.id],
            extra={"deliveries": len(dead)},
        )
    return len(dead)


def _requeue(delivery: WebhookDelivery) -> None:
    delivery.status, delivery.attempts, delivery.next_attempt_at = "pending", 0, utcnow()
    delivery.dead_at, delivery.last_error, delivery.last_status = None, "", None


def do_fan_out(session: Session, *, limit: int = 5000) -> int:
    """Turn new outbox events into deliveries for every active subscription that may receive them.

    The cursor's ``low_water`` moves only past events older than the outbox's late-commit window; the window
    is re-read at each pass, and an event already fanned out to a subscription is skipped (unique pair).
    """
    cursor = session.get(WebhookCursor, CURSOR)
    subs = session.scalars(select(WebhookSubscription).where(WebhookSubscription.active.is_(True))).all()
    if cursor is None:
        start = min((s.after_event for s in subs), default=None)
        if start is None:
            start = session.scalar(select(func.max(OutboxEvent.id))) or 0
        cursor = WebhookCursor(name=CURSOR, low_water=start)
        session.add(cursor)
    wanted = sorted({t for s in subs for t in s.event_types if t in EVENT_TYPES})
    horizon = utcnow() - LATE_COMMIT_WINDOW
    if not wanted:
        newest = session.scalar(select(func.max(OutboxEvent.id)).where(OutboxEvent.created_at < horizon))
        cursor.low_water = max(cursor.low_water, newest or 0)
        return 0
    events = session.scalars(
        select(OutboxEvent)
        .where(OutboxEvent.id > cursor.low_water, OutboxEvent.topic.in_(wanted))
        .order_by(OutboxEvent.id)
        .limit(limit)
    ).all()
    if not events:  # nothing relevant: everything older than the late-commit window is done
        newest = session.scalar(select(func.max(OutboxEvent.id)).where(OutboxEvent.created_at < horizon))
        cursor.low_water = max(cursor.low_water, newest or 0)
        return 0
    ids = [e.id for e in events]
    pairs = select(WebhookDelivery.subscription_id, WebhookDelivery.event_id).where(WebhookDelivery.event_id.in_(ids))
    done: set[tuple[str, int]] = {(sub_id, event_id) for sub_id, event_id in session.execute(pairs)}
    created = 0
    for event in events:
        for sub in subs:
            if event.id <= sub.after_event or event.topic not in sub.event_types or (sub.id, event.id) in done:
                continue
            if not may_receive(sub.id, sub.owner_country, event.topic, event.payload, event.country):
                continue
            body = {
                "id": str(event.id),
                "type": event.topic,
                "created_at": event.created_at.isoformat(),
                "member": sub.owner_country,
                "data": event.payload,
            }
            session.add(WebhookDelivery(subscription_id=sub.id, event_id=event.id, topic=event.topic, body=body))
            created += 1
    old = [e.id for e in events if e.created_at < horizon]
    if old:
        cursor.low_water = max(cursor.low_water, max(old))
    return created


@dataclass(frozen=True)
class Claimed:
    """A delivery claimed for one attempt, with what the sender needs (read in the claiming transaction)."""

    id: str
    subscription_id: str
    event_id: int
    topic: str
    url: str
    secret: str
    body: dict[str, object]
    attempts: int


def do_claim_due(session: Session, *, limit: int = 100, lease_seconds: float = 60.0) -> list[Claimed]:
    """Claim due deliveries of active subscriptions: their next attempt moves ``lease_seconds`` ahead, so no
    other worker takes them while this one sends (a worker that dies leaves them to be retried after it)."""
    now = utcnow()
    due = (
        session.execute(
            select(WebhookDelivery.id)
            .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
            .where(
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_at <= now,
                WebhookSubscription.active.is_(True),
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.event_id)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    if not due:
        return []
    claimed = session.scalars(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id.in_(due),
            WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + timedelta(seconds=lease_seconds))
        .returning(WebhookDelivery.id)
        .execution_options(synchronize_session=False)
    ).all()
    rows = session.execute(
        select(WebhookDelivery, WebhookSubscription)
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .where(WebhookDelivery.id.in_(claimed))
        .order_by(WebhookDelivery.event_id)
    ).all()
    secrets: dict[str, str] = {}
    found: list[Claimed] = []
    for delivery, sub in rows:
        if sub.id not in secrets:
            secrets[sub.id] = security.decrypt_secret(sub.secret_encrypted)
        found.append(
            Claimed(
                delivery.id,
                sub.id,
                delivery.event_id,
                delivery.topic,
                sub.url,
                secrets[sub.id],
                delivery.body,
                delivery.attempts,
            )
        )
    return found


@dataclass(frozen=True)
class Outcome:
    """The result of one attempt: delivered (2xx) or not, with the receiver's status or the error."""

    delivery_id: str
    delivered: bool
    status: int | None = None
    error: str = ""


def do_record_attempts(session: Session, outcomes: Sequence[Outcome], *, now: datetime | None = None) -> dict[str, int]:
    """Record attempts: delivered, or retried later with backoff, or dead after the last allowed attempt."""
    settings = get_settings()
    now = now or utcnow()
    counts = {"delivered": 0, "failed": 0, "dead": 0}
    by_id = {o.delivery_id: o for o in outcomes}
    for delivery in session.scalars(select(WebhookDelivery).where(WebhookDelivery.id.in_(list(by_id)))):
        outcome = by_id[delivery.id]
        delivery.attempts += 1
        delivery.last_status, delivery.last_error = outcome.status, outcome.error[:ERROR_CHARS]
        if outcome.delivered:
            delivery.status, delivery.delivered_at = "delivered", now
            counts["delivered"] += 1
        elif delivery.attempts >= settings.webhook_max_attempts:
            delivery.status, delivery.dead_at = "dead", now
            counts["dead"] += 1
        else:
            delay = backoff(delivery.attempts, settings.webhook_backoff_seconds, settings.webhook_backoff_max_seconds)
            delivery.next_attempt_at = now + timedelta(seconds=delay)
            counts["failed"] += 1
    return counts
