"""Console pages of threat assessments: the list, a new draft, the draft's analyst parts, its preview, peer review,
publication and PDF downloads. Same access rules and write path as the API (``api/assessment.py``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from manara.api.deps import DbSession, attachment_response
from manara.assessment import actions
from manara.assessment import service as assessment_service
from manara.assessment.access import access_assessment_by_id, access_assessment_for_owner, access_render, renders_of
from manara.assessment.jobs import banner_of, render_store
from manara.assessment.labels import REGION_NAMES, text_for
from manara.assessment.models import Assessment, AssessmentStatus
from manara.assessment.report import render_fragment
from manara.assessment.schemas import (
    GRADING,
    REGIONS,
    AssessmentIn,
    AssessmentPatch,
    Confidence,
    Probability,
    ReviewIn,
    SubmitIn,
)
from manara.crime import CRIME_AREA_VALUES, label
from manara.errors import Conflict, Forbidden
from manara.identity import Actor, Perm
from manara.member.models import Member
from manara.settings import get_settings
from manara.text import N_
from manara.tlp import Tlp
from manara.web import i18n
from manara.web.deps import ConsoleActor, CsrfChecked
from manara.web.forms import parse_form, split_codes
from manara.web.render import page

router = APIRouter()
PAGE_SIZE = 25
JUDGEMENT_ROWS = 5
SOURCE_ROWS = 5
Line = Annotated[str, Form(max_length=500)]
Text = Annotated[str, Form(max_length=20_000)]

STATUS_LABELS = {
    AssessmentStatus.DRAFT: N_("Draft"),
    AssessmentStatus.IN_REVIEW: N_("In peer review"),
    AssessmentStatus.PUBLISHED: N_("Published"),
    AssessmentStatus.SUPERSEDED: N_("Superseded"),
}
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية"}


def _reader(actor: Actor) -> None:
    if not actor.can(Perm.ASSESSMENT_READ):
        raise Forbidden("this role lacks assessment:read")


def _to(assessment_id: str) -> Response:
    return RedirectResponse(f"/console/assessments/{assessment_id}", status_code=303)


async def _form(request: Request) -> dict[str, list[str]]:
    form = await request.form()
    return {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form}


def _common(lang: str) -> dict[str, Any]:
    return {
        "area_choices": [(a, label(a, lang)) for a in CRIME_AREA_VALUES],
        "region_choices": [(r, REGION_NAMES.get(lang, REGION_NAMES["en"])[r]) for r in REGIONS],
        "report_languages": LANGUAGE_NAMES,
        "tlps": [t.value for t in Tlp],
        "status_labels": {k.value: v for k, v in STATUS_LABELS.items()},
    }


@router.get("/assessments")
def assessments(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """The assessments the user's member wrote, was sent for review, or received; a form for a new draft."""
    _reader(actor)
    result = assessment_service.list_assessments(session, actor, status=None, page=page_no, page_size=PAGE_SIZE)
    actions.do_log_assessments_listed(session, actor, [a.id for a in result.items], {"console": True})
    lang = i18n.choose_language(request)
    return page(
        request,
        "assessment/index.html",
        result=result,
        pages=max((result.total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        pager_url="/console/assessments",
        links={},
        can_write=actor.can(Perm.ASSESSMENT_WRITE),
        **_common(lang),
    )


@router.post("/assessments", dependencies=[CsrfChecked])
async def create(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Create a draft from the form and go to it."""
    _reader(actor)
    form = await _form(request)

    def one(name: str) -> str:
        return (form.get(name) or [""])[0]

    body = parse_form(
        AssessmentIn,
        {
            "title": one("title"),
            "language": one("language") or "en",
            "tlp": one("tlp") or "amber",
            "regions": form.get("regions", []),
            "countries": split_codes(one("countries")),
            "crime_areas": form.get("crime_areas", []),
            "period_start": one("period_start") or None,
            "period_end": one("period_end") or None,
            "dissemination": split_codes(one("dissemination")),
            "summary": one("summary"),
        },
    )
    assessment = actions.do_create_assessment(session, actor, body)
    return _to(assessment.id)


def _members(session: DbSession, actor: Actor) -> list[str]:
    codes = session.scalars(select(Member.code).where(Member.active.is_(True)).order_by(Member.code))
    return [c for c in codes if c != actor.country]


@router.get("/assessments/{assessment_id}")
def detail(request: Request, assessment_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """An assessment: its state and actions, the analyst parts of a draft, its renderings and the report itself."""
    _reader(actor)
    assessment = access_assessment_by_id(session, actor, assessment_id)
    actions.do_log_assessment_read(session, actor, assessment, "console")
    lang = i18n.choose_language(request)
    report = render_fragment(assessment_service.report_snapshot(assessment), banner=banner_of(assessment))
    owner = assessment.owner_country == actor.country and actor.can(Perm.ASSESSMENT_WRITE)
    return page(
        request,
        "assessment/detail.html",
        a=assessment,
        report=report,
        renders=renders_of(session, assessment),
        owner=owner,
        reviewer=(
            assessment.status == AssessmentStatus.IN_REVIEW
            and assessment.reviewer_country == actor.country
            and assessment.review_decision != "approved"
            and actor.can(Perm.ASSESSMENT_REVIEW)
        ),
        members=_members(session, actor),
        judgement_rows=[*assessment.judgements, *([{}] * max(JUDGEMENT_ROWS - len(assessment.judgements), 1))],
        source_rows=[*assessment.sources, *([{}] * max(SOURCE_ROWS - len(assessment.sources), 1))],
        probabilities=[(p.value, text_for(lang)[p.value]) for p in Probability],
        confidences=[(c.value, text_for(lang)[c.value]) for c in Confidence],
        grades=GRADING,
        **_common(lang),
    )


@router.post("/assessments/{assessment_id}/parts", dependencies=[CsrfChecked])
async def parts(request: Request, assessment_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """Save a draft's summary, key judgements, graded sources and recommendations (blank rows are ignored)."""
    assessment = access_assessment_for_owner(session, actor, assessment_id)
    form = await _form(request)
    texts, probs, confs = form.get("j_text", []), form.get("j_probability", []), form.get("j_confidence", [])
    judgements = [
        {"text": t, "probability": p, "confidence": c}
        for t, p, c in zip(texts, probs, confs, strict=False)
        if t.strip()
    ]
    names, systems = form.get("s_source", []), form.get("s_system", [])
    rels, creds, notes = form.get("s_reliability", []), form.get("s_credibility", []), form.get("s_note", [])
    sources = [
        {"source": n, "system": s, "reliability": r, "credibility": c, "note": o}
        for n, s, r, c, o in zip(names, systems, rels, creds, notes, strict=False)
        if n.strip()
    ]
    recommendations = [line.strip() for line in (form.get("recommendations") or [""])[0].splitlines() if line.strip()]
    patch = parse_form(
        AssessmentPatch,
        {
            "summary": (form.get("summary") or [""])[0],
            "judgements": judgements,
            "sources": sources,
            "recommendations": recommendations,
        },
    )
    actions.do_update_assessment(session, actor, assessment, patch)
    return _to(assessment.id)


@router.post("/assessments/{assessment_id}/compute", dependencies=[CsrfChecked])
def compute(assessment_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """Compute the draft's figures through the user's view."""
    assessment = access_assessment_for_owner(session, actor, assessment_id)
    actions.do_compute_indicators(session, actor, assessment)
    return _to(assessment.id)


@router.post("/assessments/{assessment_id}/submit", dependencies=[CsrfChecked])
def submit(assessment_id: str, session: DbSession, actor: ConsoleActor, reviewer_country: Line = "") -> Response:
    """Send the draft to another member for peer review."""
    assessment = access_assessment_for_owner(session, actor, assessment_id)
    body = parse_form(SubmitIn, {"reviewer_country": reviewer_country.upper()})
    actions.do_submit_assessment(session, actor, assessment, body.reviewer_country)
    return _to(assessment.id)


@router.post("/assessments/{assessment_id}/review", dependencies=[CsrfChecked])
def review(
    assessment_id: str, session: DbSession, actor: ConsoleActor, decision: Line = "", note: Text = ""
) -> Response:
    """Approve an assessment sent to the user's member, or send it back with a note."""
    _reader(actor)
    assessment = access_assessment_by_id(session, actor, assessment_id)
    body = parse_form(ReviewIn, {"decision": decision, "note": note})
    actions.do_review_assessment(session, actor, assessment, body.decision, body.note)
    return _to(assessment.id)


@router.post("/assessments/{assessment_id}/publish", dependencies=[CsrfChecked])
def publish(assessment_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """Publish an approved assessment (its snapshot is frozen)."""
    assessment = access_assessment_for_owner(session, actor, assessment_id)
    actions.do_publish_assessment(session, actor, assessment)
    return _to(assessment.id)


@router.post("/assessments/{assessment_id}/versions", dependencies=[CsrfChecked])
def new_version(assessment_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """Start a new draft from a published assessment."""
    assessment: Assessment = access_assessment_for_owner(session, actor, assessment_id)
    return _to(actions.do_new_version(session, actor, assessment).id)


@router.post("/assessments/{assessment_id}/renders", dependencies=[CsrfChecked])
def request_render(assessment_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """Queue a PDF of the report."""
    _reader(actor)
    assessment = access_assessment_by_id(session, actor, assessment_id)
    actions.do_request_render(session, actor, assessment)
    return _to(assessment.id)


@router.get("/assessments/{assessment_id}/renders/{render_id}.pdf")
def download(assessment_id: str, render_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """Download a rendered PDF (audited)."""
    _reader(actor)
    assessment = access_assessment_by_id(session, actor, assessment_id)
    render = access_render(session, actor, assessment, render_id)
    if render.status != "done":
        raise Conflict(f"the rendering is {render.status}")
    data = render_store(get_settings().data_dir).get(render.id)
    actions.do_log_download(session, actor, assessment, render)
    return attachment_response(data, f"assessment-{assessment.id[:8]}.pdf", "application/pdf")
