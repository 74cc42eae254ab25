"""JSON API of cross-matching runs: request one (the server's job runner runs it), follow its progress."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from manara.analysis import jobs
from manara.analysis.actions import do_request_run
from manara.analysis.schemas import XrefRunIn, XrefRunOut
from manara.api.deps import CurrentActor, DbSession, require
from manara.errors import Forbidden
from manara.identity import Perm, Role

router = APIRouter(prefix="/xref", tags=["analysis"], dependencies=[Depends(require(Perm.XREF_RUN))])


@router.post("/runs", response_model=XrefRunOut, status_code=202)
def request_run(body: XrefRunIn, session: DbSession, actor: CurrentActor) -> XrefRunOut:
    """Queue a cross-matching run; 409 while another run is queued or running (one per deployment)."""
    if body.scope == "all" and actor.role != Role.ADMINISTRATOR:
        raise Forbidden("only administrators may cross-match every member's entities")
    scope = "*" if body.scope == "all" else actor.country
    return XrefRunOut.model_validate(do_request_run(session, actor, scope=scope, full=body.full))


@router.get("/runs", response_model=list[XrefRunOut])
def list_runs(session: DbSession, actor: CurrentActor) -> list[XrefRunOut]:
    """List the latest runs requested by your country (administrators: by anyone), newest first."""
    return [XrefRunOut.model_validate(run) for run in jobs.list_runs(session, actor)]


@router.get("/runs/{run_id}", response_model=XrefRunOut)
def get_run(run_id: str, session: DbSession, actor: CurrentActor) -> XrefRunOut:
    """Return a run's status, progress (matched of total) and result (links created)."""
    return XrefRunOut.model_validate(jobs.access_run(session, actor, run_id))
