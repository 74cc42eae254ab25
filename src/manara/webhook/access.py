"""Access to webhooks: a member's administrators (``webhook:admin``) see and change their member's only."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false
from sqlalchemy.orm import Session

from manara.errors import Forbidden, NotFound
from manara.identity import Actor, Perm
from manara.webhook.models import WebhookDelivery, WebhookSubscription


def require_admin(actor: Actor) -> None:
    """Refuse an actor without ``webhook:admin`` (403: it reveals nothing about any subscription)."""
    if not actor.can(Perm.WEBHOOK_ADMIN):
        raise Forbidden("this role or key lacks webhook:admin")


def subscription_visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """Return the default-deny WHERE clause of subscription queries."""
    if not actor.can(Perm.WEBHOOK_ADMIN):
        return false()
    return WebhookSubscription.owner_country == actor.country


def access_subscription_by_id(session: Session, actor: Actor, subscription_id: str) -> WebhookSubscription:
    """Return a subscription of the actor's member that the actor administers; otherwise NotFound."""
    found = session.get(WebhookSubscription, subscription_id)
    if found is None or found.owner_country != actor.country or not actor.can(Perm.WEBHOOK_ADMIN):
        raise NotFound("webhook_subscription", subscription_id)
    return found


def access_delivery_by_id(session: Session, actor: Actor, delivery_id: str) -> WebhookDelivery:
    """Return a delivery of one of the actor's member's subscriptions; otherwise NotFound."""
    found = session.get(WebhookDelivery, delivery_id)
    if found is None:
        raise NotFound("webhook_delivery", delivery_id)
    subscription = session.get(WebhookSubscription, found.subscription_id)
    if subscription is None or subscription.owner_country != actor.country or not actor.can(Perm.WEBHOOK_ADMIN):
        raise NotFound("webhook_delivery", delivery_id)
    return found
