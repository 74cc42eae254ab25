"""TAXII 2.1 server at /taxii2/: discovery, one API root, collections per member and TLP level, objects,
manifest, versions and status, authenticated with Manara API keys (Bearer, X-API-Key, or HTTP Basic with the
key as password). Errors use TAXII's error-message format.

Pages run in (date_added, seq) order; ``next`` is an opaque token of the last (date_added, seq) served, so
objects that share one date_added are paged exactly once, and objects added meanwhile come after the cursor.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from manara.api.deps import SessionFactory, authenticate, get_session_factory, request_token
from manara.cyber import actions, service, stix
from manara.cyber.access import require_read
from manara.cyber.models import CyberIndicator
from manara.cyber.schemas import Placement
from manara.errors import BadRequest, ManaraError, Unauthenticated
from manara.identity import Actor
from manara.tlp import Tlp
from manara.visibility import Visibility

router = APIRouter(prefix="/taxii2", tags=["taxii"])
TAXII_MEDIA = "application/taxii+json;version=2.1"
API_ROOT = "/taxii2/api/"
MAX_PAGE = 1000
MAX_POST_OBJECTS = 5000


def taxii_response(body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A TAXII JSON response."""
    return Response(json.dumps(body, ensure_ascii=False), status_code=status, media_type=TAXII_MEDIA, headers=headers)


def taxii_error(status: int, title: str, description: str = "", code: str | None = None) -> Response:
    """An error in TAXII 2.1's error-message format."""
    body = {"title": title, "description": description, "http_status": str(status)}
    if code:
        body["error_code"] = code
    return taxii_response(body, status)


def _token(request: Request) -> str | None:
    token = request_token(request)
    if token:
        return token
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic" or not credentials:
        return None
    try:
        _, _, password = base64.b64decode(credentials).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return password or None


def _run(
    request: Request, factory: SessionFactory, work: Callable[[Session, Actor], Response], *, write: bool = False
) -> Response:
    """Authenticate, check Accept, run ``work`` in one unit of work; render any error TAXII's way."""
    accept = request.headers.get("accept", "")
    if accept and not any(m in accept for m in ("application/taxii+json", "*/*", "application/*")):
        return taxii_error(406, "Not Acceptable", f"use Accept: {TAXII_MEDIA}")
    if write and "application/taxii+json" not in request.headers.get("content-type", ""):
        return taxii_error(415, "Unsupported Media Type", f"send Content-Type: {TAXII_MEDIA}")
    try:
        with factory() as session:
            actor = authenticate(session, _token(request), request.headers.get("x-manara-purpose"))
            require_read(actor)
            return work(session, actor)
    except Unauthenticated as exc:
        response = taxii_error(401, "Unauthorized", exc.message)
        response.headers["WWW-Authenticate"] = 'Basic realm="Manara TAXII", Bearer'
        return response
    except ManaraError as exc:
        return taxii_error(exc.http_status, exc.code.replace("_", " ").capitalize(), exc.message, str(exc.code))


Factory = Annotated[SessionFactory, Depends(get_session_factory)]


@router.get("/", include_in_schema=True)
def discovery(request: Request, factory: Factory) -> Response:
    """TAXII discovery: the one API root."""

    def work(session: Session, actor: Actor) -> Response:
        return taxii_response(
            {
                "title": "Manara TAXII 2.1",
                "description": "Cyber indicators shared between Manara's member countries",
                "default": API_ROOT,
                "api_roots": [API_ROOT],
            }
        )

    return _run(request, factory, work)


@router.get("/api/")
def api_root(request: Request, factory: Factory) -> Response:
    """The API root resource."""

    def work(session: Session, actor: Actor) -> Response:
        return taxii_response(
            {
                "title": "Manara indicators",
                "versions": [TAXII_MEDIA],
                "max_content_length": 10 * 1024 * 1024,
            }
        )

    return _run(request, factory, work)


@router.get("/api/collections/")
def collections(request: Request, factory: Factory) -> Response:
    """The collections the caller may read: the shared one, each member's per TLP level (its own AMBER+STRICT
    and RED only to the owner)."""

    def work(session: Session, actor: Actor) -> Response:
        return taxii_response({"collections": [c.as_taxii() for c in service.collections_for(session, actor)]})

    return _run(request, factory, work)


@router.get("/api/collections/{collection_id}/")
def collection(collection_id: str, request: Request, factory: Factory) -> Response:
    """One collection."""

    def work(session: Session, actor: Actor) -> Response:
        return taxii_response(service.collection_by_id(session, actor, collection_id).as_taxii())

    return _run(request, factory, work)


def _paging(request: Request) -> dict[str, Any]:
    params = request.query_params
    limit_text = params.get("limit", str(MAX_PAGE))
    if not limit_text.isdigit() or int(limit_text) < 1:
        raise BadRequest("limit must be a positive integer", field="limit")
    after = service.decode_cursor(params["next"]) if params.get("next") else None
    added = service.parse_timestamp(params["added_after"], "added_after") if params.get("added_after") else None
    ids = [i for v in params.getlist("match[id]") for i in v.split(",") if i]
    types = [t for v in params.getlist("match[type]") for t in v.split(",") if t]
    return {"limit": min(int(limit_text), MAX_PAGE), "after": after, "added_after": added, "ids": ids, "types": types}


def _headers(rows: list[CyberIndicator]) -> dict[str, str]:
    if not rows:
        return {}
    return {
        "X-TAXII-Date-Added-First": stix.stamp(rows[0].date_added),
        "X-TAXII-Date-Added-Last": stix.stamp(rows[-1].date_added),
    }


