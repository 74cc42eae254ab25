"""JSON API of screening: one person, one travel document."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, Response, StreamingResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from manara.api.deps import (
    AUTH_OPENAPI,
    CurrentActor,
    DbSession,
    DbSessionFactory,
    HeaderActor,
    ReadSessionFactory,
    SessionFactory,
    biometric_index,
    screening_index,
)
from manara.audit.group import WRITER
from manara.biometric.index import BiometricIndex
from manara.db.base import new_id
from manara.errors import Conflict, Forbidden, UnsupportedMedia
from manara.identity import Actor, Perm
from manara.screening.access import access_job
from manara.screening.actions import (
    do_check_document,
    do_finish_screening,
    do_log_batch_download,
    do_log_face_search,
    do_queue_batch_job,
)
from manara.screening.fusion import FaceEvidence, face_evidence
from manara.screening.index import ScreeningIndex
from manara.screening.jobs import job_paths, open_private
from manara.screening.models import ScreeningJob
from manara.screening.schemas import DocumentCheck, JobOut, MrzIn, MrzScreenOut, ScreenIn, ScreenOut
from manara.screening.service import read_mrz, search_person
from manara.settings import get_settings

router = APIRouter(tags=["screening"])


@router.post("/screen", response_model=ScreenOut, openapi_extra=AUTH_OPENAPI)
async def screen(
    body: ScreenIn, request: Request, actor: HeaderActor, factory: DbSessionFactory, reads: ReadSessionFactory
) -> Response:
    """Screen a person against every published notice you may see; matches on other members' notices
    raise hits to their owners. Documents with an issuing country are also checked against the register.
    An optional ``face_image`` is searched among the face templates you may see and fused into the scores."""
    out = await _screen(body, request, actor, factory, reads)
    # Built by our own code: serialised once, without FastAPI validating it again against ScreenOut.
    return Response(out.model_dump_json(), media_type="application/json")


@router.post("/screen/mrz", response_model=MrzScreenOut, openapi_extra=AUTH_OPENAPI)
async def screen_mrz(
    body: MrzIn, request: Request, actor: HeaderActor, factory: DbSessionFactory, reads: ReadSessionFactory
) -> Response:
    """Screen the holder of a travel document from its machine-readable zone (TD3 passport, TD1 identity card
    or TD2): the name, birth date, nationality and sex it holds, and the document against the register. The
    zone as read comes back with its check digits; a failed check is reported, not hidden (a misread or an
    altered document), and the holder is screened all the same."""
    if not actor.can(Perm.SCREEN):
        raise Forbidden("this role may not screen")
    query, read = read_mrz(body)
    out = await _screen(query, request, actor, factory, reads)
    return Response(MrzScreenOut(**out.model_dump(), document=read).model_dump_json(), media_type="application/json")


async def _screen(
    body: ScreenIn, request: Request, actor: Actor, factory: SessionFactory, reads: SessionFactory
) -> ScreenOut:
    index = screening_index(request)
    if index.lazy_build and actor.can(Perm.SCREEN):  # tests and single-process tools build on first use
        await run_in_threadpool(_catch_up, reads, index)
    face = None
    if body.face_image is not None:  # the image and its template are dropped after the search
        face = await run_in_threadpool(_face_search, reads, actor, biometric_index(request), body.face_image)
        body = body.model_copy(update={"face_image": None})
    # The engine runs here, on the event loop, outside any transaction: a few milliseconds of CPU that a
    # hop to a worker thread would only make longer (one process runs Python on one core at a time).
    found = search_person(actor, index, body, face=face)

    def finish(session: Session) -> ScreenOut:
        if face is not None:
            do_log_face_search(session, actor, face)
        return do_finish_screening(session, actor, body, found)

    # Hits, document checks and the audit records share a transaction with concurrent requests; this
    # returns once that transaction has committed.
    return await WRITER.submit(factory, finish)


def _catch_up(reads: SessionFactory, index: ScreeningIndex) -> None:
    with reads() as session:
        index.ensure(session)


def _face_search(reads: SessionFactory, actor: Actor, index: BiometricIndex, image: str) -> FaceEvidence:
    with reads() as session:
        return face_evidence(session, actor, index, image)


@router.get("/documents/check", response_model=DocumentCheck)
def document_check(
    session: DbSession,
    actor: CurrentActor,
    number: Annotated[str, Query(min_length=1, max_length=64)],
    country: Annotated[str, Query(min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$")],
) -> DocumentCheck:
    """Check a travel document (number + issuing country) against documents reported stolen, lost or revoked."""
    return DocumentCheck.model_validate(do_check_document(session, actor, number, country))


@router.post("/screen/batch", response_model=JobOut, status_code=202)
async def submit_batch(request: Request, factory: DbSessionFactory, actor: CurrentActor) -> JobOut:
    """Upload a passenger list (``text/csv`` or ``application/x-ndjson`` FtM persons) to screen as a job."""
    if not actor.can(Perm.SCREEN):
        raise Forbidden("this role may not screen")
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    fmt = {"text/csv": "csv", "application/x-ndjson": "jsonl", "application/jsonl": "jsonl"}.get(kind)
    if fmt is None:
        raise UnsupportedMedia("send the passenger list as text/csv or application/x-ndjson")
    data_dir = get_settings().data_dir
    job = ScreeningJob(
        id=new_id(),
        country=actor.country,
        user_id=actor.user_id,
        username=actor.username,
        role=actor.role.value,
        input_format=fmt,
        status="uploading",
    )
    source, _ = job_paths(data_dir, job.id)
    with open_private(source) as out:
        async for chunk in request.stream():
            out.write(chunk)
    with factory() as session:
        return JobOut.model_validate(do_queue_batch_job(session, actor, job, size=source.stat().st_size))


@router.get("/screen/batch/{job_id}", response_model=JobOut)
def batch_status(job_id: str, session: DbSession, actor: CurrentActor) -> JobOut:
    """Return a batch job's status and progress."""
    return JobOut.model_validate(access_job(session, actor, job_id))


@router.get("/screen/batch/{job_id}/results", response_class=StreamingResponse)
def batch_results(job_id: str, session: DbSession, actor: CurrentActor) -> Response:
    """Download a finished job's results: one JSON line per passenger, in input order."""
    job = access_job(session, actor, job_id)
    if job.status != "done":
        raise Conflict(f"job is {job.status}", status=job.status)
    do_log_batch_download(session, actor, job)
    _, results = job_paths(get_settings().data_dir, job.id)
    # FileResponse opens the file itself and closes it however the download ends (a client gone midway)
    return FileResponse(results, media_type="application/x-ndjson")
