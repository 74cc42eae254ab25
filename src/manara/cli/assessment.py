"""``manara assessments``: render an assessment to PDF, classify records into crime areas, prepare scheduled drafts."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from manara.assessment import actions
from manara.assessment.jobs import banner_of, prepare_quarterly
from manara.assessment.models import Assessment
from manara.assessment.report import render_html, render_pdf
from manara.assessment.schemas import REGIONS
from manara.assessment.service import report_snapshot
from manara.cli.common import EXIT_DATA, cli_actor, console, handle_errors, results, user_actor
from manara.crime import CRIME_AREA_VALUES, CrimeArea
from manara.db.base import utcnow
from manara.db.session import unit_of_work
from manara.errors import NotFound

assessments = typer.Typer(help="Threat assessments: render to PDF, crime-area backfill, scheduled quarterly drafts.")


@assessments.command("render")
@handle_errors
def render(
    assessment_id: Annotated[str, typer.Argument(help="The assessment's id")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="PDF file to write (default: assessment-ID.pdf)")
    ] = None,
    html: Annotated[bool, typer.Option(help="Write the HTML report instead of the PDF")] = False,
) -> None:
    """Write an assessment's report as a PDF (tagged, PDF/UA-1) or HTML, from its snapshot (operator command:
    the operating-system user renders any assessment; the rendering is audited)."""
    with unit_of_work() as session:
        assessment = session.get(Assessment, assessment_id)
        if assessment is None:
            raise NotFound("assessment", assessment_id)
        snapshot, banner = report_snapshot(assessment), banner_of(assessment)
        actions.do_log_assessment_read(session, cli_actor(), assessment, "cli-render")
    target = out or Path(f"assessment-{assessment_id[:8]}.{'html' if html else 'pdf'}")
    if html:
        data = render_html(snapshot, banner=banner).encode()
        pages = None
    else:
        data, pages = render_pdf(snapshot, banner=banner)
    target.write_bytes(data)
    results.print(
        f"{target}: {len(data)} bytes"
        + (f", {pages} pages" if pages else "")
        + f", sha256 {hashlib.sha256(data).hexdigest()}"
    )


@assessments.command("classify")
@handle_errors
def classify() -> None:
    """Backfill crime areas: notices without any get those recognised in their offence text; their subjects and
    cases get the union of their notices' areas. Records with areas of their own are left alone."""
    with unit_of_work() as session:
        found = actions.do_classify_crime_areas(session, cli_actor())
    results.print(", ".join(f"{n} {kind} classified" for kind, n in found.items()))


@assessments.command("schedule")
@handle_errors
def schedule(
    user: Annotated[
        str, typer.Option(help="The analyst the draft is prepared for (its author: figures use their view)")
    ],
    region: Annotated[list[str] | None, typer.Option(help=f"Region(s): {', '.join(REGIONS)}")] = None,
    country: Annotated[list[str] | None, typer.Option(help="Member country (repeatable)")] = None,
    area: Annotated[list[str] | None, typer.Option(help="Crime area (repeatable; default all)")] = None,
    language: Annotated[str, typer.Option(help="en, fr, es or ar")] = "en",
    disseminate: Annotated[list[str] | None, typer.Option(help="Member to disseminate to (repeatable)")] = None,
    today: Annotated[str | None, typer.Option(help="Pretend today is this ISO date")] = None,
) -> None:
    """Prepare the quarterly draft for the last complete quarter, computed and ready for the analyst (run it
    from cron at the start of each quarter; a draft that exists already is not made twice)."""
    regions = list(region or [])
    unknown = [r for r in regions if r not in REGIONS] + [a for a in area or [] if a not in CRIME_AREA_VALUES]
    if unknown or language not in ("en", "fr", "es", "ar"):
        console.print(f"[red]unknown region, crime area or language: {unknown or language}[/red]")
        raise typer.Exit(EXIT_DATA)
    day = date.fromisoformat(today) if today else utcnow().date()
    with unit_of_work() as session:
        actor = user_actor(session, user)
        draft = prepare_quarterly(
            session,
            actor,
            today=day,
            regions=regions,  # type: ignore[arg-type]
            countries=[c.upper() for c in country or []],
            crime_areas=[CrimeArea(a) for a in area or []],
            language=language,
            dissemination=[c.upper() for c in disseminate or []],
        )
        if draft is None:
            results.print("the draft for this quarter and scope exists already")
            return
        results.print(
            f"{draft.id} {draft.title} ({len(draft.indicators)} indicators, {sum(draft.hidden.values())} not visible)"
        )
