"""JSON API of biometrics: enrol, view, withdraw, search 1:N, record an examiner's decision."""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Header, Request, Response, UploadFile
from sqlalchemy.orm import Session

from manara.api.deps import CurrentActor, DbSession, DbSessionFactory, SessionFactory, biometric_index
from manara.biometric import actions
from manara.biometric.access import access_search_candidate, access_template_by_id, access_template_for_owner
from manara.biometric.engines import Modality, PairwiseEngine, default_engine, pairwise_engine, vector_engine
from manara.biometric.models import BiometricTemplate
from manara.biometric.schemas import SearchOut, TemplateOut, VerifyIn, VerifyOut
from manara.biometric.service import FingerProbe, search, search_fingers, visible_notice_ids
from manara.biometric.storage import image_store
from manara.entity.access import access_entity_for_write
from manara.entity.models import Entity
from manara.errors import Forbidden, NotFound, PayloadTooLarge, ValidationFailed
from manara.identity import Actor, Perm
from manara.notice.models import Notice
from manara.settings import get_settings

router = APIRouter(prefix="/biometrics", tags=["biometrics"])
MAX_PROBE_FINGERS = 10


def read_image(upload: UploadFile) -> bytes:
    """Read an uploaded image into memory, refusing it past the configured size."""
    limit = get_settings().biometric_max_image_bytes
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"image larger than {limit} bytes", limit=limit)
    return data


def _subject(
    session: Session, actor: Actor, subject_pk: str | None, notice_id: str | None
) -> tuple[Entity, Notice | None]:
    """Return the subject to enrol for: an entity the actor's country owns, or the subject of its notice."""
    if (subject_pk is None) == (notice_id is None):
        raise ValidationFailed(
            "give exactly one of subject_pk and notice_id",
            [{"field": "subject_pk", "message": "one of subject_pk, notice_id"}],
        )
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
    factory: DbSessionFactory,
    actor: CurrentActor,
    image: Annotated[UploadFile, File()],
    subject_pk: Annotated[str | None, Form()] = None,
    notice_id: Annotated[str | None, Form()] = None,
    modality: Annotated[Modality, Form()] = Modality.FACE,
    keep_original: Annotated[bool, Form()] = False,
    position: Annotated[int | None, Form(ge=0, le=10, description="ANSI/NIST finger position")] = None,
    idempotency_key: Annotated[
        str | None, Header(max_length=100, description="Makes a retried enrolment safe: the first one is returned")
    ] = None,
) -> TemplateOut:
    """Enrol a face image or a fingerprint for a person your country owns (``subject_pk``) or its notice's subject."""
    if not actor.can(Perm.ENTITY_WRITE):
        raise Forbidden("this role may not enrol biometrics")
    finger_position = _finger_positions(modality, [position] if position is not None else None, 1)[0]
    data = read_image(image)
    engine = default_engine(modality)
    template = engine.extract(data)  # before any transaction: no database lock held while computing
    settings = get_settings()
    store = image_store(settings.data_dir) if settings.biometric_store_originals else None
    with factory() as session:
        subject, notice = _subject(session, actor, subject_pk, notice_id)
        request = {
            "subject": subject.id,
            "notice": notice.id if notice else None,
            "modality": str(modality),
            "position": finger_position,
            "keep_original": keep_original,
            "image_sha256": hashlib.sha256(data).hexdigest(),
        }
        row = actions.do_enrol_template_once(
            session,
            actor,
            subject,
            engine,
            template,
            idempotency_key=idempotency_key,
            request=request,
            notice=notice,
            original=data if keep_original else None,
            store=store,
            finger_position=finger_position,
        )
        return _out(row)


@router.get("/enrolments/{template_id}", response_model=TemplateOut)
def get_enrolment(template_id: str, session: DbSession, actor: CurrentActor) -> TemplateOut:
    """Return an enrolled template's metadata (never its vector)."""
    row = access_template_by_id(session, actor, template_id)
    actions.do_log_template_read(session, actor, row)
    out = _out(row)
    if out.notice_id is not None and not visible_notice_ids(session, actor, {out.notice_id}):
        out.notice_id = None  # the template is shared more widely than its notice
    return out


