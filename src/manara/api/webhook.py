"""JSON API of webhooks: a member's administrators subscribe endpoints, read deliveries and the dead-letter
list, and replay dead deliveries."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from manara.api.conditional import IfMatch, require_match, send_tag
from manara.api.deps import CurrentActor, DbSession, PageParams
from manara.pagination import PageOut
from manara.webhook import actions, service
from manara.webhook.access import access_delivery_by_id, access_subscription_by_id, require_admin
from manara.webhook.events import EVENT_TYPES
from manara.webhook.schemas import (
    DeliveryOut,
    EventTypeOut,
    SubscriptionCreated,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionPatch,
)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


def _created(sub: object, secret: str) -> SubscriptionCreated:
    return SubscriptionCreated.model_validate({**SubscriptionOut.model_validate(sub).model_dump(), "secret": secret})


@router.get("/event-types", response_model=list[EventTypeOut])
def event_types(actor: CurrentActor) -> list[EventTypeOut]:
    """The event types a subscription may receive (the live feed's topics)."""
    require_admin(actor)
    return [EventTypeOut(type=topic, label=kind.label) for topic, kind in EVENT_TYPES.items()]


@router.get("", response_model=list[SubscriptionOut])
def list_subscriptions(session: DbSession, actor: CurrentActor) -> list[SubscriptionOut]:
    """Your member's subscriptions (never their secrets)."""
    require_admin(actor)
    return [SubscriptionOut.model_validate(s) for s in service.list_subscriptions(session, actor)]


@router.post("", response_model=SubscriptionCreated, status_code=201)
def subscribe(body: SubscriptionIn, session: DbSession, actor: CurrentActor, response: Response) -> SubscriptionCreated:
    """Subscribe an https:// endpoint to event types; the answer holds the signing secret, shown this once."""
    sub, secret = actions.do_create_subscription(session, actor, body)
    response.headers["Location"] = f"/api/v1/webhooks/{sub.id}"
    return _created(sub, secret)


@router.get("/deliveries", response_model=PageOut[DeliveryOut])
def list_deliveries(
    session: DbSession,
    actor: CurrentActor,
    paging: PageParams,
    status: Annotated[
        Literal["pending", "delivered", "dead"] | None, Query(description="dead: the dead-letter list")
    ] = None,
    subscription_id: Annotated[str | None, Query(max_length=36)] = None,
) -> PageOut[DeliveryOut]:
    """Deliveries of your member's subscriptions, newest first; ``status=dead`` is the dead-letter list."""
    require_admin(actor)
    page = service.list_deliveries(
        session, actor, status=status, subscription_id=subscription_id, page=paging.page, page_size=paging.page_size
    )
    items = [DeliveryOut.model_validate(d) for d in page.items]
    return PageOut(items=items, total=page.total, page=page.page, page_size=page.page_size)


@router.post("/deliveries/{delivery_id}/replay", response_model=DeliveryOut)
def replay_delivery(delivery_id: str, session: DbSession, actor: CurrentActor) -> DeliveryOut:
    """Put a dead delivery back in the queue for a fresh series of attempts."""
    delivery = access_delivery_by_id(session, actor, delivery_id)
    return DeliveryOut.model_validate(actions.do_replay_delivery(session, actor, delivery))


@router.get("/{subscription_id}", response_model=SubscriptionOut)
def get_subscription(
    subscription_id: str, session: DbSession, actor: CurrentActor, response: Response
) -> SubscriptionOut:
    """One subscription of your member (``ETag``: its version, for ``If-Match`` on an update)."""
    sub = access_subscription_by_id(session, actor, subscription_id)
    send_tag(response, sub)
    return SubscriptionOut.model_validate(sub)


@router.patch("/{subscription_id}", response_model=SubscriptionOut)
def update_subscription(
    subscription_id: str,
    body: SubscriptionPatch,
    session: DbSession,
    actor: CurrentActor,
    response: Response,
    if_match: IfMatch = None,
) -> SubscriptionOut:
    """Pause or resume a subscription, change its event types or its description; with ``If-Match``, only if
    nobody changed it since you read it (412 otherwise)."""
    sub = access_subscription_by_id(session, actor, subscription_id)
    require_match(if_match, sub)
    updated = actions.do_update_subscription(session, actor, sub, body)
    session.flush()
    send_tag(response, updated)
    return SubscriptionOut.model_validate(updated)


@router.delete("/{subscription_id}", status_code=204)
def delete_subscription(subscription_id: str, session: DbSession, actor: CurrentActor) -> Response:
    """Delete a subscription and its deliveries."""
    sub = access_subscription_by_id(session, actor, subscription_id)
    actions.do_delete_subscription(session, actor, sub)
    return Response(status_code=204)


@router.post("/{subscription_id}/rotate-secret", response_model=SubscriptionCreated)
def rotate_secret(subscription_id: str, session: DbSession, actor: CurrentActor) -> SubscriptionCreated:
    """Replace the signing secret; the answer holds the new one, shown this once."""
    sub = access_subscription_by_id(session, actor, subscription_id)
    secret = actions.do_rotate_secret(session, actor, sub)
    return _created(sub, secret)


@router.post("/{subscription_id}/replay-dead", response_model=dict[str, int])
def replay_dead(subscription_id: str, session: DbSession, actor: CurrentActor) -> dict[str, int]:
    """Put every dead delivery of the subscription back in the queue."""
    sub = access_subscription_by_id(session, actor, subscription_id)
    return {"replayed": actions.do_replay_dead(session, actor, sub)}
