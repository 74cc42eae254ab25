"""Training console pages in four languages: my training, a course (apply, assessment), the desk (approve,
results, revoke), and the public verification page (no sign-in; shows the certificate's fields only)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import Net
from manara.identity import Role
from manara.training import actions
from manara.training.models import Certificate
from manara.training.schemas import CourseIn
from training.helpers import complete, elearning_body, make_course, make_run
from web.conftest import Console


def _sign_in(client: TestClient, session: Session, net: Net, country: str, role: Role) -> None:
    Console(client, session, net).sign_in(country, role)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _cert(session: Session, net: Net, lang: str = "es", code: str = "NOT-101") -> Certificate:
    fr = net.user("FR", Role.BUREAU_OFFICER).actor
    course = make_course(session, fr, code)
    run = make_run(session, fr, course)
    cert = complete(
        session, net.user("MA", Role.ANALYST).actor, net.user("MA", Role.BUREAU_OFFICER).actor, fr, course, run, lang
    )
    session.commit()
    return cert


@pytest.mark.parametrize("lang", ["en", "fr", "ar", "es"])
def test_my_training_page_in_four_languages(client: TestClient, session: Session, net: Net, lang: str) -> None:
    _cert(session, net)
    _sign_in(client, session, net, "MA", Role.ANALYST)
    r = client.get(f"/console/training?lang={lang}")
    assert r.status_code == 200
    assert "NOT-101" in r.text and "<h1" in r.text
    expected = {"en": "Your certificates", "fr": "Vos certificats", "ar": "شهاداتك", "es": "Sus certificados"}[lang]
    assert expected in r.text
    desk = client.get(f"/console/training/desk?lang={lang}")
    assert desk.status_code == 403  # analysts do not run the desk


def test_apply_approve_record_and_revoke_through_the_console(client: TestClient, session: Session, net: Net) -> None:
    fr = net.user("FR", Role.BUREAU_OFFICER).actor
    course = make_course(session, fr)
    run = make_run(session, fr, course)
    session.commit()
    _sign_in(client, session, net, "MA", Role.BUREAU_OFFICER)
    page = client.get(f"/console/training/courses/{course.id}")
    assert page.status_code == 200 and run.id in page.text
    r = client.post(
        f"/console/training/courses/{course.id}/apply",
        data={"session_id": run.id, "language": "ar", "csrf_token": _csrf(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    again = client.post(
        f"/console/training/courses/{course.id}/apply",
        data={"session_id": run.id, "language": "ar", "csrf_token": _csrf(page.text)},
    )
    assert again.status_code == 422 and "already applied" in again.text
    desk = client.get("/console/training/desk")
    assert desk.status_code == 200 and "/approve" in desk.text
    approve = re.search(r'action="(/console/training/desk/enrolments/[^"]+/approve)"', desk.text)
    assert approve is not None
    assert (
        client.post(approve.group(1), data={"csrf_token": _csrf(desk.text)}, follow_redirects=False).status_code == 303
    )
    assert client.post(approve.group(1), data={}, follow_redirects=False).status_code == 403  # CSRF refused


def test_elearning_assessment_in_the_console(client: TestClient, session: Session, net: Net) -> None:
    eg = net.user("EG", Role.BUREAU_OFFICER).actor
    course = actions.do_create_course(session, eg, CourseIn.model_validate(elearning_body()))
    session.commit()
    _sign_in(client, session, net, "FR", Role.FRONTLINE_OFFICER)
    page = client.get(f"/console/training/courses/{course.id}?lang=fr")
    r = client.post(
        f"/console/training/courses/{course.id}/apply", data={"language": "fr", "csrf_token": _csrf(page.text)}
    )
    assert r.status_code == 200 and "q-0-1" in r.text  # followed the redirect: the assessment is shown
    form = re.search(r'action="(/console/training/enrolments/[^"]+/assessment)"', r.text)
    assert form is not None
    done = client.post(form.group(1), data={"q-0-0": "1", "q-0-1": "0", "csrf_token": _csrf(r.text)})
    assert done.status_code == 200
    mine = client.get("/console/training")
    assert "DP-100" in mine.text and "/pdf" in mine.text


@pytest.mark.parametrize("lang", ["en", "fr", "ar", "es"])
def test_public_verification_page(client: TestClient, session: Session, net: Net, lang: str) -> None:
    cert = _cert(session, net)
    r = client.get(f"/console/training/verify/{cert.id}?lang={lang}")  # nobody signed in
    assert r.status_code == 200
    vc: dict[str, Any] = cert.credential
    for value in (
        vc["credentialSubject"]["name"],
        vc["validUntil"],
        vc["issuer"]["id"],
        vc["proof"]["verificationMethod"],
    ):
        assert value in r.text
    assert {"en": "Valid", "fr": "Valide", "ar": "صالحة", "es": "Válido"}[lang] in r.text
    # nothing but the certificate's own fields: no navigation, not the bureau that approved, no enrolment data
    assert net.user("MA", Role.BUREAU_OFFICER).actor.username not in r.text
    assert cert.user_id in r.text and str(cert.enrolment_id) not in r.text
    assert "/console/notices" not in r.text
    assert client.get("/console/training/verify/nope").status_code == 404


def test_verification_page_says_revoked_and_tampered(client: TestClient, session: Session, net: Net) -> None:
    cert = _cert(session, net)
    actions.do_revoke(session, net.user("FR", Role.BUREAU_OFFICER).actor, cert, "exam fraud")
    session.commit()
    r = client.get(f"/console/training/verify/{cert.id}")
    assert "Revoked" in r.text and "exam fraud" in r.text
    status_list = client.get("/console/training/status/FR")
    assert status_list.status_code == 200 and status_list.json()["credentialSubject"]["encodedList"].startswith("u")
    assert client.get("/console/training/status/EG").status_code == 404
    from manara.training import credential, service

    key = service.active_key(session, "FR")
    assert key is not None
    assert credential.verify_signature(status_list.json(), credential.load_public(key.public_key)).ok
    other = _cert(session, net, code="NOT-102")
    other.credential = {**other.credential, "validUntil": "2099-01-01T00:00:00Z"}
    session.commit()
    assert "Tampered" in client.get(f"/console/training/verify/{other.id}").text


def test_console_gate_shows_what_to_take_and_closes_gated_pages(
    client: TestClient, session: Session, net: Net, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from manara.settings import get_settings

    _sign_in(client, session, net, "MA", Role.ANALYST)
    assert client.get("/console/chart").status_code == 200  # off by default
    monkeypatch.setenv("MANARA_TRAINING_REQUIRED_COURSES", json.dumps({"*": ["NOT-101"]}))
    get_settings.cache_clear()
    try:
        assert client.get("/console/chart").status_code == 403  # gone on the next request
        page = client.get("/console/training")
        assert page.status_code == 200 and "Missing: take this course" in page.text and "NOT-101" in page.text
        _cert(session, net)  # the analyst completes NOT-101
        assert client.get("/console/chart").status_code == 200
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize("lang", ["en", "fr", "ar", "es"])
def test_desk_and_course_pages_in_four_languages(client: TestClient, session: Session, net: Net, lang: str) -> None:
    cert = _cert(session, net)
    _sign_in(client, session, net, "FR", Role.BUREAU_OFFICER)
    desk = client.get(f"/console/training/desk?lang={lang}")
    assert desk.status_code == 200 and cert.id in desk.text
    expected = {"en": "Training desk", "fr": "Bureau de la formation", "ar": "مكتب التدريب", "es": "Mesa de formación"}
    assert expected[lang] in desk.text
    course = client.get(f"/console/training/courses/{cert.course_id}?lang={lang}")
    title = {
        "en": "Notices basics",
        "fr": "Bases des notices",
        "ar": "أساسيات النشرات",
        "es": "Bases de las notificaciones",
    }
    assert course.status_code == 200 and title[lang] in course.text
    assert client.get(f"/console/training/courses/nope?lang={lang}").status_code == 404
