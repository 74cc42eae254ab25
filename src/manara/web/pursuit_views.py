"""Console pages of the pursuit of wanted persons (pursuit files, their steps, documents and sightings on a
timeline and a map; coordinated operations and their live board; tips from public appeals) and the public
appeal pages served without sign-in. Same access rules and write path as the API (``api/pursuit.py``)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from manara.api.deps import DbSession, attachment_response
from manara.api.pursuit import document_store, tip_store
from manara.api.ratelimit import client_address
from manara.case.thread import read_upload
from manara.db.base import utcnow
from manara.errors import ManaraError, NotFound, ValidationFailed
from manara.identity import Actor, Perm
from manara.pursuit import actions, service, targets
from manara.pursuit.access import (
    access_appeal_for_owner,
    access_document,
    access_operation_by_id,
    access_operation_for_owner,
    access_pursuit_by_id,
    access_pursuit_for_write,
    access_target_for_update,
    access_tip,
    operation_visibility_filter,
    tip_visibility_filter,
)
from manara.pursuit.models import Operation, PublicAppeal, PublicTip, TargetStatus, Treaty
from manara.pursuit.schemas import (
    RELEASABLE,
    AppealIn,
    OperationIn,
    PursuitIn,
    SightingIn,
    StepIn,
    TargetIn,
    TipIn,
)
from manara.settings import get_settings
from manara.web import i18n, worldmap
from manara.web.deps import ConsoleActor, CsrfChecked
from manara.web.errors import error_page
from manara.web.feed import PURSUIT_STATES, TARGET_STATUSES
from manara.web.forms import parse_form, split_codes
from manara.web.render import page

router = APIRouter()
public_router = APIRouter(prefix="/public", include_in_schema=False)
Line = Annotated[str, Form(max_length=500)]
Text = Annotated[str, Form(max_length=20_000)]
BOARD_POLL_SECONDS = 1  # open boards ask for changes every second (204 when nothing changed): within 2 s
BOARD_ROWS = 100
STATE_KIND = {
    "provisional_arrest": "warning",
    "extradition_requested": "info",
    "granted": "success",
    "surrendered": "success",
    "refused": "danger",
    "released": "secondary",
    "withdrawn": "secondary",
}


def _require_read(actor: Actor) -> None:
    if not actor.can(Perm.PURSUIT_READ):
        raise NotFound("page", "pursuits")


def _points(rows: list[tuple[float | None, float | None, str]]) -> list[dict[str, Any]]:
    """Project positions for the SVG map (``lat``/``lon`` known only)."""
    found = []
    for lat, lon, label in rows:
        if lat is None or lon is None:
            continue
        x, y = worldmap.to_svg(lon, lat)
        found.append({"x": x, "y": y, "label": label})
    return found


def _map() -> dict[str, Any]:
    return {
        "width": worldmap.WIDTH,
        "height": worldmap.HEIGHT,
        "outline": worldmap.outline(),
        "shapes": [c.path for c in worldmap.countries()],
    }


# -- pursuits -------------------------------------------------------------------------------------------------


@router.get("/pursuits")
def pursuits(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    state: Annotated[str | None, Query(max_length=30)] = None,
    page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """The pursuits of the user's country, nearest deadline first, and the form to open one."""
    _require_read(actor)
    state = state if state in PURSUIT_STATES else None
    result = service.list_pursuits(session, actor, state=state, page=page_no, page_size=50)
    actions.do_log_pursuits_listed(session, actor, [p.id for p in result.items], {"console": True, "state": state})
    return page(
        request,
        "pursuit/pursuits.html",
        result=result,
        state=state,
        states=PURSUIT_STATES,
        state_kind=STATE_KIND,
        now=utcnow(),
        pages=max((result.total + 49) // 50, 1),
        default_days=get_settings().pursuit_default_request_days,
        treaties=list(session.scalars(select(Treaty).where(Treaty.active.is_(True)).order_by(Treaty.id))),
    )


@router.post("/pursuits", dependencies=[CsrfChecked])
def open_pursuit(session: DbSession, actor: ConsoleActor, notice: Line = "", members: Line = "") -> Response:
    """Open a pursuit on a notice of the user's country (by reference or id) and go to it."""
    found = targets.resolve_notice(session, actor, notice.strip()) if notice.strip() else None
    body = parse_form(PursuitIn, {"notice_id": found.id if found else "", "members": split_codes(members)})
    pursuit = actions.do_open_pursuit(session, actor, body.notice_id, body.members)
    return RedirectResponse(f"/console/pursuits/{pursuit.id}", status_code=303)


@router.get("/pursuits/tips")
def tips(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Tips sent by the public to the country's appeals, and the appeals themselves (audited read)."""
    _require_read(actor)
    rows = list(
        session.scalars(
            select(PublicTip).where(tip_visibility_filter(actor)).order_by(PublicTip.created_at.desc()).limit(200)
        )
    )
    actions.do_log_tips_read(session, actor, [t.id for t in rows])
    appeals = list(
        session.scalars(
            select(PublicAppeal)
            .where(PublicAppeal.owner_country == actor.country)
            .order_by(PublicAppeal.created_at.desc())
        )
    )
    return page(
        request,
        "pursuit/tips.html",
        tips=rows,
        appeals=appeals,
        releasable=RELEASABLE,
        retention=get_settings().tip_retention_days,
    )


@router.post("/pursuits/appeals", dependencies=[CsrfChecked])
def publish_appeal(
    session: DbSession,
    actor: ConsoleActor,
    notice: Line = "",
    description: Text = "",
    fields: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Publish a public appeal with the fields ticked in the form."""
    found = targets.resolve_notice(session, actor, notice.strip()) if notice.strip() else None
    fields = [f for f in RELEASABLE if f in (fields or [])]
    body = parse_form(AppealIn, {"notice_id": found.id if found else "", "fields": fields, "description": description})
    actions.do_publish_appeal(session, actor, body)
    return RedirectResponse("/console/pursuits/tips#appeals-h", status_code=303)


@router.post("/pursuits/appeals/{appeal_id}/withdraw", dependencies=[CsrfChecked])
def withdraw_appeal(appeal_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """Take an appeal off the public pages."""
    actions.do_withdraw_appeal(session, actor, access_appeal_for_owner(session, actor, appeal_id))
    return RedirectResponse("/console/pursuits/tips#appeals-h", status_code=303)


@router.get("/pursuits/tips/{tip_id}/files/{file_id}")
def tip_file(tip_id: str, file_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """Download a file sent with a tip: always as opaque bytes, never shown in the browser."""
    tip = access_tip(session, actor, tip_id)
    att = next((a for a in tip.attachments if a.id == file_id), None)
    if att is None:
        raise NotFound("file", file_id)
    actions.do_log_tips_read(session, actor, [tip.id])
    return attachment_response(tip_store().get(att.id), att.filename, "application/octet-stream")


@router.get("/pursuits/{pursuit_id}")
def pursuit_detail(pursuit_id: str, request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """A pursuit: state and deadline (with the treaty it comes from, or the default), the steps the user's
    country may take, the timeline of steps and sightings, the map, documents."""
    pursuit = access_pursuit_by_id(session, actor, pursuit_id)
    actions.do_log_pursuit_read(session, actor, pursuit, "console")
    out = service.pursuit_out(session, actor, pursuit)
    timeline: list[dict[str, Any]] = [{"at": s.at, "kind": "step", "step": s} for s in out.steps] + [
        {"at": s.seen_at, "kind": "sighting", "sighting": s} for s in out.sightings
    ]
    timeline.sort(key=lambda e: e["at"])
    treaty = session.get(Treaty, pursuit.treaty_id) if pursuit.treaty_id else None
    return page(
        request,
        "pursuit/pursuit.html",
        p=out,
        treaty=treaty,
        timeline=timeline,
        states=PURSUIT_STATES,
        state_kind=STATE_KIND,
        now=utcnow(),
        warning=timedelta(hours=get_settings().pursuit_warning_hours),
        default_days=get_settings().pursuit_default_request_days,
        can_write=actor.can(Perm.PURSUIT_WRITE),
        points=_points([(s.lat, s.lon, f"{s.place or s.country} {s.seen_at:%Y-%m-%d}") for s in out.sightings]),
        document_kinds=actions.DOCUMENT_KINDS,
        **_map(),
    )


@router.post("/pursuits/{pursuit_id}/steps", dependencies=[CsrfChecked])
def take_step(
    pursuit_id: str, session: DbSession, actor: ConsoleActor, to: Line = "", reason: Text = "", country: Line = ""
) -> Response:
    """Take one step of the lifecycle."""
    pursuit = access_pursuit_for_write(session, actor, pursuit_id)
    body = parse_form(StepIn, {"to": to, "reason": reason, "country": country.strip().upper() or None})
    actions.do_step(session, actor, pursuit, body)
    return RedirectResponse(f"/console/pursuits/{pursuit.id}", status_code=303)


@router.post("/pursuits/{pursuit_id}/sightings", dependencies=[CsrfChecked])
def add_sighting(
    pursuit_id: str,
    session: DbSession,
    actor: ConsoleActor,
    source: Line = "report",
    source_id: Line = "",
    country: Line = "",
    place: Line = "",
    lat: Line = "",
    lon: Line = "",
    seen_at: Line = "",
    note: Text = "",
) -> Response:
    """Record a sighting."""
    pursuit = access_pursuit_for_write(session, actor, pursuit_id)
    data = {
        "source": source,
        "source_id": source_id.strip() or None,
        "country": country.strip().upper(),
        "place": place,
        "lat": lat.strip() or None,
        "lon": lon.strip() or None,
        "seen_at": (seen_at.strip() + "Z") if seen_at.strip() and len(seen_at.strip()) == 16 else seen_at.strip(),
        "note": note,
    }
    actions.do_add_sighting(session, actor, pursuit, parse_form(SightingIn, data))
    return RedirectResponse(f"/console/pursuits/{pursuit.id}#timeline-h", status_code=303)


@router.post("/pursuits/{pursuit_id}/documents", dependencies=[CsrfChecked])
def add_document(
    pursuit_id: str,
    session: DbSession,
    actor: ConsoleActor,
    file: Annotated[UploadFile, File()],
    kind: Line = "other",
) -> Response:
    """Attach a document to the pursuit."""
    pursuit = access_pursuit_for_write(session, actor, pursuit_id)
    data = read_upload(file.file)
    actions.do_attach_document(
        session, actor, pursuit, document_store(), filename=file.filename or "", data=data, kind=kind
    )
    return RedirectResponse(f"/console/pursuits/{pursuit.id}#documents-h", status_code=303)


@router.get("/pursuits/{pursuit_id}/documents/{document_id}")
def download_document(pursuit_id: str, document_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """Download a document (audited)."""
    pursuit = access_pursuit_by_id(session, actor, pursuit_id)
    doc = access_document(session, pursuit, document_id)
    actions.do_log_document_download(session, actor, doc)
    return attachment_response(document_store().get(doc.id), doc.filename, doc.content_type)


# -- operations -----------------------------------------------------------------------------------------------


@router.get("/operations")
def operations(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Operations the user's country leads or takes part in, and the form to start one."""
    _require_read(actor)
    rows = list(
        session.scalars(
            select(Operation).where(operation_visibility_filter(actor)).order_by(Operation.starts_on.desc())
        )
    )
    return page(
        request,
        "pursuit/operations.html",
        operations=[(op, service.operation_results(session, op)) for op in rows],
        today=utcnow().date(),
    )


@router.post("/operations", dependencies=[CsrfChecked])
def create_operation(
    session: DbSession,
    actor: ConsoleActor,
    code: Line = "",
    name: Line = "",
    participants: Line = "",
    starts_on: Line = "",
    ends_on: Line = "",
) -> Response:
    """Start an operation led by the user's country."""
    body = parse_form(
        OperationIn,
        {
            "code": code.strip(),
            "name": name,
            "participants": split_codes(participants),
            "starts_on": starts_on,
            "ends_on": ends_on,
        },
    )
    op = actions.do_create_operation(session, actor, body)
    return RedirectResponse(f"/console/operations/{op.id}", status_code=303)


def _board_context(session: DbSession, actor: Actor, op: Operation) -> dict[str, Any]:
    summary = service.operation_results(session, op)
    mine = service.visible_targets(session, actor, op, page_size=BOARD_ROWS)
    actions.do_log_operation_read(session, actor, op, "board", [t.id for t in mine.items])
    return {
        "op": op,
        "summary": summary,
        "targets": mine,
        "statuses": TARGET_STATUSES,
        "poll": BOARD_POLL_SECONDS,
        "can_update": actor.can(Perm.PURSUIT_WRITE) and op.status == "active",
    }


@router.get("/operations/{operation_id}")
def operation_board(operation_id: str, request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """The live board: targets by country and status, arrests today, the targets the user's country sees."""
    op = access_operation_by_id(session, actor, operation_id)
    return page(
        request,
        "pursuit/operation.html",
        leader=op.owner_country == actor.country and actor.can(Perm.PURSUIT_WRITE),
        participants=sorted(targets.operation_members(op)),
        **_board_context(session, actor, op),
    )


@router.get("/operations/{operation_id}/board")
def board_fragment(
    operation_id: str,
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    v: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    """The board's fragment, polled by open boards: 204 while the operation's version is unchanged."""
    op = access_operation_by_id(session, actor, operation_id)
    if v is not None and v == op.version:
        return Response(status_code=204)
    return page(request, "pursuit/_board.html", **_board_context(session, actor, op))


@router.post("/operations/{operation_id}/targets", dependencies=[CsrfChecked])
def add_targets(
    operation_id: str,
    session: DbSession,
    actor: ConsoleActor,
    notices: Text = "",
    responsible: Line = "",
    screening_job: Line = "",
    xref_run: Line = "",
) -> Response:
    """Add targets: notice references (one per line), or the wanted persons of a screening job or xref run."""
    op = access_operation_for_owner(session, actor, operation_id)
    country = responsible.strip().upper() or actor.country
    rows = [
        parse_form(TargetIn, {"notice_id": ref.strip(), "responsible_country": country})
        for ref in notices.splitlines()
        if ref.strip()
    ]
    found = targets.from_list(session, actor, rows)
    if screening_job.strip():
        found += targets.from_screening_job(session, actor, get_settings().data_dir, screening_job.strip(), country)
    if xref_run.strip():
        found += targets.from_xref_run(session, actor, xref_run.strip(), country)
    actions.do_add_targets(session, actor, op, found)
    return RedirectResponse(f"/console/operations/{op.id}", status_code=303)


@router.post("/operations/{operation_id}/targets/{target_id}", dependencies=[CsrfChecked])
def update_target(
    operation_id: str,
    target_id: str,
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    status: Line = "",
) -> Response:
    """Update one of the user's country's targets (htmx: the board fragment comes back)."""
    op = access_operation_by_id(session, actor, operation_id)
    target = access_target_for_update(session, actor, op, target_id)
    if status not in TARGET_STATUSES:
        raise ValidationFailed("invalid status", [{"field": "status", "message": status}])
    actions.do_update_target(session, actor, op, target, TargetStatus(status))
    if request.headers.get("HX-Request"):
        return page(request, "pursuit/_board.html", **_board_context(session, actor, op))
    return RedirectResponse(f"/console/operations/{op.id}", status_code=303)


@router.post("/operations/{operation_id}/close", dependencies=[CsrfChecked])
def close_operation(operation_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """Close an operation the user's country leads."""
    actions.do_close_operation(session, actor, access_operation_for_owner(session, actor, operation_id))
    return RedirectResponse(f"/console/operations/{operation_id}", status_code=303)


@router.get("/operations/{operation_id}/report")
def situation_report(
    operation_id: str,
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    day: Annotated[date | None, Query()] = None,
    format: Annotated[str, Query(pattern="^(html|json)$")] = "html",  # noqa: A002 - the query parameter's name
) -> Response:
    """The daily situation report, as a page or JSON (``?format=json``)."""
    op = access_operation_by_id(session, actor, operation_id)
    report = service.situation_report(session, actor, op, day or utcnow().date())
    actions.do_log_operation_read(session, actor, op, "report", [c["target_id"] for c in report["changes"]])
    if format == "json":
        return JSONResponse(report)
    return page(request, "pursuit/report.html", op=op, report=report, statuses=TARGET_STATUSES)


# -- public appeals (no sign-in) -------------------------------------------------------------------------------


def client_key(request: Request) -> str:
    """A keyed digest of the client's address: the rate limit counts it, the address itself is never kept."""
    secret = get_settings().secret_key.get_secret_value()
    return hashlib.sha256(f"{secret}|{client_address(request)}".encode()).hexdigest()


@public_router.get("/appeals")
def public_appeals(request: Request, session: DbSession) -> Response:
    """The public appeals: only what each owner released."""
    return page(request, "pursuit/public_appeals.html", appeals=service.public_appeals(session))


@public_router.get("/appeals/{appeal_id}")
def public_appeal(appeal_id: str, request: Request, session: DbSession) -> Response:
    """One public appeal and its tip form (a withdrawn appeal, or one whose notice is no longer published: 404)."""
    appeal = service.public_appeal(session, appeal_id)
    if appeal is None:
        return error_page(request, 404)
    return page(request, "pursuit/public_appeal.html", appeal=appeal, sent=False, error=None)


@public_router.post("/appeals/{appeal_id}/tips")
def send_tip(
    appeal_id: str,
    request: Request,
    session: DbSession,
    body: Annotated[str, Form(max_length=50_000)] = "",
    contact: Annotated[str, Form(max_length=1000)] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    """Receive a tip (no sign-in, no CSRF token: rate-limited per client address, size-limited)."""
    appeal = service.public_appeal(session, appeal_id)
    if appeal is None:
        return error_page(request, 404)
    settings = get_settings()
    key = client_key(request)
    lang = i18n.choose_language(request)
    status, error = 201, None
    if service.tips_from(session, key, utcnow() - timedelta(hours=1)) >= settings.tip_rate_per_hour:
        status, error = 429, "rate"
    else:
        try:
            data = TipIn.model_validate({"body": body, "contact": contact, "language": lang})
            uploads = [
                actions.TipFile(f.filename or "file", read_upload(f.file, settings.tip_attachment_max_bytes))
                for f in (files or [])
                if f.filename
            ]
            with session.begin_nested():
                actions.do_receive_tip(session, appeal, data, key, tip_store(), uploads)
        except ValidationError:
            status, error = 422, "invalid"
        except ManaraError as exc:
            status, error = exc.http_status, ("large" if exc.http_status == 413 else "invalid")
    response = page(
        request, "pursuit/public_appeal.html", status=status, appeal=appeal, sent=error is None, error=error
    )
    if status == 429:
        response.headers["Retry-After"] = "3600"
    return response


def board_points(session: DbSession, actor: Actor, since: datetime) -> list[dict[str, Any]]:
    """The wall's operations layer: arrests since ``since`` in the operations the actor's country takes part in,
    where a position is known (the country and the time; never who)."""
    if not actor.can(Perm.PURSUIT_READ):
        return []
    mine = set(session.scalars(select(Operation.id).where(operation_visibility_filter(actor))))
    rows = [t for t in service.arrests_on_map(session, since=since) if t.operation_id in mine]
    return _points([(t.lat, t.lon, f"{t.responsible_country} {t.arrested_at:%H:%M}") for t in rows])
