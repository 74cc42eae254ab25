"""Reads of assessments: lists, the scope of an assessment, its data snapshot and the snapshot's digest."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.assessment.access import assessment_visibility_filter
from manara.assessment.indicators import Scope
from manara.assessment.models import Assessment
from manara.assessment.schemas import REGIONS
from manara.identity import Actor
from manara.pagination import Page, paginate

SNAPSHOT_VERSION = 1


def list_assessments(
    session: Session, actor: Actor, *, status: str | None, page: int, page_size: int
) -> Page[Assessment]:
    """The assessments the actor may see, most recently changed first."""
    query = select(Assessment).where(assessment_visibility_filter(actor))
    if status:
        query = query.where(Assessment.status == status)
    return paginate(
        session, query.order_by(Assessment.updated_at.desc(), Assessment.id), page=page, page_size=page_size
    )


def scope_countries(regions: list[str], countries: list[str]) -> tuple[str, ...]:
    """The member countries of a scope: the named countries and those of the named regions (empty: all)."""
    found = set(countries)
    for region in regions:
        found.update(REGIONS.get(region, ()))
    return tuple(sorted(found))


def scope_of(assessment: Assessment) -> Scope:
    """The indicator scope of an assessment."""
    return Scope(
        countries=scope_countries(assessment.regions, assessment.countries),
        areas=tuple(assessment.crime_areas),
        start=assessment.period_start,
        end=assessment.period_end,
    )


def quarter_of(day: date) -> tuple[date, date, str]:
    """The last complete calendar quarter before ``day``: first day, last day and its name ("2026-Q3")."""
    q = (day.month - 1) // 3  # the current quarter, 0-based
    year, prev = (day.year, q - 1) if q > 0 else (day.year - 1, 3)
    start = date(year, prev * 3 + 1, 1)
    end = date(year + (prev == 3), (prev * 3 + 3) % 12 + 1, 1) - timedelta(days=1)
    return start, end, f"{year}-Q{prev + 1}"


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def build_snapshot(assessment: Assessment) -> dict[str, Any]:
    """Everything the report of ``assessment`` shows, as plain JSON (the frozen copy of a published one)."""
    scope = scope_of(assessment)
    previous = scope.previous
    return {
        "version": SNAPSHOT_VERSION,
        "id": assessment.id,
        "title": assessment.title,
        "language": assessment.language,
        "tlp": assessment.tlp,
        "owner_country": assessment.owner_country,
        "period": [assessment.period_start.isoformat(), assessment.period_end.isoformat()],
        "previous_period": [previous[0].isoformat(), previous[1].isoformat()],
        "regions": list(assessment.regions),
        "countries": list(assessment.countries),
        "scope_countries": list(scope.countries),
        "crime_areas": list(assessment.crime_areas),
        "dissemination": list(assessment.dissemination),
        "summary": assessment.summary,
        "judgements": list(assessment.judgements),
        "sources": list(assessment.sources),
        "recommendations": list(assessment.recommendations),
        "hidden": dict(assessment.hidden),
        "computed_at": _iso(assessment.computed_at),
        "reviewer_country": assessment.reviewer_country,
        "reviewed_at": _iso(assessment.reviewed_at),
        "published_at": _iso(assessment.published_at),
        "supersedes_id": assessment.supersedes_id,
        "indicators": [
            {
                "seq": i.seq,
                "section": i.section,
                "query": i.query,
                "params": i.params,
                "value": i.value,
                "previous": i.previous,
            }
            for i in assessment.indicators
        ],
    }


def canonical(snapshot: dict[str, Any]) -> bytes:
    """The canonical JSON bytes of a snapshot (sorted keys, no spaces, UTF-8)."""
    return json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def snapshot_digest(snapshot: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a snapshot."""
    return hashlib.sha256(canonical(snapshot)).hexdigest()


def report_snapshot(assessment: Assessment) -> dict[str, Any]:
    """The data a report renders: the frozen snapshot once published, the live draft otherwise."""
    if assessment.snapshot is not None:
        return assessment.snapshot
    return build_snapshot(assessment)
