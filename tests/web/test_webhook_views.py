"""Console page of webhooks: administrators of the member only, secret shown once, refusals beside the field,
pause, rotate, delete, the dead-letter list and replay, CSRF, four languages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net
from manara.db.base import utcnow
from manara.identity import Role
from manara.webhook.models import WebhookDelivery, WebhookSubscription
from web.conftest import Console

PAGE = "/console/admin/webhooks"


def _subscribe(console: Console, url: str = "http://127.0.0.1:9/hook", *types: str) -> str:
    got = console.client.post(
        PAGE,
        data={
            "url": url,
            "description": "SOC of the bureau",
            "event_types": list(types or ("hit.raised", "notice.approved")),
            "csrf_token": re.search(r'name="csrf_token" value="([0-9a-f]{64})"', console.client.get(PAGE).text).group(
                1
            ),  # type: ignore[union-attr]
        },
        follow_redirects=False,
    )
    assert got.status_code == 303, got.text
    shown = console.client.get(PAGE).text
    secret = re.search(r'id="secret-value">(whsec_[^<]+)<', shown)
    assert secret, shown
    return secret.group(1)


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMINISTRATOR])
def test_other_roles_get_the_404_page(console: Console, role: Role) -> None:
    console.sign_in("MA", role)
    assert console.client.get(PAGE).status_code == 404
    assert 'href="/console/admin/webhooks"' not in console.client.get("/console/").text


def test_subscribe_secret_shown_once_then_pause_rotate_delete(console: Console, session: Session) -> None:
    console.sign_in("MA", Role.ADMINISTRATOR)
    empty = console.client.get(PAGE).text
    assert "No webhook yet." in empty and 'href="/console/admin/webhooks"' in console.client.get("/console/").text
    secret = _subscribe(console)
    again = console.client.get(PAGE).text
    assert secret not in again and "http://127.0.0.1:9/hook" in again and "SOC of the bureau" in again
    sub = session.scalars(select(WebhookSubscription)).one()
    assert sub.event_types == ["hit.raised", "notice.approved"] and sub.owner_country == "MA"
    assert console.post(f"{PAGE}/{sub.id}/active", {"active": "false"}, token_from=PAGE).status_code == 303
    session.refresh(sub)
    assert sub.active is False and "Paused" in console.client.get(PAGE).text
    assert console.post(f"{PAGE}/{sub.id}/rotate", token_from=PAGE).status_code == 303
    rotated = re.search(r'id="secret-value">(whsec_[^<]+)<', console.client.get(PAGE).text)
    assert rotated and rotated.group(1) != secret
    assert console.post(f"{PAGE}/{sub.id}/delete", token_from=PAGE).status_code == 303
    assert session.scalars(select(WebhookSubscription)).all() == []


def test_refusals_are_shown_beside_the_field_and_keep_what_was_typed(console: Console, session: Session) -> None:
    console.sign_in("MA", Role.ADMINISTRATOR)
    token = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', console.client.get(PAGE).text).group(1)  # type: ignore[union-attr]
    private = console.client.post(
        PAGE, data={"url": "https://10.1.2.3/hook", "event_types": ["hit.raised"], "csrf_token": token}
    )
    assert private.status_code == 422
    assert 'id="w-url-error"' in private.text and "refused address" in private.text
    assert 'value="https://10.1.2.3/hook"' in private.text
    none = console.client.post(PAGE, data={"url": "https://127.0.0.1/h", "csrf_token": token})
    assert none.status_code == 422 and 'id="w-types-error"' in none.text
    assert session.scalars(select(WebhookSubscription)).all() == []
    forged = console.client.post(PAGE, data={"url": "http://127.0.0.1:9/x", "event_types": ["hit.raised"]})
    assert forged.status_code == 403 and session.scalars(select(WebhookSubscription)).all() == []


def test_dead_letters_are_listed_and_replayed(console: Console, session: Session, net: Net) -> None:
    console.sign_in("MA", Role.ADMINISTRATOR)
    _subscribe(console)
    sub = session.scalars(select(WebhookSubscription)).one()
    dead = WebhookDelivery(
        subscription_id=sub.id,
        event_id=7,
        topic="hit.raised",
        body={"id": "7"},
        status="dead",
        attempts=8,
        last_status=503,
        last_error="HTTP 503",
        dead_at=utcnow(),
    )
    session.add(dead)
    session.commit()
    shown = console.client.get(PAGE).text
    assert f'id="delivery-{dead.id}"' in shown and "HTTP 503" in shown and "Dead: 1" in shown
    assert console.post(f"{PAGE}/deliveries/{dead.id}/replay", token_from=PAGE).status_code == 303
    session.refresh(dead)
    assert dead.status == "pending" and dead.attempts == 0
    assert "No dead letters." in console.client.get(PAGE).text
    console.client.cookies.clear()
    console.sign_in("FR", Role.ADMINISTRATOR)  # another member's administrator: 404, nothing changes
    dead.status = "dead"
    session.commit()
    assert console.post(f"{PAGE}/deliveries/{dead.id}/replay", token_from=PAGE).status_code == 404
    assert console.post(f"{PAGE}/{sub.id}/delete", token_from=PAGE).status_code == 404
    session.refresh(dead)
    assert dead.status == "dead"


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "Dead letters"), ("fr", "Lettres mortes"), ("es", "Entregas fallidas"), ("ar", "الرسائل الميتة")],
)
def test_the_page_is_translated(console: Console, lang: str, words: str) -> None:
    console.sign_in("MA", Role.ADMINISTRATOR)
    text = console.client.get(f"{PAGE}?lang={lang}").text
    assert words in text
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}"' in text
