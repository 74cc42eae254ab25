"""Pursuit console pages in four languages (list, detail with timeline and map, steps, operations board and its
polling, situation report, tips) and the public appeal pages served without sign-in: only what the owner
released, gone once withdrawn, tips rate-limited and kept as opaque bytes."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net
from manara.db.base import utcnow
from manara.identity import Role
from manara.notice import actions as notice_actions
from manara.notice.models import Notice
from manara.pursuit.models import PublicTip
from pursuit.helpers import API, OPS, open_pursuit, step, wanted
from web.conftest import Console, csrf_of

HEADINGS = {"en": "Pursuits", "fr": "Poursuites", "ar": "الملاحقات", "es": "Persecuciones"}


@pytest.mark.parametrize("lang", list(HEADINGS))
def test_pursuit_pages_in_four_languages(client: TestClient, session: Session, net: Net, lang: str) -> None:
    notice = wanted(session, net)
    ma, fr = net.user("MA", Role.BUREAU_OFFICER), net.user("FR", Role.BUREAU_OFFICER)
    p = open_pursuit(client, ma, notice.id, ["FR"])
    step(client, fr, p["id"], "located")
    step(client, fr, p["id"], "provisional_arrest")
    client.post(
        f"{API}/{p['id']}/sightings",
        json={
            "source": "report",
            "country": "FR",
            "place": "Lyon",
            "lat": 45.76,
            "lon": 4.84,
            "seen_at": utcnow().isoformat(),
        },
        headers=fr.headers,
    )
    Console(client, session, net).sign_in("MA", Role.BUREAU_OFFICER)
    listing = client.get(f"/console/pursuits?lang={lang}")
    assert listing.status_code == 200 and "<h1" in listing.text
    assert HEADINGS[lang] in listing.text and notice.reference in listing.text
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}"' in listing.text
    detail = client.get(f"/console/pursuits/{p['id']}?lang={lang}")
    assert detail.status_code == 200 and "<circle" in detail.text and "Lyon" in detail.text
    assert "extradition_requested" in detail.text  # the step the requesting member may take now
    assert client.get(f"/console/operations?lang={lang}").status_code == 200
    assert client.get(f"/console/pursuits/tips?lang={lang}").status_code == 200


def test_steps_through_the_console_and_404_for_others(client: TestClient, session: Session, net: Net) -> None:
    notice = wanted(session, net)
    p = open_pursuit(client, net.user("MA", Role.BUREAU_OFFICER), notice.id, ["FR"])
    console = Console(client, session, net)
    console.sign_in("FR", Role.BUREAU_OFFICER)
    url = f"/console/pursuits/{p['id']}"
    got = console.post(f"{url}/steps", {"to": "located"}, token_from=url)
    assert got.status_code == 303
    assert console.post(f"{url}/steps", {"to": "surrendered"}, token_from=url).status_code == 409
    page = client.get(url)
    assert "provisional_arrest" in page.text
    console.sign_in("EG", Role.BUREAU_OFFICER)
    assert client.get(url).status_code == 404
    console.sign_in("MA", Role.FRONTLINE_OFFICER)
    assert client.get("/console/pursuits").status_code == 404


def test_open_pursuit_from_the_console_form(client: TestClient, session: Session, net: Net) -> None:
    notice = wanted(session, net)
    console = Console(client, session, net)
    console.sign_in("MA", Role.BUREAU_OFFICER)
    got = console.post(
        "/console/pursuits", {"notice": notice.reference, "members": "FR"}, token_from="/console/pursuits"
    )
    assert got.status_code == 303 and got.headers["location"].startswith("/console/pursuits/")
    assert notice.reference in client.get(got.headers["location"]).text


def test_operation_board_updates_and_polls(client: TestClient, session: Session, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER)
    today = utcnow().date().isoformat()
    op = client.post(
        OPS,
        json={"code": "OP-1", "name": "Sahel", "participants": ["FR"], "starts_on": today, "ends_on": today},
        headers=ma.headers,
    ).json()
    n = wanted(session, net)
    client.post(
        f"{OPS}/{op['id']}/targets",
        json={"targets": [{"notice_id": n.id, "responsible_country": "FR"}]},
        headers=ma.headers,
    )
    console = Console(client, session, net)
    console.sign_in("FR", Role.BUREAU_OFFICER)
    board = client.get(f"/console/operations/{op['id']}")
    assert board.status_code == 200 and n.reference in board.text and 'hx-trigger="every 1s"' in board.text
    version = int(board.text.split('data-version="')[1].split('"')[0])
    assert client.get(f"/console/operations/{op['id']}/board?v={version}").status_code == 204
    target = client.get(f"{OPS}/{op['id']}/targets", headers=net.user("FR", Role.BUREAU_OFFICER).headers).json()[
        "items"
    ][0]
    url = f"/console/operations/{op['id']}"
    token = csrf_of(board.text)
    got = client.post(
        f"{url}/targets/{target['id']}",
        data={"status": "arrested", "csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert got.status_code == 200 and 'id="board"' in got.text
    fresh = client.get(f"{url}/board?v={version}")
    assert fresh.status_code == 200 and f'data-version="{version + 1}"' in fresh.text
    report = client.get(f"{url}/report")
    assert report.status_code == 200 and n.reference in report.text
    assert client.get(f"{url}/report?format=json").json()["arrests"] == 1
    console.sign_in("EG", Role.BUREAU_OFFICER)
    assert client.get(url).status_code == 404 and client.get(f"{url}/board").status_code == 404


def _appeal(client: TestClient, session: Session, net: Net) -> tuple[str, Notice]:
    notice = wanted(session, net)
    got = client.post(
        f"{API}/appeals",
        json={"notice_id": notice.id, "fields": ["name", "offence"], "description": "unused"},
        headers=net.user("MA", Role.BUREAU_OFFICER).headers,
    )
    assert got.status_code == 201, got.text
    return got.json()["id"], notice


@pytest.mark.parametrize("lang", ["en", "fr", "ar", "es"])
def test_public_pages_show_only_released_fields(client: TestClient, session: Session, net: Net, lang: str) -> None:
    appeal_id, notice = _appeal(client, session, net)
    listing = client.get(f"/public/appeals?lang={lang}")
    assert listing.status_code == 200 and f"/public/appeals/{appeal_id}" in listing.text
    page = client.get(f"/public/appeals/{appeal_id}?lang={lang}")
    assert page.status_code == 200 and "Armed robbery" in page.text
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}"' in page.text
    for secret in ("W-2024-17", "Penal Code art. 400", "Robbed a bank", notice.reference, "unused"):
        assert secret not in page.text and secret not in listing.text
    assert "csrf_token" not in page.text


def test_withdrawn_appeal_or_notice_disappears(client: TestClient, session: Session, net: Net) -> None:
    appeal_id, notice = _appeal(client, session, net)
    ma = net.user("MA", Role.BUREAU_OFFICER)
    notice_actions.do_cancel_notice(session, ma.actor, notice, "arrested")
    session.commit()
    assert client.get(f"/public/appeals/{appeal_id}").status_code == 404
    assert appeal_id not in client.get("/public/appeals").text
    other_id, _ = _appeal(client, session, net)
    assert (
        client.post(
            f"{API}/appeals/{other_id}/withdraw", headers=net.user("FR", Role.BUREAU_OFFICER).headers
        ).status_code
        == 404
    )
    assert client.post(f"{API}/appeals/{other_id}/withdraw", headers=ma.headers).status_code == 200
    assert client.get(f"/public/appeals/{other_id}").status_code == 404


def test_tips_reach_the_owner_rate_limited_and_opaque(client: TestClient, session: Session, net: Net) -> None:
    appeal_id, _ = _appeal(client, session, net)
    url = f"/public/appeals/{appeal_id}/tips"
    evil = b"<script>alert(1)</script>"
    got = client.post(
        url,
        data={"body": "Seen at the port of Tanger Med", "contact": "+212 6 00"},
        files={"files": ("x.html", evil, "text/html")},
    )
    assert got.status_code == 201 and "Thank you" in got.text
    assert client.post(url, data={"body": "\u200b\u202e"}).status_code == 422
    too_long = client.post(url, data={"body": "x" * 5000})
    assert too_long.status_code == 413 and "too large" in too_long.text
    for _ in range(4):  # MANARA_TIP_RATE_PER_HOUR: 5 per client address
        assert client.post(url, data={"body": "again"}).status_code == 201
    limited = client.post(url, data={"body": "one too many"})
    assert limited.status_code == 429 and limited.headers["retry-after"] == "3600"
    tips = session.scalars(select(PublicTip).where(PublicTip.appeal_id == appeal_id)).all()
    assert len(tips) == 5 and all(t.owner_country == "MA" for t in tips)
    first = next(t for t in tips if t.attachments)
    assert first.attachments[0].filename.endswith(".bin") and "127.0.0.1" not in first.client_key
    api_got = client.get(f"{API}/appeals/tips", headers=net.user("MA", Role.BUREAU_OFFICER).headers)
    assert api_got.status_code == 200, api_got.text
    api = api_got.json()
    assert {t["body"] for t in api} >= {"Seen at the port of Tanger Med"}
    assert client.get(f"{API}/appeals/tips", headers=net.user("FR", Role.BUREAU_OFFICER).headers).json() == []
    console = Console(client, session, net)
    console.sign_in("MA", Role.BUREAU_OFFICER)
    page = client.get("/console/pursuits/tips")
    assert "Tanger Med" in page.text and "<script>alert" not in page.text
    download = client.get(f"/console/pursuits/tips/{first.id}/files/{first.attachments[0].id}")
    assert download.content == evil and download.headers["content-type"] == "application/octet-stream"
    assert "attachment" in download.headers["content-disposition"]
    console.sign_in("FR", Role.BUREAU_OFFICER)
    assert client.get(f"/console/pursuits/tips/{first.id}/files/{first.attachments[0].id}").status_code == 404


def test_the_wall_shows_operation_arrests_to_participants_only(client: TestClient, session: Session, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER)
    today = utcnow().date().isoformat()
    body = {"code": "WALL-1", "name": "Wall", "participants": ["FR"], "starts_on": today, "ends_on": today}
    op = client.post(OPS, json=body, headers=ma.headers).json()
    n = wanted(session, net)
    client.post(
        f"{OPS}/{op['id']}/targets",
        json={"targets": [{"notice_id": n.id, "responsible_country": "FR"}]},
        headers=ma.headers,
    )
    fr = net.user("FR", Role.BUREAU_OFFICER)
    target = client.get(f"{OPS}/{op['id']}/targets", headers=fr.headers).json()["items"][0]
    got = client.patch(
        f"{OPS}/{op['id']}/targets/{target['id']}",
        json={"status": "arrested", "lat": 43.3, "lon": 5.4},
        headers=fr.headers,
    )
    assert got.status_code == 200
    console = Console(client, session, net)
    console.sign_in("MA", Role.DUTY_OFFICER)
    assert 'data-layer="operations"' in client.get("/console/wall/map").text
    console.sign_in("EG", Role.DUTY_OFFICER)
    assert 'data-layer="operations"' not in client.get("/console/wall/map").text
