"""``manara webhooks``: run the delivery worker, subscribe endpoints, read and replay the dead-letter list."""

from __future__ import annotations

import json
import time
from typing import Annotated

import typer

from manara.cli.common import handle_errors, session_scope, user_actor
from manara.db.session import unit_of_work
from manara.settings import get_settings
from manara.webhook import actions, service
from manara.webhook.access import access_delivery_by_id, require_admin
from manara.webhook.delivery import PassResult, Sender, run_once, run_until_idle
from manara.webhook.events import EVENT_TYPES
from manara.webhook.schemas import SubscriptionIn, SubscriptionOut

webhooks = typer.Typer(
    help="Webhooks: deliver signed events to subscribed endpoints, subscriptions, the dead-letter list.",
    no_args_is_help=True,
)
AsUser = Annotated[str, typer.Option("--as", help="An administrator of the member (username)")]


def _print(result: PassResult) -> None:
    typer.echo(
        json.dumps(
            {
                "fanned_out": result.fanned_out,
                "delivered": result.delivered,
                "failed": result.failed,
                "dead": result.dead,
            }
        )
    )


@webhooks.command("deliver")
@handle_errors
def deliver(
    follow: Annotated[bool, typer.Option("--follow", help="Keep delivering until interrupted")] = False,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Deliveries attempted per pass")] = 100,
) -> None:
    """Fan out new events and attempt every due delivery (retries scheduled later are left for later)."""
    settings = get_settings()
    sender = Sender(settings.webhook_timeout_seconds)
    try:
        if not follow:
            _print(run_until_idle(unit_of_work, sender, limit=limit))
            return
        while True:
            step = run_once(unit_of_work, sender, limit=limit)
            if step.attempted or step.fanned_out:
                _print(step)
            else:
                time.sleep(settings.webhook_every_seconds)
    except KeyboardInterrupt:
        pass
    finally:
        sender.close()


@webhooks.command("event-types")
def event_types() -> None:
    """List the event types a subscription may receive."""
    for topic, kind in EVENT_TYPES.items():
        typer.echo(f"{topic}\t{kind.label}")


@webhooks.command("list")
@handle_errors
def list_subscriptions(as_user: AsUser) -> None:
    """List the member's subscriptions (one JSON object a line; never the secrets)."""
    with session_scope() as session:
        actor = user_actor(session, as_user)
        require_admin(actor)
        for sub in service.list_subscriptions(session, actor):
            typer.echo(SubscriptionOut.model_validate(sub).model_dump_json())


@webhooks.command("add")
@handle_errors
def add(
    url: Annotated[str, typer.Argument(help="The endpoint, https://")],
    as_user: AsUser,
    event: Annotated[list[str], typer.Option("--event", help="An event type (repeat); see event-types")],
    description: Annotated[str, typer.Option(help="What the endpoint is")] = "",
) -> None:
    """Subscribe an endpoint; prints its id and signing secret (shown this once) on stdout."""
    body = SubscriptionIn(url=url, event_types=event, description=description)
    with session_scope() as session:
        actor = user_actor(session, as_user)
        sub, secret = actions.do_create_subscription(session, actor, body)
        typer.echo(json.dumps({"id": sub.id, "secret": secret}))


@webhooks.command("dead")
@handle_errors
def dead(as_user: AsUser) -> None:
    """List the dead-letter list: deliveries that failed every attempt (one JSON object a line)."""
    with session_scope() as session:
        actor = user_actor(session, as_user)
        require_admin(actor)
        page = service.list_deliveries(session, actor, status="dead", page_size=1000)
        for d in page.items:
            typer.echo(
                json.dumps(
                    {
                        "id": d.id,
                        "subscription_id": d.subscription_id,
                        "event_id": d.event_id,
                        "topic": d.topic,
                        "attempts": d.attempts,
                        "last_status": d.last_status,
                        "last_error": d.last_error,
                    }
                )
            )


@webhooks.command("replay")
@handle_errors
def replay(delivery_id: Annotated[str, typer.Argument(help="A dead delivery's id")], as_user: AsUser) -> None:
    """Put a dead delivery back in the queue."""
    with session_scope() as session:
        actor = user_actor(session, as_user)
        delivery = access_delivery_by_id(session, actor, delivery_id)
        actions.do_replay_delivery(session, actor, delivery)
        typer.echo(json.dumps({"id": delivery.id, "status": delivery.status}))
