"""Write path of assessments: create, edit, compute, submit to a peer, review, publish (frozen), supersede;
PDF renderings; crime-area backfill; audited reads. Every write audited with an outbox event; never commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.assessment.indicators import compute
from manara.assessment.models import Assessment, AssessmentIndicator, AssessmentRender, AssessmentStatus
from manara.assessment.schemas import AssessmentIn, AssessmentPatch
from manara.assessment.service import build_snapshot, scope_of, snapshot_digest
from manara.audit.actions import AuditAction, record
from manara.case.models import Case
from manara.crime import from_offence, normalise
from manara.db.base import utcnow
from manara.entity.models import Entity
from manara.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from manara.identity import Actor, Perm
from manara.member.models import Member
from manara.notice.models import Notice
from manara.outbox.service import enqueue
from manara.visibility import share_key


def _require(actor: Actor, perm: Perm) -> None:
    if not actor.can(perm):
        raise Forbidden(f"this role or key lacks {perm.value}")


def _emit(session: Session, actor: Actor, action: AuditAction, assessment: Assessment, **extra: Any) -> None:
    record(
        session,
        actor,
        action,
        target_type="assessment",
        target_ids=[assessment.id],
        extra={"status": assessment.status, **extra},
    )
    topic = "assessment." + str(action).split(".", 1)[1]
    payload = {"assessment_id": assessment.id, "owner": assessment.owner_country, "status": assessment.status}
    enqueue(
        session,
        topic,
        payload | {k: v for k, v in extra.items() if isinstance(v, str | int)},
        country=assessment.owner_country,
    )


def _check_members(session: Session, countries: Iterable[str], field: str) -> list[str]:
    wanted = sorted(set(countries))
    if not wanted:
        return []
    known = set(session.scalars(select(Member.code).where(Member.code.in_(wanted), Member.active.is_(True))))
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise ValidationFailed("unknown member countries", [{"field": field, "message": f"not members: {unknown}"}])
    return wanted


def _set_dissemination(session: Session, assessment: Assessment, countries: Iterable[str]) -> None:
    members = [c for c in _check_members(session, countries, "dissemination") if c != assessment.owner_country]
    assessment.dissemination = members
    assessment.dissemination_key = share_key(members)


def _require_draft(assessment: Assessment, verb: str) -> None:
    if assessment.status != AssessmentStatus.DRAFT:
        raise InvalidTransition("assessment", assessment.status, verb)


def do_create_assessment(
    session: Session, actor: Actor, data: AssessmentIn, *, schedule: str | None = None, supersedes: str | None = None
) -> Assessment:
    """Create a draft assessment owned by the actor's member."""
    _require(actor, Perm.ASSESSMENT_WRITE)
    assessment = Assessment(
        owner_country=actor.country,
        title=data.title,
        language=data.language,
        tlp=data.tlp.value,
        status=AssessmentStatus.DRAFT.value,
        regions=sorted(set(data.regions)),
        countries=_check_members(session, data.countries, "countries"),
        crime_areas=normalise(a.value for a in data.crime_areas),
        period_start=data.period_start,
        period_end=data.period_end,
        summary=data.summary,
        judgements=[],
        sources=[],
        recommendations=[],
        hidden={},
        created_by=actor.user_id,
        review_note="",
        schedule=schedule,
        supersedes_id=supersedes,
        indicators=[],
    )
    _set_dissemination(session, assessment, data.dissemination)
    session.add(assessment)
    session.flush()
    _emit(session, actor, AuditAction.ASSESSMENT_CREATED, assessment)
    return assessment


