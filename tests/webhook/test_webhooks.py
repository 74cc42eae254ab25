"""Webhooks end to end with a real receiver on a loopback port: subscription through the API, fan-out from the
outbox under the live feed's visibility rules, signed POSTs, retries with backoff, the dead-letter list and
replay, access, bad input, and the secret kept out of logs, audit and answers."""

from __future__ import annotations

import json
import logging
import random
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net
from factories import make_notice
from manara.audit.models import AuditEvent
from manara.db.base import utcnow
from manara.identity import Role
from manara.settings import get_settings
from manara.web.feed import RULES
from manara.webhook import security
from manara.webhook.delivery import Sender, run_once, run_until_idle
from manara.webhook.events import EVENT_TYPES
from manara.webhook.models import WebhookDelivery, WebhookSubscription
from manara.webhook.service import backoff
from webhook.receiver import Receiver, receiver

API = "/api/v1/webhooks"
Factory = Callable[[], AbstractContextManager[Session]]


@pytest.fixture
def factory(session: Session) -> Factory:
    """Units of work on the test's session (each commits to the test's SAVEPOINT)."""

    @contextmanager
    def unit() -> Iterator[Session]:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

    return unit


@pytest.fixture
def sender() -> Iterator[Sender]:
    s = Sender(timeout=5)
    yield s
    s.close()


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiver() as r:
        yield r


def subscribe(client: TestClient, net: Net, country: str, url: str, *types: str) -> dict[str, Any]:
    body = {"url": url, "event_types": list(types or ("notice.approved",)), "description": f"{country} SOC"}
    got = client.post(API, json=body, headers=net.user(country, Role.ADMINISTRATOR).headers)
    assert got.status_code == 201, got.text
    assert got.headers["location"] == f"{API}/{got.json()['id']}"
    return dict(got.json())


def publish(session: Session, net: Net, owner: str = "FR", **kw: Any) -> str:
    reviewer = "MA" if owner != "MA" else "EG"
    notice = make_notice(
        session,
        net.user(owner, Role.BUREAU_OFFICER).actor,
        status="published",
        reviewer=net.user(reviewer, Role.REVIEWER).actor,
        **kw,
    )
    return notice.id


def test_a_delivery_is_signed_and_carries_the_event(
    client: TestClient, net: Net, session: Session, factory: Factory, sender: Sender, hook: Receiver
) -> None:
    sub = subscribe(client, net, "MA", hook.url, "notice.approved")
    notice_id = publish(session, net)
    result = run_until_idle(factory, sender)
    assert (result.fanned_out, result.delivered, result.failed, result.dead) == (1, 1, 0, 0)
    assert len(hook.received) == 1
    got = hook.received[0]
    assert got.path == "/hooks/manara"
    assert got.headers["x-manara-event"] == "notice.approved"
    assert got.headers["content-type"] == "application/json"
    assert security.verify(sub["secret"], got.headers["x-manara-signature"], got.body, now=int(time.time()))
    assert not security.verify(sub["secret"], got.headers["x-manara-signature"], got.body + b" ", now=int(time.time()))
    assert not security.verify("whsec_other", got.headers["x-manara-signature"], got.body, now=int(time.time()))
    stamp = int(got.headers["x-manara-signature"].split(",")[0][2:])
    assert not security.verify(
        sub["secret"], got.headers["x-manara-signature"], got.body, now=stamp + 301
    )  # replayed late
    body = json.loads(got.body)
    assert body["type"] == "notice.approved" and body["member"] == "MA"
    assert body["data"]["id"] == notice_id and body["data"]["owner"] == "FR"
    assert body["id"] == got.headers["x-manara-event-id"]
    # nothing twice: a second pass finds nothing new, the delivery is recorded as delivered
    assert run_until_idle(factory, sender).attempted == 0 and len(hook.received) == 1
    listed = client.get(f"{API}/deliveries", headers=net.user("MA", Role.ADMINISTRATOR).headers).json()
    assert [d["status"] for d in listed["items"]] == ["delivered"]


