"""Jobs of assessments: PDF renderings (queued by the API, console and CLI, rendered by a background runner) and
the scheduled quarterly drafts.

A rendering reads the report's snapshot in one short transaction, renders with no transaction open (WeasyPrint
takes seconds), stores the bytes under the rendering's id, then records the outcome in a second transaction.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.assessment import actions
from manara.assessment.models import Assessment, AssessmentRender, AssessmentStatus
from manara.assessment.report import PDF_VARIANT, render_pdf
from manara.assessment.schemas import AssessmentIn, RegionCode
from manara.assessment.service import quarter_of, report_snapshot
from manara.crime import CrimeArea
from manara.identity import SYSTEM, Actor
from manara.storage import LocalBlobStore
from manara.tlp import Tlp

log = logging.getLogger(__name__)
SessionFactory = Callable[[], AbstractContextManager[Session]]

BANNERS = {
    AssessmentStatus.DRAFT.value: "draft",
    AssessmentStatus.IN_REVIEW.value: "in_review",
    AssessmentStatus.SUPERSEDED.value: "superseded",
}


def render_store(data_dir: Path) -> LocalBlobStore:
    """Where rendered PDFs are kept (``data_dir/assessments``)."""
    return LocalBlobStore(data_dir / "assessments")


def banner_of(assessment: Assessment) -> str | None:
    """The status line a copy of the report carries (none once published)."""
    return BANNERS.get(assessment.status)


def _claim(factory: SessionFactory) -> tuple[str, dict[str, Any], str | None] | None:
    with factory() as session:
        render = session.scalars(
            select(AssessmentRender).where(AssessmentRender.status == "queued").order_by(AssessmentRender.created_at)
        ).first()
        if render is None:
            return None
        assessment = session.get(Assessment, render.assessment_id)
        if assessment is None:
            return None
        actions.do_claim_render(session, render)
        return render.id, report_snapshot(assessment), banner_of(assessment)


def execute(factory: SessionFactory, data_dir: Path) -> str | None:
    """Render the oldest queued PDF, if any; return its id."""
    claimed = _claim(factory)
    if claimed is None:
        return None
    render_id, snapshot, banner = claimed
    outcome: dict[str, Any] = {"sha256": None, "size": None, "pages": None, "pdf_variant": None, "error": None}
    try:
        pdf, pages = render_pdf(snapshot, banner=banner)
        render_store(data_dir).put(render_id, pdf)
        outcome |= {
            "sha256": hashlib.sha256(pdf).hexdigest(),
            "size": len(pdf),
            "pages": pages,
            "pdf_variant": PDF_VARIANT,
        }
    except Exception as exc:  # noqa: BLE001 - a failed rendering is recorded, the runner goes on
        log.exception("assessment rendering %s failed", render_id)
        outcome["error"] = f"{type(exc).__name__}: {exc}"[:500]
    with factory() as session:
        render = session.get(AssessmentRender, render_id)
        if render is not None:
            actions.do_finish_render(session, SYSTEM, render, **outcome)
    return render_id


def requeue(factory: SessionFactory) -> None:
    """Queue again the renderings a stopped server left running."""
    with factory() as session:
        actions.do_requeue_renders(session)


class AssessmentRunner:
    """A background thread that renders queued assessment PDFs."""

    def __init__(self, factory: SessionFactory, data_dir: Path, interval: float = 2.0) -> None:
        self.factory, self.data_dir, self.interval = factory, data_dir, interval
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="manara-assessments", daemon=True)

    def start(self) -> None:
        """Requeue interrupted renderings and start polling."""
        requeue(self.factory)
        self.thread.start()

    def _loop(self) -> None:
        while not self.stop.is_set():
            try:
                if execute(self.factory, self.data_dir) is None:
                    self.stop.wait(self.interval)
            except Exception:  # noqa: BLE001 - keep the runner alive; the error is logged
                log.exception("assessment runner error")
                self.stop.wait(self.interval)


def prepare_quarterly(
    session: Session,
    actor: Actor,
    *,
    today: date,
    regions: list[RegionCode],
    countries: list[str],
    crime_areas: list[CrimeArea],
    language: str = "en",
    dissemination: list[str] | None = None,
) -> Assessment | None:
    """Prepare the quarterly draft for the last complete quarter (computed, ready for an analyst), unless the
    actor's member already has one for that quarter and scope; returns the draft, or None if it exists."""
    start, end, name = quarter_of(today)
    key = f"quarterly:{name}:" + ",".join(sorted(regions) or sorted(countries) or ["all"])
    key = key[:40]
    existing = session.scalars(
        select(Assessment.id).where(Assessment.owner_country == actor.country, Assessment.schedule == key)
    ).first()
    if existing is not None:
        return None
    data = AssessmentIn.model_validate(
        {
            "title": f"Quarterly threat assessment {name}",
            "language": language,
            "tlp": Tlp.AMBER,
            "regions": regions,
            "countries": countries,
            "crime_areas": crime_areas,
            "period_start": start,
            "period_end": end,
            "dissemination": dissemination or [],
        }
    )
    draft = actions.do_create_assessment(session, actor, data, schedule=key)
    return actions.do_compute_indicators(session, actor, draft)