def do_update_assessment(  # noqa: C901 - one branch per optional field
    session: Session, actor: Actor, assessment: Assessment, patch: AssessmentPatch
) -> Assessment:
    """Edit a draft: scope, marking, dissemination, analyst parts. A changed scope clears the computed figures."""
    _require_draft(assessment, "edit")
    fields = patch.model_fields_set
    for name in ("title", "language", "summary"):
        if name in fields and getattr(patch, name) is not None:
            setattr(assessment, name, getattr(patch, name))
    if patch.tlp is not None:
        assessment.tlp = patch.tlp.value
    if "dissemination" in fields and patch.dissemination is not None:
        _set_dissemination(session, assessment, patch.dissemination)
    scope_changed = False
    if "regions" in fields and patch.regions is not None:
        assessment.regions, scope_changed = sorted(set(patch.regions)), True
    if "countries" in fields and patch.countries is not None:
        assessment.countries, scope_changed = _check_members(session, patch.countries, "countries"), True
    if "crime_areas" in fields and patch.crime_areas is not None:
        assessment.crime_areas, scope_changed = normalise(a.value for a in patch.crime_areas), True
    start = patch.period_start or assessment.period_start
    end = patch.period_end or assessment.period_end
    if end <= start:
        raise ValidationFailed("invalid period", [{"field": "period_end", "message": "must be after period_start"}])
    if (start, end) != (assessment.period_start, assessment.period_end):
        assessment.period_start, assessment.period_end, scope_changed = start, end, True
    if patch.judgements is not None:
        assessment.judgements = [j.model_dump(mode="json") for j in patch.judgements]
    if patch.sources is not None:
        assessment.sources = [s.model_dump(mode="json") for s in patch.sources]
    if patch.recommendations is not None:
        assessment.recommendations = list(patch.recommendations)
    if scope_changed:
        assessment.indicators = []
        assessment.hidden, assessment.computed_at, assessment.computed_by = {}, None, None
    assessment.updated_at = utcnow()
    _emit(session, actor, AuditAction.ASSESSMENT_UPDATED, assessment, fields=sorted(fields))
    return assessment


def do_compute_indicators(session: Session, actor: Actor, assessment: Assessment) -> Assessment:
    """Compute the draft's figures through the actor's (its author's) visibility, replacing earlier ones."""
    _require_draft(assessment, "compute")
    _require(actor, Perm.ASSESSMENT_WRITE)
    if assessment.owner_country != actor.country:
        raise Forbidden("only the owning member computes its assessment")
    figures = compute(session, actor, scope_of(assessment))
    assessment.indicators = []
    session.flush()
    assessment.indicators = [
        AssessmentIndicator(
            seq=n,
            section=i.section,
            query=i.query,
            params=i.params,
            value=float(i.value),
            previous=None if i.previous is None else float(i.previous),
        )
        for n, i in enumerate(figures.indicators, start=1)
    ]
    assessment.hidden = dict(figures.hidden)
    assessment.computed_at, assessment.computed_by = utcnow(), actor.user_id
    _emit(
        session,
        actor,
        AuditAction.ASSESSMENT_COMPUTED,
        assessment,
        indicators=len(assessment.indicators),
        hidden=sum(figures.hidden.values()),
    )
    return assessment


def do_submit_assessment(session: Session, actor: Actor, assessment: Assessment, reviewer_country: str) -> Assessment:
    """Send a computed draft to another member for peer review (never to the owner itself)."""
    _require_draft(assessment, "submit")
    if reviewer_country == assessment.owner_country:
        raise ValidationFailed(
            "the reviewer must be another member",
            [{"field": "reviewer_country", "message": "an assessment is reviewed by a member other than its owner"}],
        )
    _check_members(session, [reviewer_country], "reviewer_country")
    if assessment.computed_at is None:
        raise Conflict("compute the assessment's figures before submitting it")
    assessment.status = AssessmentStatus.IN_REVIEW.value
    assessment.reviewer_country = reviewer_country
    assessment.review_decision, assessment.reviewed_at, assessment.reviewed_by = None, None, None
    assessment.updated_at = utcnow()
    _emit(session, actor, AuditAction.ASSESSMENT_SUBMITTED, assessment, reviewer=reviewer_country)
    enqueue(session, "assessment.review_requested", {"assessment_id": assessment.id}, country=reviewer_country)
    return assessment