def test_an_event_the_member_may_not_see_is_never_delivered(
    client: TestClient, net: Net, session: Session, factory: Factory, sender: Sender
) -> None:
    with receiver("/ma") as ma, receiver("/eg") as eg:
        subscribe(client, net, "MA", ma.url, "notice.approved", "notice.submitted", "hit.raised")
        subscribe(client, net, "EG", eg.url, "notice.approved", "notice.submitted", "hit.raised")
        shared = publish(session, net, visibility="countries", shared=("EG",))
        hidden = publish(session, net, visibility="owner")
        public = publish(session, net, visibility="all")
        run_until_idle(factory, sender)
        seen_ma = {json.loads(r.body)["data"]["id"] for r in ma.received}
        seen_eg = {json.loads(r.body)["data"]["id"] for r in eg.received}
    assert shared not in seen_ma and hidden not in seen_ma and public in seen_ma
    assert shared in seen_eg and hidden not in seen_eg and public in seen_eg
    # MA reviewed the notices (NOTICE_REVIEW is not the subscription's): "submitted" events of FR never reached MA
    assert all(json.loads(r.body)["type"] == "notice.approved" for r in ma.received)


def test_old_events_are_not_delivered_to_a_new_subscription(
    client: TestClient, net: Net, session: Session, factory: Factory, sender: Sender, hook: Receiver
) -> None:
    before = publish(session, net)
    subscribe(client, net, "MA", hook.url)
    after = publish(session, net)
    run_until_idle(factory, sender)
    assert [json.loads(r.body)["data"]["id"] for r in hook.received] == [after]
    assert before != after


def test_failures_are_retried_with_backoff_then_dead_lettered_and_replayed(
    client: TestClient,
    net: Net,
    session: Session,
    factory: Factory,
    sender: Sender,
    hook: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MANARA_WEBHOOK_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("MANARA_WEBHOOK_BACKOFF_SECONDS", "60")
    get_settings.cache_clear()
    admin = net.user("MA", Role.ADMINISTRATOR).headers
    hook.statuses = [500, 503, 502]
    subscribe(client, net, "MA", hook.url)
    publish(session, net)
    delays = []
    for attempt in (1, 2, 3):
        started = utcnow()
        step = run_once(factory, sender)
        assert step.attempted == 1
        delivery = session.scalars(select(WebhookDelivery)).one()
        session.refresh(delivery)
        assert delivery.attempts == attempt and delivery.last_status == (500, 503, 502)[attempt - 1]
        if attempt < 3:
            assert delivery.status == "pending"
            delay = (delivery.next_attempt_at - started).total_seconds()
            ceiling = 60 * 2 ** (attempt - 1)
            assert ceiling / 2 - 1 <= delay <= ceiling + 1  # exponential, half fixed, half jitter
            delays.append(delay)
            assert run_once(factory, sender).attempted == 0  # not due yet: nothing sent
            delivery.next_attempt_at = utcnow() - timedelta(seconds=1)  # the clock moves on
            session.commit()
    assert delays[1] > delays[0] - 30
    assert delivery.status == "dead" and delivery.dead_at is not None and delivery.last_status == 502
    assert len(hook.received) == 3
    dead = client.get(f"{API}/deliveries?status=dead", headers=admin).json()
    assert dead["total"] == 1 and dead["items"][0]["id"] == delivery.id and dead["items"][0]["last_error"] == "HTTP 502"
    assert run_until_idle(factory, sender).attempted == 0  # the dead are left alone
    hook.statuses = [204]
    replayed = client.post(f"{API}/deliveries/{delivery.id}/replay", headers=admin)
    assert replayed.status_code == 200 and replayed.json()["status"] == "pending" and replayed.json()["attempts"] == 0
    assert client.post(f"{API}/deliveries/{delivery.id}/replay", headers=admin).status_code == 409  # not dead now
    assert run_until_idle(factory, sender).delivered == 1
    session.refresh(delivery)
    assert delivery.status == "delivered" and len(hook.received) == 4
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "webhook.replayed")).all()
    assert len(audit) == 1


