"""Where an operation's targets come from: a list (API, CSV or JSON file), a screening batch's results, or a
cross-matching run's suggested links. Reads only: each resolves notices the leading member may see into
``NewTarget`` rows for ``actions.do_add_targets``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from manara.analysis.models import SuggestedLink, XrefRun
from manara.errors import InvalidTransition, NotFound, ValidationFailed
from manara.identity import Actor
from manara.notice.access import access_notice_by_id, notice_visibility_filter
from manara.notice.models import Notice
from manara.pursuit.actions import NewTarget
from manara.pursuit.models import Operation
from manara.pursuit.schemas import TargetIn
from manara.pursuit.service import PURSUABLE_TYPES
from manara.screening.jobs import job_paths
from manara.screening.models import ScreeningJob

MAX_ROWS = 10_000


def _pursuable(notice: Notice) -> None:
    if notice.type not in PURSUABLE_TYPES or notice.status != "published":
        problem = {"field": "notice_id", "message": f"{notice.reference} is not a published red notice or diffusion"}
        raise ValidationFailed("not a wanted person", [problem])


def resolve_notice(session: Session, actor: Actor, ident: str) -> Notice:
    """Return a notice visible to the actor by id or reference (404 for what it may not see)."""
    notice = session.get(Notice, ident)
    if notice is None:
        notice = session.scalar(select(Notice).where(Notice.reference == ident.strip().upper()))
    if notice is None:
        raise NotFound("notice", ident)
    return access_notice_by_id(session, actor, notice.id)


def from_list(session: Session, actor: Actor, rows: list[TargetIn]) -> list[NewTarget]:
    """Targets listed by notice id or reference."""
    found = []
    for row in rows:
        notice = resolve_notice(session, actor, row.notice_id)
        _pursuable(notice)
        found.append(NewTarget(notice, row.responsible_country, "manual", None, row.note))
    return found


def parse_file(data: bytes, filename: str) -> list[TargetIn]:
    """Parse a target list: CSV with ``notice`` (id or reference), ``country``, optional ``note``; or a JSON list
    of ``{"notice_id", "responsible_country", "note"}``. Every row is checked; errors name their row."""
    errors: list[dict[str, Any]] = []
    raw: list[dict[str, Any]]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed("the file is not UTF-8", [{"field": "file", "message": "not UTF-8"}]) from None
    if filename.lower().endswith(".json"):
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationFailed("malformed JSON", [{"field": "file", "message": str(exc)}]) from None
        if not isinstance(loaded, list) or not all(isinstance(r, dict) for r in loaded):
            raise ValidationFailed("expected a JSON list of objects", [{"field": "file", "message": "not a list"}])
        raw = loaded
    else:
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or not {"notice", "country"} <= set(reader.fieldnames):
            raise ValidationFailed(
                "CSV needs the columns notice,country[,note]", [{"field": "file", "message": "header"}]
            )
        raw = [
            {
                "notice_id": r.get("notice") or "",
                "responsible_country": r.get("country") or "",
                "note": r.get("note") or "",
            }
            for r in reader
        ]
    if len(raw) > MAX_ROWS:
        raise ValidationFailed(f"at most {MAX_ROWS} targets per file", [{"field": "file", "message": "too many rows"}])
    rows = []
    for number, item in enumerate(raw, start=1):
        try:
            rows.append(TargetIn.model_validate(item))
        except ValidationError as exc:
            errors.append({"row": number, "message": "; ".join(e["msg"] for e in exc.errors())})
    if errors:
        raise ValidationFailed("invalid target rows", errors[:50])
    return rows


def from_screening_job(
    session: Session, actor: Actor, data_dir: Path, job_id: str, responsible: str
) -> list[NewTarget]:
    """Targets from the matches of a batch screening job of the actor's country (its stored results)."""
    job = session.get(ScreeningJob, job_id)
    if job is None or job.country != actor.country:
        raise NotFound("screening_job", job_id)
    if job.status != "done":
        raise InvalidTransition("screening_job", job.status, "take targets from")
    _, results = job_paths(data_dir, job.id)
    ids: dict[str, None] = {}
    if results.exists():
        for line in results.read_bytes().splitlines():
            row = orjson.loads(line)
            for r in row.get("results") or []:
                if r.get("match") and r.get("notice_id"):
                    ids[str(r["notice_id"])] = None
    return _visible_wanted(session, actor, list(ids), responsible, "screening", job.id)


def from_xref_run(session: Session, actor: Actor, run_id: str, responsible: str) -> list[NewTarget]:
    """Targets from a finished cross-matching run: wanted persons among the entities of the links it suggested
    that involve the actor's country."""
    run = session.get(XrefRun, run_id)
    if run is None or run.country != actor.country:
        raise NotFound("xref_run", run_id)
    if run.status != "done" or run.started_at is None or run.finished_at is None:
        raise InvalidTransition("xref_run", run.status, "take targets from")
    links = session.execute(
        select(SuggestedLink.left_pk, SuggestedLink.right_pk).where(
            or_(SuggestedLink.left_owner == actor.country, SuggestedLink.right_owner == actor.country),
            SuggestedLink.created_at >= run.started_at,
            SuggestedLink.created_at <= run.finished_at,
        )
    ).all()
    entities = {pk for link in links for pk in link}
    if not entities:
        return []
    ids = list(session.scalars(select(Notice.id).where(Notice.subject_id.in_(entities))))
    return _visible_wanted(session, actor, ids, responsible, "xref", run.id)


def _visible_wanted(
    session: Session, actor: Actor, ids: list[str], responsible: str, source: str, source_id: str
) -> list[NewTarget]:
    found: list[NewTarget] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        stmt = select(Notice).where(
            Notice.id.in_(chunk),
            notice_visibility_filter(actor),
            Notice.type.in_(PURSUABLE_TYPES),
            Notice.status == "published",
        )
        found.extend(NewTarget(n, responsible, source, source_id) for n in session.scalars(stmt))
    return found


def operation_members(operation: Operation) -> set[str]:
    """The leader and participants of an operation."""
    return {operation.owner_country, *(m.country for m in operation.members)}
