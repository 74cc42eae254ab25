"""JSON API of the pursuit of wanted persons: pursuit files and their lifecycle, the treaty registry, coordinated
operations (targets, board summary, situation report) and public appeals (owner side; tips)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Response, UploadFile
from sqlalchemy import select

from manara.api.deps import CurrentActor, DbSession, PageParams, attachment_response
from manara.case.thread import read_upload
from manara.db.base import utcnow
from manara.errors import Forbidden, NotFound
from manara.identity import Perm
from manara.pagination import PageOut
from manara.pursuit import actions, service, targets
from manara.pursuit import queue as _queue  # noqa: F401 - registers the pursuit and tip queues
from manara.pursuit.access import (
    access_appeal_for_owner,
    access_document,
    access_operation_by_id,
    access_operation_for_owner,
    access_pursuit_by_id,
    access_pursuit_for_write,
    access_target_for_update,
    operation_visibility_filter,
    tip_visibility_filter,
)
from manara.pursuit.models import Operation, PublicAppeal, PublicTip, PursuitState, TargetStatus, Treaty
from manara.pursuit.schemas import (
    AddedOut,
    AppealIn,
    AppealOut,
    DocumentOut,
    ExtendIn,
    OperationIn,
    OperationOut,
    PursuitFromHitIn,
    PursuitIn,
    PursuitOut,
    PursuitSummaryOut,
    SightingIn,
    SightingOut,
    StepIn,
    SummaryOut,
    TargetOut,
    TargetsIn,
    TargetUpdateIn,
    TipOut,
    TreatyIn,
    TreatyOut,
)
from manara.settings import get_settings
from manara.storage import LocalBlobStore

pursuits = APIRouter(prefix="/pursuits", tags=["pursuits"])
operations = APIRouter(prefix="/operations", tags=["operations"])
treaties = APIRouter(prefix="/treaties", tags=["treaties"])
router = APIRouter()


def document_store() -> LocalBlobStore:
    """The store of pursuit documents (``MANARA_DATA_DIR/pursuits``)."""
    return LocalBlobStore(get_settings().data_dir / "pursuits")


def tip_store() -> LocalBlobStore:
    """The store of files sent with public tips (``MANARA_DATA_DIR/tips``): opaque bytes, only downloaded."""
    return LocalBlobStore(get_settings().data_dir / "tips")


def _read(actor: Any) -> None:
    if not actor.can(Perm.PURSUIT_READ):
        raise Forbidden("this role or key lacks pursuit:read")


# -- pursuits -------------------------------------------------------------------------------------------------


@pursuits.get("", response_model=PageOut[PursuitSummaryOut])
def list_pursuits(
    session: DbSession, actor: CurrentActor, paging: PageParams, state: PursuitState | None = None
) -> PageOut[PursuitSummaryOut]:
    """Pursuits your country takes part in: nearest extradition-request deadline first."""
    _read(actor)
    page = service.list_pursuits(
        session, actor, state=state.value if state else None, page=paging.page, page_size=paging.page_size
    )
    items = [PursuitSummaryOut.model_validate(p) for p in page.items]
    actions.do_log_pursuits_listed(session, actor, [p.id for p in items], {"state": state})
    return PageOut(items=items, total=page.total, page=page.page, page_size=page.page_size)


@pursuits.post("", response_model=PursuitOut, status_code=201)
def open_pursuit(body: PursuitIn, session: DbSession, actor: CurrentActor) -> PursuitOut:
    """Open the pursuit of a published red notice or diffusion of your country, inviting member countries."""
    pursuit = actions.do_open_pursuit(session, actor, body.notice_id, body.members)
    return service.pursuit_out(session, actor, pursuit)


@pursuits.post("/from-hit/{hit_id}", response_model=PursuitOut, status_code=201)
def open_from_hit(hit_id: str, body: PursuitFromHitIn, session: DbSession, actor: CurrentActor) -> PursuitOut:
    """Open a pursuit from a confirmed hit on one of your notices (the screening member joins)."""
    pursuit = actions.do_open_pursuit_from_hit(session, actor, hit_id, body.members)
    return service.pursuit_out(session, actor, pursuit)


@pursuits.get("/{pursuit_id}", response_model=PursuitOut)
def get_pursuit(pursuit_id: str, session: DbSession, actor: CurrentActor) -> PursuitOut:
    """A pursuit: members, steps, documents, sightings, deadline and treaty, and the steps you may take."""
    pursuit = access_pursuit_by_id(session, actor, pursuit_id)
    actions.do_log_pursuit_read(session, actor, pursuit, "detail")
    return service.pursuit_out(session, actor, pursuit)


@pursuits.post("/{pursuit_id}/steps", response_model=PursuitOut)
def take_step(pursuit_id: str, body: StepIn, session: DbSession, actor: CurrentActor) -> PursuitOut:
    """Move the pursuit one step (order and entitlement checked: 409 out of order, 404 if not yours to take)."""
    pursuit = access_pursuit_for_write(session, actor, pursuit_id)
    actions.do_step(session, actor, pursuit, body)
    return service.pursuit_out(session, actor, pursuit)


@pursuits.post("/{pursuit_id}/extend", response_model=PursuitOut)
def extend(pursuit_id: str, body: ExtendIn, session: DbSession, actor: CurrentActor) -> PursuitOut:
    """Extend a provisional arrest's deadline within the treaty's extension (the locating member)."""
    pursuit = access_pursuit_for_write(session, actor, pursuit_id)
    actions.do_extend_deadline(session, actor, pursuit, body.days, body.reason)
    return service.pursuit_out(session, actor, pursuit)


@pursuits.post("/{pursuit_id}/sightings", response_model=SightingOut, status_code=201)
def add_sighting(pursuit_id: str, body: SightingIn, session: DbSession, actor: CurrentActor) -> SightingOut:
    """Add a sighting (from a hit, a biometric identification, a document check, a case message, or a report)."""
    pursuit = access_pursuit_for_write(session, actor, pursuit_id)
    return SightingOut.model_validate(actions.do_add_sighting(session, actor, pursuit, body))


@pursuits.post("/{pursuit_id}/documents", response_model=DocumentOut, status_code=201)
def add_document(
    pursuit_id: str,
    session: DbSession,
    actor: CurrentActor,
    file: Annotated[UploadFile, File()],
    kind: Annotated[str, Form()] = "other",
) -> DocumentOut:
    """Attach a warrant, an extradition request or a decision (PDF, image, text, office document)."""
    pursuit = access_pursuit_for_write(session, actor, pursuit_id)
    data = read_upload(file.file)
    doc = actions.do_attach_document(
        session, actor, pursuit, document_store(), filename=file.filename or "", data=data, kind=kind
    )
    return DocumentOut.model_validate(doc)


@pursuits.get("/{pursuit_id}/documents/{document_id}")
def download_document(pursuit_id: str, document_id: str, session: DbSession, actor: CurrentActor) -> Response:
    """Download a document of the pursuit (audited)."""
    pursuit = access_pursuit_by_id(session, actor, pursuit_id)
    doc = access_document(session, pursuit, document_id)
    actions.do_log_document_download(session, actor, doc)
    return attachment_response(document_store().get(doc.id), doc.filename, doc.content_type)


# -- treaties -------------------------------------------------------------------------------------------------


@treaties.get("", response_model=list[TreatyOut])
def list_treaties(session: DbSession, actor: CurrentActor) -> list[TreatyOut]:
    """The treaty registry: instruments, parties and time limits (public law, not audited)."""
    if not (actor.can(Perm.PURSUIT_READ) or actor.can(Perm.MEMBER_ADMIN)):
        raise Forbidden("this role or key lacks pursuit:read")
    return [TreatyOut.model_validate(t) for t in session.scalars(select(Treaty).order_by(Treaty.id))]


@treaties.put("/{treaty_id}", response_model=TreatyOut)
def register_treaty(treaty_id: str, body: TreatyIn, session: DbSession, actor: CurrentActor) -> TreatyOut:
    """Add or replace a treaty of the registry (administrators)."""
    if body.id != treaty_id:
        raise NotFound("treaty", treaty_id)
    return TreatyOut.model_validate(actions.do_register_treaty(session, actor, body))


# -- operations -----------------------------------------------------------------------------------------------


@operations.get("", response_model=list[OperationOut])
def list_operations(session: DbSession, actor: CurrentActor) -> list[OperationOut]:
    """Operations your country leads or takes part in, newest first."""
    _read(actor)
    stmt = select(Operation).where(operation_visibility_filter(actor)).order_by(Operation.starts_on.desc())
    return [service.operation_out(op) for op in session.scalars(stmt)]


@operations.post("", response_model=OperationOut, status_code=201)
def create_operation(body: OperationIn, session: DbSession, actor: CurrentActor) -> OperationOut:
    """Create an operation led by your country with its participants and period."""
    return service.operation_out(actions.do_create_operation(session, actor, body))


@operations.get("/{operation_id}", response_model=OperationOut)
def get_operation(operation_id: str, session: DbSession, actor: CurrentActor) -> OperationOut:
    """An operation you lead or take part in."""
    return service.operation_out(access_operation_by_id(session, actor, operation_id))


@operations.post("/{operation_id}/close", response_model=OperationOut)
def close_operation(operation_id: str, session: DbSession, actor: CurrentActor) -> OperationOut:
    """Close an operation your country leads."""
    op = access_operation_for_owner(session, actor, operation_id)
    return service.operation_out(actions.do_close_operation(session, actor, op))


@operations.get("/{operation_id}/summary", response_model=SummaryOut)
def summary(operation_id: str, session: DbSession, actor: CurrentActor) -> SummaryOut:
    """Results: counts per status and per responsible country, arrests today (counts only, no identities)."""
    op = access_operation_by_id(session, actor, operation_id)
    return service.operation_results(session, op)


@operations.get("/{operation_id}/report")
def situation_report(
    operation_id: str, session: DbSession, actor: CurrentActor, day: date | None = None
) -> dict[str, Any]:
    """The daily situation report (UTC day; default today): summary, arrests and the changes you may see."""
    op = access_operation_by_id(session, actor, operation_id)
    report = service.situation_report(session, actor, op, day or utcnow().date())
    actions.do_log_operation_read(session, actor, op, "report", [c["target_id"] for c in report["changes"]])
    return report


@operations.get("/{operation_id}/targets", response_model=PageOut[TargetOut])
def list_targets(
    operation_id: str,
    session: DbSession,
    actor: CurrentActor,
    paging: PageParams,
    status: TargetStatus | None = None,
    country: str | None = None,
) -> PageOut[TargetOut]:
    """Targets you may see: the leader sees all; a participant its own, and others only where it may see the
    notice anyway."""
    op = access_operation_by_id(session, actor, operation_id)
    page = service.visible_targets(
        session,
        actor,
        op,
        status=status.value if status else None,
        country=country.upper() if country else None,
        page=paging.page,
        page_size=paging.page_size,
    )
    items = [TargetOut.model_validate(t) for t in page.items]
    actions.do_log_operation_read(session, actor, op, "targets", [t.id for t in items])
    return PageOut(items=items, total=page.total, page=page.page, page_size=page.page_size)


@operations.post("/{operation_id}/targets", response_model=AddedOut, status_code=201)
def add_targets(operation_id: str, body: TargetsIn, session: DbSession, actor: CurrentActor) -> AddedOut:
    """Add targets (listed, or from a screening batch job or a cross-matching run of your country, by id)."""
    op = access_operation_for_owner(session, actor, operation_id)
    found = targets.from_list(session, actor, body.targets)
    responsible = body.responsible_country or actor.country
    if body.screening_job_id:
        found += targets.from_screening_job(session, actor, get_settings().data_dir, body.screening_job_id, responsible)
    if body.xref_run_id:
        found += targets.from_xref_run(session, actor, body.xref_run_id, responsible)
    added, skipped = actions.do_add_targets(session, actor, op, found)
    return AddedOut(added=added, skipped=skipped)


@operations.post("/{operation_id}/targets/import", response_model=AddedOut, status_code=201)
def import_targets(
    operation_id: str, session: DbSession, actor: CurrentActor, file: Annotated[UploadFile, File()]
) -> AddedOut:
    """Import targets from a CSV (``notice,country[,note]``) or JSON file."""
    op = access_operation_for_owner(session, actor, operation_id)
    rows = targets.parse_file(read_upload(file.file), file.filename or "targets.csv")
    added, skipped = actions.do_add_targets(session, actor, op, targets.from_list(session, actor, rows))
    return AddedOut(added=added, skipped=skipped)


@operations.patch("/{operation_id}/targets/{target_id}", response_model=TargetOut)
def update_target(
    operation_id: str, target_id: str, body: TargetUpdateIn, session: DbSession, actor: CurrentActor
) -> TargetOut:
    """Update the status of one of your country's targets (others: 404)."""
    op = access_operation_by_id(session, actor, operation_id)
    target = access_target_for_update(session, actor, op, target_id)
    updated = actions.do_update_target(
        session, actor, op, target, body.status, note=body.note, lat=body.lat, lon=body.lon
    )
    return TargetOut.model_validate(updated)