def test_an_unreachable_receiver_is_a_failure_not_a_crash(
    client: TestClient, net: Net, session: Session, factory: Factory, sender: Sender
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed when the block ends: nothing listens there
    subscribe(client, net, "MA", f"http://127.0.0.1:{port}/gone")
    publish(session, net)
    step = run_once(factory, sender)
    assert (step.delivered, step.failed) == (0, 1)
    delivery = session.scalars(select(WebhookDelivery)).one()
    assert delivery.last_status is None and "ConnectError" in delivery.last_error


def test_a_paused_subscription_keeps_its_deliveries_until_resumed(
    client: TestClient, net: Net, session: Session, factory: Factory, sender: Sender, hook: Receiver
) -> None:
    admin = net.user("MA", Role.ADMINISTRATOR).headers
    sub = subscribe(client, net, "MA", hook.url)
    publish(session, net)
    with factory() as s:
        from manara.webhook.actions import do_fan_out

        assert do_fan_out(s) == 1
    assert client.patch(f"{API}/{sub['id']}", json={"active": False}, headers=admin).json()["active"] is False
    assert run_until_idle(factory, sender).attempted == 0 and not hook.received
    client.patch(f"{API}/{sub['id']}", json={"active": True}, headers=admin)
    assert run_until_idle(factory, sender).delivered == 1


def test_backoff_grows_exponentially_with_jitter_and_is_capped() -> None:
    rng = random.Random(5)
    for attempts, ceiling in ((1, 10), (2, 20), (3, 40), (8, 1280), (20, 3600)):
        draws = [backoff(attempts, 10, 3600, rng) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in draws)
        assert max(draws) - min(draws) > ceiling / 4  # jittered, not one value


def test_the_secret_is_shown_once_stored_encrypted_and_never_logged(
    client: TestClient,
    net: Net,
    session: Session,
    factory: Factory,
    sender: Sender,
    hook: Receiver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    admin = net.user("MA", Role.ADMINISTRATOR).headers
    hook.statuses = [500, 200]
    sub = subscribe(client, net, "MA", hook.url)
    secret = sub["secret"]
    assert secret.startswith("whsec_") and len(secret) > 40
    publish(session, net)
    run_once(factory, sender)
    row = session.get(WebhookSubscription, sub["id"])
    assert row is not None
    row_next = session.scalars(select(WebhookDelivery)).one()
    row_next.next_attempt_at = utcnow()
    session.commit()
    run_once(factory, sender)
    rotated = client.post(f"{API}/{sub['id']}/rotate-secret", headers=admin).json()["secret"]
    assert rotated != secret
    answers = [
        client.get(API, headers=admin).text,
        client.get(f"{API}/{sub['id']}", headers=admin).text,
        client.get(f"{API}/deliveries", headers=admin).text,
    ]
    audit = json.dumps([e.extra for e in session.scalars(select(AuditEvent))], default=str)
    for value in (secret, rotated):
        assert value not in caplog.text
        assert value not in row.secret_encrypted
        assert all(value not in answer for answer in answers)
        assert value not in audit
    assert security.decrypt_secret(row.secret_encrypted) == rotated
    assert json.loads(answers[1])["secret_hint"] == rotated[-4:]


def test_only_the_members_administrators_see_and_change_its_webhooks(
    client: TestClient, net: Net, session: Session, factory: Factory, sender: Sender, hook: Receiver
) -> None:
    sub = subscribe(client, net, "MA", hook.url)
    hook.statuses = [500]
    publish(session, net)
    run_once(factory, sender)
    delivery_id = session.scalars(select(WebhookDelivery.id)).one()
    for role in Role:
        if role is Role.ADMINISTRATOR:
            continue
        headers = net.user("MA", role).headers
        assert client.get(API, headers=headers).status_code == 403
        assert (
            client.post(API, json={"url": hook.url, "event_types": ["hit.raised"]}, headers=headers).status_code == 403
        )
        assert client.get(f"{API}/deliveries", headers=headers).status_code == 403
        assert client.get(f"{API}/{sub['id']}", headers=headers).status_code == 404
    other = net.user("FR", Role.ADMINISTRATOR).headers
    assert client.get(API, headers=other).json() == []
    assert client.get(f"{API}/{sub['id']}", headers=other).status_code == 404
    assert client.patch(f"{API}/{sub['id']}", json={"active": False}, headers=other).status_code == 404
    assert client.delete(f"{API}/{sub['id']}", headers=other).status_code == 404
    assert client.post(f"{API}/{sub['id']}/rotate-secret", headers=other).status_code == 404
    assert client.post(f"{API}/deliveries/{delivery_id}/replay", headers=other).status_code == 404
    assert client.get(f"{API}/deliveries", headers=other).json()["total"] == 0
    assert client.get(API).status_code == 401
    mine = net.user("MA", Role.ADMINISTRATOR).headers
    assert client.delete(f"{API}/{sub['id']}", headers=mine).status_code == 204
    assert session.scalars(select(WebhookDelivery)).all() == []
    assert client.get(f"{API}/{sub['id']}", headers=mine).status_code == 404


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://10.0.0.5/hook", "refused address"),
        ("https://169.254.169.254/latest/meta-data", "refused address"),
        ("https://[fd00::1]/hook", "refused address"),
        ("https://192.168.1.1/hook", "refused address"),
        ("https://0.0.0.0/hook", "refused address"),
        ("ftp://127.0.0.1/hook", "https://"),
        ("http://user:pw@127.0.0.1/hook", "user name"),
        ("https://no-such-host.invalid/hook", "does not resolve"),
        ("http://127.0.0.1:99999/hook", "port"),
        ("https://127.0.0.1/a b", "spaces"),
    ],
)
def test_refused_endpoints(client: TestClient, net: Net, url: str, reason: str) -> None:
    got = client.post(
        API, json={"url": url, "event_types": ["hit.raised"]}, headers=net.user("MA", Role.ADMINISTRATOR).headers
    )
    assert got.status_code == 422, got.text
    assert reason in json.dumps(got.json())


