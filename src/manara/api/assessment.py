"""JSON API of threat assessments (draft → peer review → published → superseded, figures, report, PDF) and of
the crime-area taxonomy."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import HTMLResponse

from manara.api.conditional import IfMatch, require_match, send_tag
from manara.api.deps import CurrentActor, DbSession, PageParams, attachment_response, require
from manara.assessment import actions
from manara.assessment import service as assessment_service
from manara.assessment.access import (
    access_assessment_by_id,
    access_assessment_for_owner,
    access_render,
    renders_of,
)
from manara.assessment.jobs import banner_of, render_store
from manara.assessment.models import AssessmentStatus
from manara.assessment.report import render_html
from manara.assessment.schemas import (
    AssessmentIn,
    AssessmentOut,
    AssessmentPatch,
    AssessmentSummaryOut,
    ClassifyIn,
    ClassifyOut,
    CrimeAreaOut,
    RenderOut,
    ReviewIn,
    SubmitIn,
)
from manara.crime import CrimeArea, from_offence, label
from manara.errors import Conflict
from manara.identity import Actor, Perm
from manara.pagination import PageOut
from manara.settings import get_settings

router = APIRouter(tags=["assessments"])
Reader = Annotated[Actor, Depends(require(Perm.ASSESSMENT_READ))]
Writer = Annotated[Actor, Depends(require(Perm.ASSESSMENT_WRITE))]


@router.get("/crime-areas", response_model=list[CrimeAreaOut])
def crime_areas(actor: CurrentActor, language: Annotated[str, Query(pattern="^(en|fr|es|ar)$")] = "en") -> Any:
    """The crime-area taxonomy, labelled in ``language``."""
    return [CrimeAreaOut(value=a.value, label=label(a.value, language)) for a in CrimeArea]


@router.post("/crime-areas/classify", response_model=ClassifyOut)
def classify(body: ClassifyIn, actor: CurrentActor) -> ClassifyOut:
    """The crime areas recognised in an offence or charge text (English, French, Arabic, Spanish keywords)."""
    return ClassifyOut(crime_areas=[a.value for a in from_offence(body.text)])


@router.get("/assessments", response_model=PageOut[AssessmentSummaryOut])
def list_assessments(
    session: DbSession, actor: Reader, paging: PageParams, status: AssessmentStatus | None = None
) -> PageOut[AssessmentSummaryOut]:
    """Assessments of your member, those sent to it for review and those disseminated to it."""
    page = assessment_service.list_assessments(
        session, actor, status=status.value if status else None, page=paging.page, page_size=paging.page_size
    )
    items = [AssessmentSummaryOut.model_validate(a) for a in page.items]
    actions.do_log_assessments_listed(session, actor, [a.id for a in items], {"status": status})
    return PageOut(items=items, total=page.total, page=page.page, page_size=page.page_size)


@router.post("/assessments", response_model=AssessmentOut, status_code=201)
def create(body: AssessmentIn, session: DbSession, actor: Writer) -> AssessmentOut:
    """Start a draft assessment of your member."""
    return AssessmentOut.model_validate(actions.do_create_assessment(session, actor, body))


@router.get("/assessments/{assessment_id}", response_model=AssessmentOut)
def get(assessment_id: str, session: DbSession, actor: Reader, response: Response) -> AssessmentOut:
    """An assessment with its indicator rows (how each figure was computed); ``ETag`` names this version."""
    assessment = access_assessment_by_id(session, actor, assessment_id)
    actions.do_log_assessment_read(session, actor, assessment, "detail")
    send_tag(response, assessment)
    return AssessmentOut.model_validate(assessment)


@router.patch("/assessments/{assessment_id}", response_model=AssessmentOut)
def update(
    assessment_id: str,
    body: AssessmentPatch,
    session: DbSession,
    actor: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> AssessmentOut:
    """Edit a draft: scope, marking, dissemination, key judgements, graded sources, recommendations; with
    ``If-Match``, only if nobody changed it since you read it (412 otherwise)."""
    assessment = access_assessment_for_owner(session, actor, assessment_id)
    require_match(if_match, assessment)
    updated = actions.do_update_assessment(session, actor, assessment, body)
    session.flush()
    send_tag(response, updated)
    return AssessmentOut.model_validate(updated)


@router.post("/assessments/{assessment_id}/compute", response_model=AssessmentOut)
def compute(assessment_id: str, session: DbSession, actor: Writer) -> AssessmentOut:
    """Compute the draft's figures from the data you may see (records you may not see are only counted)."""
    assessment = access_assessment_for_owner(session, actor, assessment_id)
    return AssessmentOut.model_validate(actions.do_compute_indicators(session, actor, assessment))


@router.post("/assessments/{assessment_id}/submit", response_model=AssessmentOut)
def submit(assessment_id: str, body: SubmitIn, session: DbSession, actor: Writer) -> AssessmentOut:
    """Send a computed draft to another member for peer review."""
    assessment = access_assessment_for_owner(session, actor, assessment_id)
    return AssessmentOut.model_validate(actions.do_submit_assessment(session, actor, assessment, body.reviewer_country))