def do_review_assessment(
    session: Session, actor: Actor, assessment: Assessment, decision: str, note: str
) -> Assessment:
    """The peer member's review: approve, or send back to draft with a note. The owner may not review its own."""
    if assessment.owner_country == actor.country:
        raise Forbidden("an assessment may not be reviewed by its own member")
    _require(actor, Perm.ASSESSMENT_REVIEW)
    if assessment.status != AssessmentStatus.IN_REVIEW or assessment.review_decision == "approved":
        raise InvalidTransition("assessment", assessment.status, "review")
    if assessment.reviewer_country != actor.country:
        raise Forbidden("this assessment was sent to another member for review")
    assessment.review_decision, assessment.review_note = decision, note
    assessment.reviewed_at, assessment.reviewed_by = utcnow(), actor.user_id
    if decision == "approve":
        assessment.review_decision = "approved"
    else:
        assessment.status = AssessmentStatus.DRAFT.value
    assessment.updated_at = utcnow()
    _emit(session, actor, AuditAction.ASSESSMENT_REVIEWED, assessment, decision=assessment.review_decision or "")
    return assessment


def do_publish_assessment(session: Session, actor: Actor, assessment: Assessment) -> Assessment:
    """Publish an approved assessment: freeze its data snapshot and digest; supersede the version it replaces."""
    if assessment.status != AssessmentStatus.IN_REVIEW or assessment.review_decision != "approved":
        raise InvalidTransition("assessment", assessment.status, "publish")
    now = utcnow()
    assessment.status = AssessmentStatus.PUBLISHED.value
    assessment.published_at = now
    snapshot = build_snapshot(assessment)
    assessment.snapshot = snapshot
    assessment.snapshot_sha256 = snapshot_digest(snapshot)
    assessment.updated_at = now
    _emit(session, actor, AuditAction.ASSESSMENT_PUBLISHED, assessment, sha256=assessment.snapshot_sha256)
    for country in assessment.dissemination:
        enqueue(session, "assessment.disseminated", {"assessment_id": assessment.id}, country=country)
    if assessment.supersedes_id:
        older = session.get(Assessment, assessment.supersedes_id)
        if older is not None and older.status == AssessmentStatus.PUBLISHED:
            do_supersede_assessment(session, actor, older, by=assessment)
    return assessment


def do_supersede_assessment(
    session: Session, actor: Actor, assessment: Assessment, *, by: Assessment | None = None
) -> Assessment:
    """Mark a published assessment superseded (by a newer version, or withdrawn by its owner); it stays readable."""
    if assessment.status != AssessmentStatus.PUBLISHED:
        raise InvalidTransition("assessment", assessment.status, "supersede")
    assessment.status = AssessmentStatus.SUPERSEDED.value
    assessment.superseded_at = utcnow()
    assessment.updated_at = assessment.superseded_at
    _emit(session, actor, AuditAction.ASSESSMENT_SUPERSEDED, assessment, by=by.id if by else "")
    return assessment


def do_new_version(session: Session, actor: Actor, assessment: Assessment) -> Assessment:
    """Start a new draft from a published assessment (same scope and analyst parts); publishing it supersedes
    the old one."""
    if assessment.status != AssessmentStatus.PUBLISHED:
        raise InvalidTransition("assessment", assessment.status, "new_version")
    data = AssessmentIn.model_validate(
        {
            "title": assessment.title,
            "language": assessment.language,
            "tlp": assessment.tlp,
            "regions": assessment.regions,
            "countries": assessment.countries,
            "crime_areas": assessment.crime_areas,
            "period_start": assessment.period_start,
            "period_end": assessment.period_end,
            "dissemination": assessment.dissemination,
            "summary": assessment.summary,
        }
    )
    draft = do_create_assessment(session, actor, data, supersedes=assessment.id)
    draft.judgements = list(assessment.judgements)
    draft.sources = list(assessment.sources)
    draft.recommendations = list(assessment.recommendations)
    return draft


def do_request_render(session: Session, actor: Actor, assessment: Assessment) -> AssessmentRender:
    """Queue a PDF rendering of the assessment (the job runner renders it)."""
    render = AssessmentRender(
        assessment_id=assessment.id,
        status="queued",
        requested_by=actor.user_id,
        country=actor.country,
        snapshot_sha256=assessment.snapshot_sha256,
    )
    session.add(render)
    session.flush()
    _emit(session, actor, AuditAction.ASSESSMENT_RENDER_REQUESTED, assessment, render_id=render.id)
    return render


def do_claim_render(session: Session, render: AssessmentRender) -> None:
    """Take a queued rendering for the job runner (not audited: the request and the outcome are)."""
    render.status = "running"


