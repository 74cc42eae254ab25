"""Screening from the console raises a hit; the owner acknowledges and judges it in its inbox."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import Net
from manara.hit.models import Hit
from manara.identity import Role
from screening.helpers import publish_red
from web.conftest import Console

SCREEN = {
    "names": "Abderrahmane Ben Salah\nعبد الرحمن بن صالح",
    "birth_date": "1985-04-12",
    "nationality": "MA",
    "document_number": "",
    "document_country": "",
}


def _raise_hit(console: Console, client: TestClient, net: Net) -> tuple[dict[str, object], str]:
    notice = publish_red(client, net)
    console.sign_in("FR", Role.FRONTLINE_OFFICER)
    result = console.post("/console/screen", SCREEN, token_from="/console/screen")
    assert result.status_code == 200, result.text
    assert str(notice["reference"]) in result.text and "URGENT" in result.text
    hit_id = re.search(r"Hit ([0-9a-f-]{36})", result.text)
    assert hit_id, result.text
    client.cookies.clear()
    console.sign_in("MA", Role.BUREAU_OFFICER)
    return notice, hit_id.group(1)


def test_a_console_screening_raises_a_hit_that_the_owner_answers(
    console: Console, client: TestClient, session: Session, net: Net
) -> None:
    _, hit_id = _raise_hit(console, client, net)
    inbox = client.get("/console/hits")
    assert inbox.status_code == 200 and f'id="hit-{hit_id}"' in inbox.text and "Abderrahmane" in inbox.text
    token = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', inbox.text)
    assert token
    row = client.post(
        f"/console/hits/{hit_id}/acknowledge", data={"csrf_token": token.group(1)}, headers={"HX-Request": "true"}
    )
    assert row.status_code == 200 and row.text.lstrip().startswith(f'<tr id="hit-{hit_id}"')
    assert "Acknowledged" in row.text and "/acknowledge" not in row.text
    judged = client.post(
        f"/console/hits/{hit_id}/judge",
        follow_redirects=False,
        data={"csrf_token": token.group(1), "judgement": "confirmed", "note": "Arrested at Orly"},
    )
    assert judged.status_code == 303 and judged.headers["location"] == "/console/hits"
    hit = session.get(Hit, hit_id)
    assert hit is not None and hit.status == "confirmed" and hit.judgement_note == "Arrested at Orly"
    assert hit_id not in client.get("/console/hits").text  # answered: off the default inbox
    assert hit_id in client.get("/console/hits?show=all").text


def test_only_the_owner_may_answer_and_twice_is_a_conflict(console: Console, client: TestClient, net: Net) -> None:
    _, hit_id = _raise_hit(console, client, net)
    assert console.post(f"/console/hits/{hit_id}/acknowledge").status_code == 303
    again = console.post(f"/console/hits/{hit_id}/acknowledge")
    assert again.status_code == 409 and "<html" in again.text
    client.cookies.clear()
    console.sign_in("FR", Role.BUREAU_OFFICER)  # the querying side may see the hit but not answer it
    assert console.post(f"/console/hits/{hit_id}/acknowledge").status_code == 404


def test_dashboard_counts_open_hits_with_deadlines(console: Console, client: TestClient, net: Net) -> None:
    _raise_hit(console, client, net)
    dashboard = client.get("/console/")
    assert "hits awaiting your country" in dashboard.text and "data-deadline=" in dashboard.text
    fragment = client.get("/console/dashboard/counts")
    assert fragment.status_code == 200 and "<html" not in fragment.text


def test_form_errors_are_shown_beside_the_fields(console: Console) -> None:
    console.sign_in("FR", Role.FRONTLINE_OFFICER)
    bad = console.post(
        "/console/screen", {**SCREEN, "names": " ", "birth_date": "12/04/1985"}, token_from="/console/screen"
    )
    assert bad.status_code == 422
    assert 'id="s-names-error"' in bad.text and 'id="s-birth_date-error"' in bad.text
    assert 'aria-invalid="true"' in bad.text


def test_roles_without_the_permission_get_the_403_page(console: Console) -> None:
    console.sign_in("EG", Role.REVIEWER)
    assert console.client.get("/console/screen").status_code == 403
    assert console.client.get("/console/hits").status_code == 403
    nav = console.client.get("/console/").text
    assert 'href="/console/screen"' not in nav and 'href="/console/notices"' in nav


def test_results_show_names_by_script_reasons_in_words_and_next_steps(
    console: Console, client: TestClient, net: Net
) -> None:
    notice = publish_red(client, net)
    console.sign_in("FR", Role.FRONTLINE_OFFICER)
    page = console.post("/console/screen", SCREEN, token_from="/console/screen").text
    row = page[page.index("<tr data-item") :]
    row = row[: row.index("</tr>")]
    assert str(notice["reference"]) in row and f'href="/console/notices/{notice["id"]}"' in row
    assert "Abderrahmane Ben Salah" in row and "Latin script" in row  # the record's names, each with its script
    assert "عبد الرحمن بن صالح" in page and "Arabic script" in page  # the query's names beside them
    for words in ("Same birth date.", "Same nationality.", "The names agree closely", "Open the notice"):
        assert words in row, words
    assert "dob_exact" not in page and "nationality_match" not in page  # words, never feature codes
    assert 'role="progressbar"' in row and "URGENT" in row
    arabic = console.post("/console/screen?lang=ar", SCREEN, token_from="/console/screen?lang=ar").text
    assert "تاريخ الميلاد نفسه." in arabic and "فتح النشرة" in arabic and "Same birth date." not in arabic
    client.cookies.clear()
    console.sign_in("MA", Role.BUREAU_OFFICER)
    inbox = client.get("/console/hits?lang=en").text
    assert "data-item" in inbox and "data-ack" in inbox and "Same birth date." in inbox
    empty = client.get("/console/hits?show=all").text
    assert "No hit awaits" not in empty


def test_a_pasted_identity_card_zone_fills_the_form_and_screens_the_holder(
    console: Console, client: TestClient, net: Net
) -> None:
    from screening.test_mrz_api import td1

    notice = publish_red(client, net)
    console.sign_in("FR", Role.FRONTLINE_OFFICER)
    zone = td1("BEN<SALAH", "ABDERRAHMANE", "MA1234567", "MAR", "850412")
    page = console.post("/console/screen/mrz", {"mrz": zone}, token_from="/console/screen")
    assert page.status_code == 200, page.text
    assert str(notice["reference"]) in page.text and 'id="mrz-result"' in page.text
    assert "every check digit verified" in page.text and "ABDERRAHMANE BEN SALAH" in page.text
    altered = console.post(
        "/console/screen/mrz", {"mrz": zone.replace("850412", "850413", 1)}, token_from="/console/screen"
    )
    assert "check digits failed for birth_date, composite" in altered.text
    bad = console.post("/console/screen/mrz", {"mrz": "P<MAR" + "<" * 40}, token_from="/console/screen")
    assert bad.status_code == 422 and 'id="s-mrz-error"' in bad.text and 'aria-invalid="true"' in bad.text
