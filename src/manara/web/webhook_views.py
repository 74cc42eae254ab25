"""Console page of webhooks (Administration): the member's subscriptions, a form to subscribe an endpoint, the
dead-letter list with replay. Restricted as the API (``webhook:admin``): to anyone else it is the 404 page.
A new or rotated signing secret is shown once, on the page the form redirects to (``web/once.py``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from manara.api.deps import DbSession
from manara.errors import Conflict, ManaraError, NotFound, ValidationFailed
from manara.identity import Actor, Perm
from manara.text import N_
from manara.web import once
from manara.web.deps import ConsoleActor, CsrfChecked
from manara.web.render import gettext, page
from manara.webhook import actions, service
from manara.webhook.access import access_delivery_by_id, access_subscription_by_id
from manara.webhook.events import EVENT_TYPES
from manara.webhook.schemas import SubscriptionIn, SubscriptionPatch

router = APIRouter(prefix="/admin/webhooks")
PAGE = "/console/admin/webhooks"
URL_REFUSED = N_("This endpoint is refused: %(reason)s")
URL_INVALID = N_("Give an https:// address of at most 2000 characters.")
TYPES_REQUIRED = N_("Choose at least one event type.")
DUPLICATE = N_("This endpoint is already subscribed.")
TOO_LONG = N_("At most 200 characters.")
# The event types as the page names them (the API lists the same topics: ``webhook.events.EVENT_TYPES``).
TYPE_LABELS = {
    "hit.raised": N_("Hit raised"),
    "hit.acknowledged": N_("Hit acknowledged"),
    "hit.judged": N_("Hit answered"),
    "hit.escalated": N_("Hit overdue"),
    "notice.approved": N_("Notice published"),
    "notice.submitted": N_("Notice submitted for review"),
    "notice.refused": N_("Notice refused by review"),
    "notice.escalated": N_("Notice review overdue"),
    "case.invited": N_("Case invitation"),
    "case.accepted": N_("Case invitation accepted"),
    "case.message_posted": N_("Case message"),
    "case.task_assigned": N_("Case task assigned"),
    "case.closed": N_("Case closed"),
    "case.escalated": N_("Case response overdue"),
    "queue.acknowledged": N_("Queue item acknowledged"),
    "drone.breach": N_("Drone geofence breach"),
}


def require_admin(actor: Actor) -> None:
    """Hide the page from every actor without ``webhook:admin`` (404)."""
    if not actor.can(Perm.WEBHOOK_ADMIN):
        raise NotFound("page", "webhooks")


def _page(
    request: Request,
    session: DbSession,
    actor: Actor,
    *,
    form: dict[str, object] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    carried = once.take(request, user_id=actor.user_id)
    dead = service.list_deliveries(session, actor, status="dead", page_size=100)
    recent = service.list_deliveries(session, actor, page_size=20)
    subscriptions = service.list_subscriptions(session, actor)
    response = page(
        request,
        "webhook/webhooks.html",
        status=status,
        subscriptions=subscriptions,
        urls={s.id: s.url for s in subscriptions},
        counts=service.counts_by_status(session, actor),
        dead=dead,
        recent=recent,
        event_types={t: TYPE_LABELS.get(t, t) for t in EVENT_TYPES},
        secret=carried[1] if carried else None,
        secret_for=carried[0] if carried else None,
        form=form or {"event_types": []},
        errors=errors or {},
    )
    return once.forget(response)


def _show_secret(actor: Actor, subscription_id: str, secret: str) -> Response:
    return once.carry(
        RedirectResponse(PAGE, status_code=303), user_id=actor.user_id, page=PAGE, kind=subscription_id, value=secret
    )


@router.get("")
def webhooks(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """The member's subscriptions, the dead-letter list and the form of a new subscription."""
    require_admin(actor)
    return _page(request, session, actor)


@router.post("", dependencies=[CsrfChecked])
def subscribe(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    url: Annotated[str, Form(max_length=4000)] = "",
    description: Annotated[str, Form(max_length=1000)] = "",
    event_types: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Subscribe an endpoint (as ``POST /api/v1/webhooks``); its secret is shown once."""
    require_admin(actor)
    chosen = list(event_types or [])
    form: dict[str, object] = {"url": url, "description": description, "event_types": chosen}
    errors: dict[str, str] = {}
    try:
        body = SubscriptionIn.model_validate({"url": url.strip(), "description": description, "event_types": chosen})
        with session.begin_nested():
            sub, secret = actions.do_create_subscription(session, actor, body)
    except ValidationError as exc:
        for e in exc.errors():
            field = str(e["loc"][0]) if e.get("loc") else "url"
            message = {"url": URL_INVALID, "event_types": TYPES_REQUIRED, "description": TOO_LONG}.get(
                field, URL_INVALID
            )
            errors.setdefault(field, gettext(request, message))
    except ValidationFailed as exc:
        reason = "; ".join(str(p.get("message", "")) for p in exc.data.get("errors", [])) or exc.message
        errors["url"] = gettext(request, URL_REFUSED) % {"reason": reason}
    except Conflict:
        errors["url"] = gettext(request, DUPLICATE)
    except ManaraError:
        errors["url"] = gettext(request, URL_INVALID)
    if errors:
        return _page(request, session, actor, form=form, errors=errors, status=422)
    return _show_secret(actor, sub.id, secret)


@router.post("/{subscription_id}/active", dependencies=[CsrfChecked])
def set_active(
    subscription_id: str, session: DbSession, actor: ConsoleActor, active: Annotated[str, Form(max_length=5)] = ""
) -> Response:
    """Pause or resume a subscription."""
    require_admin(actor)
    sub = access_subscription_by_id(session, actor, subscription_id)
    actions.do_update_subscription(session, actor, sub, SubscriptionPatch(active=active == "true"))
    return RedirectResponse(PAGE, status_code=303)


@router.post("/{subscription_id}/rotate", dependencies=[CsrfChecked])
def rotate(subscription_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """Replace the signing secret; the new one is shown once."""
    require_admin(actor)
    sub = access_subscription_by_id(session, actor, subscription_id)
    return _show_secret(actor, sub.id, actions.do_rotate_secret(session, actor, sub))


@router.post("/{subscription_id}/delete", dependencies=[CsrfChecked])
def delete(subscription_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """Delete a subscription and its deliveries."""
    require_admin(actor)
    sub = access_subscription_by_id(session, actor, subscription_id)
    actions.do_delete_subscription(session, actor, sub)
    return RedirectResponse(PAGE, status_code=303)


@router.post("/deliveries/{delivery_id}/replay", dependencies=[CsrfChecked])
def replay(delivery_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """Put a dead delivery back in the queue."""
    require_admin(actor)
    delivery = access_delivery_by_id(session, actor, delivery_id)
    if delivery.status == "dead":
        actions.do_replay_delivery(session, actor, delivery)
    return RedirectResponse(f"{PAGE}#dead-title", status_code=303)