# -- public appeals (owner side) -----------------------------------------------------------------------------


@pursuits.post("/appeals", response_model=AppealOut, status_code=201)
def publish_appeal(body: AppealIn, session: DbSession, actor: CurrentActor) -> AppealOut:
    """Publish a public appeal for a notice of your country, releasing only the selected fields."""
    return AppealOut.model_validate(actions.do_publish_appeal(session, actor, body))


@pursuits.post("/appeals/{appeal_id}/withdraw", response_model=AppealOut)
def withdraw_appeal(appeal_id: str, session: DbSession, actor: CurrentActor) -> AppealOut:
    """Take your country's appeal off the public pages."""
    appeal = access_appeal_for_owner(session, actor, appeal_id)
    return AppealOut.model_validate(actions.do_withdraw_appeal(session, actor, appeal))


@pursuits.get("/appeals/tips", response_model=list[TipOut])
def list_tips(session: DbSession, actor: CurrentActor, limit: int = 100) -> list[TipOut]:
    """Tips sent to your country's appeals, newest first (audited: they may hold a tipster's contact)."""
    _read(actor)
    stmt = (
        select(PublicTip)
        .where(tip_visibility_filter(actor))
        .order_by(PublicTip.created_at.desc())
        .limit(max(1, min(limit, 500)))
    )
    tips = list(session.scalars(stmt))
    actions.do_log_tips_read(session, actor, [t.id for t in tips])
    return [tip_out(t) for t in tips]


def tip_out(tip: PublicTip) -> TipOut:
    """A tip with its attachments' metadata."""
    return TipOut.model_validate(tip)


@pursuits.get("/appeals/{appeal_id}", response_model=AppealOut)
def get_appeal(appeal_id: str, session: DbSession, actor: CurrentActor) -> AppealOut:
    """One of your country's appeals."""
    appeal: PublicAppeal = access_appeal_for_owner(session, actor, appeal_id)
    return AppealOut.model_validate(appeal)


router.include_router(pursuits)
router.include_router(operations)
router.include_router(treaties)