def do_requeue_renders(session: Session) -> int:
    """Queue again the renderings a stopped server left running; return how many."""
    running = list(session.scalars(select(AssessmentRender).where(AssessmentRender.status == "running")))
    for render in running:
        render.status = "queued"
    return len(running)


def do_finish_render(
    session: Session,
    actor: Actor,
    render: AssessmentRender,
    *,
    sha256: str | None,
    size: int | None,
    pages: int | None,
    pdf_variant: str | None,
    error: str | None,
) -> AssessmentRender:
    """Record the outcome of a rendering (the bytes are already in the blob store under the render's id)."""
    render.status = "failed" if error else "done"
    render.sha256, render.size, render.pages, render.pdf_variant = sha256, size, pages, pdf_variant
    render.error = error
    render.finished_at = utcnow()
    record(
        session,
        actor,
        AuditAction.ASSESSMENT_RENDERED,
        target_type="assessment",
        target_ids=[render.assessment_id],
        extra={"render_id": render.id, "status": render.status, "sha256": sha256},
    )
    enqueue(
        session,
        "assessment.rendered",
        {"assessment_id": render.assessment_id, "render_id": render.id, "status": render.status},
        country=render.country,
    )
    return render


def do_log_assessment_read(session: Session, actor: Actor, assessment: Assessment, part: str) -> None:
    """Audit the reading of an assessment (``part``: detail, report, indicators, console)."""
    record(
        session,
        actor,
        AuditAction.ASSESSMENT_VIEWED,
        target_type="assessment",
        target_ids=[assessment.id],
        extra={"part": part, "sha256": assessment.snapshot_sha256},
    )


def do_log_assessments_listed(session: Session, actor: Actor, ids: list[str], query: dict[str, Any]) -> None:
    """Audit a list of assessments shown."""
    record(session, actor, AuditAction.ASSESSMENT_LISTED, target_type="assessment", target_ids=ids, query=query)


def do_log_download(session: Session, actor: Actor, assessment: Assessment, render: AssessmentRender) -> None:
    """Audit the download of a PDF (its digest: what exactly was handed out)."""
    record(
        session,
        actor,
        AuditAction.ASSESSMENT_DOWNLOADED,
        target_type="assessment",
        target_ids=[assessment.id],
        extra={"render_id": render.id, "sha256": render.sha256, "snapshot_sha256": render.snapshot_sha256},
    )


def do_classify_crime_areas(  # noqa: C901 - notices, then subjects, then cases
    session: Session, actor: Actor, *, batch: int = 1000
) -> dict[str, int]:
    """Backfill: give notices without crime areas those recognised in their offence text, their subjects and
    the cases about them the union of their notices' areas (records with areas of their own are left alone)."""
    counts = {"notices": 0, "entities": 0, "cases": 0}
    by_notice: dict[str, list[str]] = {}
    by_subject: dict[str, set[str]] = {}
    last = ""
    while True:
        rows = list(session.scalars(select(Notice).where(Notice.id > last).order_by(Notice.id).limit(batch)))
        if not rows:
            break
        for notice in rows:
            areas = list(notice.crime_areas or [])
            if not areas:
                d = notice.details or {}
                areas = [a.value for a in from_offence(d.get("offence"), d.get("criminal_activity"), d.get("threat"))]
                if areas:
                    notice.crime_areas = areas
                    counts["notices"] += 1
            if areas:
                by_notice[notice.id] = areas
                if notice.subject_id:
                    by_subject.setdefault(notice.subject_id, set()).update(areas)
        last = rows[-1].id
        session.flush()
    for pk, found in by_subject.items():
        entity = session.get(Entity, pk)
        if entity is not None and not entity.crime_areas:
            entity.crime_areas = normalise(found)
            counts["entities"] += 1
    for case in session.scalars(select(Case)):
        if not case.crime_areas:
            found = {a for n in case.notice_ids for a in by_notice.get(n, [])}
            if found:
                case.crime_areas = normalise(found)
                counts["cases"] += 1
    record(session, actor, AuditAction.CRIME_AREAS_CLASSIFIED, target_type="crime_area", extra=counts)
    enqueue(session, "crime.classified", dict(counts))
    return counts