@router.post("/assessments/{assessment_id}/review", response_model=AssessmentOut)
def review(assessment_id: str, body: ReviewIn, session: DbSession, actor: Reader) -> AssessmentOut:
    """Review an assessment sent to your member: approve it, or send it back with a note."""
    assessment = access_assessment_by_id(session, actor, assessment_id)
    return AssessmentOut.model_validate(
        actions.do_review_assessment(session, actor, assessment, body.decision, body.note)
    )


@router.post("/assessments/{assessment_id}/publish", response_model=AssessmentOut)
def publish(assessment_id: str, session: DbSession, actor: Writer) -> AssessmentOut:
    """Publish an approved assessment: its data snapshot and digest are frozen."""
    assessment = access_assessment_for_owner(session, actor, assessment_id)
    return AssessmentOut.model_validate(actions.do_publish_assessment(session, actor, assessment))


@router.post("/assessments/{assessment_id}/supersede", response_model=AssessmentOut)
def supersede(assessment_id: str, session: DbSession, actor: Writer) -> AssessmentOut:
    """Mark a published assessment of your member superseded (it stays readable)."""
    assessment = access_assessment_for_owner(session, actor, assessment_id)
    return AssessmentOut.model_validate(actions.do_supersede_assessment(session, actor, assessment))


@router.post("/assessments/{assessment_id}/versions", response_model=AssessmentOut, status_code=201)
def new_version(assessment_id: str, session: DbSession, actor: Writer) -> AssessmentOut:
    """Start a new draft from a published assessment; publishing it supersedes this one."""
    assessment = access_assessment_for_owner(session, actor, assessment_id)
    return AssessmentOut.model_validate(actions.do_new_version(session, actor, assessment))


@router.get("/assessments/{assessment_id}/snapshot")
def snapshot(assessment_id: str, session: DbSession, actor: Reader) -> dict[str, Any]:
    """The frozen data snapshot of a published assessment and its SHA-256."""
    assessment = access_assessment_by_id(session, actor, assessment_id)
    if assessment.snapshot is None:
        raise Conflict("only a published assessment has a frozen snapshot")
    actions.do_log_assessment_read(session, actor, assessment, "snapshot")
    return {"sha256": assessment.snapshot_sha256, "snapshot": assessment.snapshot}


@router.get("/assessments/{assessment_id}/report", response_class=HTMLResponse)
def report(assessment_id: str, session: DbSession, actor: Reader) -> HTMLResponse:
    """The report as HTML (a draft carries a banner saying it is not approved for dissemination)."""
    assessment = access_assessment_by_id(session, actor, assessment_id)
    actions.do_log_assessment_read(session, actor, assessment, "report")
    html = render_html(assessment_service.report_snapshot(assessment), banner=banner_of(assessment))
    return HTMLResponse(html, headers={"Cache-Control": "no-store", "Content-Security-Policy": "sandbox"})


@router.post("/assessments/{assessment_id}/renders", response_model=RenderOut, status_code=202)
def request_render(assessment_id: str, session: DbSession, actor: Reader) -> RenderOut:
    """Queue a PDF of the report (rendered by the job runner; poll the rendering, then download it)."""
    assessment = access_assessment_by_id(session, actor, assessment_id)
    return RenderOut.model_validate(actions.do_request_render(session, actor, assessment))


@router.get("/assessments/{assessment_id}/renders", response_model=list[RenderOut])
def list_renders(assessment_id: str, session: DbSession, actor: Reader) -> list[RenderOut]:
    """The PDF renderings of an assessment, newest first."""
    assessment = access_assessment_by_id(session, actor, assessment_id)
    return [RenderOut.model_validate(r) for r in renders_of(session, assessment)]


@router.get("/assessments/{assessment_id}/renders/{render_id}", response_model=RenderOut)
def get_render(assessment_id: str, render_id: str, session: DbSession, actor: Reader) -> RenderOut:
    """One rendering and its state (queued, running, done, failed)."""
    assessment = access_assessment_by_id(session, actor, assessment_id)
    return RenderOut.model_validate(access_render(session, actor, assessment, render_id))


@router.get("/assessments/{assessment_id}/renders/{render_id}/pdf")
def download(assessment_id: str, render_id: str, session: DbSession, actor: Reader) -> Response:
    """Download a rendered PDF (audited with its digest)."""
    assessment = access_assessment_by_id(session, actor, assessment_id)
    render = access_render(session, actor, assessment, render_id)
    if render.status != "done":
        raise Conflict(f"the rendering is {render.status}")
    data = render_store(get_settings().data_dir).get(render.id)
    actions.do_log_download(session, actor, assessment, render)
    return attachment_response(data, f"assessment-{assessment.id[:8]}.pdf", "application/pdf")
