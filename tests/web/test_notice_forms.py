"""The notice form and lifecycle in the console: the API's rules, messages beside fields, safe resubmission."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import Net
from factories import make_notice
from manara.entity.models import Entity
from manara.identity import Role
from manara.notice.models import Notice
from web.conftest import Console, csrf_of

TOKEN = re.compile(r'name="form_token" value="([A-Za-z0-9_-]+)"')
RED = {
    "type": "red",
    "title": "Wanted for armed robbery",
    "summary": "Bank robbery in Casablanca.",
    "last_name": "El Idrissi",
    "first_name": "Youssef",
    "aliases": "يوسف الإدريسي\nYoussef Idrissi",
    "gender": "male",
    "birth_date": "1987-03-14",
    "nationality": "MA",
    "passport_number": "XK4419273",
    "offence": "Armed robbery",
    "facts": "Robbed a bank in Casablanca on 3 March 2024.",
    "legal_provision": "Penal Code art. 400",
    "max_penalty_years": "20",
    "warrant_reference": "W-2024-17",
    "warrant_date": "2024-03-10",
    "issuing_authority": "Casablanca court",
    "extradition_countries": "FR, EG",
    "visibility": "all",
    "shared_with": "",
    "review_date": "",
}


def _notices(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(Notice.id))) or 0


def _new_form(console: Console) -> dict[str, str]:
    """Open the new-notice form; return its CSRF and duplicate-submit tokens."""
    page = console.client.get("/console/notices/new")
    assert page.status_code == 200 and 'for="f-last_name">Family name</label>' in page.text
    match = TOKEN.search(page.text)
    assert match
    return {"csrf_token": csrf_of(page.text), "form_token": match.group(1)}


def _post(console: Console, url: str, data: dict[str, str], token_from: str) -> str:
    response = console.post(url, data, token_from=token_from)
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def _switch(console: Console, country: str, role: Role) -> None:
    console.client.cookies.clear()
    console.sign_in(country, role)


def test_draft_submit_approve_publishes_a_red_notice(console: Console, session: Session) -> None:
    console.sign_in("MA", Role.BUREAU_OFFICER)
    tokens = _new_form(console)
    created = console.client.post("/console/notices/new", data={**RED, **tokens}, follow_redirects=False)
    assert created.status_code == 303
    url = created.headers["location"]
    again = console.client.post("/console/notices/new", data={**RED, **tokens}, follow_redirects=False)
    assert again.headers["location"] == url and _notices(session) == 1  # a double click creates one notice
    draft = console.client.get(url).text
    assert "Submit for review" in draft and "Approve" not in draft and "يوسف الإدريسي" in draft
    notice_id = url.rsplit("/", 1)[1]
    version = re.search(r'name="version" value="(\d+)"', draft)
    assert version
    _post(console, f"{url}/submit", {"version": version.group(1)}, url)
    repeat = console.post(f"{url}/submit", {"version": version.group(1)}, token_from=url)
    assert repeat.headers["location"].endswith("?stale=1")  # the second click changes nothing
    assert "Submit for review" not in console.client.get(url).text

    _switch(console, "EG", Role.REVIEWER)
    review = console.client.get(url).text
    assert "Approve" in review and "Refuse" in review and "Submit for review" not in review
    current = re.search(r'name="version" value="(\d+)"', review)
    assert current
    _post(console, f"{url}/review", {"decision": "approve", "version": current.group(1)}, url)
    session.expire_all()
    notice = session.get(Notice, notice_id)
    assert notice is not None and notice.status == "published" and notice.reviews[0].reviewer_country == "EG"


def test_invalid_fields_come_back_with_messages_beside_them_and_nothing_is_written(
    console: Console, session: Session
) -> None:
    console.sign_in("MA", Role.BUREAU_OFFICER)
    bad = {
        **RED,
        "title": "",
        "birth_date": "14/03/1987",
        "extradition_countries": "France",
        "max_penalty_years": "many",
        **_new_form(console),
    }
    before = session.scalar(select(func.count(Entity.id)))
    response = console.client.post("/console/notices/new", data=bad)
    assert response.status_code == 422
    for field, message in (
        ("title", "This field is required."),
        ("birth_date", "Use YYYY, YYYY-MM or YYYY-MM-DD."),
        ("extradition_countries", "Use two-letter codes of member countries"),
        ("max_penalty_years", "Enter a number of years"),
    ):
        assert re.search(rf'id="f-{field}"[^>]*aria-invalid="true"', response.text), field
        assert re.search(rf'<p class="field-error" id="f-{field}-error">{re.escape(message)}', response.text), field
    assert 'value="14/03/1987"' in response.text  # what was typed is kept
    assert _notices(session) == 0 and session.scalar(select(func.count(Entity.id))) == before


def test_unknown_sharing_country_and_past_review_date_map_to_their_fields(console: Console, session: Session) -> None:
    console.sign_in("MA", Role.BUREAU_OFFICER)
    data = {**RED, "visibility": "countries", "shared_with": "XY", "review_date": "2001-01-01", **_new_form(console)}
    response = console.client.post("/console/notices/new", data=data)
    assert response.status_code == 422 and 'id="f-shared_with-error"' in response.text
    assert _notices(session) == 0


def test_failed_submission_checks_are_shown_beside_the_fields(console: Console, session: Session) -> None:
    console.sign_in("MA", Role.BUREAU_OFFICER)
    thin = {**RED, "warrant_reference": "", "max_penalty_years": "1", **_new_form(console)}
    url = _post(console, "/console/notices/new", thin, "/console/notices/new")
    response = console.post(f"{url}/submit", {"version": "1"}, token_from=url)
    assert response.status_code == 422 and "automated checks found problems" in response.text
    assert '<p class="field-error" id="f-warrant_reference-error">Required for this type of notice.' in response.text
    penalty = 'id="f-max_penalty_years-error">A red notice needs an offence punishable by at least 2 years'
    assert penalty in response.text
    edit = console.client.get(f"{url}/edit").text
    fixed = {**thin, "warrant_reference": "W-1", "max_penalty_years": "5", "csrf_token": csrf_of(edit), "version": "1"}
    assert console.client.post(f"{url}/edit", data=fixed, follow_redirects=False).status_code == 303
    session.expire_all()
    notice = session.get(Notice, url.rsplit("/", 1)[1])
    assert notice is not None and notice.details["warrant_reference"] == "W-1" and notice.status == "draft"


def test_refusal_needs_reasons_and_the_owner_may_edit_a_refused_notice(
    console: Console, session: Session, net: Net
) -> None:
    notice = make_notice(session, net.user("MA", Role.BUREAU_OFFICER).actor, status="submitted")
    url = f"/console/notices/{notice.id}"
    console.sign_in("FR", Role.REVIEWER)
    empty = console.post(f"{url}/review", {"decision": "refuse", "version": str(notice.version)}, token_from=url)
    assert empty.status_code == 422 and 'id="f-reasons-error">Give the reasons for refusal' in empty.text
    _post(
        console,
        f"{url}/review",
        {"decision": "refuse", "reasons": "No warrant copy\nVague facts", "version": str(notice.version)},
        url,
    )
    session.expire_all()
    assert notice.status == "refused" and notice.reviews[-1].reasons == ["No warrant copy", "Vague facts"]
    _switch(console, "MA", Role.BUREAU_OFFICER)
    page = console.client.get(url).text
    assert "No warrant copy" in page and 'href="/console/notices/' + notice.id + '/edit"' in page
    edit = console.client.get(f"{url}/edit").text
    assert 'value="Karim Benali"' in edit  # an API-made subject's name is kept in the form


def test_buttons_follow_the_role_and_other_steps_are_404(console: Console, session: Session, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).actor
    submitted = make_notice(session, ma, status="submitted")
    url = f"/console/notices/{submitted.id}"
    console.sign_in("MA", Role.REVIEWER)  # may not review their own country's notice
    page = console.client.get(url).text
    assert "Approve" not in page and "Submit for review" not in page and "Cancel notice" not in page
    assert console.post(f"{url}/review", {"decision": "approve", "version": "2"}, token_from=url).status_code == 404
    _switch(console, "FR", Role.BUREAU_OFFICER)
    assert console.client.get(url).status_code == 404  # another member's notice in review: not visible
    assert console.client.get("/console/notices/new").status_code == 200
    _switch(console, "FR", Role.FRONTLINE_OFFICER)
    assert console.client.get("/console/notices/new").status_code == 404
    assert "New notice" not in console.client.get("/console/notices").text
    assert console.post(f"{url}/cancel", {"reason": "x", "version": "2"}).status_code == 404
    session.expire_all()
    assert submitted.status == "submitted"


def test_forms_without_the_csrf_token_are_refused(console: Console, session: Session, net: Net) -> None:
    notice = make_notice(session, net.user("MA", Role.BUREAU_OFFICER).actor)
    console.sign_in("MA", Role.BUREAU_OFFICER)
    assert console.client.post("/console/notices/new", data=RED).status_code == 403
    bad = console.client.post(
        f"/console/notices/{notice.id}/cancel", data={"reason": "x", "csrf_token": "0" * 64, "version": "1"}
    )
    assert bad.status_code == 403
    assert _notices(session) == 1 and notice.status == "draft"


def test_owner_cancels_and_revalidates(console: Console, session: Session, net: Net) -> None:
    notice = make_notice(
        session,
        net.user("MA", Role.BUREAU_OFFICER).actor,
        status="published",
        reviewer=net.user("EG", Role.REVIEWER).actor,
    )
    url = f"/console/notices/{notice.id}"
    console.sign_in("MA", Role.BUREAU_OFFICER)
    past = console.post(
        f"{url}/revalidate", {"review_date": "2001-01-01", "version": str(notice.version)}, token_from=url
    )
    assert past.status_code == 422 and 'id="f-review_date-error">Enter a date in the future.' in past.text
    _post(console, f"{url}/revalidate", {"review_date": "2099-01-01", "version": str(notice.version)}, url)
    session.expire_all()
    assert str(notice.review_date) == "2099-01-01"
    empty = console.post(f"{url}/cancel", {"reason": "", "version": str(notice.version)}, token_from=url)
    assert empty.status_code == 422 and 'id="f-reason-error"' in empty.text
    _post(console, f"{url}/cancel", {"reason": "Arrested in Tangier", "version": str(notice.version)}, url)
    session.expire_all()
    assert notice.status == "cancelled" and notice.close_reason == "Arrested in Tangier"


def test_search_by_subject_name_in_arabic_and_by_review_date(console: Console, session: Session) -> None:
    console.sign_in("MA", Role.BUREAU_OFFICER)
    data = {
        **RED,
        "last_name": "الإدريسي",
        "first_name": "يوسف",
        "aliases": "",
        "review_date": "2090-06-30",
        **_new_form(console),
    }
    url = _post(console, "/console/notices/new", data, "/console/notices/new")
    reference = session.get(Notice, url.rsplit("/", 1)[1])
    assert reference is not None
    found = console.client.get("/console/notices", params={"q": "الإدريسي"}).text
    assert reference.reference in found
    window = console.client.get("/console/notices?review_from=2090-06-01&review_to=2090-07-01").text
    assert reference.reference in window
    assert reference.reference not in console.client.get("/console/notices?review_to=2090-06-29").text


def test_the_form_in_arabic_is_right_to_left_and_translated(console: Console) -> None:
    console.sign_in("MA", Role.BUREAU_OFFICER)
    page = console.client.get("/console/notices/new?lang=ar").text
    assert 'dir="rtl"' in page and "اسم العائلة" in page and "Family name" not in page
