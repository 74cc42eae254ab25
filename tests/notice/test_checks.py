"""Automated checks on submission: required fields per type, the red-notice penalty rule, neutrality flags."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from conftest import Net
from factories import counts, make_notice, red_details
from manara.errors import ChecksFailed
from manara.identity import Role
from manara.notice import actions as notice_actions
from manara.notice.checks import REQUIRED
from manara.notice.models import NoticeType

COMPLETE: dict[str, dict[str, Any]] = {
    "red": red_details(),
    "yellow": {"disappearance_date": "2024-05-01", "disappearance_place": "Fes"},
    "blue": {"facts": "Seen with the suspect.", "requested_action": "Locate and report"},
    "black": {"found_date": "2024-02-02", "found_place": "Port of Tangier"},
    "green": {"criminal_activity": "Sextortion of minors online"},
    "orange": {"threat": "Parcel bombs sent by post"},
    "purple": {"modus_operandi": "Skimmers hidden in fuel pumps"},
    "un_special": {"un_committee": "1267", "un_reference": "QDi.001"},
    "diffusion": {"purpose": "locate"},
}


def _submit(session: Session, net: Net, ntype: str, **details: Any) -> Any:
    notice = make_notice(session, net.user("MA", Role.BUREAU_OFFICER).actor, ntype=ntype, title="Case file")
    notice.details = details
    return notice_actions.do_submit_notice(session, net.user("MA", Role.BUREAU_OFFICER).actor, notice)


@pytest.mark.parametrize("ntype", list(COMPLETE))
def test_complete_notices_pass_and_each_missing_field_blocks(session: Session, net: Net, ntype: str) -> None:
    assert {t.value for t in REQUIRED} == set(COMPLETE)
    assert _submit(session, net, ntype, **COMPLETE[ntype]).status in ("submitted", "published")
    for field in (f for f in REQUIRED[NoticeType(ntype)] if f != "subject"):
        details = {k: v for k, v in COMPLETE[ntype].items() if k != field}
        before = counts(session)
        with pytest.raises(ChecksFailed) as raised:
            _submit(session, net, ntype, **details)
        assert {"rule": "required", "field": field}.items() <= raised.value.data["failures"][0].items()
        assert counts(session)[0] == before[0] + 2  # the entity and the draft only, never a submission event


def test_subject_is_required_where_the_type_says(session: Session, net: Net) -> None:
    notice = make_notice(session, net.user("MA", Role.BUREAU_OFFICER).actor, ntype="yellow", **COMPLETE["yellow"])
    notice.subject_id = None
    with pytest.raises(ChecksFailed) as raised:
        notice_actions.do_submit_notice(session, net.user("MA", Role.BUREAU_OFFICER).actor, notice)
    assert [f["field"] for f in raised.value.data["failures"]] == ["subject"]


@pytest.mark.parametrize(
    ("years", "life", "ok"),
    [(1.5, None, False), (None, None, False), (2, None, True), (0, True, True), (None, True, True), (1, False, False)],
)
def test_red_notice_penalty_threshold(session: Session, net: Net, years: Any, life: Any, ok: bool) -> None:
    details = red_details(max_penalty_years=years, max_penalty_life=life)
    details = {k: v for k, v in details.items() if v is not None}
    if ok:
        assert _submit(session, net, "red", **details).status == "submitted"
        return
    with pytest.raises(ChecksFailed) as raised:
        _submit(session, net, "red", **details)
    assert [f["rule"] for f in raised.value.data["failures"]] == ["penalty_threshold"]


def test_red_notice_needs_a_warrant(session: Session, net: Net) -> None:
    with pytest.raises(ChecksFailed) as raised:
        _submit(session, net, "red", **red_details(warrant_reference=""))
    assert [f["field"] for f in raised.value.data["failures"]] == ["warrant_reference"]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Leader of the political opposition", "political"),
        ("Militant de l'opposition politique", "political"),
        ("Dirigente político de la oposición", "political"),
        ("Désertion de l'armée, service militaire", "military"),
        ("Deserción del servicio militar", "military"),
        ("Accused of blasphemy", "religious"),
        ("Accusé de blasphème et d'apostasie", "religious"),
        ("Acusado de blasfemia", "religious"),
        ("Incitement to ethnic hatred", "racial"),
        ("Haine ethnique", "racial"),
        ("معارض سياسي", "political"),
        ("قيادي في المعارضة السياسية", "political"),
        ("متهم بالردة", "religious"),
        ("فرار من الخدمة العسكرية", "military"),
        ("تمييز عرقي", "racial"),
    ],
)
def test_neutrality_wording_is_flagged_not_blocked(session: Session, net: Net, text: str, category: str) -> None:
    notice = _submit(session, net, "red", **red_details(facts=text))
    assert notice.status == "submitted"
    flags = notice.checks["flags"]
    assert any(f["category"] == category and f["field"] == "facts" for f in flags), flags


@pytest.mark.parametrize(
    "text",
    [
        "Armed robbery of a jewellery shop",
        "Selection of accomplices",
        "Trafic de drogue",
        "سطو مسلح على بنك",
        "Robo con violencia",
    ],
)
def test_ordinary_crime_wording_raises_no_flag(session: Session, net: Net, text: str) -> None:
    assert _submit(session, net, "red", **red_details(facts=text)).checks["flags"] == []
