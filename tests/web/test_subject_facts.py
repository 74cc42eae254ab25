"""Notice and hit pages show the subject in words: translated labels, dates and countries, a sensible order."""

from __future__ import annotations

import re

import pytest
from followthemoney import model
from sqlalchemy.orm import Session

from conftest import Net, person
from factories import red_details
from manara.entity.actions import do_upsert_entities, make_placement
from manara.entity.ftm import validate_entity
from manara.entity.service import get_by_natural_key
from manara.hit.actions import HitCandidate, do_raise_hit
from manara.identity import Role
from manara.notice import actions as notice_actions
from manara.notice.schemas import NoticeIn
from manara.visibility import Visibility
from manara.web import subject
from manara.web.i18n import translations
from web.conftest import Console

PROPS = {
    "firstName": "Karim",
    "lastName": "Benali",
    "alias": "كريم بن علي",
    "birthDate": "1984-03-12",
    "birthPlace": "Casablanca",
    "nationality": ["ma", "fr"],
    "passportNumber": "MA1234567",
    "gender": "male",
    "eyeColor": "brown",
    "height": "178",
}
RAW = ("birthDate", "passportNumber", "nationality", "firstName", "eyeColor")


def _notice_with_subject(session: Session, net: Net) -> str:
    actor = net.user("MA", Role.BUREAU_OFFICER).actor
    place = make_placement(session, actor, Visibility.OWNER, [], None)
    do_upsert_entities(session, actor, [validate_entity(person("subj-rich", "Karim Benali", **PROPS))], place)
    entity = get_by_natural_key(session, "MA", "subj-rich")
    assert entity is not None
    body = NoticeIn.model_validate(
        {
            "type": "red",
            "subject_id": entity.id,
            "title": "Wanted: Karim Benali",
            "details": red_details(warrant_date="2024-03-04"),
            "visibility": "all",
            "shared_with": [],
        }
    )
    notice = notice_actions.do_create_notice(session, actor, body)
    session.commit()
    return notice.id


def _facts(text: str, section: str) -> list[tuple[str, str]]:
    block = text.split(f'id="{section}-title"', 1)[1].split("</dl>", 1)[0]
    facts = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block, re.S)
    return [(label, re.sub(r"</?bdi>", "", value)) for label, value in facts]  # values are isolated for bidi


def test_the_subject_shows_labels_in_order_with_dates_and_countries_in_words(
    console: Console, session: Session, net: Net
) -> None:
    notice_id = _notice_with_subject(session, net)
    console.sign_in("MA", Role.BUREAU_OFFICER)
    facts = _facts(console.client.get(f"/console/notices/{notice_id}").text, "subject")
    labels = [label for label, _ in facts]
    assert labels[:5] == ["Name", "First name", "Last name", "Alias", "Birth date"]
    assert labels.index("Birth date") < labels.index("Nationality") < labels.index("Passport number")
    assert labels.index("Passport number") < labels.index("Gender") < labels.index("Eye color")
    shown = dict(facts)
    assert shown["Birth date"] == "March 12, 1984" and shown["Nationality"] == "Morocco, France"
    assert shown["Gender"] == "Male" and shown["Passport number"] == "MA1234567"
    assert not any(raw in labels for raw in RAW)


@pytest.mark.parametrize(
    ("lang", "birth", "nationality", "country"),
    [
        ("ar", "تاريخ الميلاد", "الجنسية", "المغرب"),
        ("fr", "Date de naissance", "Nationalité", "Maroc"),
        ("es", "Fecha de nacimiento", "Nacionalidad", "Marruecos"),
    ],
)
def test_the_subject_is_translated(
    console: Console, session: Session, net: Net, lang: str, birth: str, nationality: str, country: str
) -> None:
    notice_id = _notice_with_subject(session, net)
    console.sign_in("MA", Role.BUREAU_OFFICER)
    page = console.client.get(f"/console/notices/{notice_id}?lang={lang}").text
    shown = dict(_facts(page, "subject"))
    assert birth in shown and nationality in shown and country in shown[nationality]
    assert "1984" in shown[birth] and "12" in shown[birth] and "-03-" not in shown[birth]
    particulars = dict(_facts(page, "details"))
    assert not any("2024-03-04" in value for value in particulars.values())  # the warrant date, formatted


def test_partial_dates_keep_their_precision_and_odd_values_pass_through() -> None:
    assert subject.format_partial_date("1984", "en") == "1984"
    assert subject.format_partial_date("1984-03", "en") == "March 1984"
    assert subject.format_partial_date("1984-03", "fr") == "mars 1984"
    assert subject.format_partial_date("1984-13-40", "en") == "1984-13-40"
    assert subject.format_partial_date("unknown", "en") == "unknown"
    assert subject.country_name("eg", "ar") == "مصر" and subject.country_name("zz", "en")


def test_labels_are_followthemoneys_own() -> None:
    person_schema = model.get("Person")
    assert person_schema is not None
    for name, label in subject.LABELS.items():
        prop = person_schema.get(name)
        assert prop is not None and prop.label == label, name  # test_i18n checks every catalog translates it
    assert translations("ar").gettext("Passport number") == "رقم جواز السفر"


def test_the_hits_inbox_shows_the_screened_person_in_words(console: Console, session: Session, net: Net) -> None:
    candidate = HitCandidate(
        target_type="notice",
        target_id="00000000-0000-0000-0000-000000000001",
        owner_country="MA",
        notice_type="red",
        algorithm="person-v1",
        score=0.91,
        threshold=0.7,
        features={"name": 0.95},
        explanation="names agree",
    )
    query = {
        "names": ["Karim Benali"],
        "birth_date": "1984-03",
        "nationality": "DZ",
        "documents": [{"number": "P998877", "country": "FR"}, {"number": "X1", "country": None}],
    }
    querying = net.user("FR", Role.FRONTLINE_OFFICER).actor
    do_raise_hit(session, querying, candidate, fingerprint="f" * 64, query=query)
    session.commit()
    console.sign_in("MA", Role.BUREAU_OFFICER)
    page = console.client.get("/console/hits").text
    assert "Born March 1984" in page and "Nationality: Algeria" in page
    assert "Document P998877 (France)" in page and "Document X1<" in page
    spanish = console.client.get("/console/hits?lang=es").text
    assert "Argelia" in spanish and "marzo de 1984" in spanish
