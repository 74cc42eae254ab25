"""Case forms refused: the same page, messages beside the fields, what was typed kept, nothing written."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from manara.case.models import Case, CaseAttachment, CaseMessage, CaseTask
from manara.identity import Role
from manara.settings import get_settings
from web.conftest import Console, csrf_of


def _count(session: Session, model: type) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def _open(console: Console) -> str:
    console.sign_in("MA", Role.BUREAU_OFFICER)
    made = console.post("/console/cases", {"title": "Tangier shipments", "invite": "FR"}, token_from="/console/cases")
    assert made.status_code == 303, made.text
    return made.headers["location"].rsplit("/", 1)[-1]


def _marked(text: str, control: str) -> bool:
    """Whether the control is marked invalid and described by its message, which the summary links to."""
    return (
        f'id="{control}-error"' in text
        and f'href="#{control}"' in text
        and 'id="form-problems"' in text
        and 'aria-invalid="true"' in text
        and f'{control}-error"' in text
    )


def test_open_a_case_without_a_title_keeps_what_was_typed(console: Console, session: Session) -> None:
    console.sign_in("MA", Role.BUREAU_OFFICER)
    typed = {"title": "  ", "summary": "Resin via the port.", "tlp": "red", "priority": "urgent", "invite": "FR, ES"}
    refused = console.post("/console/cases", typed, token_from="/console/cases")
    assert refused.status_code == 422 and '<h2 id="open-h">' in refused.text  # the cases page, not an error page
    assert _marked(refused.text, "c-title") and "This field is required." in refused.text
    assert ">Resin via the port.</textarea>" in refused.text and 'value="FR, ES"' in refused.text
    assert '<option value="red" selected>' in refused.text and '<option value="urgent" selected>' in refused.text
    assert _count(session, Case) == 0


def test_unknown_countries_are_named_beside_the_invite_field(console: Console, session: Session) -> None:
    console.sign_in("MA", Role.BUREAU_OFFICER)
    bad_code = console.post("/console/cases", {"title": "T", "invite": "France"}, token_from="/console/cases")
    assert bad_code.status_code == 422 and _marked(bad_code.text, "c-invite") and 'value="France"' in bad_code.text
    not_member = console.post("/console/cases", {"title": "T", "invite": "FR, QQ"}, token_from="/console/cases")
    assert not_member.status_code == 422 and "Not member countries of the network: QQ." in not_member.text
    assert _count(session, Case) == 0


def test_invite_message_and_task_errors_stay_on_the_case_page(
    console: Console, session: Session, data_dir: Path
) -> None:
    case_id = _open(console)
    url = f"/console/cases/{case_id}"
    invite = console.post(f"{url}/invite", {"countries": "ZZ"}, token_from=url)
    assert invite.status_code == 422 and _marked(invite.text, "inv") and 'value="ZZ"' in invite.text
    assert "Tangier shipments" in invite.text  # the case page itself
    empty = console.post(f"{url}/invite", {"countries": " , "}, token_from=url)
    assert empty.status_code == 422 and "This field is required." in empty.text
    message = console.post(f"{url}/messages", {"body": "   "}, token_from=url)
    assert message.status_code == 422 and _marked(message.text, "msg-body")
    task = console.post(
        f"{url}/tasks", {"title": "", "assignee_country": "MA", "due_date": "2030-01-31"}, token_from=url
    )
    assert task.status_code == 422 and _marked(task.text, "t-title") and 'value="2030-01-31"' in task.text
    date = console.post(f"{url}/tasks", {"title": "Check CCTV", "due_date": "31/01/2030"}, token_from=url)
    assert date.status_code == 422 and _marked(date.text, "t-due") and 'value="Check CCTV"' in date.text
    assert _count(session, CaseMessage) == 0 and _count(session, CaseTask) == 0


def test_a_too_large_attachment_posts_neither_message_nor_file(
    console: Console, session: Session, data_dir: Path
) -> None:
    case_id = _open(console)
    url = f"/console/cases/{case_id}"
    token = csrf_of(console.client.get(url).text)
    big = b"x" * (get_settings().case_attachment_max_bytes + 1)
    posted = console.client.post(
        f"{url}/messages",
        data={"body": "Manifest attached.", "csrf_token": token},
        files={"file": ("manifest.txt", big, "text/plain")},
    )
    assert posted.status_code == 422 and _marked(posted.text, "msg-file")
    assert ">Manifest attached.</textarea>" in posted.text
    assert _count(session, CaseMessage) == 0 and _count(session, CaseAttachment) == 0


def test_refused_forms_are_translated(console: Console) -> None:
    console.sign_in("MA", Role.BUREAU_OFFICER)
    refused = console.post("/console/cases?lang=ar", {"title": ""}, token_from="/console/cases?lang=ar")
    assert refused.status_code == 422 and 'dir="rtl"' in refused.text
    assert "This field is required." not in refused.text and 'id="c-title-error"' in refused.text