@router.delete("/enrolments/{template_id}", status_code=204)
def delete_enrolment(template_id: str, session: DbSession, actor: CurrentActor) -> Response:
    """Withdraw a template your country enrolled (and its kept original, if any)."""
    row = access_template_for_owner(session, actor, template_id)
    actions.do_delete_template(session, actor, row, image_store(get_settings().data_dir))
    return Response(status_code=204)


@router.post("/search", response_model=SearchOut)
def search_probe(
    request: Request,
    factory: DbSessionFactory,
    actor: CurrentActor,
    image: Annotated[list[UploadFile], File()],
    modality: Annotated[Modality, Form()] = Modality.FACE,
    limit: Annotated[int | None, Form(ge=1, le=100)] = None,
    position: Annotated[list[int] | None, Form(description="fingers: ANSI/NIST position per image")] = None,
    fusion: Annotated[Literal["max", "sum"], Form(description="fingers: fuse by the best or summed")] = "max",
) -> SearchOut:
    """Search a face image, or one to ten fingerprints, 1:N against every template you may see; the probe is
    discarded afterwards."""
    if not actor.can(Perm.SCREEN):
        raise Forbidden("this role may not search biometrics")
    if modality == Modality.FINGER:
        return _search_fingers(request, factory, actor, pairwise_engine(modality), image, position, fusion, limit)
    engine = vector_engine(modality)
    if len(image) != 1:
        raise ValidationFailed("a face search takes one image", [{"field": "image", "message": "one image"}])
    probe = engine.extract(read_image(image[0]))  # the bytes are dropped here; only the template lives on
    image[0].file.close()
    index = biometric_index(request)
    with factory() as session:
        index.ensure(session)
        return search(session, actor, index, engine, probe, limit or get_settings().biometric_search_limit)


def _finger_positions(modality: Modality, positions: list[int] | None, count: int) -> list[int | None]:
    """Return the finger position of each of ``count`` images (0 = unknown); faces have none."""
    if modality != Modality.FINGER:
        if positions:
            raise ValidationFailed("position is for fingerprints", [{"field": "position", "message": "fingers only"}])
        return [None] * count
    if positions is None:
        return [0] * count
    if len(positions) != count or any(not 0 <= p <= 10 for p in positions):
        raise ValidationFailed(
            "give one finger position (0-10) per image",
            [{"field": "position", "message": "one ANSI/NIST position 0-10 per image"}],
        )
    return list(positions)


def _search_fingers(
    request: Request,
    factory: SessionFactory,
    actor: Actor,
    engine: PairwiseEngine,
    images: list[UploadFile],
    positions: list[int] | None,
    fusion: str,
    limit: int | None,
) -> SearchOut:
    """Search up to ten fingers of one person; each probe's bytes are dropped once its template is made."""
    if not 1 <= len(images) <= MAX_PROBE_FINGERS:
        raise ValidationFailed(
            f"give 1 to {MAX_PROBE_FINGERS} fingerprint images",
            [{"field": "image", "message": f"1 to {MAX_PROBE_FINGERS} images"}],
        )
    probes = []
    for upload, finger in zip(images, _finger_positions(Modality.FINGER, positions, len(images)), strict=True):
        probes.append(FingerProbe(engine.extract(read_image(upload)), finger or 0))
        upload.file.close()
    index = biometric_index(request)
    with factory() as session:
        index.ensure(session)
        return search_fingers(
            session, actor, index, engine, probes, limit or get_settings().biometric_search_limit, fusion=fusion
        )


@router.post("/candidates/verify", response_model=VerifyOut, status_code=201)
def verify_candidate(body: VerifyIn, session: DbSession, actor: CurrentActor) -> VerifyOut:
    """Record an examiner's decision on a candidate; a potential candidate raises a hit to its owner."""
    if not actor.can(Perm.SCREEN):
        raise Forbidden("this role may not verify biometric candidates")
    template = access_template_by_id(session, actor, body.template_id)
    searched = access_search_candidate(session, actor, body.search_id, template.id)  # a real search of yours
    notice = session.get(Notice, template.notice_id) if template.notice_id else None
    notice_type = notice.type if notice else "biometric"
    verification = actions.do_verify_candidate(
        session, actor, template, body.decision, searched=searched, note=body.note, notice_type=notice_type
    )
    return VerifyOut(
        id=verification.id,
        template_id=template.id,
        decision=body.decision,
        score=searched.score,
        hit_id=verification.hit_id,
    )
