"""Console pages of media hash-sharing: banks, a bank's hashes (add, import, disable, re-enable, export), matching
a file or a hash, and match reports (feedback awaited from us, reports on our banks). Same access rules and
write path as the API; uploaded files are hashed in memory and dropped, no thumbnail is ever made."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from manara.api.deps import DbSession
from manara.errors import (
    Conflict,
    Forbidden,
    ImageRejected,
    InvalidTransition,
    PayloadTooLarge,
    ValidationFailed,
)
from manara.identity import Actor, Perm
from manara.media import actions, service
from manara.media.access import (
    access_bank_by_id,
    access_bank_for_owner,
    access_hash_for_owner,
    access_match_for_feedback,
)
from manara.media.index import index_on
from manara.media.models import Feedback, SignalType
from manara.media.schemas import BankIn, FeedbackIn, HashIn
from manara.media.taxonomy import LABELS
from manara.settings import get_settings
from manara.tlp import Tlp
from manara.visibility import Visibility
from manara.web.deps import ConsoleActor, CsrfChecked
from manara.web.render import page

router = APIRouter()
PAGE_SIZE = 50
Line = Annotated[str, Form(max_length=500)]
Signals = Annotated[str, Form(max_length=2_000_000)]
REFUSED = (ValidationFailed, ImageRejected, Conflict, InvalidTransition, Forbidden, PayloadTooLarge)


def _need(actor: Actor, perm: Perm) -> None:
    if not actor.can(perm):
        raise Forbidden("this role may not use this page")


def _errors(exc: Exception, fields: dict[str, str], default: str) -> dict[str, str]:
    """Map a refusal onto form field ids: {field id: message}."""
    if isinstance(exc, ValidationError):
        found = {fields.get(str(e["loc"][0]), default): str(e["msg"]) for e in exc.errors() if e["loc"]}
        return found or {default: str(exc)}
    assert isinstance(exc, REFUSED)
    out: dict[str, str] = {}
    for item in exc.data.get("errors") or []:
        key = str(item.get("field", "")).split(".")[0].split("[")[0]
        out.setdefault(fields.get(key, default), f"{exc.message}: {item.get('message', '')}")
    return out or {default: exc.message}


def _to(path: str) -> Response:
    return RedirectResponse(path, status_code=303)


@router.get("/media")
def banks_page(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """The banks the user may see, and a form to create one of its country's."""
    return _banks(request, session, actor)


