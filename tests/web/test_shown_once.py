"""Secrets shown once (post/redirect/get): a reload neither repeats the action nor shows the secret; a QR code."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import segno
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import Net
from manara.audit.models import AuditEvent
from manara.identity import Role
from manara.member.models import ApiKey
from manara.member.totp import provisioning_uri
from manara.web.once import ONCE_COOKIE
from web.conftest import Console

SECRET = re.compile(r'id="secret-value">([^<]+)<')


def _count(session: Session, action: str, target: str) -> int:
    session.expire_all()
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == action))
    return sum(1 for e in events if target in e.target_ids)


def test_a_reset_password_is_shown_once_and_a_reload_does_not_reset_again(
    console: Console, session: Session, net: Net
) -> None:
    analyst = net.user("MA", Role.ANALYST).actor.user_id
    url = f"/console/admin/users/{analyst}"
    console.sign_in("MA", Role.ADMINISTRATOR)
    reset = console.post(f"{url}/password", token_from=url)
    assert reset.status_code == 303 and reset.headers["location"] == url
    assert ONCE_COOKIE in reset.headers["set-cookie"] and "SameSite=strict" in reset.headers["set-cookie"]
    first = console.client.get(url)
    password = SECRET.search(first.text)
    assert password and first.headers["cache-control"] == "no-store"
    assert password.group(1) not in reset.headers["set-cookie"]  # carried encrypted, never in clear
    reload = console.client.get(url)  # what the browser's reload re-sends: the GET, not the POST
    assert reload.status_code == 200 and password.group(1) not in reload.text and 'id="shown-once"' not in reload.text
    assert _count(session, "user.password_set", analyst) == 1


def test_a_new_api_key_is_shown_once_and_a_reload_creates_no_second_key(
    console: Console, session: Session, net: Net
) -> None:
    analyst = net.user("MA", Role.ANALYST).actor.user_id
    url = f"/console/admin/users/{analyst}"
    console.sign_in("MA", Role.ADMINISTRATOR)
    created = console.post(f"{url}/api-keys", {"name": "night desk", "days": "30"}, token_from=url)
    assert created.status_code == 303
    token = SECRET.search(console.client.get(url).text)
    assert token and token.group(1).startswith("mnr_")
    assert token.group(1) not in console.client.get(url).text
    keys = session.scalar(select(func.count()).select_from(ApiKey).where(ApiKey.name == "night desk"))
    assert keys == 1


def test_the_carried_secret_is_for_its_user_and_its_page_only(console: Console, net: Net) -> None:
    analyst = net.user("MA", Role.ANALYST).actor.user_id
    url = f"/console/admin/users/{analyst}"
    console.sign_in("MA", Role.ADMINISTRATOR)
    reset = console.post(f"{url}/password", token_from=url)
    carried = console.client.cookies.get(ONCE_COOKIE)
    assert reset.status_code == 303 and carried
    other = console.client.get(f"/console/admin/users/{net.user('MA', Role.REVIEWER).actor.user_id}")
    assert other.status_code == 200 and 'id="secret-value"' not in other.text
    console.client.cookies.clear()
    console.sign_in("MA", Role.BUREAU_OFFICER)  # another user replaying the cookie sees nothing
    console.client.cookies.set(ONCE_COOKIE, carried, path="/console/")
    assert 'id="totp-secret"' not in console.client.get("/console/account").text
    tampered = carried[:-4] + ("AAAA" if not carried.endswith("AAAA") else "BBBB")
    console.client.cookies.set(ONCE_COOKIE, tampered, path="/console/")
    assert console.client.get("/console/account").status_code == 200


def _modules(svg: str) -> set[tuple[int, int]]:
    """Return the dark modules drawn by segno's SVG path (``M x y.5 h n m dx dy …``, scale 4 then border 4)."""
    root = ElementTree.fromstring(svg)
    dark = [p for p in root.iter("{http://www.w3.org/2000/svg}path") if p.get("stroke")]
    assert len(dark) == 1
    x = y = 0.0
    cells: set[tuple[int, int]] = set()
    for op, a, b in re.findall(r"([Mmhv])(-?[\d.]+)(?: (-?[\d.]+))?", dark[0].get("d", "")):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        elif op == "h":
            cells |= {(int(x) + i - 4, int(y) - 4) for i in range(int(float(a)))}
            x += float(a)
    return cells


def test_totp_enrolment_shows_a_qr_code_of_the_uri_and_the_text_key_once(console: Console) -> None:
    username = console.sign_in("MA", Role.BUREAU_OFFICER)
    started = console.post("/console/account/totp/start", token_from="/console/account")
    assert started.status_code == 303 and started.headers["location"] == "/console/account"
    page = console.client.get("/console/account")
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text)
    svg = re.search(r'<div class="qr-box" id="totp-qr">(<svg.*?</svg>)\s*</div>', page.text, re.S)
    assert secret and svg and 'role="img" aria-label="QR code of the key' in svg.group(1)
    expected = segno.make(provisioning_uri(secret.group(1), username), error="m")
    matrix = {(c, r) for r, row in enumerate(expected.matrix) for c, v in enumerate(row) if v}
    assert _modules(svg.group(1)) == matrix  # the code drawn is the otpauth URI of the key shown
    again = console.client.get("/console/account")
    assert secret.group(1) not in again.text and 'id="totp-qr"' not in again.text
    assert 'id="confirm-totp"' in again.text  # the setting-up continues: the code form stays