def test_bad_input_is_refused_clearly_and_loses_nothing(client: TestClient, net: Net, hook: Receiver) -> None:
    admin = net.user("MA", Role.ADMINISTRATOR).headers
    bad = [
        {"url": hook.url, "event_types": ["notice.deleted"]},
        {"url": hook.url, "event_types": []},
        {"url": hook.url, "event_types": "hit.raised"},
        {"url": 42, "event_types": ["hit.raised"]},
        {"url": hook.url, "event_types": ["hit.raised"], "secret": "mine"},
        {"url": hook.url, "event_types": ["hit.raised"], "description": "x" * 201},
    ]
    for body in bad:
        assert client.post(API, json=body, headers=admin).status_code == 422, body
    malformed = client.post(API, content=b'{"url": ', headers={**admin, "content-type": "application/json"})
    assert malformed.status_code == 422 and malformed.json()["error"]["code"] == "validation_error"
    assert client.get(API, headers=admin).json() == []
    hostile = "SOC\u202e gnp.exe\u0000"
    made = client.post(
        API, json={"url": hook.url, "event_types": ["hit.raised"], "description": hostile}, headers=admin
    )
    assert made.status_code == 201
    assert "\u202e" not in made.json()["description"] and "\u0000" not in made.json()["description"]
    again = client.post(API, json={"url": hook.url, "event_types": ["case.invited"]}, headers=admin)
    assert again.status_code == 409
    assert len(client.get(API, headers=admin).json()) == 1
    assert client.get(f"{API}/deliveries?status=lost", headers=admin).status_code == 422


def test_a_host_that_later_resolves_to_a_private_address_is_not_contacted(
    client: TestClient,
    net: Net,
    session: Session,
    factory: Factory,
    sender: Sender,
    hook: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    subscribe(client, net, "MA", hook.url)
    publish(session, net)
    monkeypatch.setattr(
        security.socket, "getaddrinfo", lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.9.8.7", 80))]
    )
    step = run_once(factory, sender)
    assert step.failed == 1 and not hook.received
    assert "refused address" in session.scalars(select(WebhookDelivery)).one().last_error


def test_production_refuses_loopback_and_plain_http_unless_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MANARA_ENV", "prod")
    monkeypatch.setenv("MANARA_SECRET_KEY", "a-production-secret-key-of-some-length-0123456789")
    get_settings.cache_clear()
    try:
        with pytest.raises(security.EndpointRefused):
            security.resolve("http://127.0.0.1:8080/hook")
        with pytest.raises(security.EndpointRefused):
            security.resolve("https://127.0.0.1:8443/hook")
        monkeypatch.setenv("MANARA_WEBHOOK_ALLOW_NETWORKS", '["127.0.0.0/8"]')
        get_settings.cache_clear()
        assert security.resolve("https://127.0.0.1:8443/hook").address == "127.0.0.1"
        with pytest.raises(security.EndpointRefused):
            security.resolve("https://10.0.0.1/hook")
    finally:
        monkeypatch.setenv("MANARA_ENV", "test")
        get_settings.cache_clear()


def test_every_topic_uses_the_live_feeds_visibility_rule() -> None:
    """The same rule objects as ``web/feed.py``; where the feed narrows a topic for display (urgent notices
    only), the webhook uses the visibility rule the feed's own rule calls."""
    from manara.live import access as rules

    for topic, kind in EVENT_TYPES.items():
        assert topic in RULES, topic
        assert kind.addressed == RULES[topic].addressed, topic
        if topic == "notice.approved":
            assert kind.visible is rules.notice_published_scope
        elif topic != "notice.submitted":
            assert kind.visible is RULES[topic].visible, topic
