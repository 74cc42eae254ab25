"""Case, handover and search pages: the same access rules and write path as the API, in every language."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net
from manara.case.models import Case, CaseAttachment
from manara.identity import Role
from web.conftest import Console, csrf_of

PDF = b"%PDF-1.4\n%%EOF\n"


def _open(console: Console) -> str:
    console.sign_in("MA", Role.BUREAU_OFFICER)
    made = console.post(
        "/console/cases",
        {
            "title": "Tangier shipments",
            "summary": "Resin via the port.",
            "tlp": "red",
            "priority": "urgent",
            "invite": "fr",
        },
        token_from="/console/cases",
    )
    assert made.status_code == 303, made.text
    return made.headers["location"].rsplit("/", 1)[-1]


def test_open_post_with_attachment_and_accept(console: Console, session: Session, net: Net, data_dir: Path) -> None:
    case_id = _open(console)
    page = console.client.get(f"/console/cases/{case_id}")
    assert page.status_code == 200 and "Tangier shipments" in page.text and "TLP:RED" in page.text
    token = csrf_of(page.text)
    posted = console.client.post(
        f"/console/cases/{case_id}/messages",
        data={"body": "Manifest attached.", "csrf_token": token},
        files={"file": ("manifest.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert posted.status_code == 303, posted.text
    att = session.scalars(select(CaseAttachment)).one()
    no_token = console.client.post(f"/console/cases/{case_id}/messages", data={"body": "x"}, follow_redirects=False)
    assert no_token.status_code == 403
    console.sign_in("FR", Role.DUTY_OFFICER)
    listing = console.client.get("/console/cases")
    assert "Tangier shipments" in listing.text and "Invitations awaiting your first response" in listing.text
    detail = console.client.get(f"/console/cases/{case_id}")
    assert "Manifest attached." in detail.text and "manifest.pdf" in detail.text
    assert "Accept the invitation" in detail.text
    download = console.client.get(f"/console/cases/{case_id}/attachments/{att.id}")
    assert download.content == PDF and download.headers["content-disposition"].startswith("attachment")
    accepted = console.post(f"/console/cases/{case_id}/accept", token_from=f"/console/cases/{case_id}")
    assert accepted.status_code == 303
    task = console.post(
        f"/console/cases/{case_id}/tasks",
        {"title": "Check the port CCTV", "assignee_country": "MA", "due_date": "2030-01-31"},
        token_from=f"/console/cases/{case_id}",
    )
    assert task.status_code == 303
    after = console.client.get(f"/console/cases/{case_id}").text
    assert "Accept the invitation" not in after and "Check the port CCTV" in after
    assert after.index("Case opened") < after.index("Invitation accepted") < after.index("Task assigned")


def test_pages_of_a_case_one_may_not_see_are_404(console: Console, session: Session, net: Net) -> None:
    case_id = _open(console)
    console.sign_in("EG", Role.BUREAU_OFFICER)
    hidden = console.client.get(f"/console/cases/{case_id}")
    missing = console.client.get("/console/cases/00000000-0000-0000-0000-000000000000")
    assert hidden.status_code == missing.status_code == 404 and "Tangier" not in hidden.text
    assert "Tangier" not in console.client.get("/console/cases").text
    assert "Tangier shipments" not in console.client.get("/console/search?q=Tangier").text
    console.sign_in("FR", Role.REVIEWER)  # a member country, but a role without case rights
    assert console.client.get(f"/console/cases/{case_id}").status_code == 404
    assert 'href="/console/cases"' not in console.client.get("/console/").text


def test_handover_page(console: Console, net: Net) -> None:
    console.sign_in("MA", Role.DUTY_OFFICER)
    wrote = console.post(
        "/console/handover",
        {"open_items": "Two invitations from FR.", "watch": "ES hit at 04:00"},
        token_from="/console/handover",
    )
    assert wrote.status_code == 303
    assert "I have read this note" not in console.client.get("/console/handover").text  # not for its author
    console.sign_in("MA", Role.BUREAU_OFFICER)
    page = console.client.get("/console/handover").text
    assert "Two invitations from FR." in page and "I have read this note" in page
    note_id = re.search(r"/console/handover/([0-9a-f-]{36})/acknowledge", page)
    assert note_id is not None
    acked = console.post(f"/console/handover/{note_id.group(1)}/acknowledge", token_from="/console/handover")
    assert acked.status_code == 303
    assert "Acknowledged by ma.bureau_officer" in console.client.get("/console/handover").text
    console.sign_in("MA", Role.ANALYST)
    assert console.client.get("/console/handover").status_code == 404


def test_arabic_pages_are_rtl_and_translated(console: Console, session: Session, net: Net) -> None:
    case_id = _open(console)
    for path in ("/console/cases", f"/console/cases/{case_id}", "/console/handover", "/console/search?q=Tangier"):
        page = console.client.get(path + ("&" if "?" in path else "?") + "lang=ar").text
        assert 'dir="rtl"' in page, path
    assert "القضايا" in console.client.get("/console/cases?lang=ar").text
    detail = console.client.get(f"/console/cases/{case_id}?lang=ar").text
    assert "التسلسل الزمني" in detail and "Timeline" not in detail
    results = console.client.get("/console/search?q=Tangier&lang=fr").text
    assert "Par type" in results and "Tangier shipments" in results
    assert session.get(Case, case_id) is not None


def test_open_a_case_from_a_link_in_the_console(console: Console, session: Session, net: Net) -> None:
    from case.test_from_link import _link  # the same fixture world: FR may not read the link

    link_id, ma_pk, _ = _link(session, net)
    console.sign_in("FR", Role.BUREAU_OFFICER)
    form = console.client.get(f"/console/cases/from-link/{link_id}")
    assert form.status_code == 200 and "Possible match with one of our records" in form.text
    made = console.post(
        f"/console/cases/from-link/{link_id}",
        {"title": "Is this ours?"},
        token_from=f"/console/cases/from-link/{link_id}",
    )
    assert made.status_code == 303
    page = console.client.get(made.headers["location"]).text
    assert "The other side of the suggested link (shown once it accepts)" in page
    assert "Opened on a suggested link whose other side you may not see." in page
    assert ma_pk not in page and "MA" not in re.sub(r"<[^>]+>", "", page).split()
    console.sign_in("EG", Role.BUREAU_OFFICER)
    assert console.client.get(f"/console/cases/from-link/{link_id}").status_code == 404