def _banks(
    request: Request,
    session: DbSession,
    actor: Actor,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    _need(actor, Perm.MEDIA_READ)
    result = service.list_banks(session, actor, own=False, page=1, page_size=500)
    counts = service.hash_counts(session, [b.id for b in result.items])
    waiting = service.awaiting_feedback(session, actor, page=1, page_size=1).total
    on_ours = service.list_matches(session, actor, role="owner", feedback=None, page=1, page_size=1).total
    return page(
        request,
        "media/index.html",
        status=status,
        banks=result.items,
        total=result.total,
        counts=counts,
        waiting=waiting,
        on_ours=on_ours,
        labels=LABELS,
        tlps=[t.value for t in Tlp],
        visibilities=[v.value for v in Visibility],
        errors=errors or {},
        form=form or {"labels": [], "tlp": "amber", "visibility": "all"},
    )


@router.post("/media/banks", dependencies=[CsrfChecked])
def create_bank(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    name: Line = "",
    description: Annotated[str, Form(max_length=10_000)] = "",
    labels: Annotated[list[str] | None, Form()] = None,
    tlp: Line = "amber",
    visibility: Line = "all",
    shared_with: Line = "",
    keep_sightings: Annotated[bool, Form()] = False,
) -> Response:
    """Create a bank from the form and go to it; a refused form comes back with its messages."""
    shared = [c.strip().upper() for c in shared_with.replace(";", ",").split(",") if c.strip()]
    form = {"name": name, "description": description, "labels": labels or [], "tlp": tlp, "visibility": visibility,
            "shared_with": shared_with, "keep_sightings": keep_sightings}  # fmt: skip
    fields = {"name": "b-name", "labels": "b-labels", "tlp": "b-tlp", "visibility": "b-visibility",
              "shared_with": "b-shared", "description": "b-description"}  # fmt: skip
    try:
        body = BankIn.model_validate({**form, "shared_with": shared})
        with session.begin_nested():
            bank = actions.do_create_bank(session, actor, body)
    except (ValidationError, *REFUSED) as exc:
        return _banks(request, session, actor, status=422, errors=_errors(exc, fields, "b-name"), form=form)
    return _to(f"/console/media/banks/{bank.id}")


@router.get("/media/banks/{bank_id}")
def bank_page(bank_id: str, request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """A bank: its details, hashes (the owner's with provenance and disabled ones) and the owner's forms."""
    return _bank(request, session, actor, bank_id)


def _bank(
    request: Request,
    session: DbSession,
    actor: Actor,
    bank_id: str,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    notice: str = "",
) -> Response:
    bank = access_bank_by_id(session, actor, bank_id)
    owner = bank.owner_country == actor.country and actor.can(Perm.MEDIA_WRITE)
    hashes = service.list_hashes(session, bank, include_disabled=owner, page=1, page_size=PAGE_SIZE)
    return page(
        request,
        "media/bank.html",
        status=status,
        bank=bank,
        hashes=hashes,
        owner=owner,
        mine=bank.owner_country == actor.country,
        labels=LABELS,
        signal_types=[s.value for s in SignalType],
        errors=errors or {},
        form=form or {"signal_type": "pdq", "signal": "", "source": "", "signals": ""},
        notice=notice,
    )


@router.post("/media/banks/{bank_id}/hashes", dependencies=[CsrfChecked])
def add_hashes(
    bank_id: str,
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    signal_type: Line = "pdq",
    signal: Signals = "",
    source: Line = "",
    signals: Signals = "",
) -> Response:
    """Add one hash (with provenance), or import pasted signals in python-threatexchange's formats."""
    bank = access_bank_for_owner(session, actor, bank_id)
    form = {"signal_type": signal_type, "signal": signal, "source": source, "signals": signals}
    target = "h-signals" if signals.strip() else "h-signal"
    try:
        if signals.strip():
            items = service.parse_signals(signals)
        else:
            items = [HashIn.model_validate({"signal_type": signal_type, "signal": signal.strip(), "source": source})]
        with session.begin_nested():
            rows, duplicates = actions.do_add_hashes(session, actor, bank, items)
    except (ValidationError, *REFUSED) as exc:
        errors = _errors(exc, {"signal_type": "h-type", "signal": "h-signal", "source": "h-source"}, target)
        if target == "h-signals":
            errors = {"h-signals": next(iter(errors.values()))}
        return _bank(request, session, actor, bank_id, status=422, errors=errors, form=form)
    return _bank(request, session, actor, bank_id, notice=f"{len(rows)}:{duplicates}")


@router.get("/media/banks/{bank_id}/export")
def export_bank(bank_id: str, session: DbSession, actor: ConsoleActor, format: str = "csv") -> Response:
    """Download a visible bank's active hashes (python-threatexchange CSV, or text lines)."""
    fmt = "txt" if format == "txt" else "csv"
    bank = access_bank_by_id(session, actor, bank_id)
    hashes = service.active_hashes(session, bank)
    actions.do_log_bank_export(session, actor, bank, len(hashes), fmt)
    body = service.export_signals(bank, hashes, fmt=fmt)
    filename = f"media-bank-{bank.id}.{fmt}"
    media_type = "text/csv" if fmt == "csv" else "text/plain"
    return Response(
        body,
        media_type=f"{media_type}; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


@router.post("/media/hashes/{hash_id}/disable", dependencies=[CsrfChecked])
def disable_hash(
    hash_id: str, request: Request, session: DbSession, actor: ConsoleActor, reason: Line = ""
) -> Response:
    """Disable a hash of one of the user's country's banks, with the reason."""
    row = access_hash_for_owner(session, actor, hash_id)
    if not reason.strip():
        errors = {f"reason-{row.id}": "give the reason (e.g. a false positive reported by a member)"}
        return _bank(request, session, actor, row.bank_id, status=422, errors=errors)
    try:
        with session.begin_nested():
            actions.do_disable_hash(session, actor, row, reason.strip())
    except REFUSED as exc:
        return _bank(request, session, actor, row.bank_id, status=409, errors={f"reason-{row.id}": exc.message})
    return _to(f"/console/media/banks/{row.bank_id}#hashes")


@router.post("/media/hashes/{hash_id}/enable", dependencies=[CsrfChecked])
def enable_hash(hash_id: str, request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Re-enable a disabled hash."""
    row = access_hash_for_owner(session, actor, hash_id)
    try:
        with session.begin_nested():
            actions.do_enable_hash(session, actor, row)
    except REFUSED as exc:
        return _bank(request, session, actor, row.bank_id, status=409, errors={f"reason-{row.id}": exc.message})
    return _to(f"/console/media/banks/{row.bank_id}#hashes")


@router.get("/media/match")
def match_page(request: Request, actor: ConsoleActor) -> Response:
    """The form to match a file or a hash against every bank the user may see."""
    _need(actor, Perm.MEDIA_MATCH)
    return page(request, "media/match.html", result=None, errors={}, form={"signal_type": "pdq", "signal": ""})


@router.post("/media/match", dependencies=[CsrfChecked])
def match(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    file: Annotated[UploadFile | None, File()] = None,
    signal_type: Line = "pdq",
    signal: Signals = "",
    context: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Match an uploaded image or video (hashed in memory, then dropped) or a pasted hash."""
    _need(actor, Perm.MEDIA_MATCH)
    form = {"signal_type": signal_type, "signal": signal, "context": context}
    try:
        if file is not None and file.filename:
            limit = get_settings().max_request_bytes
            data = file.file.read(limit + 1)
            file.file.close()
            if len(data) > limit:
                raise PayloadTooLarge(f"file larger than {limit} bytes", limit=limit)
            probe = service.probe_from_file(data)
            del data
        elif signal.strip():
            kind = SignalType(signal_type) if signal_type in set(SignalType) else SignalType.PDQ
            probe = service.probe_from_hash(kind, signal.strip())
        else:
            raise ValidationFailed("choose a file or paste a hash", [{"field": "file", "message": "nothing to match"}])
        index = index_on(request.app.state)
        index.ensure(session)
        found = service.find_matches(session, actor, index, probe)
        with session.begin_nested():
            rows = actions.do_record_matches(session, actor, probe, found, context.strip())
    except REFUSED as exc:
        errors = _errors(
            exc, {"file": "m-file", "signal": "m-signal"}, "m-file" if file and file.filename else "m-signal"
        )
        return page(request, "media/match.html", status=422, result=None, errors=errors, form=form)
    result = {"probe": probe, "found": list(zip(found, rows, strict=True))}
    return page(request, "media/match.html", result=result, errors={}, form=form, labels=LABELS)


@router.get("/media/matches")
def matches_page(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Matches awaiting the user's country's feedback, and matches other members made on its banks."""
    return _matches(request, session, actor)


def _matches(
    request: Request, session: DbSession, actor: Actor, *, status: int = 200, errors: dict[str, str] | None = None
) -> Response:
    _need(actor, Perm.MEDIA_READ)
    waiting = service.awaiting_feedback(session, actor, page=1, page_size=PAGE_SIZE)
    on_ours = service.list_matches(session, actor, role="owner", feedback=None, page=1, page_size=PAGE_SIZE)
    shown = sorted({m.id for m in waiting.items} | {m.id for m in on_ours.items})
    actions.do_log_matches_read(session, actor, shown, {"console": "matches"})
    banks = {b.id: b for b in service.list_banks(session, actor, own=False, page=1, page_size=1000).items}
    return page(
        request,
        "media/matches.html",
        status=status,
        waiting=waiting,
        on_ours=on_ours,
        banks=banks,
        feedbacks=[f.value for f in Feedback if f != Feedback.OPEN],
        errors=errors or {},
    )


@router.post("/media/matches/{match_id}/feedback", dependencies=[CsrfChecked])
def feedback(
    match_id: str,
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    verdict: Line = "",
    note: Line = "",
) -> Response:
    """Send the user's country's verdict on a match back to the bank's owner."""
    row = access_match_for_feedback(session, actor, match_id)
    try:
        body = FeedbackIn.model_validate({"feedback": verdict, "note": note})
        with session.begin_nested():
            actions.do_give_feedback(session, actor, row, body.feedback, body.note)
    except (ValidationError, *REFUSED) as exc:
        errors = _errors(exc, {"feedback": f"verdict-{row.id}"}, f"verdict-{row.id}")
        return _matches(request, session, actor, status=422, errors=errors)
    return _to("/console/media/matches")