def _page(
    request: Request,
    factory: SessionFactory,
    collection_id: str,
    render: Callable[[CyberIndicator], dict[str, Any]],
    key: str,
) -> Response:
    def work(session: Session, actor: Actor) -> Response:
        found = service.collection_by_id(session, actor, collection_id)
        rows, more = service.page_of(session, actor, found, **_paging(request))
        body: dict[str, Any] = {"more": more}
        if more:
            body["next"] = service.encode_cursor(rows[-1].date_added, rows[-1].seq)
        if rows:
            body[key] = [render(r) for r in rows]
            actions.do_log_indicator_read(session, actor, [r.id for r in rows], how=f"taxii:{key}")
        return taxii_response(body, headers=_headers(rows))

    return _run(request, factory, work)


def _manifest_entry(row: CyberIndicator) -> dict[str, Any]:
    return {
        "id": row.stix_id,
        "date_added": stix.stamp(row.date_added),
        "version": stix.stamp(row.updated_at),
        "media_type": "application/stix+json;version=2.1",
    }


@router.get("/api/collections/{collection_id}/objects/")
def get_objects(collection_id: str, request: Request, factory: Factory) -> Response:
    """A page of a collection's objects (``added_after``, ``limit`` ≤ 1000, ``next``, ``match[id]``,
    ``match[type]``)."""
    return _page(request, factory, collection_id, stix.sdo_of, "objects")


@router.get("/api/collections/{collection_id}/manifest/")
def get_manifest(collection_id: str, request: Request, factory: Factory) -> Response:
    """A page of a collection's manifest."""
    return _page(request, factory, collection_id, _manifest_entry, "objects")


@router.get("/api/collections/{collection_id}/objects/{object_id}/")
def get_object(collection_id: str, object_id: str, request: Request, factory: Factory) -> Response:
    """One object of a collection (Manara keeps one version of each)."""

    def work(session: Session, actor: Actor) -> Response:
        found = service.collection_by_id(session, actor, collection_id)
        row = service.object_versions(session, actor, found, object_id)
        actions.do_log_indicator_read(session, actor, [row.id], how="taxii:object")
        return taxii_response({"more": False, "objects": [stix.sdo_of(row)]}, headers=_headers([row]))

    return _run(request, factory, work)


@router.get("/api/collections/{collection_id}/objects/{object_id}/versions/")
def get_versions(collection_id: str, object_id: str, request: Request, factory: Factory) -> Response:
    """The versions of one object."""

    def work(session: Session, actor: Actor) -> Response:
        found = service.collection_by_id(session, actor, collection_id)
        row = service.object_versions(session, actor, found, object_id)
        return taxii_response({"more": False, "versions": [stix.stamp(row.updated_at)]}, headers=_headers([row]))

    return _run(request, factory, work)


@router.post("/api/collections/{collection_id}/objects/")
async def add_objects(collection_id: str, request: Request, factory: Factory) -> Response:
    """Add objects to one of your country's collections (an envelope); answers with a status resource. The
    objects are validated as one bundle and stored in one transaction; invalid input stores nothing."""
    raw = await request.body()
    try:
        envelope = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        envelope = None

    def work(session: Session, actor: Actor) -> Response:
        found = service.collection_by_id(session, actor, collection_id)
        if not found.can_write or found.tlp is None:
            return taxii_error(403, "Forbidden", "you may not write to this collection")
        if not isinstance(envelope, dict) or not isinstance(envelope.get("objects"), list):
            raise BadRequest("body is not a TAXII envelope with objects")
        objects = envelope["objects"]
        if len(objects) > MAX_POST_OBJECTS:
            return taxii_error(413, "Payload Too Large", f"at most {MAX_POST_OBJECTS} objects per request")
        checked = stix.validate_bundle(
            {"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000", "objects": objects}
        )
        parsed = stix.read_objects(checked)
        for cand in parsed.candidates:  # the collection's level is the floor of what is added to it
            if cand.tlp is None or cand.tlp.rank < found.tlp.rank:
                cand.tlp = found.tlp
        place = Placement(tlp=found.tlp, visibility=_visibility(found.tlp), shared_with=[])
        report = actions.do_store_parsed(session, actor, parsed, place, source="taxii-add", fmt="taxii")
        status = actions.do_record_taxii_status(session, actor, report, len(objects))
        return taxii_response(_status_body(status), 202)

    return await run_in_threadpool(_run, request, factory, work, write=True)


def _visibility(tlp: Tlp) -> Visibility:
    """Objects added to a member's collection: CLEAR/GREEN are shared with all members, others stay with the owner."""
    return Visibility.ALL if tlp in (Tlp.CLEAR, Tlp.GREEN) else Visibility.OWNER


def _status_body(status: Any) -> dict[str, Any]:
    return {
        "id": status.id,
        "status": status.status,
        "request_timestamp": stix.stamp(status.request_timestamp),
        "total_count": status.total_count,
        "success_count": status.success_count,
        "failure_count": status.failure_count,
        "pending_count": status.pending_count,
        "failures": status.failures,
    }


@router.get("/api/status/{status_id}/")
def get_status(status_id: str, request: Request, factory: Factory) -> Response:
    """A status resource of your country's add-objects requests."""

    def work(session: Session, actor: Actor) -> Response:
        return taxii_response(_status_body(service.status_of(session, actor, status_id)))

    return _run(request, factory, work)
