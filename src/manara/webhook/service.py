"""Reads of webhooks: subscriptions, deliveries and the dead-letter list; the backoff schedule."""

from __future__ import annotations

import random
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from manara.identity import Actor
from manara.pagination import Page
from manara.webhook.access import subscription_visibility_filter
from manara.webhook.models import WebhookDelivery, WebhookSubscription

DELIVERY_STATUSES = ("pending", "delivered", "dead")


def backoff(attempts: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Seconds before the next attempt after ``attempts`` failures: exponential, capped, with jitter.

    The delay grows as ``base * 2**(attempts-1)`` up to ``cap``; half of it is fixed and half drawn at random,
    so receivers that failed together are not retried together.
    """
    ceiling = min(cap, base * (1 << min(60, max(0, attempts - 1))))
    draw: float = (rng or random).uniform(0, ceiling / 2)
    return ceiling / 2 + draw


def list_subscriptions(session: Session, actor: Actor) -> Sequence[WebhookSubscription]:
    """The subscriptions of the actor's member, newest first."""
    stmt = (
        select(WebhookSubscription)
        .where(subscription_visibility_filter(actor))
        .order_by(WebhookSubscription.created_at.desc(), WebhookSubscription.id)
    )
    return session.scalars(stmt).all()


def list_deliveries(
    session: Session,
    actor: Actor,
    *,
    status: str | None = None,
    subscription_id: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Page[WebhookDelivery]:
    """Deliveries of the actor's member's subscriptions (``status="dead"``: the dead-letter list), newest first."""
    stmt = (
        select(WebhookDelivery)
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .where(subscription_visibility_filter(actor))
    )
    if status is not None:
        stmt = stmt.where(WebhookDelivery.status == status)
    if subscription_id is not None:
        stmt = stmt.where(WebhookDelivery.subscription_id == subscription_id)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.event_id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return Page(items=list(rows), total=total, page=page, page_size=page_size)


def counts_by_status(session: Session, actor: Actor) -> dict[str, int]:
    """Deliveries of the actor's member per status."""
    stmt = (
        select(WebhookDelivery.status, func.count())
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .where(subscription_visibility_filter(actor))
        .group_by(WebhookDelivery.status)
    )
    found = dict.fromkeys(DELIVERY_STATUSES, 0)
    found.update({status: int(count) for status, count in session.execute(stmt).all()})
    return found
