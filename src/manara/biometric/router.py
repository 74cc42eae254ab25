"""JSON API of biometrics: enrol, view, withdraw, search 1:N, record an examiner's decision."""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from sqlalchemy.orm import Session

from manara.api.deps import CurrentActor, DbSession, DbSessionFactory
from manara.audit.actions import AuditAction, record
from manara.biometric import actions
from manara.biometric.access import access_template_by_id, access_template_for_owner
from manara.biometric.engines import Modality, default_engine
from manara.biometric.index import BiometricIndex
from manara.biometric.models import BiometricTemplate
from manara.biometric.schemas import SearchOut, TemplateOut, VerifyIn, VerifyOut
from manara.biometric.service import search
from manara.biometric.storage import image_store
from manara.entity.access import access_entity_for_write
from manara.entity.models import Entity
from manara.errors import Forbidden, NotFound, PayloadTooLarge, ValidationFailed
from manara.member.roles import Actor, Perm
from manara.notice.models import Notice
from manara.settings import get_settings

router = APIRouter(prefix="/biometrics", tags=["biometrics"])
_index_lock = threading.Lock()


def biometric_index(request: Request) -> BiometricIndex:
    """Return this process's biometric index, created on first use."""
    with _index_lock:
        index: BiometricIndex | None = getattr(request.app.state, "biometric_index", None)
        if index is None:
            index = request.app.state.biometric_index = BiometricIndex()
        return index


def read_image(upload: UploadFile) -> bytes:
    """Read an uploaded image into memory, refusing it past the configured size."""
    limit = get_settings().biometric_max_image_bytes
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"image larger than {limit} bytes", limit=limit)
    return data


def _subject(session: Session, actor: Actor, subject_pk: str | None, notice_id: str | None
             ) -> tuple[Entity, Notice | None]:  # fmt: skip
    """Return the subject to enrol for: an entity the actor's country owns, or the subject of its notice."""
    if (subject_pk is None) == (notice_id is None):
        raise ValidationFailed("give exactly one of subject_pk and notice_id",
                               [{"field": "subject_pk", "message": "one of subject_pk, notice_id"}])  # fmt: skip
    if notice_id is not None:
        notice = session.get(Notice, notice_id)
        if notice is None or notice.owner_country != actor.country or notice.subject_id is None:
            raise NotFound("notice", notice_id)
        return access_entity_for_write(session, actor, notice.subject_id), notice
    assert subject_pk is not None
    return access_entity_for_write(session, actor, subject_pk), None


def _out(row: BiometricTemplate) -> TemplateOut:
    out = TemplateOut.model_validate(row)
    out.original_kept = row.original_key is not None
    return out


@router.post("/enrolments", response_model=TemplateOut, status_code=201)
def enrol(
    factory: DbSessionFactory, actor: CurrentActor, image: Annotated[UploadFile, File()],
    subject_pk: Annotated[str | None, Form()] = None, notice_id: Annotated[str | None, Form()] = None,
    modality: Annotated[Modality, Form()] = Modality.FACE, keep_original: Annotated[bool, Form()] = False,
) -> TemplateOut:  # fmt: skip
    """Enrol a face image for a person your country owns (``subject_pk``) or for its notice's subject."""
    if not actor.can(Perm.ENTITY_WRITE):
        raise Forbidden("this role may not enrol biometrics")
    data = read_image(image)
    engine = default_engine(modality)
    template = engine.extract(data)  # before any transaction: no database lock held while computing
    settings = get_settings()
    store = image_store(settings.data_dir) if settings.biometric_store_originals else None
    with factory() as session:
        subject, notice = _subject(session, actor, subject_pk, notice_id)
        row = actions.do_enrol_template(session, actor, subject, engine, template, notice=notice,
                                        original=data if keep_original else None, store=store)  # fmt: skip
        return _out(row)


@router.get("/enrolments/{template_id}", response_model=TemplateOut)
def get_enrolment(template_id: str, session: DbSession, actor: CurrentActor) -> TemplateOut:
    """Return an enrolled template's metadata (never its vector)."""
    row = access_template_by_id(session, actor, template_id)
    record(session, actor, AuditAction.BIOMETRIC_TEMPLATE_VIEWED, target_type="biometric_template",
           target_ids=[row.id])  # fmt: skip
    return _out(row)


@router.delete("/enrolments/{template_id}", status_code=204)
def delete_enrolment(template_id: str, session: DbSession, actor: CurrentActor) -> Response:
    """Withdraw a template your country enrolled (and its kept original, if any)."""
    row = access_template_for_owner(session, actor, template_id)
    actions.do_delete_template(session, actor, row, image_store(get_settings().data_dir))
    return Response(status_code=204)


@router.post("/search", response_model=SearchOut)
def search_probe(
    request: Request, factory: DbSessionFactory, actor: CurrentActor, image: Annotated[UploadFile, File()],
    modality: Annotated[Modality, Form()] = Modality.FACE, limit: Annotated[int | None, Form(ge=1, le=100)] = None,
) -> SearchOut:  # fmt: skip
    """Search a face image 1:N against every template you may see; the probe is discarded afterwards."""
    if not actor.can(Perm.SCREEN):
        raise Forbidden("this role may not search biometrics")
    engine = default_engine(modality)
    probe = engine.extract(read_image(image))  # the bytes are dropped here; only the template lives on
    image.file.close()
    index = biometric_index(request)
    with factory() as session:
        index.ensure(session)
        return search(session, actor, index, engine, probe, limit or get_settings().biometric_search_limit)


@router.post("/candidates/verify", response_model=VerifyOut, status_code=201)
def verify_candidate(body: VerifyIn, session: DbSession, actor: CurrentActor) -> VerifyOut:
    """Record an examiner's decision on a candidate; a potential candidate raises a hit to its owner."""
    if not actor.can(Perm.SCREEN):
        raise Forbidden("this role may not verify biometric candidates")
    template = access_template_by_id(session, actor, body.template_id)
    notice = session.get(Notice, template.notice_id) if template.notice_id else None
    notice_type = notice.type if notice else "biometric"
    verification = actions.do_verify_candidate(session, actor, template, body.decision, score=body.score,
                                               note=body.note, notice_type=notice_type)  # fmt: skip
    return VerifyOut(id=verification.id, template_id=template.id, decision=body.decision, hit_id=verification.hit_id)
