"""The notice type registry: it covers every type, and each place that knows of types reads it."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from conftest import Net
from factories import make_notice
from manara.demo.notices import plan_notices
from manara.hit.actions import DOCUMENT_DEADLINE, HitCandidate, deadline_for, do_raise_hit
from manara.identity import Role
from manara.notice.actions import do_submit_notice
from manara.notice.checks import required_failures
from manara.notice.models import Notice
from manara.notice.schemas import NoticeDetails
from manara.notice.service import new_reference
from manara.notice.types import NOTICE_TYPES, NoticeType, Urgency, is_urgent
from manara.screening.index import Target
from manara.screening.service import next_step
from manara.settings import get_settings
from manara.web import notice_types as web_types
from manara.web.feed import render_for
from manara.web.i18n import translations
from manara.web.render import environment

TYPES = list(NoticeType)


def test_the_registry_covers_every_notice_type_and_nothing_else() -> None:
    assert list(NOTICE_TYPES) == TYPES
    assert all(info.type is ntype for ntype, info in NOTICE_TYPES.items())
    codes = [info.code for info in NOTICE_TYPES.values()]
    assert len(set(codes)) == len(codes) and all(re.fullmatch(r"[A-Z]", c) for c in codes)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", info.colour) for info in NOTICE_TYPES.values())


def test_particulars_are_notice_details_and_include_the_required_ones() -> None:
    for info in NOTICE_TYPES.values():
        assert set(info.detail_fields) <= set(NoticeDetails.model_fields), info.type
        assert set(info.required_fields) - {"subject"} <= set(info.detail_fields), info.type


def test_urgent_types_are_those_whose_hits_are_answered_within_the_hour() -> None:
    urgent = {t for t, info in NOTICE_TYPES.items() if info.urgency is Urgency.URGENT}
    assert urgent == {NoticeType.RED, NoticeType.YELLOW, NoticeType.ORANGE, NoticeType.DIFFUSION}
    for ntype, info in NOTICE_TYPES.items():
        assert (info.hit_deadline <= timedelta(hours=1)) == (ntype in urgent), ntype
    assert not is_urgent("document") and not is_urgent("nonsense")


@pytest.mark.parametrize("ntype", TYPES)
def test_the_feed_and_the_screening_advice_agree_on_urgency(net: Net, ntype: NoticeType) -> None:
    published = {
        "id": "n1",
        "owner": "MA",
        "type": ntype.value,
        "status": "published",
        "under_review": False,
        "reference": "MA-X-2026-ABCDEF",
        "visibility": "all",
        "shared_with": [],
    }
    fr = net.user("FR", Role.FRONTLINE_OFFICER).actor
    fed = render_for(net.user("FR", Role.DUTY_OFFICER).actor, "notice.approved", published, translations("en").gettext)
    target = Target("n1", "MA", "all", frozenset(), ntype.value, "MA-X-2026-ABCDEF", "Title", "s1")
    advice = next_step(fr, target, "h1", rejected=False)
    urgent = NOTICE_TYPES[ntype].urgency is Urgency.URGENT
    assert (fed is not None) == urgent  # the feed announces the publication of urgent types only
    assert advice.startswith("URGENT: ") == urgent
    if fed is not None:
        assert fed.level == "urgent" and fed.text.startswith(NOTICE_TYPES[ntype].label)


def _complete(ntype: NoticeType) -> Notice:
    """Return a notice of ``ntype`` with its required fields only (and a red notice's penalty)."""
    details: dict[str, Any] = {f: "given" for f in NOTICE_TYPES[ntype].required_fields if f != "subject"}
    if ntype is NoticeType.RED:
        details["max_penalty_years"] = 5
    return Notice(type=ntype.value, subject_id="subject-1", details=details, title="T", summary="")


@pytest.mark.parametrize("ntype", TYPES)
def test_validation_requires_exactly_the_registry_fields(ntype: NoticeType) -> None:
    assert required_failures(_complete(ntype)) == []  # nothing beyond the registry's fields is required
    for field in NOTICE_TYPES[ntype].required_fields:
        notice = _complete(ntype)
        if field == "subject":
            notice.subject_id = None
        else:
            notice.details = {k: v for k, v in notice.details.items() if k != field}
        assert [(f["rule"], f["field"]) for f in required_failures(notice)] == [("required", field)]


@pytest.mark.parametrize("ntype", TYPES)
def test_hit_deadlines_are_the_registry_ones(session: Session, net: Net, ntype: NoticeType) -> None:
    assert deadline_for(ntype.value) == NOTICE_TYPES[ntype].hit_deadline
    candidate = HitCandidate("notice", f"notice-{ntype.value}", "MA", ntype.value, "test", 0.9, 0.5, {}, "")
    hit = do_raise_hit(session, net.user("FR", Role.FRONTLINE_OFFICER).actor, candidate, fingerprint="fp", query={})
    assert hit is not None and hit.deadline_at - hit.created_at == NOTICE_TYPES[ntype].hit_deadline


def test_the_deadline_setting_overrides_one_type_and_keeps_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MANARA_HIT_DEADLINE_MINUTES", '{"red": 15}')
    get_settings.cache_clear()
    try:
        assert deadline_for("red") == timedelta(minutes=15)
        assert deadline_for("yellow") == NOTICE_TYPES[NoticeType.YELLOW].hit_deadline
        assert deadline_for("document") == DOCUMENT_DEADLINE
        assert deadline_for("biometric") == NOTICE_TYPES[NoticeType.BLUE].hit_deadline  # a record of no type
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize("ntype", TYPES)
def test_references_carry_the_registry_code(ntype: NoticeType) -> None:
    assert re.fullmatch(rf"MA-{NOTICE_TYPES[ntype].code}-2026-[0-9A-F]{{6}}", new_reference("MA", ntype.value, 2026))


def test_console_labels_are_the_registry_ones_translated() -> None:
    macro = '{% from "console/_labels.html" import type_label %}{{ type_label(t) }}'
    for ntype, info in NOTICE_TYPES.items():
        assert environment("en").from_string(macro).render(t=ntype.value) == info.label
        assert web_types.TYPE_LABELS[ntype.value] == info.label
    assert environment("fr").from_string(macro).render(t="red") == "Notice rouge"
    assert environment("fr").from_string(macro).render(t="document") == "Document de voyage"


def test_badge_colours_are_served_from_the_registry_and_readable(client: Any) -> None:
    response = client.get("/console/notice-types.css")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/css")
    for ntype, info in NOTICE_TYPES.items():
        text = web_types.text_colour(info.colour)
        assert f".t-{ntype.value} {{ background: {info.colour}; color: {text}; }}" in response.text
        assert web_types.contrast(info.colour, text) >= 6, ntype
    css = (Path(web_types.__file__).parent / "static" / "console.css").read_text()
    # the static stylesheet gives notice types no colour of its own
    assert not [t for t in TYPES if re.search(rf"\.t-{t.value}\b[^{{]*\{{[^}}]*background", css)]
    assert '<link rel="stylesheet" href="/console/notice-types.css">' in client.get("/console/login").text


def test_demo_notices_carry_what_their_type_requires() -> None:
    plans = plan_notices("MA", 7)
    assert {p.body["type"] for p in plans} == {t.value for t in TYPES}
    for plan in plans:
        required = set(NOTICE_TYPES[NoticeType(plan.body["type"])].required_fields) - {"subject"}
        assert required <= set(plan.body["details"]), plan.body["type"]


@pytest.mark.parametrize("ntype", TYPES)
def test_only_types_published_on_submit_skip_review_before_publication(
    session: Session, net: Net, ntype: NoticeType
) -> None:
    owner = net.user("MA", Role.BUREAU_OFFICER).actor
    plan = next(p for p in plan_notices("MA", 7) if p.body["type"] == ntype.value)
    notice = do_submit_notice(session, owner, make_notice(session, owner, ntype=ntype.value, **plan.body["details"]))
    if NOTICE_TYPES[ntype].published_on_submit:
        assert (notice.status, notice.under_review) == ("published", True)
    else:
        assert notice.status == "submitted" and notice.published_at is None
    assert [t for t in TYPES if NOTICE_TYPES[t].published_on_submit] == [NoticeType.DIFFUSION]
