"""Reports: byte-identical HTML from a snapshot, the PDF job (TLP on every page, read back with pdftotext), Arabic
pages laid out right to left (looked at with pdftoppm), downloads audited."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.helpers import new_draft, publish
from conftest import Net
from factories import make_notice
from manara.assessment import jobs
from manara.assessment.models import Assessment
from manara.assessment.report import render_html
from manara.audit.models import AuditEvent
from manara.identity import Role

POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils missing (scripts/ensure-system-deps.sh build)")


def _data(session: Session, net: Net) -> None:
    reviewer = net.user("EG", Role.REVIEWER).actor
    for country, offence in (("MA", "Drug trafficking"), ("FR", "Terrorism"), ("MA", "Trafic de migrants")):
        make_notice(session, net.user(country, Role.BUREAU_OFFICER).actor, status="published", reviewer=reviewer,
                    offence=offence)  # fmt: skip


def _analyst_parts(client: TestClient, net: Net, aid: str) -> None:
    body = {
        "summary": "Drug trafficking dominates.\n\nSmuggling rises.",
        "judgements": [{"text": "Flows will rise.", "probability": "likely", "confidence": "moderate"}],
        "sources": [{"source": "Port authority", "system": "6x6", "reliability": "B", "credibility": "2"}],
        "recommendations": ["Share port manifests."],
    }
    r = client.patch(f"/api/v1/assessments/{aid}", json=body, headers=net.user("MA", Role.ANALYST).headers)
    assert r.status_code == 200, r.text


def test_the_published_snapshot_renders_byte_identical_html(client: TestClient, net: Net, session: Session) -> None:
    _data(session, net)
    draft = new_draft(client, net)
    _analyst_parts(client, net, draft["id"])
    done = publish(client, net, draft["id"])
    own = net.user("MA", Role.ANALYST).headers
    first = client.get(f"/api/v1/assessments/{draft['id']}/report", headers=own)
    # data changes after publication do not touch the published report
    make_notice(session, net.user("MA", Role.BUREAU_OFFICER).actor, status="published",
                reviewer=net.user("FR", Role.REVIEWER).actor, offence="Terrorism")  # fmt: skip
    second = client.get(f"/api/v1/assessments/{draft['id']}/report", headers=own)
    assert first.status_code == 200 and first.content == second.content
    row = session.get(Assessment, draft["id"])
    assert row is not None and row.snapshot is not None
    assert render_html(row.snapshot) == render_html(dict(row.snapshot)) == first.text
    assert done["snapshot_sha256"] in first.text
    assert "TLP:AMBER" in first.text and "Flows will rise." in first.text and "Likely" in first.text
    assert "draft" not in first.text.lower().split("<article", 1)[1][:400]  # no draft banner once published
    draft_report = client.get(f"/api/v1/assessments/{new_draft(client, net)['id']}/report", headers=own).text
    assert "DRAFT — not approved for dissemination" in draft_report


@contextmanager
def _uow(session: Session) -> Iterator[Session]:
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _render(client: TestClient, net: Net, session: Session, aid: str, data_dir: Path, who: Any) -> tuple[str, bytes]:
    r = client.post(f"/api/v1/assessments/{aid}/renders", headers=who)
    assert r.status_code == 202 and r.json()["status"] == "queued"
    rid = r.json()["id"]
    assert jobs.execute(lambda: _uow(session), data_dir) == rid
    state = client.get(f"/api/v1/assessments/{aid}/renders/{rid}", headers=who).json()
    assert state["status"] == "done", state
    pdf = client.get(f"/api/v1/assessments/{aid}/renders/{rid}/pdf", headers=who)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and state["pages"] >= 10
    return rid, pdf.content


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    return [p for p in text.split("\f") if p.strip()]


@needs_poppler
def test_the_pdf_job_marks_tlp_on_every_page_and_downloads_are_audited(
    client: TestClient, net: Net, session: Session, data_dir: Path, tmp_path: Path
) -> None:
    _data(session, net)
    draft = new_draft(client, net, tlp="amber+strict", dissemination=["EG"])
    _analyst_parts(client, net, draft["id"])
    publish(client, net, draft["id"])
    reader = net.user("EG", Role.DUTY_OFFICER)
    rid, content = _render(client, net, session, draft["id"], data_dir, reader.headers)
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    pages = _pages(path)
    assert len(pages) >= 10
    for number, page in enumerate(pages, start=1):
        assert "TLP:AMBER+STRICT" in page, f"page {number} lacks the marking"
        assert f"Page {number} of {len(pages)}" in page
    assert "Contents" in pages[0] and "Key judgements" in pages[0]
    downloads = [
        e for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "assessment.downloaded"))
        if draft["id"] in e.target_ids
    ]  # fmt: skip
    assert len(downloads) == 1 and downloads[0].country == "EG" and downloads[0].extra["render_id"] == rid
    # another member sees neither the assessment nor its renderings
    other = client.get(
        f"/api/v1/assessments/{draft['id']}/renders/{rid}/pdf", headers=net.user("FR", Role.ANALYST).headers
    )
    assert other.status_code == 404


def _ink_box(png: Path, top: float, bottom: float) -> tuple[float, float]:
    """Left and right edges (fractions of the width) of the dark pixels between two heights (fractions)."""
    image = Image.open(png).convert("L")
    w, h = image.size
    xs = [x for y in range(int(h * top), int(h * bottom)) for x in range(w) if image.getpixel((x, y)) < 128]  # type: ignore[operator]
    return min(xs) / w, max(xs) / w


@needs_poppler
def test_arabic_pages_are_right_to_left(
    client: TestClient, net: Net, session: Session, data_dir: Path, tmp_path: Path
) -> None:
    _data(session, net)
    pages: dict[str, Path] = {}
    for lang in ("ar", "en"):
        draft = new_draft(client, net, language=lang, title="Maghreb")
        _analyst_parts(client, net, draft["id"])
        client.post(f"/api/v1/assessments/{draft['id']}/compute", headers=net.user("MA", Role.ANALYST).headers)
        _, content = _render(client, net, session, draft["id"], data_dir, net.user("MA", Role.ANALYST).headers)
        pdf = tmp_path / f"{lang}.pdf"
        pdf.write_bytes(content)
        texts = _pages(pdf)
        number = next(i for i, p in enumerate(texts, start=1) if "Drug trafficking dominates" in p)
        assert number > 1
        if lang == "ar":  # the text layer reads back as Arabic (a screen reader's view), not only the pixels
            assert "تقييم التهديد" in texts[0] and "Page" not in texts[0]
        subprocess.run(
            ["pdftoppm", "-r", "40", "-png", "-f", str(number), "-l", str(number), str(pdf), str(tmp_path / lang)],
            check=True,
        )
        pages[lang] = next(tmp_path.glob(f"{lang}-*.png"))
    # the summary heading (first line under the page's TLP header) hugs the right margin in Arabic, the left in English
    ar_left, ar_right = _ink_box(pages["ar"], 0.085, 0.13)
    en_left, en_right = _ink_box(pages["en"], 0.085, 0.13)
    assert ar_right > 0.85 and ar_left > 0.5, (ar_left, ar_right)
    assert en_left < 0.15 and en_right < 0.5, (en_left, en_right)
